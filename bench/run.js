'use strict';
// Benchmark (not a test): VideoEncoder frames/s against the ffmpeg CLI encoding the same RGBA
// frames with the same x264 settings (preset, tune, threads auto, yuv420p, bitrate), in one run.
// Prints one line per case with the ratio (ours / CLI). Usage: node bench/run.js [--quick]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { VideoEncoder, VideoFrame } = require('..');

const quick = process.argv.includes('--quick');
const CASES = [
  { w: 640, h: 480, frames: quick ? 120 : 600, codec: 'avc1.42001E', bitrate: 1_000_000 },
  { w: 1920, h: 1080, frames: quick ? 30 : 150, codec: 'avc1.640028', bitrate: 5_000_000 },
];
const MODES = [
  { latencyMode: 'quality', cli: ['-preset', 'medium'] },
  { latencyMode: 'realtime', cli: ['-preset', 'veryfast', '-tune', 'zerolatency'] },
];
const DISTINCT = 30; // distinct source frames, cycled

function makeFrames(w, h) {
  const frames = [];
  for (let i = 0; i < DISTINCT; i++) {
    const px = new Uint32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) px[y * w + x] = 0xff000000 | ((((x + i * 8) ^ y) & 255) << 16) | (((y * 2 + i) & 255) << 8) | ((x + y + i * 4) & 255);
    }
    frames.push(new Uint8Array(px.buffer));
  }
  return frames;
}

async function ours(c, mode, frames) {
  let chunks = 0;
  const enc = new VideoEncoder({ output: () => { chunks++; }, error: (e) => { throw e; } });
  enc.configure({ codec: c.codec, width: c.w, height: c.h, bitrate: c.bitrate, framerate: 30, latencyMode: mode.latencyMode });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < c.frames; i++) {
    const f = new VideoFrame(frames[i % DISTINCT], { format: 'RGBA', codedWidth: c.w, codedHeight: c.h, timestamp: Math.round(i * 1e6 / 30) });
    enc.encode(f);
    f.close();
    while (enc.encodeQueueSize > 8) await new Promise((r) => enc.addEventListener('dequeue', r, { once: true }));
  }
  await enc.flush();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  enc.close();
  if (chunks !== c.frames) throw new Error(`got ${chunks} chunks for ${c.frames} frames`);
  return c.frames / secs;
}

function cli(c, mode, file) {
  const args = ['-hide_banner', '-nostats', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${c.w}x${c.h}`, '-r', '30',
    '-stream_loop', String(Math.ceil(c.frames / DISTINCT) - 1), '-i', file, '-frames:v', String(c.frames),
    '-c:v', 'libx264', ...mode.cli, '-threads', '0', '-pix_fmt', 'yuv420p', '-b:v', String(c.bitrate), '-f', 'null', '-'];
  const t0 = process.hrtime.bigint();
  const r = spawnSync('ffmpeg', args, { encoding: 'utf8' });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
  return c.frames / secs;
}

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-bench-'));
  try {
    console.log(`VideoEncoder vs ffmpeg CLI (libx264, threads auto, RGBA input → yuv420p), ${os.cpus().length} cores`);
    for (const c of CASES) {
      const frames = makeFrames(c.w, c.h);
      const file = path.join(dir, `${c.w}x${c.h}.rgba`);
      fs.writeFileSync(file, Buffer.concat(frames.map((f) => Buffer.from(f.buffer))));
      for (const mode of MODES) {
        const a = await ours(c, mode, frames);
        const b = cli(c, mode, file);
        console.log(`${c.w}x${c.h} ${mode.latencyMode.padEnd(8)} (${mode.cli.join(' ')}): ours ${a.toFixed(1)} fps, ffmpeg CLI ${b.toFixed(1)} fps, ratio ${(a / b).toFixed(2)}x`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e); process.exit(1); });
