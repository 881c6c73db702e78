'use strict';
// js/ layer: ImageDecoder (WebCodecs "Image Decoding"; its ImageTrackList and ImageTrack are in
// image-track.js). The spec state (closed, complete, tracks, [[pending decode promises]], the
// reset generation) lives here; demuxing and decoding run on the native session's worker thread
// (kind 'image-decoder').
// Invariant: every FrameHandle the session hands over is owned by exactly one VideoFrame or is
// closed here at once (a late answer to an aborted decode) — never left to the GC (docs/ARCHITECTURE.md, "Memory").
//
// Where the spec text and the browsers' tests disagree, this file follows the tests and says so:
//  - decode() before the track list is established waits for it (WPT decodes right after
//    construction; the spec's step 2 would reject, since [[selected index]] starts at -1).
//  - Close ImageDecoder also rejects a still-pending tracks.ready and completed with its
//    exception (WPT: NotSupportedError on tracks.ready; AbortError on completed after close()),
//    and `type` reads '' once closed (WPT "Test ReadableStream of gif").
//  - "valid ImageDecoderInit" step 3.1 reads "IsDetachedBuffer is false"; a detached buffer is
//    what is meant (w3c/webcodecs wording slip).
//  - A type that is a valid MIME type but not image/* throws TypeError as the spec says; WPT's
//    'junk/type' expects NotSupportedError instead (open as w3c/webcodecs#794).

const stream = require('node:stream');
const native = require('./native');
const { NativeSession } = require('./native-session');
const { makeError, typeError, invalidState, dataError, abortError, notReadable, describe } = require('./errors');
const {
  isArrayBuffer, isBufferSource, isDetached, validateTransferList, detach,
  toEnum, toDictionary, toSequence, toDOMString, toUnsignedLong, settleablePromise,
} = require('./webidl');
const { wrapNativeFrame } = require('./video-frame');
const {
  ImageTrackList, ImageTrack, INTERNAL, listInternals, trackInternals, bindDecoder,
} = require('./image-track');

const WHAT = 'ImageDecoder';
const COLOR_SPACE_CONVERSIONS = Object.freeze(['default', 'none']);

// ------------------------------------------------------------------------------------------
// MIME types (RFC 9110 §8.3.1 media-type, as WHATWG mimesniff's "valid MIME type string").

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[\\t \\x21\\x23-\\x5B\\x5D-\\x7E\\x80-\\xFF]|\\\\[\\t \\x21-\\x7E\\x80-\\xFF])*"';
const MIME_RE = new RegExp(`^(${TOKEN})/(${TOKEN})((?:[\\t ]*;[\\t ]*(?:${TOKEN}=(?:${TOKEN}|${QUOTED}))?)*)$`);

/**
 * "valid image MIME type": a valid MIME type string whose type is `image` (ASCII
 * case-insensitive). Returns the lower-case essence ('image/png') or null.
 */
function imageMimeEssence(s) {
  const m = MIME_RE.exec(s);
  if (!m) return null;
  const type = m[1].toLowerCase();
  if (type !== 'image') return null;
  return `${type}/${m[2].toLowerCase()}`;
}

const isReadableStream = (v) => typeof ReadableStream === 'function' && v instanceof ReadableStream;
const bufferOf = (v) => (ArrayBuffer.isView(v) ? v.buffer : v);

// ------------------------------------------------------------------------------------------
// ImageDecoderInit

/**
 * WebIDL conversion of an ImageDecoderInit (members in lexicographic order), then "valid
 * ImageDecoderInit". Returns the clean dictionary or throws TypeError.
 */
