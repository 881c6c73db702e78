'use strict';
// Benchmark (not a test): N simultaneous sessions in one process against the same N jobs as N
// separate `ffmpeg` processes started at once, for N = 1, 2, 4, 8, and three jobs:
//   - transcode: 2 s of 720p30 H.264 → VP9 (VideoDecoder → VideoEncoder at our defaults:
//     realtime, cpu-used 7, row-mt, no lag, 2 Mb/s; the CLI with the same libvpx options);
//   - decode: 2 s of 1080p30 H.264 (libx264 veryfast, B-frames), frames closed at once;
//   - audio: 20 s of stereo 48 kHz AAC (ADTS) → Opus 128 kb/s (AudioDecoder → AudioEncoder).
// Codec threads are what each side picks by default (libavcodec/libvpx "auto": one per core), on
// both sides. Prints aggregate throughput (jobs/s over the wall time of the whole batch), its
// ratio ours / CLI, and the peak threads and peak RSS (ours: the one process, VmHWM and the
// Threads count sampled every 10 ms, and in brackets those beyond Node's own before the first
// session: workers and codec threads; the CLI: the sum over its N processes, sampled the same way).
// Each measurement runs in a child process; ours and the CLI alternate, best of 2.
// Usage: node bench/sessions.js [--quick] [--jobs transcode,decode,audio] [--n 1,2,4,8]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const FPS = 30;
const SECONDS = 2;
const AUDIO_SECONDS = 20;
const VP9 = ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '7', '-lag-in-frames', '0', '-auto-alt-ref', '0', '-row-mt', '1', '-b:v', '2M'];

function argValue(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

function status(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // the process has exited
  }
}

/** Sample `pids()` every 10 ms: the peak of the summed Threads and VmRSS (kB). */
function sampler(pids) {
  const peak = { threads: 0, rssKb: 0 };
  const tick = () => {
    const ps = pids();
    peak.threads = Math.max(peak.threads, ps.reduce((n, p) => n + status(p, 'Threads'), 0));
    peak.rssKb = Math.max(peak.rssKb, ps.reduce((n, p) => n + status(p, 'VmRSS'), 0));
  };
  const timer = setInterval(tick, 10);
  return { stop() { clearInterval(timer); tick(); return peak; } };
}

// ---- child: N sessions of one job in this process -------------------------------------------------
const waitDequeue = (codec) => new Promise((r) => codec.addEventListener('dequeue', r, { once: true }));

async function transcodeJob(lib, track) {
  const { VideoDecoder, VideoEncoder, EncodedVideoChunk } = lib;
  let failure = null;
  let chunks = 0;
  const encoder = new VideoEncoder({ output() { chunks++; }, error(e) { failure = failure || e; } });
  encoder.configure({ codec: 'vp09.00.31.08', width: track.config.codedWidth, height: track.config.codedHeight, bitrate: 2_000_000, framerate: FPS });
  const decoder = new VideoDecoder({
    output(frame) { try { if (encoder.state === 'configured') encoder.encode(frame); } finally { frame.close(); } },
    error(e) { failure = failure || e; },
  });
  decoder.configure(track.config);
  for (const c of track.chunks) {
    if (failure) break;
    decoder.decode(new EncodedVideoChunk(c));
    while (!failure && (decoder.decodeQueueSize > 8 || encoder.encodeQueueSize > 8)) {
      await (encoder.encodeQueueSize > 8 ? waitDequeue(encoder) : waitDequeue(decoder));
    }
  }
  await decoder.flush();
  await encoder.flush();
  decoder.close();
  encoder.close();
  if (failure) throw failure;
  if (chunks !== track.chunks.length) throw new Error(`transcode: ${chunks} chunks for ${track.chunks.length} frames`);
}

async function decodeJob(lib, track) {
  const { VideoDecoder, EncodedVideoChunk } = lib;
  let failure = null;
  let frames = 0;
  const decoder = new VideoDecoder({ output(f) { frames++; f.close(); }, error(e) { failure = failure || e; } });
  decoder.configure(track.config);
  for (const c of track.chunks) {
    if (failure) break;
    decoder.decode(new EncodedVideoChunk(c));
    while (!failure && decoder.decodeQueueSize > 16) await waitDequeue(decoder);
  }
  await decoder.flush();
  decoder.close();
  if (failure) throw failure;
  if (frames !== track.chunks.length) throw new Error(`decode: ${frames} frames for ${track.chunks.length} chunks`);
}

/** ADTS frames of an .aac file as chunks (1024 samples each). */
function adtsChunks(buf, rate) {
  const out = [];
  for (let i = 0; i + 7 <= buf.length;) {
    if (buf[i] !== 0xff || (buf[i + 1] & 0xf0) !== 0xf0) throw new Error(`ADTS sync lost at ${i}`);
    const len = ((buf[i + 3] & 3) << 11) | (buf[i + 4] << 3) | (buf[i + 5] >> 5);
    out.push({ type: 'key', timestamp: Math.round((out.length * 1024 * 1e6) / rate), data: buf.subarray(i, i + len) });
    i += len;
  }
  return out;
}

