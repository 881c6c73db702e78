'use strict';
// js/ layer: the one client of a native codec session, for every kind (VideoEncoder, VideoDecoder,
// AudioEncoder, AudioDecoder through CodecBase, and ImageDecoder). It owns the session handle,
// forwards commands, routes event batches to its owner, and keeps the owner alive only while work
// is pending. Invariant: the callback the native side roots holds nothing but a WeakRef to the
// owner and a module-level dispatch function, so an owner the user forgets is collected like any
// object (its session's finalizer then stops the worker thread).

/** Owners with work in flight: strongly held until their events are delivered (the spec's pending activity). */
const busyOwners = new Set();

/**
 * The function the native session calls with each batch of events. Built here, outside any
 * constructor, so its closure holds exactly `weak` and `dispatch`: a closure made in a
 * constructor shares that constructor's scope, and with it `this` if any other closure there
 * uses `this` — which is how forgotten ImageDecoders were once kept alive for ever.
 */
function eventCallback(weak, dispatch) {
  return (events) => {
    const owner = weak.deref();
    if (owner !== undefined) dispatch(owner, events);
  };
}

/** @typedef {import('./native').SessionKind} SessionKind */

/**
 * @template {SessionKind} K  the kind: its configs and items are typed in js/lib/native.d.ts
 */
class NativeSession {
  /** @type {import('./native').Native} */
  #native;
  /** @type {import('./native').SessionHandle<K>} */
  #handle;
  #owner;
  #closed = false;

  /**
   * @param {import('./native').Native} native  the addon (or a fake with the same session functions)
   * @param {K} kind           'video-encoder' | 'video-decoder' | 'image-decoder' | …
   * @param {object} owner     the codec; held weakly by the native side
   * @param {(owner: object, events: object[]) => void} dispatch  a module-level function (it must not
   *        capture the owner); called on the JS thread with each batch, in order
   */
  constructor(native, kind, owner, dispatch) {
    this.#native = native;
    this.#owner = owner;
    this.#handle = native.sessionCreate(kind, eventCallback(new WeakRef(owner), dispatch));
  }

  get closed() { return this.#closed; }

  /** @param {number} gen @param {import('./native').ConfigOf<K>} config */
  configure(gen, config) { this.#native.sessionConfigure(this.#handle, gen, config); }
  /** @param {number} gen @param {import('./native').ItemOf<K>} item */
  push(gen, item) { this.#native.sessionPush(this.#handle, gen, item); }
  /** @param {number} gen @param {number} id */
  flush(gen, id) { this.#native.sessionFlush(this.#handle, gen, id); }
  /** @param {number} gen */
  reset(gen) { this.#native.sessionReset(this.#handle, gen); }

  /** Stop the worker and free everything now; idempotent. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    this.#native.sessionClose(this.#handle);
    busyOwners.delete(this.#owner);
  }

  /** The owner has work in flight: keep it alive until `idle()`. */
  busy() {
    if (!this.#closed) busyOwners.add(this.#owner);
  }

  /** Nothing is pending any more: the owner may be collected once the user drops it. */
  idle() { busyOwners.delete(this.#owner); }

  /** The native handle (for the kinds' own calls, e.g. frame handles handed back). */
  get handle() { return this.#handle; }
}

module.exports = { NativeSession };
