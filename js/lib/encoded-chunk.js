'use strict';
// js/ layer: the one implementation of EncodedVideoChunk and EncodedAudioChunk (WebCodecs §8.1,
// §8.2): the same init validation, storage, copyTo and transfer for both, made by
// defineEncodedChunk(name). A chunk is immutable and owns its bytes in a JS ArrayBuffer
// (docs/ARCHITECTURE.md, "Memory": encoded bytes are copied once into JS memory and native packets are dropped at
// once). Encoders wrap their output with wrapChunkBytes() (adopts the ArrayBuffer, no copy);
// decoders read the bytes with chunkBytes() (a view, no copy).

const { typeError, describe } = require('./errors');
const {
  isBufferSource, toUint8Array, underlyingBuffer, validateTransferList, detach, adopt, isArrayBuffer,
  toLongLong, toUnsignedLongLong, toEnum, toDictionary,
} = require('./webidl');

const ENCODED_CHUNK_TYPES = Object.freeze(['key', 'delta']);

/**
 * Define one encoded-chunk interface named `WHAT` ('EncodedVideoChunk' | 'EncodedAudioChunk').
 * Returns { Class, wrapChunkBytes, chunkBytes, isChunk }; each class has its own brand.
 */
function defineEncodedChunk(WHAT) {
  const INTERNAL = Symbol(`${WHAT} internal`);
  let readBytes;
  let brand;

  const Class = ({ [WHAT]: class {
    /** [[internal data]]: a Uint8Array this chunk alone references. */
    #data;
    #type;
    #timestamp;
    #duration;

    /** constructor(init) */
    constructor(init, internal) {
      if (init === INTERNAL) {
        // wrapChunkBytes(): already validated by the encoder.
        this.#data = internal.data;
        this.#type = internal.type;
        this.#timestamp = internal.timestamp;
        this.#duration = internal.duration;
        return;
      }
      if (arguments.length < 1) throw typeError(`${WHAT}: expected an ${WHAT}Init, got nothing`);
      if (init === null || typeof init !== 'object') {
        throw typeError(`${WHAT}: expected an ${WHAT}Init object, got ${describe(init)}`);
      }
      const d = toDictionary(init, WHAT);
      // WebIDL dictionary conversion (lexicographic order), required members first checked.
      if (d.data === undefined) throw typeError(`${WHAT}: expected a data BufferSource, got undefined`);
      if (!isBufferSource(d.data)) {
        throw typeError(`${WHAT}: expected data to be an ArrayBuffer, TypedArray or DataView, got ${describe(d.data)}`);
      }
      const duration = d.duration === undefined ? null : toUnsignedLongLong(d.duration, WHAT, 'duration');
      if (d.timestamp === undefined) throw typeError(`${WHAT}: expected an integer timestamp (microseconds), got undefined`);
      const timestamp = toLongLong(d.timestamp, WHAT, 'timestamp');
      const transfer = validateTransferList(d.transfer, WHAT);
      if (d.type === undefined) throw typeError(`${WHAT}: expected type to be 'key' or 'delta', got undefined`);
      const type = toEnum(d.type, ENCODED_CHUNK_TYPES, WHAT, 'type');

      // 1.–2. Transfer-list checks (duplicates, detached) were done by validateTransferList.
      // 3.1–3.4 type, timestamp, duration, byte length.
      this.#type = type;
      this.#timestamp = timestamp;
      this.#duration = duration;
      const view = toUint8Array(d.data, `${WHAT}: data`);
      const buffer = underlyingBuffer(d.data);
      if (isArrayBuffer(buffer) && transfer.includes(buffer)) {
        // 3.5 transfer contains the ArrayBuffer referenced by data: we MAY reference it
        // instead of copying. Take it over (a transfer, no copy), which also detaches it.
        const { byteOffset, byteLength } = view;
        const owned = adopt(buffer);
        this.#data = new Uint8Array(owned, byteOffset, byteLength);
      } else {
        // 3.6 Otherwise assign a copy of data to [[internal data]].
        this.#data = view.slice();
      }
      // 4. Detach every (other) ArrayBuffer in transfer.
      for (const buf of transfer) detach(buf);
      // 5. Return chunk.
    }

    get type() { return this.#type; }
    get timestamp() { return this.#timestamp; }
    get duration() { return this.#duration; }
    get byteLength() { return this.#data.byteLength; }

    /** copyTo(destination) */
    copyTo(destination) {
      if (arguments.length < 1) throw typeError(`${WHAT}.copyTo: expected a destination BufferSource, got nothing`);
      const dest = toUint8Array(destination, `${WHAT}.copyTo: destination`);
      // 1. If [[byte length]] is greater than destination's byte length, throw a TypeError.
      if (this.#data.byteLength > dest.byteLength) {
        throw typeError(`${WHAT}.copyTo: expected a destination of at least ${this.#data.byteLength} bytes, ` +
          `got ${dest.byteLength}`);
      }
      // 2. Copy [[internal data]] into destination.
      dest.set(this.#data);
    }

    get [Symbol.toStringTag]() { return WHAT; }

    [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
      const fields = { type: this.#type, timestamp: this.#timestamp, duration: this.#duration, byteLength: this.byteLength };
      return `${WHAT} ${inspect(fields, options)}`;
    }

    static {
      readBytes = (chunk) => chunk.#data;
      brand = (v) => v !== null && typeof v === 'object' && #data in v;
    }
  } })[WHAT];
  Object.defineProperty(Class, 'length', { value: 1 }); // WebIDL: constructor(init)
  for (const k of ['type', 'timestamp', 'duration', 'byteLength']) {
    Object.defineProperty(Class.prototype, k, {
      ...Object.getOwnPropertyDescriptor(Class.prototype, k), enumerable: true,
    });
  }

  /**
   * Internal, for encoders: a chunk that adopts `bytes` (not copied; the caller must not keep
   * using it). `bytes` may be an ArrayBuffer or a Uint8Array over one.
   * meta: {type: 'key'|'delta', timestamp, duration?}.
   */
  function wrapChunkBytes(bytes, meta) {
    let data;
    if (bytes instanceof Uint8Array) data = bytes;
    else if (isArrayBuffer(bytes)) data = new Uint8Array(bytes);
    else throw typeError(`wrapChunkBytes: expected an ArrayBuffer or Uint8Array, got ${describe(bytes)}`);
    const type = toEnum(meta.type, ENCODED_CHUNK_TYPES, WHAT, 'type');
    const timestamp = toLongLong(meta.timestamp, WHAT, 'timestamp');
    const duration = meta.duration === undefined || meta.duration === null ? null
      : toUnsignedLongLong(meta.duration, WHAT, 'duration');
    return new Class(INTERNAL, { data, type, timestamp, duration });
  }

  /** Internal, for decoders: the chunk's bytes as a Uint8Array view (read only, by convention). */
  function chunkBytes(chunk) {
    if (!brand(chunk)) throw typeError(`expected an ${WHAT}, got ${describe(chunk)}`);
    return readBytes(chunk);
  }

  /** Whether `v` is a real chunk of this interface (brand check). */
  const isChunk = (v) => brand(v);

  return { Class, wrapChunkBytes, chunkBytes, isChunk };
}

module.exports = { defineEncodedChunk, ENCODED_CHUNK_TYPES };
