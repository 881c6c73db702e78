'use strict';
// js/ layer: AudioData (WebCodecs §9.2). An AudioData is a native sample handle (the samples, in
// the native media-buffer pool, shared by clones and freed by the last close) plus its attributes.
// Invariant (docs/ARCHITECTURE.md, "Memory"): close() releases the native reference at once; the handle's own
// finalizer is only the safety net for AudioData users forget to close.

const native = require('./native');
const { typeError, rangeError, invalidState, describe } = require('./errors');
const {
  isBufferSource, toUint8Array, validateTransferList, detach,
  toLongLong, toEnum, toDictionary, toNumber, toUnsignedLong,
} = require('./webidl');
const mediaToken = require('./media-token');
require('./unclosed-warning'); // the once-per-process warning for collected, unclosed media

const WHAT = 'AudioData';
const AUDIO_SAMPLE_FORMATS = Object.freeze(['u8', 's16', 's32', 'f32', 'u8-planar', 's16-planar', 's32-planar', 'f32-planar']);
const BYTES = { u8: 1, s16: 2, s32: 4, f32: 4 };
const bytesPerSample = (format) => BYTES[format.replace('-planar', '')];
const isPlanar = (format) => format.endsWith('-planar');

/** Passed as the first constructor argument by wrapNativeAudio()/clone(): never reachable by users. */
const INTERNAL = Symbol('AudioData internal');

let getHandle;
let brand;


class AudioData {
  // [[resource reference]]: the native handle, null once closed ([[Detached]]).
  #handle = null;
  // postMessage()/structuredClone() of an AudioData throw DataCloneError where Node.js lets us say
  // so (Node.js ≥ 22.10); serializeAudioData() is the supported way across threads.
  #uncloneable = mediaToken.markUncloneable(this);
  #format = null;
  #sampleRate = 0;
  #numberOfFrames = 0;
  #numberOfChannels = 0;
  #timestamp = 0;

  /** AudioData(init) */
  constructor(init, internal) {
    if (init === INTERNAL) {
      this.#handle = internal.handle;
      this.#format = internal.format;
      this.#sampleRate = internal.sampleRate;
      this.#numberOfFrames = internal.numberOfFrames;
      this.#numberOfChannels = internal.numberOfChannels;
      this.#timestamp = internal.timestamp;
      return;
    }
    if (arguments.length < 1) throw typeError(`${WHAT}: expected an AudioDataInit, got nothing`);
    if (init === null || typeof init !== 'object') throw typeError(`${WHAT}: expected an AudioDataInit object, got ${describe(init)}`);
    // WebIDL dictionary conversion, members in lexicographic order; all but transfer are required.
    const d = toDictionary(init, WHAT);
    if (d.data === undefined) throw typeError(`${WHAT}: expected a data BufferSource, got undefined`);
    if (!isBufferSource(d.data)) throw typeError(`${WHAT}: expected data to be an ArrayBuffer, SharedArrayBuffer, TypedArray or DataView, got ${describe(d.data)}`);
    if (d.format === undefined) throw typeError(`${WHAT}: expected a format, got undefined`);
    const format = toEnum(d.format, AUDIO_SAMPLE_FORMATS, WHAT, 'format');
    if (d.numberOfChannels === undefined) throw typeError(`${WHAT}: expected numberOfChannels, got undefined`);
    const numberOfChannels = toUnsignedLong(d.numberOfChannels, WHAT, 'numberOfChannels');
    if (d.numberOfFrames === undefined) throw typeError(`${WHAT}: expected numberOfFrames, got undefined`);
    const numberOfFrames = toUnsignedLong(d.numberOfFrames, WHAT, 'numberOfFrames');
    if (d.sampleRate === undefined) throw typeError(`${WHAT}: expected a sampleRate, got undefined`);
    const sampleRate = Math.fround(toNumber(d.sampleRate, `${WHAT}: expected a finite sampleRate`));
    if (!Number.isFinite(sampleRate)) throw typeError(`${WHAT}: expected a finite sampleRate, got ${describe(d.sampleRate)}`);
    if (d.timestamp === undefined) throw typeError(`${WHAT}: expected an integer timestamp (microseconds), got undefined`);
    const timestamp = toLongLong(d.timestamp, WHAT, 'timestamp');
    const transfer = validateTransferList(d.transfer, WHAT);

    // step 1: if init is not a valid AudioDataInit, throw a TypeError.
    if (!(sampleRate > 0)) throw typeError(`${WHAT}: expected a sampleRate above 0, got ${sampleRate}`);
    if (numberOfFrames === 0) throw typeError(`${WHAT}: expected numberOfFrames of at least 1, got 0`);
    if (numberOfChannels === 0) throw typeError(`${WHAT}: expected numberOfChannels of at least 1, got 0`);
    const view = toUint8Array(d.data, `${WHAT}: data`);
    const need = numberOfFrames * numberOfChannels * bytesPerSample(format);
    if (view.byteLength < need) {
      throw typeError(`${WHAT}: expected data of at least ${need} bytes (${numberOfFrames} frames × ${numberOfChannels} channels × ${bytesPerSample(format)} bytes of ${format}), got ${view.byteLength}`);
    }
    // steps 2–3 (transfer list duplicates / detached → DataCloneError) were checked above.
    // steps 4–9: the resource: a copy of data in native memory (sizes checked natively before
    // anything is allocated; limits beyond this implementation's are NotSupportedError).
    this.#handle = native.audioCreate(format, sampleRate, numberOfChannels, numberOfFrames, view);
    this.#format = format;
    this.#sampleRate = sampleRate;
    this.#numberOfFrames = numberOfFrames;
    this.#numberOfChannels = numberOfChannels;
    this.#timestamp = timestamp;
    // step 10: detach every ArrayBuffer in transfer.
    for (const buf of transfer) detach(buf);
  }

