'use strict';
// test/conformance: the encoder side of the VideoFrame tests in web-platform-tests webcodecs/
// (videoFrame-construction, videoFrame-alpha, the pixel formats of videoFrame-copyTo, and the
// visibleRect of video-encoder-rescaling): every VideoPixelFormat a VideoFrame can hold encodes,
// and decodes back to the colours the frame shows — channel order of RGBA/BGRA, chroma siting of
// NV12, 4:2:2/4:4:4 subsampling, 10/12-bit samples, the frame's colour space (BT.601 full range
// here), alpha dropped without touching colour (alpha: 'discard'), and only the visibleRect
// encoded. One encoder takes all of them in turn (its input format changes from frame to frame).
// This build has no VideoDecoder yet, so the ffmpeg CLI decodes (skipped when not installed).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { VideoEncoder, VideoFrame } = require('../..');
const { hasCommand, quadrant, toYuv, annexbStreamOf, ffmpegDecode, rgbAt } = require('./wpt-utils');

const HAS_FFMPEG = hasCommand('ffmpeg');
const W = 64;
const H = 48;
const COLORS = [[255, 255, 0], [230, 20, 30], [20, 200, 60], [40, 40, 220]]; // TL, TR, BL, BR

/**
 * A coded cw×ch frame of `format` whose (vx, vy, W, H) rectangle shows the four COLORS and whose
 * other pixels are grey; `alpha` for the alpha channel/plane; `yuvOpts` for the YUV matrix/range.
 */
function makeData(format, { cw = W, ch = H, vx = 0, vy = 0, alpha = 255, yuvOpts } = {}) {
  const colorAt = (x, y) => {
    if (x < vx || y < vy || x >= vx + W || y >= vy + H) return [128, 128, 128];
    return COLORS[quadrant(x - vx, y - vy, W, H)];
  };
  const rgbOrder = { RGBA: [0, 1, 2], RGBX: [0, 1, 2], BGRA: [2, 1, 0], BGRX: [2, 1, 0] }[format];
  if (rgbOrder) {
    const data = new Uint8Array(cw * ch * 4);
    for (let y = 0; y < ch; y++) {
      for (let x = 0; x < cw; x++) {
        const c = colorAt(x, y);
        data.set([c[rgbOrder[0]], c[rgbOrder[1]], c[rgbOrder[2]], alpha], (y * cw + x) * 4);
      }
    }
    return data;
  }
  const m = /^(I420|I422|I444|NV12)(A?)(?:P(10|12))?$/.exec(format);
  assert.ok(m, format);
  const [, layout, hasAlpha, depth] = m;
  const sx = layout === 'I444' ? 1 : 2;
  const sy = layout === 'I420' || layout === 'NV12' ? 2 : 1;
  const shift = depth ? Number(depth) - 8 : 0;
  const bps = depth ? 2 : 1;
  const yuvAt = (x, y) => toYuv(colorAt(x, y), yuvOpts);
  const pw = Math.ceil(cw / sx);
  const ph = Math.ceil(ch / sy);
  const planes = [];
  const luma = new Array(cw * ch);
  for (let y = 0; y < ch; y++) for (let x = 0; x < cw; x++) luma[y * cw + x] = yuvAt(x, y)[0];
  planes.push(luma);
  const u = new Array(pw * ph);
  const v = new Array(pw * ph);
  for (let y = 0; y < ph; y++) {
    for (let x = 0; x < pw; x++) {
      const c = yuvAt(x * sx, y * sy);
      u[y * pw + x] = c[1];
      v[y * pw + x] = c[2];
    }
  }
  if (layout === 'NV12') {
    const uv = new Array(pw * ph * 2);
    for (let i = 0; i < pw * ph; i++) { uv[2 * i] = u[i]; uv[2 * i + 1] = v[i]; }
    planes.push(uv);
  } else {
    planes.push(u, v);
  }
  if (hasAlpha) planes.push(new Array(cw * ch).fill(alpha));
  const samples = planes.flat().map((s) => Math.max(0, Math.min((255 << shift) | ((1 << shift) - 1), Math.round(s * (1 << shift)))));
  const data = new Uint8Array(samples.length * bps);
  samples.forEach((s, i) => { if (bps === 2) { data[2 * i] = s & 0xff; data[2 * i + 1] = s >> 8; } else data[i] = s; });
  return data;
}