function convertInit(input) {
  if (input === undefined || input === null) {
    throw typeError(`${WHAT}: expected an ImageDecoderInit dictionary with type and data, got ${describe(input)}`);
  }
  const d = toDictionary(input, WHAT);
  const out = {};
  out.colorSpaceConversion = d.colorSpaceConversion === undefined ? 'default'
    : toEnum(d.colorSpaceConversion, COLOR_SPACE_CONVERSIONS, WHAT, 'colorSpaceConversion');
  // data: required (BufferSource or ReadableStream).
  const data = d.data;
  if (data === undefined) throw typeError(`${WHAT}: init.data is required (a BufferSource or a ReadableStream)`);
  if (isReadableStream(data)) {
    out.stream = data;
  } else if (isBufferSource(data)) {
    out.buffer = data;
  } else {
    throw typeError(`${WHAT}: expected init.data to be an ArrayBuffer, SharedArrayBuffer, TypedArray, DataView or ReadableStream, got ${describe(data)}`);
  }
  if (d.desiredHeight !== undefined) {
    out.desiredHeight = toUnsignedLong(d.desiredHeight, WHAT, 'desiredHeight');
  }
  if (d.desiredWidth !== undefined) {
    out.desiredWidth = toUnsignedLong(d.desiredWidth, WHAT, 'desiredWidth');
  }
  if (d.preferAnimation !== undefined) out.preferAnimation = Boolean(d.preferAnimation);
  out.transfer = convertTransferSequence(d.transfer);
  if (d.type === undefined) throw typeError(`${WHAT}: init.type is required (an image MIME type such as 'image/png')`);
  out.type = toDOMString(d.type, `${WHAT}: init.type`);

  // Valid ImageDecoderInit.
  // 1. type must be a valid image MIME type.
  out.essence = imageMimeEssence(out.type);
  if (out.essence === null) {
    throw typeError(`${WHAT}: expected init.type to be a valid image MIME type (image/<subtype>), got ${describe(out.type)}`);
  }
  // 2. A ReadableStream must be neither disturbed nor locked.
  if (out.stream) {
    if (out.stream.locked) throw typeError(`${WHAT}: init.data is a locked ReadableStream`);
    if (/** @type {any} */ (stream).isDisturbed(out.stream)) throw typeError(`${WHAT}: init.data is a ReadableStream that has already been read from`);
  }
  // 3. A BufferSource must not be detached, nor empty.
  if (out.buffer) {
    if (isDetached(bufferOf(out.buffer))) throw typeError(`${WHAT}: init.data is a detached buffer`);
    if (out.buffer.byteLength === 0) throw typeError(`${WHAT}: expected non-empty init.data, got 0 bytes`);
  }
  // 4.–5. desiredWidth and desiredHeight come together.
  if ((out.desiredWidth === undefined) !== (out.desiredHeight === undefined)) {
    throw typeError(`${WHAT}: expected desiredWidth and desiredHeight together, got only ${out.desiredWidth === undefined ? 'desiredHeight' : 'desiredWidth'}`);
  }
  return out;
}

/**
 * sequence<ArrayBuffer> conversion of `transfer` (TypeError for a non-sequence or a non-ArrayBuffer
 * element). The DataCloneError checks are constructor steps 2–3, after "valid ImageDecoderInit".
 */
function convertTransferSequence(list) {
  if (list === undefined) return [];
  const arr = toSequence(list, `${WHAT}: init.transfer`);
  arr.forEach((b, i) => {
    if (!isArrayBuffer(b)) throw typeError(`${WHAT}: expected transfer[${i}] to be an ArrayBuffer, got ${describe(b)}`);
  });
  return arr;
}

// Module-private access to ImageDecoder's #private state (set in its static block).
let dispatchEvents;

// ------------------------------------------------------------------------------------------

class ImageDecoder {
  #session = null;
  /** Reset generation: bumped by reset(), track selection and close; passed with every command. */
  #gen = 0;
  // [[closed]]
  #closed = false;
  // [[type]]
  #type = '';
  // [[complete]] and [[completed promise]]
  #complete = false;
  #completed = settleablePromise();
  // [[ImageTrackList]]
  #tracks;
  // [[tracks established]]
  #tracksEstablished = false;
  /** [[pending decode promises]], in call order: {id, resolve, reject, answer: null | {ok, value}}. */
  #pending = [];
  #nextId = 1;
  /** The ReadableStream reader of a streamed source, while the Fetch Stream Data Loop runs. */
  #reader = null;
  /**
   * Bytes of each command pushed and not yet taken by the worker (its 'dequeue' events), in
   * order (0 for commands without data), and their sum: the stream loop reads no further while
   * more than STREAM_IN_FLIGHT bytes wait, so a fast source and a slow decode never hold the
   * data twice (queued copies + [[encoded data]]).
   */
  #inFlight = [];
  #inFlightBytes = 0;
  #drained = null;

