'use strict';
// Memory guardrail (docs/ARCHITECTURE.md, "Memory"): 10,000 640×480 RGBA frames created and closed one after
// the other must not grow RSS by 5 MB or more once garbage is collected, and every native
// frame must be released by close() — not by the garbage collector. A forgotten frame is
// released by the native handle's finalizer (the safety net).
//
// Needs global.gc: under plain `node --test` this file re-spawns itself with --expose-gc.

const { test } = require('node:test');
const { respawnWithGc, mb, settle, reporter } = require('./gc-child');
const assert = require('node:assert/strict');

const FRAMES = 10_000;
const WIDTH = 640;
const HEIGHT = 480;
const LIMIT_MB = 5;
const MARK = 'VF_RSS_RESULT ';

if (typeof global.gc !== 'function') {
  respawnWithGc(__filename, `RSS stays flat over ${FRAMES} ${WIDTH}x${HEIGHT} RGBA frames (re-spawned with --expose-gc)`, { mark: MARK, envName: 'VF_RSS_CHILD' });
} else {
  const native = require('../../js/lib/native');
  const { VideoFrame } = require('../../js/lib/video-frame');

  const report = reporter(MARK, 'VF_RSS_CHILD');

  test(`RSS growth < ${LIMIT_MB} MB over ${FRAMES} create/close of ${WIDTH}x${HEIGHT} RGBA frames`, async () => {
    const data = new Uint8Array(WIDTH * HEIGHT * 4);
    for (let i = 0; i < data.length; i++) data[i] = i & 0xFF;
    const init = { format: 'RGBA', codedWidth: WIDTH, codedHeight: HEIGHT, timestamp: 0 };
    const out = new Uint8Array(WIDTH * 4); // one row, read back now and then

    // Warm up until RSS is steady: the JIT, V8's young generation (it grows its semi-spaces
    // under a steady allocation rate), malloc's high-water mark for the small per-handle
    // allocations that wait for a GC, and the native buffer pool. Without this the first
    // 10,000 frames show a one-time +5 to +9 MB that later rounds never add again.
    let warmup = 0;
    let last = process.memoryUsage().rss;
    for (let round = 0; round < 15; round++) {
      for (let i = 0; i < 2000; i++) new VideoFrame(data, { ...init, timestamp: i }).close();
      warmup += 2000;
      await settle();
      const rss = process.memoryUsage().rss;
      const step = rss - last;
      last = rss;
      if (round >= 2 && step < 256 * 1024) break;
    }
    const m0 = process.memoryUsage();
    const before = m0.rss;
    const t0 = process.hrtime.bigint();

    for (let i = 0; i < FRAMES; i++) {
      const frame = new VideoFrame(data, { ...init, timestamp: i * 33_333 });
      if (i % 1000 === 0) {
        await frame.copyTo(out, { rect: { x: 0, y: 0, width: WIDTH, height: 1 } });
        assert.equal(out[5], 5);
      }
      frame.close();
    }
    const counts = native.liveCounts();
    assert.equal(counts.frames, 0, `frame pixel buffers left alive by close(): ${JSON.stringify(counts)}`);
    assert.equal(counts.avFrames, 0, `AVFrames left alive: ${JSON.stringify(counts)}`);

    await settle();
    const m1 = process.memoryUsage();
    const after = m1.rss;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const growth = mb(after - before);
    report(`RSS before ${mb(before).toFixed(1)} MB, after ${mb(after).toFixed(1)} MB, growth ${growth.toFixed(2)} MB ` +
      `over ${FRAMES} frames after ${warmup} warm-up frames (${(FRAMES / seconds).toFixed(0)} frames/s; JS heap ${mb(m1.heapUsed - m0.heapUsed).toFixed(2)} MB, ` +
      `external ${mb(m1.external - m0.external).toFixed(2)} MB)`);
    assert.ok(growth < LIMIT_MB, `RSS grew by ${growth.toFixed(2)} MB (limit ${LIMIT_MB} MB)`);
  });

  test('a forgotten frame is released by the native handle finalizer (safety net)', async () => {
    const before = native.liveCounts().frames;
    (() => {
      for (let i = 0; i < 10; i++) {
        // Deliberately never closed.
        new VideoFrame(new Uint8Array(64 * 64 * 4), { format: 'RGBA', codedWidth: 64, codedHeight: 64, timestamp: i }); // eslint-disable-line no-new
      }
    })();
    assert.equal(native.liveCounts().frames, before + 10);
    for (let i = 0; i < 20 && native.liveCounts().frames > before; i++) await settle();
    assert.equal(native.liveCounts().frames, before, 'finalizer closed the forgotten frames');
    report(`finalizer released 10 forgotten frames`);
  });
}
