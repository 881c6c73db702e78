'use strict';
// js/ layer: the WebCodecs codec state machine, once for all four codecs; JS owns state, queue size, flush promises and the generation — native events of an older generation never reach the user.

const { makeError, invalidState, typeError, dataError, abortError, describe } = require('./errors.js');
const { NativeSession } = require('./native-session.js');

/** Report an exception thrown by user code the way Node reports one from an EventTarget listener. */
function reportException(err) {
  process.nextTick(() => { throw err; });
}

const isAbortError = (e) => e instanceof DOMException && e.name === 'AbortError';

/**
 * Base class of VideoEncoder, VideoDecoder, AudioEncoder and AudioDecoder.
 *
 * A subclass passes its kind in the constructor's `spec` and, after validating its arguments,
 * calls the module functions below — not methods, so user code cannot reach them by accident:
 *   configureCodec(codec, nativeConfig)     configure() steps after validation
 *   enqueueWork(codec, item, { isKey })     encode()/decode() steps after validation
 *   queueSize(codec)                        [[encodeQueueSize]] / [[decodeQueueSize]]
 * and may give two hooks in `spec`:
 *   wrapOutput(codec, payload) → the argument list of the output callback
 *   onReset(codec, exception)  clear codec-specific state on reset/close
 *
 * The native worker is the executor of the control message queue: every command is forwarded at
 * once, in order, tagged with the current generation; reset() and close() start a new generation.
 */
let configureCodec;
let enqueueWork;
let queueSize;
let dispatchEvents;

class CodecBase extends EventTarget {
  /** @type {NativeSession} */
  #session;
  #name;
  #wrapOutput;
  #onReset;
  #discardOutput;
  #workMethod;
  #requiresKeyChunk;

  #outputCallback;
  #errorCallback;

  #state = 'unconfigured';
  /** Why the codec closed, for later calls' InvalidStateError ('' until closed). */
  #closedBy = '';
  #keyChunkRequired = true;
  #queueSize = 0;
  #gen = 0;
  #nextFlushId = 1;
  /** @type {Map<number, {resolve: Function, reject: Function}>} [[pending flush promises]], in call order. */
  #pendingFlushes = new Map();
  #dequeueEventScheduled = false;

  #ondequeue = null;
  #dequeueListener = null;

  /**
   * @param {object} init  the user's {output, error} dictionary
   * @param {object} spec
   *   native            the addon (or a fake): sessionCreate/Configure/Push/Flush/Reset/Close
   *   kind              'video-encoder' | 'video-decoder' | 'audio-encoder' | 'audio-decoder'
   *   name              the interface name used in messages ('VideoEncoder' …)
   *   requiresKeyChunk  decoders: a delta chunk while a key chunk is required throws DataError
   *   workMethod        the public name of the work method for messages (default 'decode' when
   *                     requiresKeyChunk, else 'encode')
   *   wrapOutput        (codec, payload) → argument list of the output callback (default [payload])
   *   onReset           (codec, exception) → clear codec-specific state during Reset
   *   discardOutput     (payload) → release the native parts of an output nobody will receive
   *                     (after close()/reset(), or when wrapping it failed) at once, not at GC
   */
  constructor(init, spec) {
    const { native, kind, name: interfaceName } = spec;
    super();
    this.#name = String(interfaceName);
    // WebIDL dictionary conversion: undefined/null is an empty dictionary; other non-objects fail.
    if (init !== undefined && init !== null && typeof init !== 'object' && typeof init !== 'function') {
      throw typeError(`${this.#name}: init must be an object with output and error functions, got ${describe(init)}`);
    }
    // Dictionary members are read in lexicographic order: error, then output.
    const error = init == null ? undefined : init.error;
    const output = init == null ? undefined : init.output;
    if (typeof error !== 'function') {
      throw typeError(`${this.#name}: init.error must be a function, got ${describe(error)}`);
    }
    if (typeof output !== 'function') {
      throw typeError(`${this.#name}: init.output must be a function, got ${describe(output)}`);
    }
    this.#requiresKeyChunk = spec.requiresKeyChunk === true;
    this.#workMethod = spec.workMethod || (this.#requiresKeyChunk ? 'decode' : 'encode');
    this.#wrapOutput = typeof spec.wrapOutput === 'function' ? spec.wrapOutput : (_codec, payload) => [payload];
    this.#onReset = typeof spec.onReset === 'function' ? spec.onReset : () => {};
    this.#discardOutput = typeof spec.discardOutput === 'function' ? spec.discardOutput : () => {};
    // constructor steps 7–8: assign init.output / init.error to [[output callback]] / [[error callback]].
    this.#outputCallback = output;
    this.#errorCallback = error;
    // constructor steps 2–5: the control message queue and codec work queue live in the native
    // session, which holds this codec weakly: an unreferenced codec with no pending work can be
    // collected (its session box's finalizer then stops the worker); while work is pending the
    // session keeps it alive (the spec's "pending activity").
    this.#session = new NativeSession(native, kind, this, dispatchEvents);
  }

