'use strict';
// test/fuzz: random call sequences for every codec interface (random-calls-child.js, one child
// process per interface, run with --expose-gc so that forgotten codecs are collected before the
// counters are read). configure / encode / decode / flush / reset / close / isConfigSupported /
// ondequeue in random order, closed frames and garbage as inputs, callbacks that throw.
// Asserted: no crash (status 0, no signal), every throw and rejection one the spec allows, every
// promise settles, throwing callbacks are reported (and nothing else escapes), live counters back
// to zero, and the process exits on its own within 5 s of its last call.
// CI: 40 sequences per interface, seed 1. Long runs: FUZZ_ITERATIONS, FUZZ_SECONDS, FUZZ_SEED as
// for fuzz.test.js. A new interface is a row in the child's KINDS
// and a name in the list below.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { runChild } = require('./lib');

const CHILD = path.join(__dirname, 'random-calls-child.js');
const SECONDS = Number(process.env.FUZZ_SECONDS) || 0;
const KINDS = ['VideoEncoder', 'VideoDecoder', 'AudioEncoder', 'AudioDecoder'];

for (const kind of KINDS) {
  test(`random call sequences: ${kind}`, { timeout: 300_000 + SECONDS * 1000 }, async (t) => {
    const limitMs = 240_000 + SECONDS * 1000;
    const r = await runChild(CHILD, { kind, iterations: 40 }, { marker: 'RANDOM-RESULT ', limitMs, execArgv: ['--expose-gc'] });
    const where = `${kind} (FUZZ_SEED=${process.env.FUZZ_SEED || 1})`;
    assert.ok(!r.killed, `${where}: not finished within ${limitMs} ms (a hang). stderr:\n${r.stderr}`);
    assert.equal(r.signal, null, `${where}: died of ${r.signal} (a crash). stderr:\n${r.stderr}`);
    assert.ok(r.result, `${where}: no result line (exit ${r.code}). stderr:\n${r.stderr}`);
    assert.equal(r.result.harnessError, undefined, `${where}: ${r.result.harnessError}`);
    assert.equal(r.code, 0, `${where}: exit code ${r.code}. stderr:\n${r.stderr}`);
    t.diagnostic(`${where}: ${r.result.iterations} sequences, ${r.result.promises} promises, ${r.result.thrownReported} callback throws reported, exit ${r.exitAfterMs} ms after the last call; ${JSON.stringify(r.result.counts)}`);
    assert.deepEqual(r.result.violations, [], `${where}: errors outside the spec's: ${JSON.stringify(r.result.violations, null, 1)}`);
    assert.equal(r.result.unsettled, 0, `${where}: promises that never settled`);
    assert.deepEqual(r.result.strayExceptions, [], `${where}: exceptions other than the callbacks' own escaped`);
    assert.deepEqual(r.result.unhandled, [], `${where}: unhandled rejections`);
    assert.deepEqual(Object.entries(r.result.live).filter(([, v]) => v !== 0), [], `${where}: live counts ${JSON.stringify(r.result.live)}`);
    assert.ok(r.exitAfterMs < 5000, `${where}: the process took ${r.exitAfterMs} ms to exit after its last call`);
    // The sequences must exercise the codec, not only its error paths.
    assert.ok((r.result.counts.output || 0) > 0 && (r.result.counts['flush resolved'] || 0) > 0, JSON.stringify(r.result.counts));
  });
}
