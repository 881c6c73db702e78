'use strict';
// Benchmark (not a test): our VideoEncoder against @napi-rs/webcodecs (the peer a user would swap
// from), each at its *default* settings — configure({codec, width, height, bitrate, framerate})
// and nothing else — at 640×480, 1 Mbps, 30 fps, on moving content (bench/content.js).
//  - speed: RGBA input (each implementation converts to YUV itself), frames/s and CPU per frame;
//  - quality: I420 input (the same BT.709 planes for both), decoded with our VideoDecoder from the
//    encoder's own decoderConfig, PSNR of Y and of all planes against those input planes, and the
//    bitrate actually produced.
// Each encode runs in its own child process (CPU accounting per implementation; the peer links its
// own FFmpeg statically). The peer is installed on first use into ~/.cache/native-webcodecs/peer
// (npm; @napi-rs/webcodecs 1.3.1 — 1.4 needs Node ≥ 22 and ships no linux-x64 binary).
// Usage: node bench/peer.js [--frames N] [codec…]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const W = 640;
const H = 480;
const BITRATE = 1_000_000;
const FPS = 30;
const PEER = '@napi-rs/webcodecs';
const PEER_VERSION = '1.3.1';
const PEER_DIR = process.env.NWC_PEER_DIR || path.join(os.homedir(), '.cache', 'native-webcodecs', 'peer');
const BUDGET_S = 40; // an encode slower than this stops early (frames/s from what it did)

