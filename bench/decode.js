'use strict';
// Benchmark (not a test): VideoDecoder frames/s and CPU per frame against the ffmpeg CLI decoding
// the same file (`ffmpeg -threads auto -i FILE -f null -`), in one run, for 1080p H.264, VP9 and
// AV1 made from moving content (testsrc2). Also the latency from decode() to output with and
// without `optimizeForLatency` on a stream without B-frames. Usage: node bench/decode.js [--quick]
const fs = require('node:fs');
const os = require('node:os');
const { spawnSync } = require('node:child_process');
const media = require('../test/helpers/video-media');
const { VideoDecoder, EncodedVideoChunk } = require('..');

const quick = process.argv.includes('--quick');
const FRAMES = quick ? 60 : 240;
const CASES = [
  { name: 'H.264 High 1080p (B-frames)', ext: 'mp4', args: ['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-bf', '2', '-pix_fmt', 'yuv420p', '-b:v', '8M'] },
  { name: 'VP9 profile 0 1080p', ext: 'webm', args: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1', '-pix_fmt', 'yuv420p', '-b:v', '6M'] },
  { name: 'AV1 main 1080p (libdav1d)', ext: 'webm', args: ['-c:v', 'libsvtav1', '-preset', '12', '-pix_fmt', 'yuv420p', '-b:v', '4M'] },
];

/** CPU seconds (user + system) of this process and of its waited-for children, from /proc. */
function cpuTimes() {
  const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const tick = 100; // USER_HZ on Linux
  return { self: (Number(f[11]) + Number(f[12])) / tick, children: (Number(f[13]) + Number(f[14])) / tick };
}

async function ours(chunks, config, { optimize = false, oneAtATime = false } = {}) {
  let out = 0;
  const sent = new Map();
  const delays = [];
  const dec = new VideoDecoder({
    output(f) {
      out++;
      const t = sent.get(f.timestamp);
      if (t !== undefined) delays.push(Number(process.hrtime.bigint() - t) / 1e6);
      f.close();
    },
    error(e) { throw e; },
  });
  dec.configure({ ...config, optimizeForLatency: optimize });
  const c0 = cpuTimes().self;
  const t0 = process.hrtime.bigint();
  for (const c of chunks) {
    sent.set(c.timestamp, process.hrtime.bigint());
    dec.decode(new EncodedVideoChunk(c));
    if (oneAtATime) {
      // One chunk in flight: wait for its frame (or give up after 50 ms: the decoder is holding it).
      const want = out + 1;
      const end = Date.now() + 50;
      while (out < want && Date.now() < end) await new Promise((r) => setImmediate(r));
    } else {
      while (dec.decodeQueueSize > 16) await new Promise((r) => dec.addEventListener('dequeue', r, { once: true }));
    }
  }
  await dec.flush();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuTimes().self - c0;
  dec.close();
  if (out !== chunks.length) throw new Error(`got ${out} frames for ${chunks.length} chunks`);
  delays.sort((a, b) => a - b);
  return { fps: chunks.length / secs, cpuMs: (cpu * 1000) / chunks.length, medianDelay: delays[delays.length >> 1] };
}

function cli(file, frames) {
  const c0 = cpuTimes().children;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-loglevel', 'error', '-threads', '0', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
  return { fps: frames / secs, cpuMs: ((cpuTimes().children - c0) * 1000) / frames };
}

(async () => {
  console.log(`VideoDecoder vs ffmpeg CLI (-threads auto, -f null), ${FRAMES} frames 1920x1080 testsrc2, ${os.cpus().length} cores; best of 3 runs each`);
  for (const c of CASES) {
    const file = media.makeMedia({ size: '1920x1080', frames: FRAMES, ext: c.ext, args: c.args });
    const { config, chunks } = await media.demux(file);
    await ours(chunks.slice(0, 10), config); // warm-up
    let a = { fps: 0 };
    let b = { fps: 0 };
    for (let i = 0; i < 3; i++) {
      const x = await ours(chunks, config);
      if (x.fps > a.fps) a = x;
      const y = cli(file, chunks.length);
      if (y.fps > b.fps) b = y;
    }
    console.log(`${c.name.padEnd(28)} ours ${a.fps.toFixed(1)} fps (${a.cpuMs.toFixed(1)} ms CPU/frame), ffmpeg CLI ${b.fps.toFixed(1)} fps (${b.cpuMs.toFixed(1)} ms CPU/frame), ratio ${(a.fps / b.fps).toFixed(2)}x fps, ${(a.cpuMs / b.cpuMs).toFixed(2)}x CPU`);
  }
  // Latency: an IPPP stream (no reordering), one chunk at a time.
  const file = media.makeMedia({ size: '1920x1080', frames: 60, ext: 'mp4', args: ['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-b:v', '8M'] });
  const { config, chunks } = await media.demux(file);
  for (const optimize of [false, true]) {
    const r = await ours(chunks, config, { optimize, oneAtATime: true });
    console.log(`latency, H.264 1080p IPPP fed one chunk at a time, optimizeForLatency ${String(optimize).padEnd(5)}: median decode()→output ${r.medianDelay === undefined ? 'n/a' : r.medianDelay.toFixed(1) + ' ms'}, ${r.fps.toFixed(1)} fps`);
  }
})().catch((e) => { console.error(e); process.exit(1); });