async function audioJob(lib, aac) {
  const { AudioDecoder, AudioEncoder, EncodedAudioChunk } = lib;
  let failure = null;
  let out = 0;
  const encoder = new AudioEncoder({ output() { out++; }, error(e) { failure = failure || e; } });
  encoder.configure({ codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate: 128000 });
  const decoder = new AudioDecoder({
    output(a) { try { if (encoder.state === 'configured') encoder.encode(a); } finally { a.close(); } },
    error(e) { failure = failure || e; },
  });
  decoder.configure({ codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2 });
  for (const c of aac) {
    if (failure) break;
    decoder.decode(new EncodedAudioChunk(c));
    while (!failure && (decoder.decodeQueueSize > 32 || encoder.encodeQueueSize > 32)) {
      await (encoder.encodeQueueSize > 32 ? waitDequeue(encoder) : waitDequeue(decoder));
    }
  }
  await decoder.flush();
  await encoder.flush();
  decoder.close();
  encoder.close();
  if (failure) throw failure;
  if (out === 0) throw new Error('audio: no Opus packets');
}

async function child() {
  const [job, file, nArg] = process.argv.slice(3);
  const n = Number(nArg);
  const lib = require('..');
  let input;
  if (job === 'audio') input = adtsChunks(fs.readFileSync(file), 48000);
  else input = await require('../test/helpers/video-media').demux(file);
  const run = { transcode: transcodeJob, decode: decodeJob, audio: audioJob }[job];
  const base = status(process.pid, 'Threads'); // Node's own (V8 platform, libuv) before any session
  const s = sampler(() => [process.pid]);
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: n }, () => run(lib, input)));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const peak = s.stop();
  process.stdout.write(JSON.stringify({ secs, threads: peak.threads, base, rssKb: status(process.pid, 'VmHWM') }));
}

// ---- parent ---------------------------------------------------------------------------------------
function ours(job, file, n) {
  const r = spawnSync(process.execPath, [__filename, '--child', job, file, String(n)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) return { error: (r.stderr || `exit ${r.status}`).trim().split('\n').slice(-2).join(' ') };
  return JSON.parse(r.stdout);
}

/** N ffmpeg processes at once; their summed peak threads and RSS. */
function cli(args, n) {
  return new Promise((resolve) => {
    const procs = [];
    let left = n;
    let error = null;
    const t0 = process.hrtime.bigint();
    const s = sampler(() => procs.filter((p) => p.exitCode === null).map((p) => p.pid));
    for (let i = 0; i < n; i++) {
      const p = spawn('ffmpeg', ['-hide_banner', '-nostats', '-loglevel', 'error', '-nostdin', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d) => { err += d; });
      p.on('exit', (code) => {
        if (code !== 0) error = error || err.trim() || `exit ${code}`;
        if (--left === 0) {
          const secs = Number(process.hrtime.bigint() - t0) / 1e9;
          const peak = s.stop();
          resolve(error ? { error } : { secs, threads: peak.threads, rssKb: peak.rssKb });
        }
      });
      procs.push(p);
    }
  });
}

async function main() {
  const quick = process.argv.includes('--quick');
  const jobs = argValue('--jobs', 'transcode,decode,audio').split(',');
  const ns = argValue('--n', quick ? '1,2,4' : '1,2,4,8').split(',').map(Number);
  const media = require('../test/helpers/video-media');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-bench-sessions-'));
  try {
    const x264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'];
    const files = {
      transcode: media.makeMedia({ size: '1280x720', rate: FPS, frames: SECONDS * FPS, ext: 'mp4', args: [...x264, '-bf', '0'] }),
      decode: media.makeMedia({ size: '1920x1080', rate: FPS, frames: SECONDS * FPS, ext: 'mp4', args: [...x264, '-bf', '2', '-b:v', '8M'] }),
      audio: path.join(dir, 'in.aac'),
    };
    spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${AUDIO_SECONDS}`, '-ac', '2', '-c:a', 'aac', '-b:a', '128k', files.audio]);
    const cliArgs = {
      transcode: ['-i', files.transcode, ...VP9, '-f', 'null', '-'],
      decode: ['-i', files.decode, '-f', 'null', '-'],
      audio: ['-i', files.audio, '-c:a', 'libopus', '-b:a', '128k', '-f', 'null', '-'],
    };
    const label = { transcode: `transcode 720p H.264→VP9 (${SECONDS} s)`, decode: `decode 1080p H.264 (${SECONDS} s)`, audio: `AAC→Opus (${AUDIO_SECONDS} s)` };
    console.log(`N sessions in one process vs N ffmpeg processes at once; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}; best of 2, alternating`);
    console.log('| job | N | ours jobs/s | CLI jobs/s | ratio | ours peak threads | CLI peak threads | ours peak RSS MB | CLI peak RSS MB |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const job of jobs) {
      for (const n of ns) {
        const a = [];
        const b = [];
        for (let round = 0; round < 2; round++) {
          a.push(ours(job, files[job], n));
          b.push(await cli(cliArgs[job], n));
        }
        const pick = (rs) => rs.filter((r) => !r.error).sort((x, y) => x.secs - y.secs)[0] || rs[0];
        const [o, c] = [pick(a), pick(b)];
        const rate = (r) => (r.error ? NaN : n / r.secs);
        const fmt = (r, f) => (r.error ? `error: ${r.error}`.slice(0, 60) : f(r));
        console.log(`| ${label[job]} | ${n} | ${fmt(o, (r) => rate(r).toFixed(2))} | ${fmt(c, (r) => rate(r).toFixed(2))} | ${(rate(o) / rate(c)).toFixed(2)} | ${fmt(o, (r) => `${r.threads} (${r.threads - r.base} codec)`)} | ${fmt(c, (r) => r.threads)} | ${fmt(o, (r) => (r.rssKb / 1024).toFixed(0))} | ${fmt(c, (r) => (r.rssKb / 1024).toFixed(0))} |`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  child().catch((e) => { console.error(e && e.stack ? e.stack : e); process.exit(1); });
} else {
  main().catch((e) => { console.error(e); process.exit(1); });
}