  /** Mark the codec busy (strongly held) until an event batch finds it idle. */
  #markBusy() { this.#session.busy(); }
  #markIdleIfDone() {
    if (this.#queueSize === 0 && this.#pendingFlushes.size === 0) this.#session.idle();
  }

  // ---------------------------------------------------------------- attributes

  /** The CodecState: 'unconfigured' | 'configured' | 'closed'. */
  get state() { return this.#state; }

  /** EventHandler IDL attribute for 'dequeue'. */
  get ondequeue() { return this.#ondequeue; }
  set ondequeue(handler) {
    // [LegacyTreatNonObjectAsNull]: anything but a callable object deactivates the handler.
    const value = typeof handler === 'function' ? handler : null;
    this.#ondequeue = value;
    if (value === null) {
      // Deactivate: remove the event listener.
      if (this.#dequeueListener) {
        super.removeEventListener('dequeue', this.#dequeueListener);
        this.#dequeueListener = null;
      }
    } else if (!this.#dequeueListener) {
      // Activate: the listener is added once and keeps its place while the handler changes.
      this.#dequeueListener = (event) => {
        const h = this.#ondequeue;
        if (typeof h === 'function') h.call(this, event);
      };
      super.addEventListener('dequeue', this.#dequeueListener);
    }
  }

  // ---------------------------------------------------------------- public methods

  /** flush(): resolves once every earlier item's outputs have been emitted. */
  flush() {
    // flush() step 1: if [[state]] is not "configured", return a promise rejected with InvalidStateError.
    if (this.#state !== 'configured') {
      return Promise.reject(invalidState(`${this.#name}.flush: expected a configured codec, but the codec is ${this.#stateText()}`));
    }
    const id = this.#nextFlushId++;
    // flush() step 5: queue a control message to flush the codec with promise (the worker runs it in order).
    try {
      this.#session.flush(this.#gen, id);
      this.#markBusy();
    } catch (err) {
      return Promise.reject(err);
    }
    // flush() step 2 (decoders): set [[key chunk required]] to true.
    this.#keyChunkRequired = true;
    // flush() steps 3–4: let promise be a new Promise; append it to [[pending flush promises]].
    const promise = new Promise((resolve, reject) => {
      this.#pendingFlushes.set(id, { resolve, reject });
    });
    // flush() step 7: return promise.
    return promise;
  }

  /** reset(): run the Reset algorithm with an AbortError. */
  reset() {
    this.#resetCodec(abortError(`${this.#name}.reset: pending work was aborted by reset()`), 'reset');
    // Reset step 3 (decoders) / 5 (encoders): signal [[codec implementation]] to cease producing
    // output for the previous configuration — the worker starts the new generation.
    this.#session.reset(this.#gen);
  }

  /** close(): run the Close algorithm with an AbortError. */
  close() {
    this.#closeCodec(abortError(`${this.#name}.close: pending work was aborted by close()`), 'close');
  }

  // ---------------------------------------------------------------- subclass steps (via configureCodec/enqueueWork)

  /**
   * configure() steps 2–6, after the subclass validated the config (step 1, TypeError).
   * @param {object} nativeConfig validated plain object for native.sessionConfigure
   */
  #configure(nativeConfig) {
    // configure() step 2: if [[state]] is "closed", throw an InvalidStateError.
    if (this.#state === 'closed') {
      throw invalidState(`${this.#name}.configure: the codec is ${this.#stateText()}`);
    }
    // configure() steps 5–6: queue a control message to configure the codec with config.
    this.#session.configure(this.#gen, nativeConfig);
    this.#markBusy();
    // configure() step 3: set [[state]] to "configured".
    this.#state = 'configured';
    // configure() step 4 (decoders): set [[key chunk required]] to true.
    this.#keyChunkRequired = true;
  }

  /**
   * encode()/decode() steps after the subclass validated (and cloned) the input.
   * @param {object} item kind-specific work item for native.sessionPush
   * @param {{isKey?: boolean}} [opts] whether the item is a key chunk (decoders)
   * If this throws, nothing was forwarded: the caller still owns item (close its frame clone).
   */
  #enqueueWork(item, opts) {
    const method = `${this.#name}.${this.#workMethod}`;
    // encode() step 2 / decode() step 1: if [[state]] is not "configured", throw an InvalidStateError.
    // (encode() step 1, a detached input → TypeError, is the subclass's.)
    if (this.#state !== 'configured') {
      throw invalidState(`${method}: expected a configured codec, but the codec is ${this.#stateText()}`);
    }
    // decode() step 2: if [[key chunk required]] is true and the chunk is not a key chunk, throw a DataError.
    const isKey = !!(opts && opts.isKey);
    if (this.#requiresKeyChunk && this.#keyChunkRequired && !isKey) {
      throw dataError(`${method}: expected a key chunk (the first chunk after configure() or flush() must be a key chunk), got a delta chunk`);
    }
    // encode() steps 5–6 / decode() steps 4–5: queue a control message to encode/decode the item and
    // process the queue (the worker runs it in order; its Dequeued event is step 3 of running it).
    this.#session.push(this.#gen, item);
    this.#markBusy();
    // decode() step 2.3: otherwise, assign false to [[key chunk required]].
    if (this.#requiresKeyChunk && isKey) this.#keyChunkRequired = false;
    // encode() step 4 / decode() step 3: increment [[encodeQueueSize]] / [[decodeQueueSize]].
    this.#queueSize++;
  }

  // ---------------------------------------------------------------- algorithms

  /** Reset (with exception): steps shared by reset(), close() and errors. */
  #resetCodec(exception, method) {
    // Reset step 1: if [[state]] is "closed", throw an InvalidStateError.
    if (this.#state === 'closed') {
      throw invalidState(`${this.#name}.${method}: the codec is ${this.#stateText()}`);
    }
    // Reset step 2: set [[state]] to "unconfigured".
    this.#state = 'unconfigured';
    // Reset steps 3–4 (encoders): set [[active encoder config]] and [[active output config]] to null;
    // codec-specific state lives in the subclass.
    this.#keyChunkRequired = true;
    this.#onReset(this, exception);
    // Reset step 4 (decoders) / 6 (encoders): remove all control messages from the control message
    // queue — a new generation; the worker drops older commands and js/ drops older events.
    this.#gen++;
    // Reset step 5 (decoders) / 7 (encoders): if the queue size is greater than zero, set it to zero
    // and run Schedule Dequeue Event.
    if (this.#queueSize > 0) {
      this.#queueSize = 0;
      this.#scheduleDequeueEvent();
    }
    // Reset step 6 (decoders) / 8 (encoders): for each promise in [[pending flush promises]], reject
    // it with exception and remove it.
    const pending = [...this.#pendingFlushes.values()];
    this.#pendingFlushes.clear();
    for (const p of pending) p.reject(exception);
  }

  /** Close (with exception). */
  #closeCodec(exception, method) {
    // Close step 1: run the Reset algorithm with exception.
    this.#resetCodec(exception, method);
    // Close step 2: set [[state]] to "closed".
    this.#state = 'closed';
    this.#closedBy = isAbortError(exception)
      ? `by ${method}()`
      : `by an error (${exception.name}: ${exception.message}); a closed codec stays closed, so create a new ${this.#name}`;
    // Close step 3: clear [[codec implementation]] and release associated system resources.
    this.#session.close();
    // Close step 4: if exception is not an AbortError DOMException, invoke [[error callback]] with it.
    if (!isAbortError(exception)) {
      const cb = this.#errorCallback;
      try {
        cb(exception);
      } catch (err) {
        reportException(err);
      }
    }
  }

  /** The state for an InvalidStateError's message: a closed codec says what closed it. */
  #stateText() {
    return this.#state === 'closed' ? `closed ${this.#closedBy}` : this.#state;
  }

