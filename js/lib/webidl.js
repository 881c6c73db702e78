'use strict';
// js/ layer: the one set of WebIDL conversions every interface uses — BufferSource /
// AllowSharedBufferSource → Uint8Array view, ArrayBuffer transfer lists
// (validate, detach, adopt without copying), and the numeric / dictionary
// conversions ([EnforceRange] integers, doubles, enums, sequences); and a promise marked as
// handled (`settleablePromise`). Pure JS, no native calls. Every thrower names the
// interface/member it checks.

const { typeError, makeError, describe } = require('./errors');

const MAX_SAFE = Number.MAX_SAFE_INTEGER; // 2^53 - 1: WebIDL's [EnforceRange] long long bound

const hasSharedArrayBuffer = typeof SharedArrayBuffer === 'function';
const isArrayBuffer = (v) => v instanceof ArrayBuffer ||
  Object.prototype.toString.call(v) === '[object ArrayBuffer]';
const isSharedArrayBuffer = (v) => hasSharedArrayBuffer && (v instanceof SharedArrayBuffer ||
  Object.prototype.toString.call(v) === '[object SharedArrayBuffer]');

/** True for ArrayBuffer, SharedArrayBuffer, TypedArray, DataView (and Buffer). */
function isBufferSource(v) {
  return ArrayBuffer.isView(v) || isArrayBuffer(v) || isSharedArrayBuffer(v);
}

/** Whether an ArrayBuffer is detached (works on engines without ArrayBuffer.prototype.detached). */
function isDetached(buf) {
  if (!isArrayBuffer(buf)) return false;
  if (typeof buf.detached === 'boolean') return buf.detached;
  if (buf.byteLength !== 0) return false;
  try {
    // Constructing a view on a detached buffer throws; on a zero-length one it does not.
    new Uint8Array(buf); // eslint-disable-line no-new
    return false;
  } catch {
    return true;
  }
}

/**
 * A Uint8Array over the bytes of a BufferSource / AllowSharedBufferSource, without copying.
 * A detached buffer reads as empty (WebIDL "get a copy of the bytes" yields nothing).
 * `what` names the argument: "VideoFrame: data".
 */
function toUint8Array(source, what) {
  if (ArrayBuffer.isView(source)) {
    if (isDetached(source.buffer)) return new Uint8Array(0);
    return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  }
  if (isArrayBuffer(source)) return isDetached(source) ? new Uint8Array(0) : new Uint8Array(source);
  if (isSharedArrayBuffer(source)) return new Uint8Array(source);
  throw typeError(`${what}: expected an ArrayBuffer, TypedArray or DataView, got ${describe(source)}`);
}

/** The ArrayBuffer (or SharedArrayBuffer) behind a BufferSource. */
function underlyingBuffer(source) {
  return ArrayBuffer.isView(source) ? source.buffer : source;
}

/**
 * Convert and validate a `sequence<ArrayBuffer> transfer` member (spec: constructor steps
 * "If transfer contains more than one reference to the same ArrayBuffer, throw a
 * DataCloneError" and "If [[Detached]] is true, throw a DataCloneError").
 * Returns a plain array of ArrayBuffers.
 */
function validateTransferList(list, what) {
  if (list === undefined) return [];
  const arr = toSequence(list, `${what}.transfer`);
  const seen = new Set();
  for (let i = 0; i < arr.length; i++) {
    const buf = arr[i];
    if (!isArrayBuffer(buf)) {
      throw typeError(`${what}: expected transfer[${i}] to be an ArrayBuffer, got ${describe(buf)}`);
    }
    if (seen.has(buf)) {
      throw makeError('DataCloneError', `${what}: transfer lists the same ArrayBuffer twice (index ${i})`);
    }
    seen.add(buf);
  }
  for (let i = 0; i < arr.length; i++) {
    if (isDetached(arr[i])) {
      throw makeError('DataCloneError', `${what}: transfer[${i}] is an already detached ArrayBuffer`);
    }
  }
  return arr;
}

/** Perform DetachArrayBuffer on `buf` (no-op if already detached). */
function detach(buf) {
  if (isDetached(buf)) return;
  if (typeof buf.transfer === 'function') {
    buf.transfer(0);
  } else {
    structuredClone(buf, { transfer: [buf] });
  }
}

/**
 * Take ownership of `buf`'s memory without copying: returns a new ArrayBuffer holding
 * the same bytes and detaches `buf` (what a transfer does).
 */
