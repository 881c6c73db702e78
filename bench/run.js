'use strict';
// Benchmark (not a test): VideoEncoder against the ffmpeg CLI with identical settings, per codec,
// in one run: the same encoder and options as our per-codec table (native/src/codecs/
// video/encoder_settings.rs: preset/speed, no B-frames, profile, bitrate, rate control, threads),
// the same moving RGBA content (bench/content.js: every frame distinct, a pan plus a moving object),
// converted to yuv420p with the same BT.709 limited-range matrix on both sides, frames/s and CPU
// per frame (user + system, all threads) side by side. Usage: node bench/run.js [--quick] [codec…]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { VideoEncoder, VideoFrame } = require('..');
const { movingRgba, CLI_BT709_FILTER } = require('./content');

const quick = process.argv.includes('--quick');
const REPEATS = quick ? 1 : 3;
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
// CLI options = our table's 'quality' row (and 'realtime' row) for each codec, threads included
// (x264: two frame threads and no lookahead in 'quality', sliced threads in 'realtime'; x265: no
// lookahead, one frame thread in 'quality' — at most one frame held, docs/ENCODER-DEFAULTS.md).
const X264_QUALITY = ['-threads', '2', '-thread_type', 'frame', '-x264-params', 'rc-lookahead=0:sync-lookahead=0:force-cfr=1'];
const CODECS = [
  { codec: 'avc1.42001E', enc: 'libx264', quality: ['-preset', 'veryfast', '-profile:v', 'baseline', '-bf', '0', '-forced-idr', '1', ...X264_QUALITY], realtime: ['-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-bf', '0', '-forced-idr', '1', '-thread_type', 'slice'] },
  { codec: 'avc1.64001F', enc: 'libx264', quality: ['-preset', 'superfast', '-profile:v', 'high', '-bf', '0', '-forced-idr', '1', ...X264_QUALITY], realtime: ['-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'high', '-bf', '0', '-forced-idr', '1', '-thread_type', 'slice'] },
  { codec: 'hvc1.1.6.L93.B0', enc: 'libx265', quality: ['-preset', 'superfast', '-profile:v', 'main', '-forced-idr', '1', '-x265-params', 'log-level=error:open-gop=0:bframes=0:min-cu-size=16:ctu=16:rc-lookahead=0:frame-threads=1'], realtime: ['-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'main', '-forced-idr', '1', '-x265-params', 'log-level=error:open-gop=0:bframes=0'] },
  { codec: 'vp8', enc: 'libvpx', quality: ['-deadline', 'good', '-cpu-used', '4', '-lag-in-frames', '0', '-auto-alt-ref', '0'], realtime: ['-deadline', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0', '-auto-alt-ref', '0'] },
  { codec: 'vp09.00.10.08', enc: 'libvpx-vp9', quality: ['-deadline', 'realtime', '-cpu-used', '7', '-lag-in-frames', '0', '-row-mt', '1'], realtime: ['-deadline', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0', '-row-mt', '1'] },
  { codec: 'av01.0.04M.08', enc: 'libaom-av1', quality: ['-usage', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0', '-row-mt', '1'], realtime: ['-usage', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0', '-row-mt', '1'] },
].filter((c) => only.length === 0 || only.includes(c.codec));
const SIZES = [
  { w: 640, h: 480, frames: quick ? 90 : 300, bitrate: 1_000_000, mode: 'quality' },
  { w: 1920, h: 1080, frames: quick ? 30 : 90, bitrate: 5_000_000, mode: 'realtime' },
];
async function ours(c, s, frames) {
  let chunks = 0;
  const enc = new VideoEncoder({ output: () => { chunks++; }, error: (e) => { throw e; } });
  // Timed from configure (the encoder's open), as the CLI's time includes its open.
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  enc.configure({ codec: c.codec, width: s.w, height: s.h, bitrate: s.bitrate, framerate: 30, latencyMode: s.mode });
  for (let i = 0; i < s.frames; i++) {
    const f = new VideoFrame(frames.subarray(i * s.w * s.h * 4, (i + 1) * s.w * s.h * 4), { format: 'RGBA', codedWidth: s.w, codedHeight: s.h, timestamp: Math.round(i * 1e6 / 30) });
    enc.encode(f);
    f.close();
    while (enc.encodeQueueSize > 8) await new Promise((r) => enc.addEventListener('dequeue', r, { once: true }));
  }
  await enc.flush();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  enc.close();
  if (chunks !== s.frames) throw new Error(`got ${chunks} chunks for ${s.frames} frames`);
  return { fps: s.frames / secs, cpuMs: (cpu.user + cpu.system) / 1000 / s.frames };
}

function cli(c, s, file) {
  const args = ['-hide_banner', '-nostats', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${s.w}x${s.h}`, '-r', '30',
    '-i', file, '-frames:v', String(s.frames), '-vf', CLI_BT709_FILTER,
    '-threads', '0', '-c:v', c.enc, ...c[s.mode], '-b:v', String(s.bitrate), '-f', 'null', '-'];
  // /usr/bin/time gives the child's CPU (all its threads); fall back to wall time only.
  const timed = fs.existsSync('/usr/bin/time');
  const t0 = process.hrtime.bigint();
  const r = timed ? spawnSync('/usr/bin/time', ['-f', '%U %S', 'ffmpeg', ...args], { encoding: 'utf8' }) : spawnSync('ffmpeg', args, { encoding: 'utf8' });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
  const m = timed && r.stderr.trim().split('\n').pop().match(/^([\d.]+) ([\d.]+)$/);
  return { fps: s.frames / secs, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 / s.frames : NaN };
}

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-bench-'));
  try {
    console.log(`VideoEncoder vs ffmpeg CLI, identical encoder settings (no B-frames, the same threads, RGBA → BT.709 yuv420p, moving content, every frame distinct), best of ${REPEATS}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
    for (const s of SIZES) {
      const frames = movingRgba(s.w, s.h, s.frames);
      const file = path.join(dir, `${s.w}x${s.h}.rgba`);
      fs.writeFileSync(file, frames);
      for (const c of CODECS) {
        // Best of REPEATS runs on each side, alternating (noise on a shared machine only adds time).
        let a = { fps: 0, cpuMs: Infinity };
        let b = { fps: 0, cpuMs: Infinity };
        for (let r = 0; r < REPEATS; r++) {
          const x = await ours(c, s, frames);
          const y = cli(c, s, file);
          a = { fps: Math.max(a.fps, x.fps), cpuMs: Math.min(a.cpuMs, x.cpuMs) };
          b = { fps: Math.max(b.fps, y.fps), cpuMs: Math.min(b.cpuMs, y.cpuMs) };
        }
        console.log(`${`${s.w}x${s.h} ${s.mode}`.padEnd(19)} ${c.codec.padEnd(16)} ours ${a.fps.toFixed(1).padStart(6)} fps ${a.cpuMs.toFixed(2).padStart(6)} ms CPU/frame | CLI ${b.fps.toFixed(1).padStart(6)} fps ${b.cpuMs.toFixed(2).padStart(6)} ms CPU/frame | fps ratio ${(a.fps / b.fps).toFixed(2)}, CPU ratio ${(a.cpuMs / b.cpuMs).toFixed(2)}  (${c[s.mode].join(' ')})`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e); process.exit(1); });