  get format() { return this.#format; }
  get sampleRate() { return this.#sampleRate; }
  get numberOfFrames() { return this.#numberOfFrames; }
  get numberOfChannels() { return this.#numberOfChannels; }
  get timestamp() { return this.#timestamp; }
  /** duration: [[number of frames]] / [[sample rate]] × 1 000 000, as an unsigned long long. */
  get duration() {
    if (this.#handle === null || this.#sampleRate === 0) return 0;
    return Math.trunc(this.#numberOfFrames / this.#sampleRate * 1_000_000);
  }

  /** Compute Copy Element Count. */
  #copyElementCount(opts, where) {
    const destFormat = opts.format === undefined ? this.#format : opts.format;
    // step 2: interleaved destination and planeIndex > 0 → RangeError.
    if (!isPlanar(destFormat) && opts.planeIndex > 0) {
      throw rangeError(`${where}: expected planeIndex 0 for the interleaved format ${destFormat}, got ${opts.planeIndex}`);
    }
    // step 3: planar destination and planeIndex ≥ channels → RangeError.
    if (isPlanar(destFormat) && opts.planeIndex >= this.#numberOfChannels) {
      throw rangeError(`${where}: expected a planeIndex below ${this.#numberOfChannels} (the number of channels), got ${opts.planeIndex}`);
    }
    // step 4: every conversion is supported (any format to any format).
    // steps 5–6: frameOffset inside the plane.
    const frameCount = this.#numberOfFrames;
    if (opts.frameOffset >= frameCount) {
      throw rangeError(`${where}: expected a frameOffset below ${frameCount}, got ${opts.frameOffset}`);
    }
    // steps 7–8.
    let copyFrameCount = frameCount - opts.frameOffset;
    if (opts.frameCount !== undefined) {
      if (opts.frameCount > copyFrameCount) throw rangeError(`${where}: expected a frameCount of at most ${copyFrameCount}, got ${opts.frameCount}`);
      copyFrameCount = opts.frameCount;
    }
    // steps 9–11.
    const elements = isPlanar(destFormat) ? copyFrameCount : copyFrameCount * this.#numberOfChannels;
    return { elements, destFormat };
  }

  /** allocationSize(options) */
  allocationSize(options) {
    const opts = copyToOptions(options, `${WHAT}.allocationSize`);
    // step 1: detached → InvalidStateError.
    if (this.#handle === null) throw invalidState(`${WHAT}.allocationSize: the AudioData is closed`);
    // steps 2–5.
    const { elements, destFormat } = this.#copyElementCount(opts, `${WHAT}.allocationSize`);
    return elements * bytesPerSample(destFormat);
  }

  /** copyTo(destination, options) */
  copyTo(destination, options) {
    if (arguments.length < 2) throw typeError(`${WHAT}.copyTo: expected a destination and AudioDataCopyToOptions, got ${arguments.length} argument(s)`);
    const dest = toUint8Array(destination, `${WHAT}.copyTo: destination`);
    const opts = copyToOptions(options, `${WHAT}.copyTo`);
    // step 1: detached → InvalidStateError.
    if (this.#handle === null) throw invalidState(`${WHAT}.copyTo: the AudioData is closed`);
    // steps 2–5: element count, destination format, size check (RangeError).
    const { elements, destFormat } = this.#copyElementCount(opts, `${WHAT}.copyTo`);
    const bytes = elements * bytesPerSample(destFormat);
    if (bytes > dest.byteLength) throw rangeError(`${WHAT}.copyTo: expected a destination of at least ${bytes} bytes, got ${dest.byteLength}`);
    // steps 6–8: copy, converting to destFormat (native, bounds-checked again).
    native.audioCopyTo(this.#handle, dest, opts.planeIndex, opts.frameOffset, opts.frameCount === undefined ? -1 : opts.frameCount, destFormat);
  }

  /** clone() */
  clone() {
    if (this.#handle === null) throw invalidState(`${WHAT}.clone: the AudioData is closed`);
    return new AudioData(INTERNAL, {
      handle: native.audioClone(this.#handle), format: this.#format, sampleRate: this.#sampleRate,
      numberOfFrames: this.#numberOfFrames, numberOfChannels: this.#numberOfChannels, timestamp: this.#timestamp,
    });
  }

  /** close(): Close AudioData — release the samples now. */
  close() {
    if (this.#handle !== null) native.audioClose(this.#handle);
    this.#handle = null;
    this.#format = null;
    this.#sampleRate = 0;
    this.#numberOfFrames = 0;
    this.#numberOfChannels = 0;
  }

  get [Symbol.toStringTag]() { return WHAT; }

  [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
    const fields = { format: this.#format, sampleRate: this.#sampleRate, numberOfFrames: this.#numberOfFrames, numberOfChannels: this.#numberOfChannels, timestamp: this.#timestamp, duration: this.duration };
    return `AudioData ${inspect(fields, options)}`;
  }

  static {
    getHandle = (a) => a.#handle;
    brand = (v) => v !== null && typeof v === 'object' && #handle in v;
  }
}
Object.defineProperty(AudioData, 'length', { value: 1 });
for (const k of ['format', 'sampleRate', 'numberOfFrames', 'numberOfChannels', 'duration', 'timestamp']) {
  Object.defineProperty(AudioData.prototype, k, { ...Object.getOwnPropertyDescriptor(AudioData.prototype, k), enumerable: true });
}

/** WebIDL AudioDataCopyToOptions (members in lexicographic order; planeIndex required). */
function copyToOptions(options, where) {
  if (options === undefined || options === null) throw typeError(`${where}: expected AudioDataCopyToOptions with a planeIndex, got ${describe(options)}`);
  const o = toDictionary(options, where);
  const out = {};
  out.format = o.format === undefined ? undefined : toEnum(o.format, AUDIO_SAMPLE_FORMATS, where, 'format');
  out.frameCount = o.frameCount === undefined ? undefined : toUnsignedLong(o.frameCount, where, 'frameCount');
  out.frameOffset = o.frameOffset === undefined ? 0 : toUnsignedLong(o.frameOffset, where, 'frameOffset');
  if (o.planeIndex === undefined) throw typeError(`${where}: expected a planeIndex, got undefined`);
  out.planeIndex = toUnsignedLong(o.planeIndex, where, 'planeIndex');
  return out;
}

/** Internal, for decoders: an AudioData owning a new native handle. */
function wrapNativeAudio(handle, meta) {
  return new AudioData(INTERNAL, { handle, ...meta });
}

/** Internal, for encoders: the native handle of an open AudioData (TypeError if closed or not one). */
function audioHandle(data) {
  if (!brand(data)) throw typeError(`expected an AudioData, got ${describe(data)}`);
  const h = getHandle(data);
  if (h === null) throw typeError('expected an open AudioData, got a closed one');
  return h;
}

const isAudioData = (v) => brand(v);

// --- Handing AudioData to other threads (the mechanism, shared with VideoFrame: media-token.js) ---

const TOKEN_TYPE = 'native-webcodecs:AudioData';

/**
 * serializeAudioData(data, {transfer = false, timeout = 60000}) → a token to postMessage to another
 * thread of this process, where deserializeAudioData(token) gives an AudioData over the same
 * samples (no copy). transfer: true closes `data` (the spec's transfer steps); otherwise it stays
 * open (serialization steps). timeout (ms, up to one hour): the token is void after it.
 */
function serializeAudioData(data, options) {
  const where = 'serializeAudioData';
  if (!brand(data)) throw typeError(`${where}: expected an AudioData, got ${describe(data)}`);
  const { transfer, timeout } = mediaToken.tokenOptions(options, where);
  // Serialization / transfer steps 1: a detached AudioData cannot be serialized: DataCloneError.
  // Steps 2–3: a new reference to the resource (parked natively under a random id).
  const id = mediaToken.deposit(getHandle(data), timeout, where, WHAT);
  // Step 4: every other slot (format, sample rate, frames, channels come from the samples themselves).
  const token = { type: TOKEN_TYPE, id, timestamp: data.timestamp };
  // Transfer steps 3: close the source.
  if (transfer) data.close();
  return token;
}

/** deserializeAudioData(token): the AudioData a serializeAudioData() token stands for (once). */
function deserializeAudioData(token) {
  const handle = mediaToken.redeem(token, TOKEN_TYPE, 'audio', 'deserializeAudioData', 'serializeAudioData');
  // Deserialization steps: the resource's own shape; the timestamp from the token.
  const info = native.audioInfo(handle);
  const timestamp = typeof token.timestamp === 'number' && Number.isFinite(token.timestamp) ? token.timestamp : 0;
  return new AudioData(INTERNAL, {
    handle, format: info.format, sampleRate: info.sampleRate, numberOfFrames: info.numberOfFrames,
    numberOfChannels: info.numberOfChannels, timestamp,
  });
}

module.exports = { AudioData, wrapNativeAudio, audioHandle, isAudioData, serializeAudioData, deserializeAudioData, AUDIO_SAMPLE_FORMATS };
