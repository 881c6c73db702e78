'use strict';
// test/guardrails: a codec the user forgets (never closed, no reference kept) is collected like
// any object, and its native session and worker thread with it (docs/ARCHITECTURE.md, "Memory": no closure rooted
// from native code may capture the object that owns it). Once, 20,000 forgotten ImageDecoders
// held +420 MB and 20,000 threads, and process exit then took minutes.
// Runs in an --expose-gc child: the finalizer safety net is tested in CI, not skipped.

const fs = require('node:fs');
const path = require('node:path');
const { respawnWithGc, settle, reporter } = require('./gc-child');

const MARK = '@@forgotten ';
const ENV = 'NWC_FORGOTTEN_CHILD';

if (!process.env[ENV]) {
  respawnWithGc(__filename, 'forgotten ImageDecoders, VideoEncoders and VideoFrames are collected with their native sessions', { mark: MARK, envName: ENV, timeout: 120_000 });
} else {
  const assert = require('node:assert/strict');
  const root = path.join(__dirname, '..', '..');
  const { ImageDecoder, VideoEncoder, VideoFrame } = require(root);
  const native = require(path.join(root, 'js/lib/native.js'));
  const report = reporter(MARK, ENV);
  const png = fs.readFileSync(path.join(root, 'scripts/demo-images/gradient.png'));

  async function countsSettle(pred, what) {
    const end = Date.now() + 20_000;
    for (;;) {
      await settle();
      // Worker threads stop asynchronously after their session box is finalized.
      await new Promise((r) => setTimeout(r, 20));
      const c = native.liveCounts();
      if (pred(c)) return c;
      if (Date.now() > end) assert.fail(`${what}: counters did not return: ${JSON.stringify(c)}`);
    }
  }

  (async () => {
    const N = 2000;
    // ImageDecoders whose tracks were found and one frame decoded (the case that leaked), then dropped.
    // (Each codec lives in its own function call: a suspended async frame could keep its last local.)
    const useDecoder = async (i) => {
      const d = new ImageDecoder({ data: png, type: 'image/png' });
      await d.tracks.ready;
      if (i % 10 === 0) (await d.decode()).image.close();
    };
    for (let i = 0; i < N; i++) await useDecoder(i);
    let c = await countsSettle((x) => x.sessions === 0, 'ImageDecoder');
    report(`${N} forgotten ImageDecoders: sessions back to ${c.sessions}, frames ${c.frames}`);
    // Streaming ImageDecoders dropped after their tracks were found (a closure in the constructor).
    const useStreamed = async () => {
      const stream = new ReadableStream({ start(ctl) { ctl.enqueue(new Uint8Array(png)); ctl.close(); } });
      const d = new ImageDecoder({ data: stream, type: 'image/png' });
      await d.tracks.ready;
      await d.completed;
    };
    for (let i = 0; i < 200; i++) await useStreamed();
    c = await countsSettle((x) => x.sessions === 0, 'streamed ImageDecoder');
    report(`200 forgotten streamed ImageDecoders: sessions back to ${c.sessions}`);
    // Configured, idle encoders that were flushed and dropped.
    const useEncoder = async () => {
      const e = new VideoEncoder({ output() {}, error() {} });
      e.configure({ codec: 'avc1.42001E', width: 64, height: 64 });
      const f = new VideoFrame(new Uint8Array(64 * 64 * 4), { format: 'RGBA', codedWidth: 64, codedHeight: 64, timestamp: 0 });
      e.encode(f);
      f.close();
      await e.flush();
    };
    for (let i = 0; i < 200; i++) await useEncoder();
    // VideoFrames dropped without close(): the finalizer is the safety net.
    for (let i = 0; i < 500; i++) new VideoFrame(new Uint8Array(64 * 64 * 4), { format: 'RGBA', codedWidth: 64, codedHeight: 64, timestamp: 0 });
    c = await countsSettle((x) => x.sessions === 0 && x.frames === 0 && x.codecContexts === 0, 'VideoEncoder/VideoFrame');
    report(`200 forgotten VideoEncoders + 500 VideoFrames: sessions ${c.sessions}, frames ${c.frames}, codecContexts ${c.codecContexts}`);
  })().catch((e) => { console.error(e); process.exit(1); });
}
