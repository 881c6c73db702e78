'use strict';
// Child process of encoder-memory.test.js (run with --expose-gc): one memory scenario, printing
// one JSON line with RSS figures in MB measured after gc.
const { VideoEncoder, VideoFrame, liveCounts } = require('../..');

const W = 640, H = 480;
const rss = () => { global.gc(); global.gc(); return process.memoryUsage().rss / 1048576; };
// Mid-run samples: free heap pages handed back first (the library does that itself at most once a
// second when idle, so without it a sample's value depends on when the last trim ran).
const native = require('../../js/lib/native');
const liveRss = () => { native.trimCaches(); return rss(); };
const y = new Uint8Array(W * H * 3 / 2);

function makeFrame(i) {
  // A moving bar over a gradient, so the encoder has real work.
  const off = (i * 8) % W;
  for (let r = 0; r < H; r += 4) y.fill((r + i) & 255, r * W, r * W + W);
  for (let r = 0; r < H; r++) y.fill(255, r * W + off, r * W + Math.min(W, off + 32));
  return new VideoFrame(y, { format: 'I420', codedWidth: W, codedHeight: H, timestamp: i * 33333, duration: 33333 });
}

async function encodeRun({ frames, codec = 'avc1.42001E', latencyMode = 'quality', bFrames = 0, flushEvery = 0, flushAtEnd = true, marks = [] }) {
  let chunks = 0;
  const enc = new VideoEncoder({
    output: (c) => { const b = new Uint8Array(c.byteLength); c.copyTo(b); chunks++; },
    error: (e) => { console.error(e); process.exit(3); },
  });
  enc.configure({ codec, width: W, height: H, bitrate: 1_000_000, framerate: 30, latencyMode, bFrames });
  const at = {};
  for (let i = 0; i < frames; i++) {
    const f = makeFrame(i);
    enc.encode(f, { keyFrame: i % 300 === 0 });
    f.close();
    // Backpressure on encodeQueueSize, as a well-behaved client does.
    while (enc.encodeQueueSize > 4) await new Promise((r) => enc.addEventListener('dequeue', r, { once: true }));
    if (flushEvery && (i + 1) % flushEvery === 0) await enc.flush();
    if (marks.includes(i + 1)) at[i + 1] = liveRss();
  }
  if (flushAtEnd) await enc.flush();
  enc.close();
  return { chunks, at };
}

async function waitZero() {
  const t0 = Date.now();
  for (;;) {
    const c = liveCounts();
    if (Object.values(c).every((v) => v === 0) || Date.now() - t0 > 3000) return c;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const scenarios = {
  async sentinel(frames, codec, latencyMode, ending = 'flush', bFrames = 0) {
    // A short warm-up encode with the same codec first: what a codec library sets up once per
    // process (libx265: ~20 MB of tables and thread-pool arenas) is not growth over frames.
    const cold = rss();
    await encodeRun({ frames: 30, codec, latencyMode, bFrames });
    await waitZero();
    await new Promise((r) => setTimeout(r, 1100)); // the rate-limited idle trim may run again
    native.trimCaches();
    const start = rss();
    const opts = ending === 'close' ? { flushAtEnd: false } : ending === 'flushEvery100' ? { flushEvery: 100 } : {};
    // RSS after gc every 1000 frames from frame 2000 on: a leak shows as a slope.
    const marks = [];
    for (let m = 2000; m <= frames; m += 1000) marks.push(m);
    const r = await encodeRun({ frames, codec, latencyMode, bFrames, marks, ...opts });
    const counts = await waitZero();
    // Measured as `start` was (after the rate-limited idle trim could run, then a trim): a
    // measure taken at once depended on when the last trim ran — 3 MB of the 6–7 MB spread seen
    // between runs (AV1: 8.5 and 15.0 MB of growth on the same build).
    await new Promise((r) => setTimeout(r, 1100));
    native.trimCaches();
    const end = rss();
    const m = process.memoryUsage();
    return { cold, start, at2000: r.at[2000], atEnd: r.at[frames], samples: marks.map((m) => [m, r.at[m]]), end, chunks: r.chunks, counts,
      heapTotal: m.heapTotal / 1048576, external: m.external / 1048576 };
  },
  async frames(frames) {
    const start = rss();
    for (let i = 0; i < frames; i++) makeFrame(i).close();
    return { start, end: rss(), counts: await waitZero() };
  },
  async closeWithoutFlush(frames) {
    const start = rss();
    const r = await encodeRun({ frames, latencyMode: 'realtime', flushAtEnd: false });
    return { start, end: rss(), chunks: r.chunks, counts: await waitZero() };
  },
  async flushEvery100(frames) {
    const start = rss();
    const r = await encodeRun({ frames, latencyMode: 'realtime', flushEvery: 100 });
    return { start, end: rss(), chunks: r.chunks, counts: await waitZero() };
  },
  async flushAtEnd(frames) {
    const start = rss();
    const r = await encodeRun({ frames, latencyMode: 'realtime' });
    return { start, end: rss(), chunks: r.chunks, counts: await waitZero() };
  },
  async manyEncoders(count) {
    const start = rss();
    for (let i = 0; i < count; i++) await encodeRun({ frames: 3, latencyMode: 'realtime' });
    return { start, end: rss(), counts: await waitZero() };
  },
};

(async () => {
  const [name, ...args] = process.argv.slice(2);
  const out = await scenarios[name](...args.map((a) => (/^\d+$/.test(a) ? Number(a) : a)));
  process.stdout.write(JSON.stringify(out) + '\n');
})();
