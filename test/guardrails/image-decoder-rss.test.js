'use strict';
// Memory guardrail (docs/ARCHITECTURE.md, "Memory", issue 5): decoding a 1920×1080 JPEG 1,000 times with
// ImageDecoder (one decoder per image, each frame and decoder closed) must grow RSS by less
// than 10 MB once garbage is collected, after a warm-up; and every native object is released
// by close() — the live counters are back to zero without waiting for the GC.
//
// Needs global.gc: under plain `node --test` this file re-spawns itself with --expose-gc.

const { test } = require('node:test');
const { respawnWithGc, mb, settle, reporter } = require('./gc-child');
const assert = require('node:assert/strict');

const ROUNDS = 1000;
const LIMIT_MB = 10;
const MARK = 'IMG_RSS_RESULT ';

if (typeof global.gc !== 'function') {
  respawnWithGc(__filename, `RSS stays flat over ${ROUNDS} decodes of a 1920x1080 JPEG (re-spawned with --expose-gc)`, { mark: MARK, envName: 'IMG_RSS_CHILD', timeout: 300_000 });
} else {
  const { ImageDecoder, liveCounts } = require('../..');
  const fx = require('../fixtures/make-images');

  const report = reporter(MARK, 'IMG_RSS_CHILD');

  test(`RSS growth < ${LIMIT_MB} MB over ${ROUNDS} ImageDecoder decodes of a 1920x1080 JPEG`, { timeout: 280_000 }, async () => {
    const { bytes, width, height } = fx.makeImages().bigJpeg;
    const decodeOnce = async (check) => {
      const d = new ImageDecoder({ data: bytes, type: 'image/jpeg' });
      const { image } = await d.decode();
      if (check) {
        assert.equal(image.displayWidth, width);
        assert.equal(image.displayHeight, height);
      }
      image.close();
      d.close();
    };

    // Warm up until RSS is steady (JIT, V8 heap sizing, malloc high-water marks, buffer pools).
    let warmup = 0;
    let last = process.memoryUsage().rss;
    for (let round = 0; round < 12; round++) {
      for (let i = 0; i < 50; i++) await decodeOnce(i === 0);
      warmup += 50;
      await settle();
      const rss = process.memoryUsage().rss;
      const step = rss - last;
      last = rss;
      if (round >= 2 && step < 512 * 1024) break;
    }
    const before = process.memoryUsage().rss;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < ROUNDS; i++) await decodeOnce(i % 100 === 0);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;

    // Everything was closed by the API: nothing waits for the GC.
    const counts = await fx.liveCountsSettled(liveCounts, 2000);
    assert.deepEqual(counts, Object.fromEntries(Object.keys(counts).map((k) => [k, 0])), `live counts: ${JSON.stringify(counts)}`);

    await settle();
    const after = process.memoryUsage().rss;
    const growth = mb(after - before);
    report(`${ROUNDS} decodes of ${width}x${height} JPEG after ${warmup} warm-up: RSS ${mb(before).toFixed(1)} → ${mb(after).toFixed(1)} MB ` +
      `(growth ${growth.toFixed(2)} MB, limit ${LIMIT_MB} MB), ${(ROUNDS / seconds).toFixed(0)} images/s`);
    assert.ok(growth < LIMIT_MB, `RSS grew by ${growth.toFixed(2)} MB (limit ${LIMIT_MB} MB)`);
  });
}
