'use strict';
// Mirrors WPT webcodecs/videoFrame-copyTo-rgb.any.js: every subtest, with the same frames
// (4×4 I420 frames built with WPT's rgb2yuv, 4×4 RGBX frames, the 4-colour canvas frame), the same
// colour spaces (null, smpte170m, bt709), targets ('srgb', 'display-p3'), destination formats
// (RGBA, RGBX, BGRA, BGRX) and tolerance (1 per channel, alpha included).
//
// WPT compares copyTo() with what drawImage() + getImageData() give on a canvas of the target
// colour space. Node.js has no canvas, so `canvasPixel()` below is that canvas, written out from
// first principles in floating point, independently of the native code: YUV → non-linear RGB
// with the frame's matrix and range; the transfer curve decoded (SDR curves — bt709, smpte170m,
// iec61966-2-1 — as sRGB, which is how Chromium renders SDR video; 'linear' as is); linear RGB
// taken from the frame's primaries to the target's through CIE XYZ (D65), clipped, and encoded
// with the sRGB curve that both sRGB and Display P3 use. Opaque frames read alpha 255.

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { VideoFrame, liveCounts } = require('../..');

after(() => {
  assert.equal(liveCounts().frames, 0, 'every frame closed');
});

const smpte170m = { matrix: 'smpte170m', primaries: 'smpte170m', transfer: 'smpte170m', fullRange: false };
const bt709 = { matrix: 'bt709', primaries: 'bt709', transfer: 'bt709', fullRange: false };

// ---- the canvas (test/helpers/color-reference.js) ------------------------------------------------

const { canvasPixel, yuvToRgb, toXyz, fromXyz } = require('../helpers/color-reference');

test('the canvas model agrees with CSS Color 4\'s sRGB → Display P3 matrix', () => {
  const m = [[0.8224621, 0.177538, 0], [0.0331941, 0.9668058, 0], [0.0170827, 0.0723974, 0.9105199]];
  const f = (rgb) => fromXyz('smpte432')(toXyz('bt709')(rgb));
  for (let c = 0; c < 3; c++) {
    const e = [0, 0, 0];
    e[c] = 1;
    f(e).forEach((v, r) => assert.ok(Math.abs(v - m[r][c]) < 2e-4, `${r},${c}: ${v}`));
  }
  // color(srgb 1 0 0) is color(display-p3 0.9175 0.2003 0.1386).
  assert.deepEqual(canvasPixel([1, 0, 0], {}, 'display-p3'), [234, 51, 35]);
});

// ---- WPT's frames --------------------------------------------------------------------------------

function rgb2yuv(r, g, b) {
  const y = r * 0.299 + g * 0.587 + b * 0.114;
  const u = r * -0.168736 + g * -0.331264 + b * 0.5 + 128;
  const v = r * 0.5 + g * -0.418688 + b * -0.081312 + 128;
  return { y: Math.round(y), u: Math.round(u), v: Math.round(v) };
}

function makeI420Frames(colorSpace) {
  const colors = [[0xFF, 0xFF, 0x00], [0xFF, 0x00, 0x00], [0x00, 0x00, 0xFF], [0x00, 0xFF, 0x00],
    [0xFF, 0x00, 0xFF], [0x00, 0x00, 0x00], [0xFF, 0xFF, 0xFF], [0xFF, 0x78, 0xFF]];
  const init = { format: 'I420', timestamp: 0, codedWidth: 4, codedHeight: 4, colorSpace };
  const data = new Uint8Array(24);
  const result = [new VideoFrame(data, init)];
  for (const [r, g, b] of colors) {
    const c = rgb2yuv(r, g, b);
    data.fill(c.y, 0, 16);
    data.fill(c.u, 16, 20);
    data.fill(c.v, 20, 24);
    result.push(new VideoFrame(data, init));
  }
  return result;
}

function makeRGBXFrames(colorSpace) {
  const colors = [0xFFFF00, 0xFF0000, 0x0000FF, 0x00FF00, 0x000000, 0xFFFFFF];
  const init = { format: 'RGBX', timestamp: 0, codedWidth: 4, codedHeight: 4, colorSpace };
  const data = new Uint32Array(16);
  return colors.map((c) => {
    data.fill(c, 0, 16);
    return new VideoFrame(data, init);
  });
}

/** WPT's createFrame(32, 16): a canvas drawn in four colours (yellow, red / blue, green): sRGB RGBA. */
function createFrame(width, height) {
  const quad = [[255, 255, 0], [255, 0, 0], [0, 0, 255], [0, 255, 0]];
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const q = (y * 2 >= height ? 2 : 0) + (x * 2 >= width ? 1 : 0);
      data.set([...quad[q], 255], (y * width + x) * 4);
    }
  }
  return new VideoFrame(data, { format: 'RGBA', timestamp: 0, codedWidth: width, codedHeight: height });
}

