'use strict';
// Frames held per codec (part of `npm run bench`; also the measurement test/api/
// video-encoder-latency.test.js asserts on): frames are encoded one at a time, and after each the
// encode queue is let run empty. The worker delivers the outputs of a frame in the same batch as
// its dequeue, so once encodeQueueSize is 0 every frame submitted has been through the encoder and
// `submitted − outputs` is what the encoder holds back (lookahead, frame threads), not what waits
// in the queue: the figure does not depend on the machine's speed. Chrome's encoders emit each
// chunk about one frame after its input. Usage: node bench/latency.js [codec…]
const { VideoEncoder, VideoFrame } = require('..');
const { movingRgba } = require('./content');

/** The codecs of docs/ENCODER-DEFAULTS.md's table. */
const CODECS = ['avc1.42001E', 'avc1.4D401F', 'avc1.64001F', 'hvc1.1.6.L93.B0', 'vp8', 'vp09.00.10.08', 'av01.0.04M.08'];
const W = 640;
const H = 480;

let content = null;
/** `n` frames of the bench content at w×h (made once per process and size). */
function frames(w, h, n) {
  if (!content || content.n < n || content.w !== w || content.h !== h) content = { w, h, n, rgba: movingRgba(w, h, n) };
  return content.rgba;
}

/** Resolves when `enc`'s encode queue is empty; rejects after `timeoutMs` (a stuck worker). */
function queueEmpty(enc, timeoutMs) {
  if (enc.encodeQueueSize === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      enc.removeEventListener('dequeue', onDequeue);
      reject(new Error(`encodeQueueSize still ${enc.encodeQueueSize} after ${timeoutMs} ms`));
    }, timeoutMs);
    function onDequeue() {
      if (enc.encodeQueueSize > 0) return;
      clearTimeout(timer);
      enc.removeEventListener('dequeue', onDequeue);
      resolve();
    }
    enc.addEventListener('dequeue', onDequeue);
  });
}

/**
 * Encode `n` frames of `codec` one at a time at the defaults (plus `extra` config members) and
 * return {held: the most frames submitted without their chunk once the queue was empty, perFrame:
 * that count after each frame, chunks: the total after flush}.
 */
async function framesHeld(codec, latencyMode, { n = 30, width = W, height = H, extra = {}, timeoutMs = 30_000 } = {}) {
  const rgba = frames(width, height, n);
  const size = width * height * 4;
  let chunks = 0;
  let error = null;
  const enc = new VideoEncoder({ output: () => { chunks++; }, error: (e) => { error = e; } });
  try {
    enc.configure({ codec, width, height, bitrate: 1_000_000, framerate: 30, latencyMode, ...extra });
    const perFrame = [];
    for (let i = 0; i < n; i++) {
      const f = new VideoFrame(rgba.subarray(i * size, (i + 1) * size), { format: 'RGBA', codedWidth: width, codedHeight: height, timestamp: Math.round(i * 1e6 / 30) });
      enc.encode(f);
      f.close();
      await queueEmpty(enc, timeoutMs);
      if (error) throw error;
      perFrame.push(i + 1 - chunks);
    }
    await enc.flush();
    if (error) throw error;
    return { held: Math.max(...perFrame), perFrame, chunks };
  } finally {
    if (enc.state !== 'closed') enc.close();
  }
}

module.exports = { CODECS, framesHeld };

if (require.main === module) {
  (async () => {
    const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
    console.log(`Frames held by VideoEncoder (submitted, encode queue empty, chunk not yet out), ${W}x${H}, 30 frames one at a time, at the defaults (1 Mbps, 30 fps)`);
    for (const codec of CODECS.filter((c) => only.length === 0 || only.includes(c))) {
      const q = await framesHeld(codec, 'quality');
      const r = await framesHeld(codec, 'realtime');
      // The non-standard opt-in into lookahead and frame threads (H.264/HEVC).
      const l = /^(avc1|hvc1)/.test(codec) ? `  quality with lookahead: 10 ${String((await framesHeld(codec, 'quality', { extra: { lookahead: 10 } })).held).padStart(2)}` : '';
      console.log(`${codec.padEnd(16)} quality ${String(q.held).padStart(2)}  realtime ${String(r.held).padStart(2)}${l}`);
    }
  })().catch((e) => { console.error(e); process.exit(1); });
}