function argValue(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

// ---- child: one timed encode, chunks written to a file -------------------------------------------
async function child() {
  const [impl, codec, format, inFile, outFile, framesArg] = process.argv.slice(3);
  const frames = Number(framesArg);
  const lib = impl === 'ours' ? require('..') : require(require.resolve(PEER, { paths: [PEER_DIR] }));
  const { VideoEncoder, VideoFrame } = lib;
  const src = fs.readFileSync(inFile);
  const frameBytes = format === 'RGBA' ? W * H * 4 : (W * H * 3) / 2;
  const chunks = [];
  let decoderConfig = null;
  let failure = null;
  const enc = new VideoEncoder({
    output(chunk, meta) {
      const data = new Uint8Array(chunk.byteLength);
      chunk.copyTo(data);
      chunks.push({ key: chunk.type === 'key', timestamp: chunk.timestamp, data });
      if (meta && meta.decoderConfig && !decoderConfig) decoderConfig = meta.decoderConfig;
    },
    error(e) { failure = e; },
  });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  enc.configure({ codec, width: W, height: H, bitrate: BITRATE, framerate: FPS });
  let sent = 0;
  for (; sent < frames && !failure; sent++) {
    if (sent % 10 === 0 && Number(process.hrtime.bigint() - t0) / 1e9 > BUDGET_S) break;
    const f = new VideoFrame(src.subarray(sent * frameBytes, (sent + 1) * frameBytes), { format, codedWidth: W, codedHeight: H, timestamp: Math.round((sent * 1e6) / FPS), duration: Math.round(1e6 / FPS) });
    enc.encode(f);
    f.close();
    // Backpressure the way an application would: wait while more than 8 frames are queued.
    while (enc.encodeQueueSize > 8 && !failure) await new Promise((r) => setTimeout(r, 1));
  }
  await enc.flush();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  enc.close();
  if (failure) throw failure;
  const cfg = decoderConfig && { ...decoderConfig, description: decoderConfig.description ? Buffer.from(decoderConfig.description instanceof ArrayBuffer ? new Uint8Array(decoderConfig.description) : new Uint8Array(decoderConfig.description.buffer, decoderConfig.description.byteOffset, decoderConfig.description.byteLength)).toString('base64') : undefined };
  const bytes = chunks.reduce((n, c) => n + c.data.length, 0);
  fs.writeFileSync(outFile, JSON.stringify({ frames: sent, secs, cpuMs: (cpu.user + cpu.system) / 1000 / sent, bytes, decoderConfig: cfg, chunks: chunks.map((c) => ({ key: c.key, timestamp: c.timestamp, data: Buffer.from(c.data).toString('base64') })) }));
}

// ---- parent ---------------------------------------------------------------------------------------
function ensurePeer() {
  try {
    return require.resolve(PEER, { paths: [PEER_DIR] });
  } catch {}
  console.log(`installing ${PEER}@${PEER_VERSION} into ${PEER_DIR} (bench only) …`);
  fs.mkdirSync(PEER_DIR, { recursive: true });
  const r = spawnSync('npm', ['install', '--prefix', PEER_DIR, '--no-save', '--no-audit', '--no-fund', '--loglevel', 'error', `${PEER}@${PEER_VERSION}`], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) return null;
  try {
    return require.resolve(PEER, { paths: [PEER_DIR] });
  } catch {
    return null;
  }
}

function runChild(impl, codec, format, inFile, frames, dir) {
  const out = path.join(dir, `${impl}-${codec}-${format}.json`);
  const r = spawnSync(process.execPath, [__filename, '--child', impl, codec, format, inFile, out, String(frames)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) return { error: (r.stderr || '').trim().split('\n').slice(-3).join(' ') || `exit ${r.status}` };
  return JSON.parse(fs.readFileSync(out, 'utf8'));
}

// Decode with our VideoDecoder (from the encoder's own decoderConfig) and compare with the input:
// I420 input plane by plane (PSNR of Y and of all planes); RGBA input after copyTo({format:
// 'RGBA'}) — what a user gets back, so a colour space the encoder reports wrongly costs here.
async function psnr(result, input, format) {
  const { VideoDecoder, EncodedVideoChunk } = require('..');
  const cfg = { ...result.decoderConfig };
  if (cfg.description) cfg.description = Buffer.from(cfg.description, 'base64');
  const rgba = format === 'RGBA';
  const frameBytes = rgba ? W * H * 4 : (W * H * 3) / 2;
  const ySize = W * H;
  let sseY = 0;
  let sseAll = 0;
  let decoded = 0;
  let failure = null;
  const pending = [];
  const compare = (i, buf) => {
    const ref = input.subarray(i * frameBytes, (i + 1) * frameBytes);
    if (rgba) {
      for (let k = 0; k < frameBytes; k += 4) {
        for (let c = 0; c < 3; c++) {
          const d = buf[k + c] - ref[k + c];
          sseAll += d * d;
        }
      }
    } else {
      for (let k = 0; k < frameBytes; k++) {
        const d = buf[k] - ref[k];
        if (k < ySize) sseY += d * d;
        sseAll += d * d;
      }
    }
    decoded++;
  };
  const dec = new VideoDecoder({
    output(frame) {
      const i = Math.round((frame.timestamp * FPS) / 1e6);
      if (!rgba && frame.format !== 'I420') failure = new Error(`decoded ${frame.format}, expected I420`);
      const opts = rgba ? { format: 'RGBA' } : {};
      const buf = new Uint8Array(frame.allocationSize(opts));
      pending.push(frame.copyTo(buf, opts).then(() => compare(i, buf), (e) => { failure = e; }).finally(() => frame.close()));
    },
    error(e) { failure = e; },
  });
  dec.configure(cfg);
  for (const c of result.chunks) dec.decode(new EncodedVideoChunk({ type: c.key ? 'key' : 'delta', timestamp: c.timestamp, data: Buffer.from(c.data, 'base64') }));
  await dec.flush();
  await Promise.all(pending);
  dec.close();
  if (failure) throw failure;
  const db = (sse, n) => (sse === 0 ? Infinity : 10 * Math.log10((255 * 255 * n) / sse));
  return { decoded, y: rgba ? NaN : db(sseY, decoded * ySize), all: db(sseAll, decoded * (rgba ? ySize * 3 : frameBytes)) };
}

async function main() {
  const frames = Number(argValue('--frames', '300'));
  const only = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--frames');
  const codecs = ['avc1.42001E', 'avc1.64001F', 'hvc1.1.6.L93.B0', 'vp8', 'vp09.00.10.08', 'av01.0.04M.08'].filter((c) => only.length === 0 || only.includes(c));
  const peer = ensurePeer();
  if (!peer) {
    console.log(`${PEER} could not be installed: peer comparison skipped`);
    return;
  }
  const { movingRgba, rgbaFileToI420 } = require('./content');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-peer-'));
  try {
    const rgbaFile = path.join(dir, 'in.rgba');
    fs.writeFileSync(rgbaFile, movingRgba(W, H, frames));
    const i420File = path.join(dir, 'in.yuv');
    const i420 = rgbaFileToI420(rgbaFile, W, H, i420File);
    console.log(`VideoEncoder defaults, ours vs ${PEER} ${PEER_VERSION}: ${W}×${H}, ${BITRATE / 1e6} Mbps, ${frames} moving frames, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
    console.log('                       | RGBA input                             | I420 input');
    console.log('codec            impl  |    fps  CPU ms  kb/s  PSNR RGB          |    fps  CPU ms  kb/s  PSNR Y  PSNR YUV');
    for (const codec of codecs) {
      for (const impl of ['ours', 'peer']) {
        const rgba = runChild(impl, codec, 'RGBA', rgbaFile, frames, dir);
        const yuv = runChild(impl, codec, 'I420', i420File, frames, dir);
        const cell = async (r, input, format) => {
          if (r.error) return `error: ${r.error}`.slice(0, 60);
          const p = await psnr(r, input, format);
          const kbps = (r.bytes * 8 * FPS) / r.frames / 1000;
          const q = format === 'RGBA' ? `${p.all.toFixed(2).padStart(8)}` : `${p.y.toFixed(2).padStart(7)} ${p.all.toFixed(2).padStart(7)}`;
          const notes = [r.frames < frames ? `${r.frames} frames in ${BUDGET_S} s` : '', p.decoded !== r.frames ? `decoded ${p.decoded}/${r.frames}` : ''].filter(Boolean).join(', ');
          return `${(r.frames / r.secs).toFixed(1).padStart(6)} ${r.cpuMs.toFixed(2).padStart(7)} ${kbps.toFixed(0).padStart(5)} ${q}${notes ? ` (${notes})` : ''}`;
        };
        const a = await cell(rgba, fs.readFileSync(rgbaFile), 'RGBA');
        const b = await cell(yuv, i420, 'I420');
        console.log(`${codec.padEnd(16)} ${impl.padEnd(5)} | ${a.padEnd(38)} | ${b}`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { ensurePeer, PEER, PEER_VERSION };

if (require.main !== module) {
  // required by another benchmark (bench/images.js) for ensurePeer
} else if (process.argv[2] === '--child') {
  child().catch((e) => { console.error(e && e.stack ? e.stack : e); process.exit(1); });
} else {
  main().catch((e) => { console.error(e); process.exit(1); });
}