/** The canvas's pixels for `frame` (its own bytes read back with a plain copyTo). */
async function canvasPixels(frame, colorSpace) {
  const { format } = frame;
  const w = frame.visibleRect.width;
  const h = frame.visibleRect.height;
  const raw = new Uint8Array(frame.allocationSize());
  await frame.copyTo(raw);
  const cs = frame.colorSpace;
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let rgb;
      if (format === 'I420') {
        const c = (y >> 1) * (w >> 1) + (x >> 1);
        rgb = yuvToRgb([raw[y * w + x], raw[w * h + c], raw[w * h + (w * h >> 2) + c]], cs);
      } else {
        const o = (y * w + x) * 4;
        rgb = [raw[o], raw[o + 1], raw[o + 2]].map((v) => v / 255);
      }
      out.set([...canvasPixel(rgb, cs, colorSpace), 255], (y * w + x) * 4);
    }
  }
  return out;
}

async function testFrame(frame, colorSpace, pixelFormat) {
  const width = frame.visibleRect.width;
  const height = frame.visibleRect.height;
  const message = 'Frame: ' + JSON.stringify({ format: frame.format, width, height, ...frame.colorSpace.toJSON() });
  const buf = new ArrayBuffer(width * height * 4);
  const options = { rect: { x: 0, y: 0, width, height }, format: pixelFormat, colorSpace };
  const layout = await frame.copyTo(buf, options);
  assert.equal(layout.length, 1, 'Conversion to RGB is not supported');
  const expected = await canvasPixels(frame, colorSpace);
  const actual = new Uint8Array(buf);
  const tolerance = 1;
  for (let i = 0; i < actual.length; i += 4) {
    const want = [...expected.subarray(i, i + 4)];
    if (pixelFormat.startsWith('BGR')) [want[0], want[2]] = [want[2], want[0]];
    for (let c = 0; c < 4; c++) {
      assert.ok(Math.abs(actual[i + c] - want[c]) <= tolerance,
        `${message} Mismatch at offset ${i} ${'RGBA'[c]}: actual: ${actual[i + c]} expected: ${want[c]}`);
    }
  }
}

for (const colorSpace of ['srgb', 'display-p3']) {
  for (const pixelFormat of ['RGBA', 'RGBX', 'BGRA', 'BGRX']) {
    for (const frameColorSpace of [null, smpte170m, bt709]) {
      const name = frameColorSpace ? frameColorSpace.primaries : 'null';
      test(`Convert 4x4 ${name} I420 frames to ${pixelFormat} / ${colorSpace}`, async () => {
        for (const frame of makeI420Frames(frameColorSpace)) {
          await testFrame(frame, colorSpace, pixelFormat);
          frame.close();
        }
      });
    }
  }
}

for (const colorSpace of ['srgb', 'display-p3']) {
  for (const pixelFormat of ['RGBA', 'RGBX', 'BGRA', 'BGRX']) {
    for (const frameColorSpace of [null, smpte170m, bt709]) {
      const name = frameColorSpace ? frameColorSpace.primaries : 'null';
      test(`Convert 4x4 ${name} RGBX frames to ${pixelFormat} / ${colorSpace}`, async () => {
        for (const frame of makeRGBXFrames(frameColorSpace)) {
          await testFrame(frame, colorSpace, pixelFormat);
          frame.close();
        }
      });
    }
  }
}

for (const colorSpace of ['srgb', 'display-p3']) {
  for (const pixelFormat of ['RGBA', 'RGBX', 'BGRA', 'BGRX']) {
    test(`Convert 4-color canvas frame to ${pixelFormat} / ${colorSpace}`, async () => {
      const frame = createFrame(32, 16);
      await testFrame(frame, colorSpace, pixelFormat);
      frame.close();
    });
  }
}

test('copyTo() with layout', async () => {
  const init = { format: 'RGBA', timestamp: 0, codedWidth: 4, codedHeight: 4 };
  const src = new Uint32Array(init.codedWidth * init.codedHeight);
  src.fill(0xFFFFFFFF);
  const offset = 5;
  const stride = 40;
  const dst = new Uint8Array(offset + stride * init.codedHeight);
  const frame = new VideoFrame(src, init);
  await frame.copyTo(dst, { format: 'RGBA', layout: [{ offset, stride }] });
  assert.ok(!dst.slice(0, offset).some((e) => e !== 0), 'offset');
  for (let row = 0; row < init.codedHeight; ++row) {
    const width = init.codedWidth * 4;
    const rowData = dst.slice(offset + stride * row, offset + stride * row + width);
    const margin = dst.slice(offset + stride * row + width, offset + stride * (row + 1));
    assert.ok(!rowData.some((e) => e !== 0xFF), `unexpected data in row ${row} [${rowData}]`);
    assert.ok(!margin.some((e) => e !== 0), `unexpected margin in row ${row} [${margin}]`);
  }
  frame.close();
});

for (const pixelFormat of ['I420', 'I420P10', 'I420P12', 'I420A', 'I422', 'I422A', 'I444', 'I444A', 'NV12']) {
  test(`Unsupported format ${pixelFormat}`, async () => {
    const data = new Uint32Array(16);
    const frame = new VideoFrame(data, { format: 'RGBX', timestamp: 0, codedWidth: 4, codedHeight: 4 });
    const options = { format: pixelFormat };
    assert.throws(() => frame.allocationSize(options), (e) => e instanceof DOMException && e.name === 'NotSupportedError');
    await assert.rejects(frame.copyTo(data, options), (e) => e instanceof DOMException && e.name === 'NotSupportedError');
    frame.close();
  });
}
