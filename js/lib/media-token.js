'use strict';
// js/ layer: handing VideoFrames and AudioData to other threads of this process, one mechanism for
// both. worker_threads share the process, so the media need not be copied: serialize parks a new
// reference to the native resource in a process-wide registry (native mediaDeposit) under a random
// id and returns a plain, structured-cloneable token (the spec's serialization steps: every slot
// but the resource, plus the id); deserialize in any thread redeems the id once, for its kind only
// (mediaRedeem). Invariant: a token never redeemed is freed at its deadline (`timeout`), by the
// sweep this thread schedules and by every later deposit/redeem in any thread.

const native = require('./native');
const crypto = require('node:crypto');
const { makeError, typeError, describe } = require('./errors');
const { enforceRange, toDictionary } = require('./webidl');

const DEFAULT_TOKEN_TIMEOUT_MS = 60_000;
const MAX_TOKEN_TIMEOUT_MS = 3_600_000;
let sweepTimer = null;
let sweepAt = Infinity;

/** Sweep the registry once the earliest deadline set from this thread has passed (timer unref'd). */
function scheduleSweep(ms) {
  const at = Date.now() + ms + 10;
  if (sweepTimer && sweepAt <= at) return;
  if (sweepTimer) clearTimeout(sweepTimer);
  sweepAt = at;
  sweepTimer = setTimeout(() => {
    sweepTimer = null;
    sweepAt = Infinity;
    const left = native.mediaRegistrySweep();
    if (left > 0) scheduleSweep(1000);
  }, ms + 10);
  sweepTimer.unref();
}

/** `{transfer = false, timeout = 60000}` of serializeVideoFrame()/serializeAudioData(). */
function tokenOptions(options, where) {
  const d = options === undefined ? {} : toDictionary(options, `${where}: options`);
  const transfer = Boolean(d.transfer);
  const timeout = d.timeout === undefined ? DEFAULT_TOKEN_TIMEOUT_MS
    : enforceRange(d.timeout, 0, MAX_TOKEN_TIMEOUT_MS, `${where}: expected timeout in milliseconds between 0 and ${MAX_TOKEN_TIMEOUT_MS}`);
  return { transfer, timeout };
}

/**
 * Serialization steps 1 and 3–5: a closed object (handle null) cannot be serialized
 * (DataCloneError); otherwise a new reference to its resource is parked; returns the id.
 */
function deposit(handle, timeout, where, what) {
  if (handle === null) throw makeError('DataCloneError', `${where}: the ${what} is closed`);
  const id = crypto.randomUUID();
  native.mediaDeposit(handle, id, timeout);
  scheduleSweep(timeout);
  return id;
}

/**
 * The native handle a token of `type` stands for ('video' | 'audio' resource), once.
 * @template {'video' | 'audio'} K
 * @param {K} kind
 * @returns {K extends 'video' ? import('./native').FrameHandle : import('./native').AudioHandle}
 */
function redeem(token, type, kind, where, from) {
  if (token === null || typeof token !== 'object' || token.type !== type || typeof token.id !== 'string') {
    throw typeError(`${where}: expected a token from ${from}(), got ${describe(token)}`);
  }
  const handle = /** @type {any} */ (native.mediaRedeem(token.id, kind));
  if (handle === null) throw makeError('DataCloneError', `${where}: this token was already redeemed or has expired`);
  return handle;
}

/**
 * markUncloneable(obj): postMessage()/structuredClone() of `obj` throw DataCloneError where
 * Node.js lets a JS object say so (worker_threads.markAsUncloneable, Node.js ≥ 22.10); returns
 * whether it could.
 */
const markUncloneable = (() => {
  /** @type {any} (markAsUncloneable is newer than the @types/node this repo uses) */
  const wt = require('node:worker_threads');
  if (typeof wt.markAsUncloneable !== 'function') return () => false;
  return (obj) => {
    wt.markAsUncloneable(obj);
    return true;
  };
})();

module.exports = { tokenOptions, deposit, redeem, markUncloneable };
