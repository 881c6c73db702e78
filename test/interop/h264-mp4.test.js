'use strict';
// Interop: our H.264 chunks in real containers, checked by the ffmpeg CLI (the reference).
// 120 frames of a moving test pattern → mp4-muxer MP4 (avc, description) and a raw Annex B
// .h264 file; ffprobe checks stream, frame count and timestamps; ffmpeg decodes and measures PSNR
// against the exact source frames.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
require('../../js/polyfill'); // mp4-muxer looks for EncodedVideoChunk on globalThis
const { VideoEncoder, VideoFrame } = require('../..');
const { Muxer, ArrayBufferTarget } = require('mp4-muxer');

const W = 640, H = 480, N = 120, FPS = 30, DUR = Math.round(1e6 / FPS);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-interop-'));
test.after(() => { if (!process.env.KEEP_INTEROP) fs.rmSync(dir, { recursive: true, force: true }); });

/** Frame i of a moving pattern, as I420 bytes: diagonal luma stripes moving right, a moving box, chroma gradients. */
function pattern(i) {
  const y = new Uint8Array(W * H * 3 / 2);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) y[r * W + c] = 40 + ((((c + r + i * 4) >> 4) & 1) ? 140 : 30) + ((c * 40 / W) | 0);
  }
  const bx = (i * 5) % (W - 64), by = (i * 3) % (H - 64);
  for (let r = by; r < by + 64; r++) y.fill(235, r * W + bx, r * W + bx + 64);
  const u = W * H, v = u + (W / 2) * (H / 2);
  for (let r = 0; r < H / 2; r++) {
    for (let c = 0; c < W / 2; c++) {
      y[u + r * (W / 2) + c] = 64 + ((c * 128) / (W / 2)) | 0;
      y[v + r * (W / 2) + c] = 64 + ((r * 128) / (H / 2)) | 0;
    }
  }
  return y;
}

async function encodeAll(config, onChunk) {
  const encoder = new VideoEncoder({ output: onChunk, error: (e) => { throw e; } });
  encoder.configure(config);
  const src = fs.openSync(path.join(dir, 'source.yuv'), 'w');
  for (let i = 0; i < N; i++) {
    const bytes = pattern(i);
    fs.writeSync(src, bytes);
    const frame = new VideoFrame(bytes, { format: 'I420', codedWidth: W, codedHeight: H, timestamp: i * DUR, duration: DUR });
    encoder.encode(frame, { keyFrame: i === 0 });
    frame.close();
  }
  fs.closeSync(src);
  await encoder.flush();
  encoder.close();
}

/** ffmpeg's PSNR (average over Y, U, V and all frames) of `input` against the source frames, matched by index. */
function psnrOf(input) {
  const r = require('node:child_process').spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', input,
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${W}x${H}`, '-i', path.join(dir, 'source.yuv'),
    '-lavfi', '[0:v]settb=1/30,setpts=N[a];[1:v]settb=1/30,setpts=N[b];[a][b]psnr', '-f', 'null', '-'], { encoding: 'utf8' });
  const m = /PSNR y:[\d.]+ u:[\d.]+ v:[\d.]+ average:([\d.]+|inf)/.exec(r.stderr);
  assert.ok(m, `ffmpeg printed no PSNR:\n${r.stderr}`);
  return m[1] === 'inf' ? Infinity : Number(m[1]);
}

test('MP4 (avc format, mp4-muxer): ffprobe sees one H.264 stream of 120 frames with our timestamps; PSNR > 35 dB', async () => {
  const muxer = new Muxer({ target: new ArrayBufferTarget(), video: { codec: 'avc', width: W, height: H }, fastStart: 'in-memory' });
  let sawDescription = false;
  await encodeAll({ codec: 'avc1.42001E', width: W, height: H, bitrate: 2_000_000, framerate: FPS }, (chunk, meta) => {
    if (meta && meta.decoderConfig) sawDescription = meta.decoderConfig.description instanceof ArrayBuffer;
    muxer.addVideoChunk(chunk, meta);
  });
  assert.ok(sawDescription, 'decoderConfig.description (avcC) was given');
  muxer.finalize();
  const file = path.join(dir, 'out.mp4');
  fs.writeFileSync(file, Buffer.from(muxer.target.buffer));

  const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_frames', '-select_streams', 'v', '-of', 'json', file], { encoding: 'utf8' }));
  assert.strictEqual(probe.streams.length, 1);
  assert.strictEqual(probe.streams[0].codec_name, 'h264');
  assert.strictEqual(probe.streams[0].width, W);
  assert.strictEqual(probe.streams[0].height, H);
  assert.strictEqual(probe.frames.length, N);
  const pts = probe.frames.map((f) => Math.round(Number(f.pts_time) * 1e6)).sort((a, b) => a - b);
  pts.forEach((t, i) => assert.ok(Math.abs(t - i * DUR) <= 1000, `frame ${i} at ${t} µs, expected ${i * DUR}`));
  const db = psnrOf(file);
  console.log(`# MP4: PSNR ${db} dB against the source frames`);
  assert.ok(db > 35, `PSNR ${db} dB`);
});

test('raw Annex B .h264 (annexb format): ffmpeg decodes 120 frames; PSNR > 35 dB', async () => {
  const file = path.join(dir, 'out.h264');
  const fd = fs.openSync(file, 'w');
  let keyWithSps = 0, description = 'unset';
  await encodeAll({ codec: 'avc1.42001E', width: W, height: H, bitrate: 2_000_000, framerate: FPS, avc: { format: 'annexb' } }, (chunk, meta) => {
    if (meta && meta.decoderConfig) description = meta.decoderConfig.description;
    const b = new Uint8Array(chunk.byteLength);
    chunk.copyTo(b);
    if (chunk.type === 'key' && b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] === 1 && (b[4] & 0x1f) === 7) keyWithSps++;
    fs.writeSync(fd, b);
  });
  fs.closeSync(fd);
  assert.strictEqual(description, undefined, 'annexb has no description');
  assert.ok(keyWithSps >= 1, 'key chunks carry SPS in band');
  const count = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v', '-show_entries', 'stream=nb_read_frames,codec_name', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim();
  assert.strictEqual(count, `h264,${N}`);
  const db = psnrOf(file);
  console.log(`# Annex B: PSNR ${db} dB against the source frames`);
  assert.ok(db > 35, `PSNR ${db} dB`);
});
