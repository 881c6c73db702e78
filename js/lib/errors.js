'use strict';
// The one mapping from an error kind to the JS value users see (docs/ARCHITECTURE.md, "Errors").
// Every TypeError, RangeError and DOMException js/ throws or rejects with is made here.
// Native code reports errors as { name, message }; JS code throws through these helpers.

const DOM_NAMES = new Set([
  'InvalidStateError', 'NotSupportedError', 'EncodingError', 'DataError',
  'AbortError', 'QuotaExceededError', 'InvalidAccessError', 'OperationError',
  'NotAllowedError', 'SyntaxError', 'DataCloneError', 'NotReadableError',
]);

/** Build the JS error value for a (name, message) pair: TypeError/RangeError are plain JS errors. */
function makeError(name, message) {
  switch (name) {
    case 'TypeError': return new TypeError(message);
    case 'RangeError': return new RangeError(message);
    default:
      return new DOMException(message, DOM_NAMES.has(name) ? name : 'OperationError');
  }
}

const typeError = (msg) => new TypeError(msg);
const rangeError = (msg) => new RangeError(msg);
const invalidState = (msg) => new DOMException(msg, 'InvalidStateError');
const notSupported = (msg) => new DOMException(msg, 'NotSupportedError');
const encodingError = (msg) => new DOMException(msg, 'EncodingError');
const dataError = (msg) => new DOMException(msg, 'DataError');
const abortError = (msg) => new DOMException(msg || 'The operation was aborted.', 'AbortError');
const notReadable = (msg) => new DOMException(msg, 'NotReadableError');

/** Describe a value for an error message: `got -3`, `got "abc"`, `got undefined`. */
function describe(v) {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return 'a function';
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (v instanceof ArrayBuffer) return 'an ArrayBuffer';
  if (Array.isArray(v)) return 'an array';
  return v.constructor && v.constructor.name ? `a ${v.constructor.name}` : 'an object';
}

module.exports = {
  makeError, typeError, rangeError, invalidState, notSupported, encodingError, dataError, abortError,
  notReadable, describe,
};