function adopt(buf) {
  if (typeof buf.transfer === 'function') return buf.transfer();
  return structuredClone(buf, { transfer: [buf] });
}

// ---------------------------------------------------------------------------------------
// WebIDL value conversions.

/** ToNumber, refusing BigInt and Symbol with a TypeError (as WebIDL does). */
function toNumber(v, what) {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || typeof v === 'symbol') {
    throw typeError(`${what}, got ${describe(v)}`);
  }
  return Number(v);
}

/**
 * [EnforceRange] integer conversion: finite, truncated, within [min, max].
 * `label` is the full message prefix, e.g. "VideoFrame: expected an integer codedWidth between 1 and 16384".
 */
function enforceRange(v, min, max, label) {
  const n = toNumber(v, label);
  if (!Number.isFinite(n)) throw typeError(`${label}, got ${describe(v)}`);
  const t = Math.trunc(n);
  if (t < min || t > max) throw typeError(`${label}, got ${describe(v)}`);
  return t === 0 ? 0 : t; // no -0
}

/** [EnforceRange] long long (microsecond timestamps). */
function toLongLong(v, what, member) {
  return enforceRange(v, -MAX_SAFE, MAX_SAFE, `${what}: expected an integer ${member} (microseconds)`);
}
/** [EnforceRange] unsigned long long (microsecond durations). */
function toUnsignedLongLong(v, what, member) {
  return enforceRange(v, 0, MAX_SAFE, `${what}: expected a non-negative integer ${member} (microseconds)`);
}
/** [EnforceRange] unsigned long. */
function toUnsignedLong(v, what, member) {
  return enforceRange(v, 0, 0xFFFFFFFF, `${what}: expected an integer ${member} between 0 and 4294967295`);
}

/** WebIDL `double` (finite) conversion. */
function toDouble(v, what, member) {
  const n = toNumber(v, `${what}: expected a finite number ${member}`);
  if (!Number.isFinite(n)) throw typeError(`${what}: expected a finite number ${member}, got ${describe(v)}`);
  return n;
}

/** WebIDL `unrestricted double` conversion. */
function toUnrestrictedDouble(v, what, member) {
  return toNumber(v, `${what}: expected a number ${member}`);
}

/** WebIDL enum conversion: ToString, then membership. */
function toEnum(v, values, what, member) {
  if (typeof v === 'symbol') throw typeError(`${what}: expected ${member} to be one of ${listOf(values)}, got a symbol`);
  const s = typeof v === 'string' ? v : String(v);
  if (!values.includes(s)) throw typeError(`${what}: expected ${member} to be one of ${listOf(values)}, got ${describe(v)}`);
  return s;
}
const listOf = (values) => values.map((s) => `'${s}'`).join(', ');

/** WebIDL dictionary: undefined/null → {} ; objects as they are; anything else TypeError. */
function toDictionary(v, what) {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' && typeof v !== 'function') {
    throw typeError(`${what}: expected a dictionary object, got ${describe(v)}`);
  }
  return v;
}

/** WebIDL sequence<T>: any iterable object (not a string) → array. */
function toSequence(v, what) {
  if (v === null || typeof v !== 'object' || typeof v[Symbol.iterator] !== 'function') {
    throw typeError(`${what}: expected a sequence (array), got ${describe(v)}`);
  }
  return Array.from(v);
}

/** WebIDL DOMString: ToString, which throws a TypeError for a Symbol (String(sym) does not). */
function toDOMString(v, what, member) {
  if (typeof v === 'symbol') throw typeError(`${what}: expected a string${member ? ` ${member}` : ''}, got a symbol`);
  return String(v);
}

/** Infra "strip leading and trailing ASCII whitespace" (TAB, LF, FF, CR, SPACE — not String.prototype.trim's set). */
const stripAsciiWhitespace = (s) => s.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '');

/** A promise whose rejection never counts as unhandled (browsers mark these handled too). */
function settleablePromise() {
  /** @type {(value?: any) => void} */
  let resolve;
  /** @type {(reason?: any) => void} */
  let reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => {});
  return { promise, resolve, reject, settled: false };
}

module.exports = {
  toDOMString, stripAsciiWhitespace,
  isBufferSource, isArrayBuffer, isSharedArrayBuffer, isDetached, toUint8Array, underlyingBuffer,
  validateTransferList, detach, adopt,
  toNumber, enforceRange, toLongLong, toUnsignedLongLong, toUnsignedLong, toDouble, toUnrestrictedDouble,
  toEnum, toDictionary, toSequence,
  settleablePromise,
};