  #discard(payload) {
    try {
      this.#discardOutput(payload);
    } catch { /* already released */ }
  }

  /** Schedule Dequeue Event. */
  #scheduleDequeueEvent() {
    // step 1: if [[dequeue event scheduled]] is true, return.
    if (this.#dequeueEventScheduled) return;
    // step 2: assign true to [[dequeue event scheduled]].
    this.#dequeueEventScheduled = true;
    // step 3: queue a task to fire a simple event named dequeue, then assign false to the flag.
    setImmediate(() => {
      // Cleared first so a listener that makes the queue shrink again gets a new event.
      this.#dequeueEventScheduled = false;
      this.dispatchEvent(new Event('dequeue'));
    });
  }

  /** One batch of native events, in order, on the JS thread. Never throws. */
  #onEvents(events) {
    if (!Array.isArray(events)) return;
    try {
      this.#deliverEvents(events);
    } finally {
      this.#markIdleIfDone();
    }
  }

  #deliverEvents(events) {
    for (const ev of events) {
      // Closed: no event is delivered; an event that closed the codec drops the rest of the batch.
      // Events of an older generation (before reset()/close()) are dropped. Dropped outputs
      // release their native parts now.
      if (!ev) continue;
      if (this.#state === 'closed' || ev.gen !== this.#gen) {
        if (ev.type === 'output') this.#discard(ev.output);
        continue;
      }
      switch (ev.type) {
        case 'dequeue': {
          // Running an encode/decode control message step 3: decrement the queue size and run
          // Schedule Dequeue Event.
          const n = Number.isInteger(ev.count) && ev.count > 0 ? ev.count : 1;
          this.#queueSize = Math.max(0, this.#queueSize - n);
          this.#scheduleDequeueEvent();
          break;
        }
        case 'output': {
          // Output algorithm: invoke [[output callback]] with the wrapped output. A throwing callback
          // is reported and changes nothing.
          const cb = this.#outputCallback;
          let args;
          try {
            args = this.#wrapOutput(this, ev.output);
          } catch (err) {
            this.#discard(ev.output);
            reportException(err);
            break;
          }
          try {
            cb(...args);
          } catch (err) {
            reportException(err);
          }
          break;
        }
        case 'flush': {
          // Running a flush control message step 1.3: remove promise from [[pending flush promises]]
          // and resolve it.
          const p = this.#pendingFlushes.get(ev.id);
          if (p) {
            this.#pendingFlushes.delete(ev.id);
            // Resolved in a task queued after any dequeue event already scheduled (setImmediate is
            // FIFO), as the spec's task order has it.
            setImmediate(() => p.resolve(undefined));
          }
          break;
        }
        case 'error': {
          // The worker failed (NotSupportedError for a config, EncodingError for work): queue a task
          // to run the Close algorithm with that exception.
          const exception = makeError(ev.name, ev.message);
          this.#closeCodec(exception, 'error');
          break;
        }
        default:
          break;
      }
    }
  }

  static {
    configureCodec = (codec, nativeConfig) => codec.#configure(nativeConfig);
    enqueueWork = (codec, item, opts) => codec.#enqueueWork(item, opts);
    queueSize = (codec) => codec.#queueSize;
    dispatchEvents = (codec, events) => codec.#onEvents(events);
  }
}

module.exports = { CodecBase, configureCodec, enqueueWork, queueSize };
