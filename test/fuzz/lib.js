'use strict';
// test/fuzz: shared pieces of the seeded fuzzers (not a test file). A seeded PRNG, byte and chunk
// mutators, a time-boxed await, the error classifier, and the run budget read from the
// environment:
//   FUZZ_SEED        base seed (default 1): the same seed replays the same inputs
//   FUZZ_ITERATIONS  iterations per target (default: each target's CI count)
//   FUZZ_SECONDS     run each target for this long instead (iterations are then unbounded)

/** mulberry32: a small deterministic PRNG returning floats in [0, 1). */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (n) => Math.floor(next() * n);
  next.pick = (list) => list[Math.floor(next() * list.length)];
  return next;
}

/** A seed for (target name, iteration) from the base seed: stable, distinct per target. */
function seedFor(base, name, i) {
  let h = (base ^ 0x811c9dc5) >>> 0;
  for (const ch of `${name}#${i}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

/** The run budget: {iterations, seconds, seed}. `ciIterations` is the default count. */
function budget(ciIterations) {
  const seconds = Number(process.env.FUZZ_SECONDS) || 0;
  const iterations = seconds > 0 ? Infinity : (Number(process.env.FUZZ_ITERATIONS) || ciIterations);
  const seed = Number(process.env.FUZZ_SEED) || 1;
  return { iterations, seconds, seed };
}

// ---- byte mutators -------------------------------------------------------------------------------

/** Flip 1–`max` random bits (anywhere, or in the first `head` bytes when given). */
function bitFlips(bytes, rand, { max = 32, head } = {}) {
  const out = bytes.slice();
  const span = head ? Math.min(head, out.length) : out.length;
  if (!span) return out;
  for (let n = 1 + rand.int(max); n > 0; n--) out[rand.int(span)] ^= 1 << rand.int(8);
  return out;
}

/** Cut at a random point (possibly inside the header). */
const truncate = (bytes, rand) => bytes.slice(0, rand.int(bytes.length + 1));

/** Keep a valid header (the first `keep` bytes, at least 16) and replace the rest with garbage. */
function garbageAfterHeader(bytes, rand) {
  const keep = Math.min(bytes.length, 16 + rand.int(Math.max(1, Math.min(512, bytes.length))));
  const out = new Uint8Array(keep + rand.int(4096));
  out.set(bytes.subarray(0, keep));
  for (let i = keep; i < out.length; i++) out[i] = rand.int(256);
  return out;
}

/** Duplicate a random slice somewhere else (repeated boxes, chunks, segments). */
function duplicateSlice(bytes, rand) {
  if (bytes.length < 2) return bytes.slice();
  const start = rand.int(bytes.length);
  const len = 1 + rand.int(Math.min(4096, bytes.length - start));
  const at = rand.int(bytes.length);
  const out = new Uint8Array(bytes.length + len);
  out.set(bytes.subarray(0, at));
  out.set(bytes.subarray(start, start + len), at);
  out.set(bytes.subarray(at), at + len);
  return out;
}

/** Overwrite a run with one of the values parsers trip on (0x00, 0xFF, 0x7F, 0x80) or noise. */
function interestingRun(bytes, rand) {
  const out = bytes.slice();
  if (!out.length) return out;
  const start = rand.int(out.length);
  const v = rand.pick([0x00, 0xff, 0x7f, 0x80, -1]);
  for (let i = start; i < Math.min(out.length, start + 1 + rand.int(16)); i++) out[i] = v < 0 ? rand.int(256) : v;
  return out;
}

const BYTE_MUTATORS = { bitFlips, headerBitFlips: (b, r) => bitFlips(b, r, { max: 6, head: 64 }), truncate, garbageAfterHeader, duplicateSlice, interestingRun };

/** One random byte mutation (or a stack of 2–3): {bytes, what}. */
function mutateBytes(bytes, rand) {
  const names = Object.keys(BYTE_MUTATORS);
  const stack = rand() < 0.25 ? 2 + rand.int(2) : 1;
  let out = bytes;
  const what = [];
  for (let i = 0; i < stack; i++) {
    const name = rand.pick(names);
    out = BYTE_MUTATORS[name](out, rand);
    what.push(name);
  }
  return { bytes: out, what: what.join('+') };
}

/** Split bytes into 1–8 chunks at random points (for ReadableStream input). */
function splitRandomly(bytes, rand) {
  const cuts = new Set();
  for (let n = rand.int(8); n > 0; n--) cuts.add(rand.int(bytes.length + 1));
  const points = [0, ...[...cuts].sort((a, b) => a - b), bytes.length];
  const parts = [];
  for (let i = 1; i < points.length; i++) parts.push(bytes.slice(points[i - 1], points[i]));
  return parts;
}

// ---- awaiting and classifying --------------------------------------------------------------------

class Hang extends Error {}

/** Await `promise` for at most `ms`; a Hang error names `what` if it does not settle. */
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Hang(`hang: ${what} did not settle within ${ms} ms`)), ms); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The name an error is counted under: a DOMException's name, a TypeError/RangeError, else 'Error: …'. */
function errorName(e) {
  if (e instanceof Hang) return 'Hang';
  if (e instanceof DOMException) return e.name;
  if (e instanceof TypeError) return 'TypeError';
  if (e instanceof RangeError) return 'RangeError';
  return `${e && e.constructor ? e.constructor.name : typeof e}: ${e && e.message}`;
}

/** Counts of outcomes, and the violations (errors outside `allowed`) with what caused them. */
class Tally {
  constructor(allowed) {
    this.allowed = new Set(allowed);
    this.counts = {};
    this.violations = [];
  }

  ok(what) { this.counts[what] = (this.counts[what] || 0) + 1; }

  error(e, context) {
    const name = errorName(e);
    this.counts[name] = (this.counts[name] || 0) + 1;
    if (!this.allowed.has(name) && this.violations.length < 20) {
      this.violations.push({ name, message: String(e && e.message).slice(0, 300), context });
    }
  }
}

/**
 * Wait until every live counter is zero (up to ms), after dropping the copyTo scaler cache.
 * Returns the last counts.
 */
async function settledCounts(liveCounts, ms = 5000) {
  const native = require('../../js/lib/native');
  const until = Date.now() + ms;
  let c;
  do {
    if (typeof native.trimCaches === 'function') native.trimCaches();
    if (global.gc) global.gc();
    c = liveCounts();
    if (Object.values(c).every((v) => v === 0)) break;
    await new Promise((r) => setTimeout(r, 20));
  } while (Date.now() < until);
  return c;
}

/**
 * Run `script` with `params` (JSON in argv[2]) in a child node, killed after `limitMs`. Resolves
 * {result (the JSON after `marker`), code, signal, killed, exitAfterMs (from the result line to the
 * process's end), stderr}.
 */
function runChild(script, params, { marker, limitMs, execArgv = [] }) {
  const { spawn } = require('node:child_process');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...execArgv, script, JSON.stringify(params)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let resultAt = 0;
    let killed = false;
    child.stdout.on('data', (d) => {
      out += d;
      if (!resultAt && out.includes(marker)) resultAt = Date.now();
    });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(marker));
      resolve({
        result: line ? JSON.parse(line.slice(marker.length)) : null,
        code, signal, killed, exitAfterMs: resultAt ? Date.now() - resultAt : null, stderr: err.slice(-4000),
      });
    });
  });
}

module.exports = {
  runChild,
  rng, seedFor, budget, mutateBytes, splitRandomly, BYTE_MUTATORS, within, Hang, errorName, Tally, settledCounts,
};
