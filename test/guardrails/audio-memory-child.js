'use strict';
// Child process of audio-memory.test.js (run with --expose-gc): encode `seconds` of 48 kHz stereo
// to Opus in 20 ms AudioData pieces (backpressure on encodeQueueSize, a flush every 10 minutes),
// printing one JSON line with RSS after gc (MB) at the start, after the first minute, at the end
// and after close, plus the live counters.
const { AudioEncoder, AudioData, liveCounts } = require('../..');

const rss = () => { global.gc(); global.gc(); return process.memoryUsage().rss / 1048576; };
const seconds = Number(process.argv[2] || 3600);
const PIECE = 960; // 20 ms
const pieces = seconds * 50;
const buf = new Float32Array(PIECE * 2);

(async () => {
  let chunks = 0;
  const enc = new AudioEncoder({ output: (c) => { chunks++; const b = new Uint8Array(c.byteLength); c.copyTo(b); }, error: (e) => { console.error(e); process.exit(3); } });
  enc.configure({ codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate: 96000 });
  const start = rss();
  let atMinute = 0;
  for (let i = 0; i < pieces; i++) {
    for (let k = 0; k < PIECE; k++) {
      const t = (i * PIECE + k) / 48000;
      buf[k] = 0.4 * Math.sin(2 * Math.PI * (220 + 20 * Math.sin(t)) * t);
      buf[PIECE + k] = 0.4 * Math.sin(2 * Math.PI * 330 * t);
    }
    const a = new AudioData({ format: 'f32-planar', sampleRate: 48000, numberOfFrames: PIECE, numberOfChannels: 2, timestamp: i * 20000, data: buf });
    enc.encode(a);
    a.close();
    if (enc.encodeQueueSize > 64) await new Promise((r) => enc.addEventListener('dequeue', r, { once: true }));
    if ((i + 1) % (50 * 600) === 0) await enc.flush();
    if (i + 1 === 50 * 60) atMinute = rss();
  }
  await enc.flush();
  const atEnd = rss();
  enc.close();
  await new Promise((r) => setTimeout(r, 300));
  require('../../js/lib/native').trimCaches();
  const end = rss();
  console.log(JSON.stringify({ start, atMinute, atEnd, end, chunks, pieces, counts: liveCounts() }));
})();