  /** ImageDecoder(init) */
  constructor(init) {
    // 1. If init is not a valid ImageDecoderInit, throw a TypeError.
    const cfg = convertInit(init);
    // 2.–3. transfer: no duplicates, nothing detached (DataCloneError).
    const transfer = validateTransferList(cfg.transfer, WHAT);
    // 4.–8. The control message queue and codec work queue are the native session; a new
    //    ImageTrackList with an empty [[track list]] and [[selected index]] -1.
    this.#tracks = new ImageTrackList(INTERNAL, this);
    // 9. [[type]] = init.type.
    this.#type = cfg.type;
    // 10.–16. [[codec implementation]] null, [[prefer animation]], [[pending decode promises]],
    //    [[internal selected track index]] -1, [[tracks established]] false, [[closed]] false.
    //    The session holds this decoder weakly (a forgotten decoder is collected with its thread).
    this.#session = new NativeSession(native, 'image-decoder', this, dispatchEvents);
    this.#session.busy();
    const nativeConfig = { type: cfg.essence, colorSpaceConversion: cfg.colorSpaceConversion };
    if (cfg.desiredWidth !== undefined) {
      nativeConfig.desiredWidth = cfg.desiredWidth;
      nativeConfig.desiredHeight = cfg.desiredHeight;
    }
    if (cfg.preferAnimation !== undefined) nativeConfig.preferAnimation = cfg.preferAnimation;
    if (cfg.stream) {
      // 17.1–17.2 [[encoded data]] is a new list, [[complete]] false.
      // 17.3–17.4 Queue and process "configure the image decoder" (an unsupported type comes
      //    back as a NotSupportedError event that closes the decoder).
      this.#session.configure(this.#gen, nativeConfig);
      // 17.5–17.6 Get a reader and run the Fetch Stream Data Loop.
      this.#reader = cfg.stream.getReader();
      this.#fetchStreamDataLoop(this.#reader).catch((err) => {
        // Only an internal failure (the session refusing a chunk) gets here.
        this.#closeDecoder(makeError('OperationError', `${WHAT}: reading the stream failed: ${err && err.message}`));
      });
    } else {
      // 18.2–18.3 [[encoded data]] = a copy of init.data (the session copies the bytes it is given;
      //    for a SharedArrayBuffer that copy is the snapshot the spec's "copy of" means).
      const b = cfg.buffer;
      const bytes = ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b);
      // 18.6 Queue "configure the image decoder"; 18.7 queue "decode track metadata" (the session
      //    establishes the tracks as soon as it has the bytes).
      this.#session.configure(this.#gen, nativeConfig);
      this.#push({ data: bytes });
      this.#push({ end: true });
      // 18.4–18.5 [[complete]] = true; resolve [[completed promise]].
      this.#complete = true;
      this.#completed.settled = true;
      this.#completed.resolve();
    }
    // 19. Detach every ArrayBuffer in transfer.
    for (const buf of transfer) detach(buf);
  }

  // --- Attributes --------------------------------------------------------------------------

  get type() { return this.#type; }
  get complete() { return this.#complete; }
  get completed() { return this.#completed.promise; }
  get tracks() { return this.#tracks; }

  // --- Methods -----------------------------------------------------------------------------

  /** decode(options): resolves with {image: VideoFrame, complete}; decodes resolve in call order. */
  decode(options) {
    try {
      // WebIDL converts the ImageDecodeOptions argument first (members in lexicographic order);
      // a conversion failure rejects the returned promise. 3. undefined → the defaults.
      const o = toDictionary(options, `${WHAT}.decode`);
      const completeFramesOnly = o.completeFramesOnly === undefined ? true : Boolean(o.completeFramesOnly);
      const frameIndex = o.frameIndex === undefined ? 0
        : toUnsignedLong(o.frameIndex, `${WHAT}.decode`, 'frameIndex');
      // 1. [[closed]] → InvalidStateError.
      if (this.#closed) {
        return Promise.reject(invalidState(`${WHAT}.decode: the decoder is closed`));
      }
      // 2. No selected track → InvalidStateError (once the track list is established; before
      //    that the decode waits for it, as in Chrome and WPT).
      if (this.#tracksEstablished && listInternals.selectedIndex(this.#tracks) === -1) {
        return Promise.reject(invalidState(`${WHAT}.decode: no track is selected (tracks.selectedIndex is -1)`));
      }
      // 4.–5. A new promise, appended to [[pending decode promises]].
      const id = this.#nextId++;
      let entry;
      const promise = new Promise((resolve, reject) => { entry = { id, resolve, reject, answer: null }; });
      // 6.–7. Queue the "decode the image" control message; the worker waits for the tracks and
      //    for enough data, then runs Decode Complete Frame (or answers RangeError/EncodingError).
      this.#push({ decode: { id, frameIndex, completeFramesOnly } });
      this.#pending.push(entry);
      this.#session.busy();
      // 8. Return promise.
      return promise;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** reset(): Reset ImageDecoder with an AbortError. */
  reset() {
    this.#resetDecoder(abortError(`${WHAT}.reset: pending decodes were aborted by reset()`));
  }

  /** close(): Close ImageDecoder with an AbortError. Final. */
  close() {
    this.#closeDecoder(abortError(`${WHAT}.close: pending work was aborted by close()`));
  }

  /** isTypeSupported(type): Promise<boolean>; TypeError for a string that is not a valid image MIME type. */
  static isTypeSupported(type) {
    try {
      if (arguments.length < 1) throw typeError(`${WHAT}.isTypeSupported: expected a MIME type string, got nothing`);
      const s = toDOMString(type, `${WHAT}.isTypeSupported`);
      // 1. Not a valid image MIME type → a promise rejected with TypeError.
      const essence = imageMimeEssence(s);
      if (essence === null) {
        throw typeError(`${WHAT}.isTypeSupported: expected a valid image MIME type (image/<subtype>), got ${describe(s)}`);
      }
      // 2.–4. Resolve (asynchronously) with Check Type Support.
      return new Promise((resolve, reject) => {
        setImmediate(() => {
          try {
            resolve(native.imageTypeSupported(essence) === true);
          } catch (err) {
            reject(err);
          }
        });
      });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  // --- Algorithms --------------------------------------------------------------------------

  /** Reset ImageDecoder (with exception). */
  #resetDecoder(exception) {
    if (this.#closed) return;
    // 1. Signal [[codec implementation]] to abort any active decoding operation. The worker
    //    drops its pending decodes; the configuration and the bytes received stay (answers that
    //    were already on their way are matched by id and released).
    this.#push({ abort: true });
    // 2. Reject every pending decode promise with exception and remove it.
    this.#rejectPending(exception);
  }

  /** Close ImageDecoder (with exception). */
  #closeDecoder(exception) {
    if (this.#closed) return;
    // 1. Run Reset ImageDecoder with exception (the session is closed below, which aborts too).
    this.#rejectPending(exception);
    // 2. [[closed]] = true.
    this.#closed = true;
    this.#gen++;
    // 3. Clear [[codec implementation]] and release its system resources; stop reading the stream.
    this.#session.close();
    if (this.#drained) {
      const resolve = this.#drained;
      this.#drained = null;
      resolve();
    }
    if (this.#reader) {
      const reader = this.#reader;
      this.#reader = null;
      reader.cancel(exception).catch(() => {});
    }
    // 4.–5. Remove all tracks; [[selected index]] = -1. A still-pending tracks.ready and
    //    completed are rejected with exception (Chrome, WPT).
    listInternals.close(this.#tracks, exception);
    if (!this.#completed.settled) {
      this.#completed.settled = true;
      this.#completed.reject(exception);
    }
    // [[type]] reads '' once closed (Chrome; WPT "Test ReadableStream of gif").
    this.#type = '';
  }

  #rejectPending(exception) {
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending) {
      // An answer already received but held back for ordering: its frame is not delivered.
      if (p.answer && p.answer.ok) p.answer.value.image.close();
      p.reject(exception);
    }
  }

  /** Fetch Stream Data Loop: read chunks until the stream ends, errors or the decoder closes. */
  async #fetchStreamDataLoop(reader) {
    for (;;) {
      let result;
      try {
        result = await reader.read();
      } catch (err) {
        // error steps: queue a task to Close ImageDecoder with a NotReadableError.
        if (this.#reader === reader) {
          this.#reader = null;
          const reason = err && err.message ? `: ${err.message}` : '';
          this.#closeDecoder(notReadable(`${WHAT}: the ReadableStream errored${reason}`));
        }
        return;
      }
      // chunk steps 1: if [[closed]], abort.
      if (this.#closed || this.#reader !== reader) return;
      if (result.done) {
        // close steps: [[complete]] = true; resolve [[completed promise]]; tell the worker.
        this.#reader = null;
        this.#complete = true;
        this.#push({ end: true });
        if (!this.#completed.settled) {
          this.#completed.settled = true;
          this.#completed.resolve();
        }
        return;
      }
      const chunk = result.value;
      // chunk steps 2: a chunk that is not a Uint8Array → Close ImageDecoder with a DataError.
      if (!(chunk instanceof Uint8Array)) {
        this.#reader = null;
        reader.cancel().catch(() => {});
        this.#closeDecoder(dataError(`${WHAT}: expected every ReadableStream chunk to be a Uint8Array, got ${describe(chunk)}`));
        return;
      }
      // chunk steps 3.–6: append the bytes to [[encoded data]]; the worker establishes or
      //    updates the tracks (a 'tracks' output when anything changed).
      if (chunk.byteLength > 0) this.#push({ data: chunk });
      // Back-pressure: wait while the worker has not taken the bytes already given to it.
      if (this.#inFlightBytes > STREAM_IN_FLIGHT) {
        await new Promise((resolve) => { this.#drained = resolve; });
        if (this.#closed || this.#reader !== reader) return;
      }
      // 7. Read the next chunk — after a turn of the event loop: a source that always has data
      //    would otherwise resolve read() in microtasks for ever, and the session's events
      //    (tracks, errors, frames) could never be delivered ("in parallel" in the spec).
      await yieldToEventLoop();
    }
  }

  /**
   * Push one command to the session, counting its bytes until the worker takes it.
   * @param {import('./native').ImageDecoderItem} item
   */
  #push(item) {
    this.#session.push(this.#gen, item);
    const n = item.data ? item.data.byteLength : 0;
    this.#inFlight.push(n);
    this.#inFlightBytes += n;
  }

  /** The worker took `count` commands (in push order). */
  #onDequeue(count) {
    for (let i = 0; i < count && this.#inFlight.length > 0; i++) this.#inFlightBytes -= this.#inFlight.shift();
    if (this.#drained && this.#inFlightBytes <= STREAM_IN_FLIGHT) {
      const resolve = this.#drained;
      this.#drained = null;
      resolve();
    }
  }

  /** One batch of native events, in order, on the JS thread. */
  #onEvents(events) {
    if (!Array.isArray(events)) return;
    for (const ev of events) {
      if (!ev) continue;
      if (this.#closed) {
        // No event is delivered after close; a frame handed over anyway is released at once.
        releaseFrame(ev);
        continue;
      }
      switch (ev.type) {
        case 'output':
          this.#onOutput(ev);
          break;
        case 'error':
          // Fatal (data that cannot be parsed, an unsupported type): close with that error. Taken
          // from any generation: the data is the same after a reset, and dropping it would leave
          // tracks.ready pending for ever.
          this.#closeDecoder(makeError(ev.name || 'EncodingError', ev.message || `${WHAT}: decoding failed`));
          break;
        case 'dequeue':
          this.#onDequeue(Number(ev.count) || 0);
          break;
        default:
          // 'flush' means nothing to an ImageDecoder.
          break;
      }
    }
    if (!this.#closed && this.#pending.length === 0 && this.#tracksEstablished) this.#session.idle();
  }

  /** @param {{output: import('./native').ImageDecoderOutput}} ev */
  #onOutput(ev) {
    const out = ev.output;
    if (!out || typeof out !== 'object') return;
    switch (out.kind) {
      case 'tracks':
        // Track state is the data's, not a decode's: taken from any generation.
        this.#onTracks(out);
        break;
      case 'frame': {
        // Answers are matched by decode id: an id no longer pending is a late answer to a decode
        // that reset()/close()/a track change aborted.
        const entry = this.#pending.find((p) => p.id === out.id && !p.answer);
        if (!entry) {
          releaseFrame(ev);
          return;
        }
        let image;
        try {
          image = wrapNativeFrame(out.frame, {
            timestamp: Number.isFinite(out.timestamp) ? out.timestamp : 0,
            duration: Number.isFinite(out.duration) ? out.duration : null,
            rotation: out.rotation || 0,
            flip: out.flip === true,
            // The one native colour writer (bridge/js.rs set_color_space) writes only WebCodecs names.
            colorSpace: out.colorSpace,
          });
        } catch (err) {
          releaseFrame(ev);
          entry.answer = { ok: false, value: err };
          this.#deliverInOrder();
          return;
        }
        // Decode Complete Frame step 11: complete is true (no progressive decoding here).
        entry.answer = { ok: true, value: { image, complete: out.complete !== false } };
        this.#deliverInOrder();
        break;
      }
      case 'decodeError': {
        const entry = this.#pending.find((p) => p.id === out.id && !p.answer);
        if (!entry) return;
        const name = out.name || 'EncodingError';
        const message = out.message || `${WHAT}.decode: decoding failed`;
        if (name === 'EncodingError') {
          // Fatally Reject Bad Data: Close ImageDecoder with an EncodingError (every pending
          // decode, this one included, is rejected with it).
          this.#closeDecoder(makeError(name, message));
          return;
        }
        // Reject Infeasible Decode: RangeError once complete (InvalidStateError otherwise).
        entry.answer = { ok: false, value: makeError(name, message) };
        this.#deliverInOrder();
        break;
      }
      default:
        break;
    }
  }

  /** Resolve Decode / Reject Infeasible Decode, in the order decode() was called. */
  #deliverInOrder() {
    while (this.#pending.length > 0 && this.#pending[0].answer) {
      const p = this.#pending.shift();
      if (p.answer.ok) p.resolve(p.answer.value);
      else p.reject(p.answer.value);
    }
  }

  /** Establish Tracks (first 'tracks' output) or Update Tracks (later ones). */
  #onTracks(out) {
    const infos = Array.isArray(out.tracks) ? out.tracks : [];
    if (!this.#tracksEstablished) {
      if (infos.length === 0) return; // not enough data yet (a zero-track file comes as an error)
      // With every byte already given (a BufferSource), establish from the worker's final answer,
      // as Chrome does: tracks.ready then sees the whole frame count, not a first partial one.
      if (this.#complete && this.#reader === null && out.complete === false) return;
      // Establish Tracks 4.–10.
      const list = infos.map((info) => new ImageTrack(INTERNAL, this, this.#tracks, info));
      const selected = Number.isInteger(out.selectedIndex) && out.selectedIndex >= 0 && out.selectedIndex < list.length
        ? out.selectedIndex : 0;
      this.#tracksEstablished = true;
      trackInternals.setSelected(list[selected], true);
      listInternals.establish(this.#tracks, list, selected);
      return;
    }
    // Update Tracks: frame counts only grow; a loop count or animation flag found later is taken.
    const tracks = listInternals.tracks(this.#tracks);
    for (let i = 0; i < tracks.length && i < infos.length; i++) trackInternals.update(tracks[i], infos[i]);
  }

  static {
    dispatchEvents = (d, events) => d.#onEvents(events);
    bindDecoder({
      closed: (d) => d.#closed,
      selectTrack: (d, index) => {
        // ImageTrack selected setter step 10: Reset ImageDecoder (pending decodes reject with AbortError).
        d.#resetDecoder(abortError(`${WHAT}: pending decodes were aborted by a track selection change`));
        // 11.–12. Queue "update the internal selected track index".
        if (index >= 0 && !d.#closed) d.#session.push(d.#gen, { track: index });
      },
    });
  }
}

/** Bytes of a stream given to the worker and not yet taken before the stream loop waits. */
const STREAM_IN_FLIGHT = 1 << 20;

const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));


/** Close the FrameHandle of a 'frame' output nobody will receive. */
function releaseFrame(ev) {
  if (ev && ev.type === 'output' && ev.output && ev.output.kind === 'frame' && ev.output.frame) {
    try { native.frameClose(ev.output.frame); } catch { /* already closed */ }
  }
}

// WebIDL shape: attributes and operations are enumerable; interfaces without a constructor
// have length 0; Symbol.toStringTag names the interface.
for (const C of [ImageDecoder, ImageTrackList, ImageTrack]) {
  for (const k of Object.getOwnPropertyNames(C.prototype)) {
    if (k === 'constructor') continue;
    Object.defineProperty(C.prototype, k, { ...Object.getOwnPropertyDescriptor(C.prototype, k), enumerable: true });
  }
  Object.defineProperty(C.prototype, Symbol.toStringTag, { value: C.name, configurable: true });
}
Object.defineProperty(ImageDecoder, 'isTypeSupported', { ...Object.getOwnPropertyDescriptor(ImageDecoder, 'isTypeSupported'), enumerable: true });
Object.defineProperty(ImageTrackList, 'length', { value: 0 });
Object.defineProperty(ImageTrack, 'length', { value: 0 });

module.exports = { ImageDecoder, ImageTrackList, ImageTrack, imageMimeEssence };