function makeFrame(format, timestamp, opts = {}) {
  const { cw = W, ch = H, vx = 0, vy = 0, colorSpace } = opts;
  const init = { format, codedWidth: cw, codedHeight: ch, timestamp };
  if (cw !== W || ch !== H) init.visibleRect = { x: vx, y: vy, width: W, height: H };
  if (colorSpace) init.colorSpace = colorSpace;
  return new VideoFrame(makeData(format, opts), init);
}

// ---------------------------------------------------------------- the inputs

const FORMATS = ['I420', 'I420A', 'I422', 'I422A', 'I444', 'I444A', 'NV12', 'RGBA', 'RGBX', 'BGRA', 'BGRX',
  'I420P10', 'I420P12', 'I420AP10', 'I422P10', 'I422P12', 'I444P10', 'I444P12', 'I444AP12'];

const CASES = [
  ...FORMATS.map((format) => ({ name: `${format} frame`, make: (ts) => makeFrame(format, ts) })),
  ...['RGBA', 'BGRA', 'I420A'].map((format) => ({
    name: `${format} frame with alpha 0: colours kept, alpha discarded`,
    make: (ts) => makeFrame(format, ts, { alpha: 0 }),
  })),
  {
    name: 'I420 frame in BT.601 full range (colorSpace smpte170m, fullRange true)',
    make: (ts) => makeFrame('I420', ts, {
      yuvOpts: { kr: 0.299, kb: 0.114, full: true },
      colorSpace: { primaries: 'smpte170m', transfer: 'smpte170m', matrix: 'smpte170m', fullRange: true },
    }),
  },
  ...['I420', 'NV12', 'RGBA', 'I444P10'].map((format) => ({
    name: `${format} frame: only its visibleRect is encoded`,
    make: (ts) => makeFrame(format, ts, { cw: 112, ch: 80, vx: 32, vy: 16 }),
  })),
  {
    name: 'VideoFrame(frame, {visibleRect}): only that part is encoded',
    make: (ts) => {
      const data = makeData('I420', { cw: 112, ch: 80, vx: 48, vy: 32 }); // the colours at (48, 32)
      const src = new VideoFrame(data, { format: 'I420', codedWidth: 112, codedHeight: 80, timestamp: 0 });
      try {
        return new VideoFrame(src, { timestamp: ts, visibleRect: { x: 48, y: 32, width: W, height: H } });
      } finally {
        src.close();
      }
    },
  },
];

// ---------------------------------------------------------------- encode once, decode once

let decoded = null;
let chunks = [];
let decoderConfig = null;
const errors = [];

before(async () => {
  const encoder = new VideoEncoder({
    output: (chunk, metadata) => { chunks.push(chunk); if (metadata.decoderConfig) decoderConfig = metadata.decoderConfig; },
    error: (e) => errors.push(e),
  });
  try {
    encoder.configure({ codec: 'avc1.42001E', width: W, height: H, avc: { format: 'annexb' } });
    CASES.forEach((c, i) => {
      const frame = c.make(i);
      encoder.encode(frame, { keyFrame: true }); // each picture on its own
      frame.close();
    });
    await encoder.flush();
  } finally {
    encoder.close();
  }
  if (HAS_FFMPEG && errors.length === 0 && chunks.length === CASES.length) {
    decoded = ffmpegDecode(annexbStreamOf(chunks, null), W, H);
  }
});

after(() => {
  chunks = [];
});

test('every input was encoded, in order, into one stream', () => {
  assert.deepEqual(errors, []);
  assert.deepEqual(chunks.map((c) => c.timestamp), CASES.map((_, i) => i));
  assert.deepEqual([decoderConfig.codedWidth, decoderConfig.codedHeight], [W, H]);
});

CASES.forEach((c, i) => {
  test(`${c.name} decodes to the colours it shows`, { skip: !HAS_FFMPEG && 'the ffmpeg CLI decodes here and is not installed' }, () => {
    assert.ok(decoded, 'the stream was encoded and decoded');
    assert.equal(decoded.length, CASES.length);
    for (let q = 0; q < 4; q++) {
      const x0 = (q & 1) * (W / 2) + W / 8;
      const y0 = (q >> 1) * (H / 2) + H / 8;
      const got = rgbAt(decoded[i], W, H, x0, y0, W / 4, H / 4);
      got.forEach((v, k) => assert.ok(Math.abs(v - COLORS[q][k]) <= 20,
        `quadrant ${q}: got ${got.map(Math.round)}, expected ${COLORS[q]}`));
    }
  });
});
