'use strict';
// test/conformance: mirrors web-platform-tests webcodecs/video-encoder-rescaling.https.any.js,
// variant ?h264_annexb: a four-colour RGBX or I420 frame of one size, encoded with a config of
// another size, must decode to the same four colours at the configured size. This build has no
// VideoDecoder yet, so the ffmpeg CLI decodes (skipped when it is not installed). Differences from
// WPT: the I420 input is made with the BT.709 limited-range matrix (the colour space a VideoFrame
// of I420 data gets by default), not WPT's BT.601 full-range formula, so both formats must give
// back the same colours; and the check is per quadrant (its inner half, away from the edges that
// scaling and 4:2:0 blur) with a tolerance of 20/255 per RGB channel.

const { test, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { VideoEncoder, VideoFrame } = require('../..');

const HAS_FFMPEG = spawnSync('ffmpeg', ['-version']).status === 0;
const BASECONFIG = { codec: 'avc1.42001E', avc: { format: 'annexb' }, framerate: 30, bitrate: 3000000 };

const open = new Set();
afterEach(() => {
  for (const e of open) if (e.state !== 'closed') e.close();
  open.clear();
});

const FOUR_COLORS = [[255, 255, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255]]; // TL, TR, BL, BR (WPT's)
const quadrant = (x, y, w, h) => (y * 2 >= h ? 2 : 0) + (x * 2 >= w ? 1 : 0);

/** BT.709 limited-range YUV of an RGB colour. */
function yuv709(rgb) {
  const [r, g, b] = rgb.map((c) => c / 255);
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return [16 + 219 * y, 128 + 224 * (b - y) / 1.8556, 128 + 224 * (r - y) / 1.5748].map(Math.round);
}

function fourColorFrame(format, w, h) {
  if (format === 'RGBX') {
    const data = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([...FOUR_COLORS[quadrant(x, y, w, h)], 255], (y * w + x) * 4);
    return new VideoFrame(data, { format, codedWidth: w, codedHeight: h, timestamp: 0 });
  }
  const yuv = FOUR_COLORS.map(yuv709);
  const cw = w >> 1;
  const ch = h >> 1;
  const data = new Uint8Array(w * h + 2 * cw * ch);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = yuv[quadrant(x, y, w, h)][0];
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      data[w * h + y * cw + x] = yuv[quadrant(x, y, cw, ch)][1];
      data[w * h + cw * ch + y * cw + x] = yuv[quadrant(x, y, cw, ch)][2];
    }
  }
  return new VideoFrame(data, { format, codedWidth: w, codedHeight: h, timestamp: 0 });
}

/** Decode an Annex B stream to I420 frames with the ffmpeg CLI. */
function ffmpegDecode(stream, width, height) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-f', 'h264', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'yuv420p',
    '-vsync', 'passthrough', 'pipe:1'], { input: stream, maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, `ffmpeg failed: ${r.stderr}`);
  const size = width * height * 3 / 2;
  assert.equal(r.stdout.length % size, 0, `decoded ${r.stdout.length} bytes, not a whole number of ${width}×${height} frames`);
  return Array.from({ length: r.stdout.length / size }, (_, i) => r.stdout.subarray(i * size, (i + 1) * size));
}

/** Mean RGB (BT.709 limited, as the stream signals) of a block of a decoded I420 frame. */
function rgbAt(frame, width, height, x0, y0, w, h) {
  let Y = 0; let U = 0; let V = 0; let n = 0;
  const cw = width >> 1;
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      Y += frame[y * width + x];
      U += frame[width * height + (y >> 1) * cw + (x >> 1)];
      V += frame[width * height * 5 / 4 + (y >> 1) * cw + (x >> 1)];
      n++;
    }
  }
  const yy = (Y / n - 16) * 255 / 219;
  const cb = (U / n - 128) * 255 / 224;
  const cr = (V / n - 128) * 255 / 224;
  const clamp = (v) => Math.max(0, Math.min(255, v));
  return [clamp(yy + 1.5748 * cr), clamp(yy - 0.1873 * cb - 0.4681 * cr), clamp(yy + 1.8556 * cb)];
}

/** scaleFrame(): encode one frame at `to`, return the decoded I420 picture and the decoderConfig. */
async function scaleFrame(frame, { w, h }) {
  const chunks = [];
  let decoderConfig = null;
  const errors = [];
  const encoder = new VideoEncoder({
    output: (chunk, metadata) => { chunks.push(chunk); if (metadata.decoderConfig) decoderConfig = metadata.decoderConfig; },
    error: (e) => errors.push(e),
  });
  open.add(encoder);
  encoder.configure({ ...BASECONFIG, width: w, height: h });
  encoder.encode(frame);
  await encoder.flush();
  encoder.close();
  assert.deepEqual(errors, []);
  assert.equal(chunks.length, 1);
  const stream = Buffer.concat(chunks.map((c) => { const b = Buffer.alloc(c.byteLength); c.copyTo(b); return b; }));
  const frames = ffmpegDecode(stream, w, h);
  assert.equal(frames.length, 1);
  return { picture: frames[0], decoderConfig };
}

const scaleTests = [
  { from: { w: 64, h: 64 }, to: { w: 128, h: 128 } }, // factor 2
  { from: { w: 128, h: 128 }, to: { w: 128, h: 128 } }, // factor 1
  { from: { w: 128, h: 128 }, to: { w: 64, h: 64 } }, // factor 0.5
  { from: { w: 32, h: 32 }, to: { w: 96, h: 96 } }, // factor 3
  { from: { w: 192, h: 192 }, to: { w: 64, h: 64 } }, // factor 1/3
  { from: { w: 64, h: 32 }, to: { w: 128, h: 64 } }, // factor 2
  { from: { w: 128, h: 256 }, to: { w: 64, h: 128 } }, // factor 0.5
  { from: { w: 64, h: 64 }, to: { w: 128, h: 192 } }, // factor 2 (w) and 3 (h)
  { from: { w: 128, h: 192 }, to: { w: 64, h: 64 } }, // factor 0.5 (w) and 1/3 (h)
];

for (const scale of scaleTests) {
  for (const format of ['RGBX', 'I420']) {
    const name = `Scaling Image in Encoding from ${scale.from.w} x ${scale.from.h} to ${scale.to.w} x ${scale.to.h} Format: ${format}`;
    test(name, { skip: !HAS_FFMPEG && 'the ffmpeg CLI decodes here and is not installed' }, async () => {
      const input = fourColorFrame(format, scale.from.w, scale.from.h);
      let result;
      try {
        result = await scaleFrame(input, scale.to);
      } finally {
        input.close();
      }
      const { w, h } = scale.to;
      assert.equal(result.decoderConfig.codedWidth, w);
      assert.equal(result.decoderConfig.codedHeight, h);
      for (let q = 0; q < 4; q++) {
        const x0 = (q & 1) * (w / 2) + w / 8;
        const y0 = (q >> 1) * (h / 2) + h / 8;
        const got = rgbAt(result.picture, w, h, x0, y0, w / 4, h / 4);
        got.forEach((c, k) => assert.ok(Math.abs(c - FOUR_COLORS[q][k]) <= 20,
          `quadrant ${q}: got ${got.map(Math.round)}, expected ${FOUR_COLORS[q]}`));
      }
    });
  }
}
