'use strict';
// Memory guardrails for VideoEncoder (issue: the C++ peer leaked ~770 MB over 10,000 frames).
// Each scenario runs in its own `node --expose-gc` process and reports RSS after gc, in MB.
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const CHILD = path.join(__dirname, 'encoder-memory-child.js');
function run(...args) {
  const out = execFileSync(process.execPath, ['--expose-gc', CHILD, ...args.map(String)], { encoding: 'utf8', timeout: 600_000 });
  return JSON.parse(out.trim().split('\n').pop());
}
const mb = (v) => `${v.toFixed(1)} MB`;
const zero = (counts) => Object.entries(counts).filter(([, v]) => v !== 0);

// Every codec at its default (quality) settings; the non-standard B-frame opt-in is the case
// that makes an encoder hold frames (reordering) — it must not strand side-table entries.
const SENTINELS = [
  ['H.264 baseline avc1.42001E', 'avc1.42001E', 'quality', 10000],
  ['H.264 High avc1.64001F with bFrames 3', 'avc1.64001F', 'quality', 10000, 3],
  ['HEVC hvc1.1.6.L93.B0', 'hvc1.1.6.L93.B0', 'quality', 10000],
  ['VP8', 'vp8', 'quality', 10000],
  ['VP9 vp09.00.10.08', 'vp09.00.10.08', 'quality', 10000],
  ['AV1 av01.0.04M.08', 'av01.0.04M.08', 'quality', 10000],
];
for (const [label, codec, mode, frames, bFrames = 0] of SENTINELS) {
  test(`sentinel: 10,000 frames 640×480 ${label}, 1 Mbps, 30 fps`, () => {
    const r = run('sentinel', frames, codec, mode, bFrames);
    const total = r.end - r.start;
    const slope = r.atEnd - r.at2000;
    console.log(`# sentinel ${label}: RSS start ${mb(r.start)}, frame 2000 ${mb(r.at2000)}, frame 10000 ${mb(r.atEnd)}, after close ${mb(r.end)}; growth ${mb(total)} total, ${mb(slope)} from frame 2000 to 10000`);
    assert.strictEqual(r.chunks, 10000);
    assert.ok(total < 16, `RSS grew ${mb(total)} (limit 16 MB)`);
    assert.ok(slope < 3, `RSS grew ${mb(slope)} between frame 2000 and 10000 (limit 3 MB: no slope)`);
    assert.deepStrictEqual(zero(r.counts), [], 'live native objects after close');
  });
}

// Diagnostics report their growth; the bound only has to catch a leak. A leaked frame per
// iteration would be 460 KB × 2,000 = 900 MB, a leaked x264 encoder tens of MB each; what stays
// is one-off heap/V8/thread-stack-cache growth (measured 9–25 MB).
const DIAG = [
  ['VideoFrame create/close only', ['frames', 10000], 16],
  ['encode then close() without flush', ['closeWithoutFlush', 2000], 32],
  ['flush every 100 frames', ['flushEvery100', 2000], 32],
  ['one flush at the end', ['flushAtEnd', 2000], 32],
  ['100 encoders created/configured/closed', ['manyEncoders', 100], 32],
];
for (const [label, args, limit] of DIAG) {
  test(`diagnostic: ${label}`, () => {
    const r = run(...args);
    const growth = r.end - r.start;
    console.log(`# diagnostic ${label}: RSS ${mb(r.start)} → ${mb(r.end)} (growth ${mb(growth)})`);
    assert.ok(growth < limit, `RSS grew ${mb(growth)} (limit ${limit} MB)`);
    assert.deepStrictEqual(zero(r.counts), [], 'live native objects after close');
  });
}
