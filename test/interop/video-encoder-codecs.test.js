'use strict';
// test/interop: every VideoEncoder codec against real clients. 60 frames of moving I420 content
// (320×240, a drifting gradient with a moving box, 30 fps) encoded with default settings at
// 1 Mbps, then
//   - decoded by our VideoDecoder: same count and timestamps, mean PSNR vs the source > 30 dB
//     (no frame below 25 dB);
//   - muxed (VP8/VP9/AV1 with webm-muxer, H.264/HEVC/AV1 with mp4-muxer), checked with ffprobe
//     (frame count, duration) and decoded by the ffmpeg CLI: same count, each frame's PSNR
//     within 0.5 dB of our decoder's.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const api = require('../..');
const { VideoEncoder, VideoFrame } = api;
const { videoDecoderOrFail } = require('../helpers/video-media');
const WebM = require('webm-muxer');
const Mp4 = require('mp4-muxer');

const VideoDecoder = videoDecoderOrFail(api, __filename);
// The muxers check `chunk instanceof EncodedVideoChunk` against the global (as in a browser).
globalThis.EncodedVideoChunk = api.EncodedVideoChunk;
const W = 320;
const H = 240;
const N = 60;
const FRAME_US = 33333;
const HAS_FFMPEG = spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('ffprobe', ['-version']).status === 0;

/** Moving content: a diagonal gradient drifting right, a bright box moving across, tinted chroma. */
function sourceFrame(i) {
  const y = new Uint8Array(W * H);
  const cw = W / 2;
  const ch = H / 2;
  const u = new Uint8Array(cw * ch);
  const v = new Uint8Array(cw * ch);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) y[r * W + c] = 40 + (((c + r + i * 4) * 3) % 160);
  const bx = (i * 5) % (W - 48);
  for (let r = 80; r < 128; r++) y.fill(235, r * W + bx, r * W + bx + 48);
  for (let r = 0; r < ch; r++) for (let c = 0; c < cw; c++) { u[r * cw + c] = 96 + ((c + i) % 64); v[r * cw + c] = 160 - ((r + i) % 64); }
  return Buffer.concat([y, u, v]);
}
const SOURCE = Array.from({ length: N }, (_, i) => sourceFrame(i));

function psnr(a, b) {
  assert.equal(a.length, b.length);
  let se = 0;
  for (let k = 0; k < a.length; k++) { const d = a[k] - b[k]; se += d * d; }
  return se === 0 ? 99 : 10 * Math.log10((255 * 255) / (se / a.length));
}

const CASES = [
  { codec: 'vp8', webm: 'V_VP8' },
  { codec: 'vp09.00.10.08', webm: 'V_VP9' },
  { codec: 'av01.0.04M.08', webm: 'V_AV1', mp4: 'av1' },
  { codec: 'hvc1.1.6.L93.B0', mp4: 'hevc' },
  { codec: 'avc1.42001E', mp4: 'avc' },
];

for (const c of CASES) {
  test(`${c.codec}: 60 moving frames round-trip through VideoDecoder${HAS_FFMPEG ? ', muxers, ffprobe and the ffmpeg CLI' : ''}`, async (t) => {
    const outs = [];
    const errors = [];
    const enc = new VideoEncoder({ output: (chunk, meta) => outs.push({ chunk, meta }), error: (e) => errors.push(e) });
    enc.configure({ codec: c.codec, width: W, height: H, bitrate: 1_000_000, framerate: 30 });
    for (let i = 0; i < N; i++) {
      const f = new VideoFrame(SOURCE[i], { format: 'I420', codedWidth: W, codedHeight: H, timestamp: i * FRAME_US, duration: FRAME_US });
      enc.encode(f, { keyFrame: i === 0 });
      f.close();
    }
    await enc.flush();
    enc.close();
    assert.deepEqual(errors, []);
    assert.equal(outs.length, N);
    const decoderConfig = outs[0].meta.decoderConfig;

    // Our VideoDecoder.
    const frames = [];
    const dec = new VideoDecoder({ output: (f) => frames.push(f), error: (e) => errors.push(e) });
    dec.configure(decoderConfig);
    for (const o of outs) dec.decode(o.chunk);
    await dec.flush();
    dec.close();
    assert.deepEqual(errors, []);
    assert.equal(frames.length, N, 'frames decoded by VideoDecoder');
    const ours = [];
    for (const [i, f] of frames.entries()) {
      assert.equal(f.timestamp, i * FRAME_US);
      const b = new Uint8Array(f.allocationSize());
      await f.copyTo(b);
      f.close();
      ours.push(psnr(b, SOURCE[i]));
    }
    const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
    t.diagnostic(`${c.codec}: VideoDecoder PSNR mean ${mean(ours).toFixed(1)} dB (worst frame ${Math.min(...ours).toFixed(1)}), ${outs.reduce((s, o) => s + o.chunk.byteLength, 0)} bytes`);
    assert.ok(mean(ours) > 30, `PSNR ${mean(ours).toFixed(1)} dB`);
    assert.ok(Math.min(...ours) > 25, `worst frame ${Math.min(...ours).toFixed(1)} dB`);

    if (!HAS_FFMPEG) return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-enc-interop-'));
    try {
      const files = [];
      if (c.webm) {
        const target = new WebM.ArrayBufferTarget();
        const m = new WebM.Muxer({ target, video: { codec: c.webm, width: W, height: H, frameRate: 30 } });
        for (const o of outs) m.addVideoChunk(o.chunk, o.meta);
        m.finalize();
        files.push(['webm', Buffer.from(target.buffer)]);
      }
      if (c.mp4) {
        const target = new Mp4.ArrayBufferTarget();
        const m = new Mp4.Muxer({ target, video: { codec: c.mp4, width: W, height: H }, fastStart: 'in-memory' });
        for (const o of outs) m.addVideoChunk(o.chunk, o.meta);
        m.finalize();
        files.push(['mp4', Buffer.from(target.buffer)]);
      }
      for (const [ext, bytes] of files) {
        const file = path.join(dir, `out.${ext}`);
        fs.writeFileSync(file, bytes);
        const p = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,codec_name:format=duration', '-of', 'json', file], { encoding: 'utf8' });
        assert.equal(p.status, 0, p.stderr);
        const info = JSON.parse(p.stdout);
        assert.equal(Number(info.streams[0].nb_read_frames), N, `${ext}: frames ffprobe reads`);
        const duration = Number(info.format.duration);
        assert.ok(Math.abs(duration - N / 30) < 0.05, `${ext}: duration ${duration} s, expected ${N / 30}`);
        const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'], { maxBuffer: 1 << 27 });
        assert.equal(r.status, 0, String(r.stderr));
        const size = W * H * 3 / 2;
        assert.equal(r.stdout.length, size * N, `${ext}: frames the ffmpeg CLI decodes`);
        const cli = Array.from({ length: N }, (_, i) => psnr(r.stdout.subarray(i * size, (i + 1) * size), SOURCE[i]));
        t.diagnostic(`${c.codec} in ${ext}: ffmpeg CLI PSNR mean ${mean(cli).toFixed(1)} dB, duration ${duration} s (${info.streams[0].codec_name})`);
        assert.ok(mean(cli) > 30, `${ext}: PSNR ${mean(cli).toFixed(1)} dB`);
        cli.forEach((v, i) => assert.ok(Math.abs(v - ours[i]) < 0.5, `${ext}: frame ${i} decodes alike in both decoders (${v.toFixed(2)} vs ${ours[i].toFixed(2)} dB)`));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
