'use strict';
// VideoFrame against the real addon: construction for every VideoPixelFormat, layouts,
// copyTo/allocationSize, RGB conversion, clone/close sharing, closed-frame errors, transfer,
// rotation/flip, and the internal wrapNativeFrame/frameHandle API. Exact error names.

const { test, describe, after } = require('node:test');
const assert = require('node:assert/strict');

const native = require('../../js/lib/native');
const { VideoFrame, wrapNativeFrame, frameHandle, nativeFormatOf, isVideoFrame } = require('../../js/lib/video-frame');
const { VideoColorSpace } = require('../../js/lib/video-color-space');
const { DOMRectReadOnly } = require('../../js/lib/dom-rect');
const colorRef = require('../helpers/color-reference');

// --- Independent geometry table (not js/lib/pixel-format.js): [bytesPerElement, subW, subH] per plane.
const yuvPlanes = (sw, sh, b, alpha) => {
  const p = [[b, 1, 1], [b, sw, sh], [b, sw, sh]];
  return alpha ? [...p, [b, 1, 1]] : p;
};
const GEOMETRY = {
  I420: yuvPlanes(2, 2, 1, false), I420P10: yuvPlanes(2, 2, 2, false), I420P12: yuvPlanes(2, 2, 2, false),
  I420A: yuvPlanes(2, 2, 1, true), I420AP10: yuvPlanes(2, 2, 2, true), I420AP12: yuvPlanes(2, 2, 2, true),
  I422: yuvPlanes(2, 1, 1, false), I422P10: yuvPlanes(2, 1, 2, false), I422P12: yuvPlanes(2, 1, 2, false),
  I422A: yuvPlanes(2, 1, 1, true), I422AP10: yuvPlanes(2, 1, 2, true), I422AP12: yuvPlanes(2, 1, 2, true),
  I444: yuvPlanes(1, 1, 1, false), I444P10: yuvPlanes(1, 1, 2, false), I444P12: yuvPlanes(1, 1, 2, false),
  I444A: yuvPlanes(1, 1, 1, true), I444AP10: yuvPlanes(1, 1, 2, true), I444AP12: yuvPlanes(1, 1, 2, true),
  NV12: [[1, 1, 1], [2, 2, 2]],
  RGBA: [[4, 1, 1]], RGBX: [[4, 1, 1]], BGRA: [[4, 1, 1]], BGRX: [[4, 1, 1]],
};
const ALL_FORMATS = Object.keys(GEOMETRY);
const RGB = new Set(['RGBA', 'RGBX', 'BGRA', 'BGRX']);
const OPAQUE = {
  I420A: 'I420', I420AP10: 'I420P10', I420AP12: 'I420P12', I422A: 'I422', I422AP10: 'I422P10',
  I422AP12: 'I422P12', I444A: 'I444', I444AP10: 'I444P10', I444AP12: 'I444P12', RGBA: 'RGBX', BGRA: 'BGRX',
};

/** Tight layout of a w×h frame: [{offset, stride, rows}] and the total size. */
function tightLayout(format, w, h) {
  let offset = 0;
  const planes = GEOMETRY[format].map(([b, sw, sh]) => {
    const stride = Math.ceil(w / sw) * b;
    const rows = Math.ceil(h / sh);
    const p = { offset, stride, rows };
    offset += stride * rows;
    return p;
  });
  return { planes, size: offset };
}

/** Deterministic pseudo-random bytes. */
function pattern(n, seed = 1) {
  const a = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    a[i] = (s >>> 16) & 0xFF;
  }
  return a;
}
/** pattern(), with the high byte of each little-endian 16-bit sample kept within 10/12 bits. */
function samplePattern(format, n, seed) {
  const a = pattern(n, seed);
  const bits = /P10/.test(format) ? 10 : /P12/.test(format) ? 12 : 8;
  if (bits > 8) for (let i = 1; i < n; i += 2) a[i] &= (1 << (bits - 8)) - 1; // little-endian high byte
  return a;
}

const live = () => native.liveCounts();
function rgbaFrame(w, h, bytes, extra = {}) {
  return new VideoFrame(bytes || pattern(w * h * 4), { format: 'RGBA', codedWidth: w, codedHeight: h, timestamp: 0, ...extra });
}
const I420_4x2 = () => new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
const i420_4x2 = (extra = {}) => new VideoFrame(I420_4x2(), { format: 'I420', codedWidth: 4, codedHeight: 2, timestamp: 0, ...extra });

after(() => {
  const c = live();
  // liveCounts().frames counts native pixel buffers (shared by clones), avFrames FFmpeg frames.
  assert.equal(c.frames, 0, `frame pixel buffers still alive after the suite: ${JSON.stringify(c)}`);
  assert.equal(c.avFrames, 0, `AVFrames still alive after the suite: ${JSON.stringify(c)}`);
});

describe('construction from a buffer, every VideoPixelFormat', () => {
  for (const format of ALL_FORMATS) {
    for (const [w, h] of [[6, 4], [5, 3]]) {
      test(`${format} ${w}x${h}: attributes, allocationSize, byte-exact copyTo`, async () => {
        const { planes, size } = tightLayout(format, w, h);
        const data = samplePattern(format, size, w * 31 + h);
        const frame = new VideoFrame(data, { format, codedWidth: w, codedHeight: h, timestamp: 42, duration: 1000 });
        assert.equal(frame.format, format);
        assert.equal(frame.codedWidth, w);
        assert.equal(frame.codedHeight, h);
        assert.deepEqual(frame.codedRect.toJSON(), new DOMRectReadOnly(0, 0, w, h).toJSON());
        assert.deepEqual([frame.visibleRect.x, frame.visibleRect.y, frame.visibleRect.width, frame.visibleRect.height], [0, 0, w, h]);
        assert.equal(frame.displayWidth, w);
        assert.equal(frame.displayHeight, h);
        assert.equal(frame.rotation, 0);
        assert.equal(frame.flip, false);
        assert.equal(frame.timestamp, 42);
        assert.equal(frame.duration, 1000);
        const expectedCs = RGB.has(format)
          ? { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true }
          : { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false };
        assert.deepEqual(frame.colorSpace.toJSON(), expectedCs);
        assert.equal(frame.allocationSize(), size);
        const out = new Uint8Array(size);
        const layout = await frame.copyTo(out);
        assert.deepEqual(layout, planes.map((p) => ({ offset: p.offset, stride: p.stride })));
        assert.deepEqual(out, data);
        frame.close();
      });
    }
  }

  test('data may be an ArrayBuffer, a DataView, a view at an offset, or a SharedArrayBuffer', async () => {
    const bytes = I420_4x2();
    const inits = { format: 'I420', codedWidth: 4, codedHeight: 2, timestamp: 0 };
    const shared = new SharedArrayBuffer(12);
    new Uint8Array(shared).set(bytes);
    const padded = new Uint8Array(20);
    padded.set(bytes, 5);
    for (const data of [bytes.buffer.slice(0), new DataView(bytes.buffer.slice(0)), padded.subarray(5, 17), shared]) {
      const f = new VideoFrame(data, inits);
      const out = new Uint8Array(12);
      await f.copyTo(out);
      assert.deepEqual(out, bytes);
      f.close();
    }
  });

  test('the destination may be an ArrayBuffer or a SharedArrayBuffer', async () => {
    const f = i420_4x2();
    const ab = new ArrayBuffer(12);
    await f.copyTo(ab);
    assert.deepEqual(new Uint8Array(ab), I420_4x2());
    const sab = new SharedArrayBuffer(12);
    await f.copyTo(sab);
    assert.deepEqual(new Uint8Array(sab), I420_4x2());
    f.close();
  });

  test('explicit colorSpace is kept as given (null members stay null)', () => {
    const f = i420_4x2({ colorSpace: { primaries: 'smpte170m', matrix: 'bt470bg' } });
    assert.deepEqual(f.colorSpace.toJSON(), { primaries: 'smpte170m', transfer: null, matrix: 'bt470bg', fullRange: null });
    assert.ok(f.colorSpace instanceof VideoColorSpace);
    f.close();
  });

  test('displayWidth/displayHeight and negative timestamps', () => {
    const f = i420_4x2({ displayWidth: 8, displayHeight: 2, timestamp: -10 });
    assert.equal(f.displayWidth, 8);
    assert.equal(f.displayHeight, 2);
    assert.equal(f.timestamp, -10);
    assert.equal(f.duration, null);
    f.close();
  });

  test('metadata is copied in and out', () => {
    const meta = { rtpTimestamp: 1234, nested: { a: [1, 2] } };
    const f = i420_4x2({ metadata: meta });
    meta.rtpTimestamp = 0;
    const m = f.metadata();
    assert.deepEqual(m, { rtpTimestamp: 1234, nested: { a: [1, 2] } });
    m.nested.a.push(3);
    assert.deepEqual(f.metadata().nested.a, [1, 2]);
    f.close();
    assert.throws(() => i420_4x2({ metadata: { f() {} } }), { name: 'DataCloneError' });
  });
});

describe('layouts', () => {
  test('custom source offsets/strides (planes reordered, padded) round-trip byte-exact', async () => {
    const w = 8;
    const h = 4;
    // Source: V first, then Y, then U, each with padding bytes after every row.
    const y = pattern(w * h, 7);
    const u = pattern(4 * 2, 8);
    const v = pattern(4 * 2, 9);
    const layout = [{ offset: 30, stride: 11 }, { offset: 80, stride: 6 }, { offset: 2, stride: 5 }];
    const src = new Uint8Array(100).fill(0xEE);
    for (let r = 0; r < h; r++) src.set(y.subarray(r * w, r * w + w), 30 + r * 11);
    for (let r = 0; r < 2; r++) src.set(u.subarray(r * 4, r * 4 + 4), 80 + r * 6);
    for (let r = 0; r < 2; r++) src.set(v.subarray(r * 4, r * 4 + 4), 2 + r * 5);
    const f = new VideoFrame(src, { format: 'I420', codedWidth: w, codedHeight: h, timestamp: 0, layout });
    assert.equal(f.allocationSize(), 48);
    const tight = new Uint8Array(48);
    await f.copyTo(tight);
    assert.deepEqual(tight, Uint8Array.from([...y, ...u, ...v]));
    // Back out with the same custom layout: the padding bytes are left alone.
    const out = new Uint8Array(100).fill(0xEE);
    assert.equal(f.allocationSize({ layout }), 92); // plane 1 ends last: 80 + 6 * 2
    const got = await f.copyTo(out, { layout });
    assert.deepEqual(got, layout);
    assert.deepEqual(out, src);
    f.close();
  });

  test('WPT: I420 stride and offset with padding', async () => {
    const f = i420_4x2();
    const options = { layout: [{ offset: 9, stride: 5 }, { offset: 1, stride: 3 }, { offset: 5, stride: 3 }] };
    const expected = new Uint8Array([0, 9, 10, 0, 0, 11, 12, 0, 0, 1, 2, 3, 4, 0, 5, 6, 7, 8, 0]);
    assert.equal(f.allocationSize(options), expected.length);
    const data = new Uint8Array(expected.length);
    assert.deepEqual(await f.copyTo(data, options), options.layout);
    assert.deepEqual(data, expected);
    f.close();
  });

  test('WPT: I420A and NV12 plane reordering', async () => {
    const a = new VideoFrame(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]),
      { format: 'I420A', timestamp: 0, codedWidth: 4, codedHeight: 2 });
    const la = [{ offset: 12, stride: 4 }, { offset: 8, stride: 2 }, { offset: 10, stride: 2 }, { offset: 0, stride: 4 }];
    const outA = new Uint8Array(20);
    assert.deepEqual(await a.copyTo(outA, { layout: la }), la);
    assert.deepEqual(outA, new Uint8Array([13, 14, 15, 16, 17, 18, 19, 20, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8]));
    a.close();
    const n = new VideoFrame(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
      { format: 'NV12', timestamp: 0, codedWidth: 4, codedHeight: 2 });
    const outN = new Uint8Array(12);
    assert.deepEqual(await n.copyTo(outN), [{ offset: 0, stride: 4 }, { offset: 8, stride: 4 }]);
    assert.deepEqual(outN, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    await n.copyTo(outN, { layout: [{ offset: 4, stride: 4 }, { offset: 0, stride: 4 }] });
    assert.deepEqual(outN, new Uint8Array([9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8]));
    n.close();
  });

  test('layout errors are TypeErrors (thrown by allocationSize, rejected by copyTo)', async () => {
    const f = i420_4x2();
    const bad = {
      'wrong plane count': { layout: [{ offset: 0, stride: 4 }] },
      'stride too small': { layout: [{ offset: 0, stride: 1 }, { offset: 8, stride: 2 }, { offset: 10, stride: 2 }] },
      'overlapping planes': { layout: [{ offset: 0, stride: 4 }, { offset: 7, stride: 2 }, { offset: 10, stride: 2 }] },
      'address overflow': { layout: [{ offset: 0, stride: 4 }, { offset: 8, stride: 2 }, { offset: 2 ** 32 - 2, stride: 2 }] },
      'offset out of range': { layout: [{ offset: -1, stride: 4 }, { offset: 8, stride: 2 }, { offset: 10, stride: 2 }] },
      'missing stride': { layout: [{ offset: 0 }, { offset: 8, stride: 2 }, { offset: 10, stride: 2 }] },
      'not a sequence': { layout: 5 },
    };
    for (const [name, options] of Object.entries(bad)) {
      assert.throws(() => f.allocationSize(options), TypeError, name);
      const p = f.copyTo(new Uint8Array(64), options);
      assert.ok(p instanceof Promise, `${name}: copyTo returns a promise`);
      await assert.rejects(p, TypeError, name);
    }
    f.close();
  });

  test('constructor layout errors and data too small', () => {
    const before = live().frames;
    const data = I420_4x2();
    const init = { format: 'I420', codedWidth: 4, codedHeight: 2, timestamp: 0 };
    const y = { offset: 0, stride: 4 };
    const u = { offset: 8, stride: 2 };
    const v = { offset: 10, stride: 2 };
    assert.throws(() => new VideoFrame(data, { ...init, layout: [{ offset: 0, stride: 1 }, u, v] }), TypeError, 'y stride');
    assert.throws(() => new VideoFrame(data, { ...init, layout: [y, { offset: 8, stride: 1 }, v] }), TypeError, 'u stride');
    assert.throws(() => new VideoFrame(data, { ...init, layout: [y, u, { offset: 10, stride: 1 }] }), TypeError, 'v stride');
    assert.throws(() => new VideoFrame(data, { ...init, layout: [y, u] }), TypeError, 'plane count');
    assert.throws(() => new VideoFrame(data, { ...init, layout: [y, u, { offset: 11, stride: 2 }] }), /at least 13 bytes/);
    assert.throws(() => new VideoFrame(data.slice(0, 8), init), /expected data of at least 12 bytes .* got 8/);
    const nv = new Uint8Array(12);
    assert.throws(() => new VideoFrame(nv, { format: 'NV12', codedWidth: 4, codedHeight: 2, timestamp: 0, layout: [y, { offset: 8, stride: 1 }] }), TypeError);
    assert.equal(live().frames, before, 'failed constructions allocate nothing');
  });
});

describe('copyTo with rect', () => {
  test('WPT: left crop of I420', async () => {
    const f = i420_4x2();
    const options = { rect: { x: 2, y: 0, width: 2, height: 2 } };
    assert.equal(f.allocationSize(options), 6);
    const data = new Uint8Array(6);
    assert.deepEqual(await f.copyTo(data, options), [{ offset: 0, stride: 2 }, { offset: 4, stride: 1 }, { offset: 5, stride: 1 }]);
    assert.deepEqual(data, new Uint8Array([3, 4, 7, 8, 10, 12]));
    f.close();
  });

  test('codedRect as rect, fractional rects truncate', async () => {
    const f = i420_4x2();
    const all = new Uint8Array(12);
    await f.copyTo(all, { rect: f.codedRect });
    assert.deepEqual(all, I420_4x2());
    assert.equal(f.allocationSize({ rect: { x: 2.9, y: 0.5, width: 2.7, height: 2.2 } }), 6);
    f.close();
  });

  test('33x17 RGBA: sub-rect copy matches the source rows', async () => {
    const w = 33;
    const h = 17;
    const src = pattern(w * h * 4, 3);
    const f = rgbaFrame(w, h, src);
    const rect = { x: 5, y: 3, width: 27, height: 13 };
    const size = f.allocationSize({ rect });
    assert.equal(size, 27 * 13 * 4);
    const out = new Uint8Array(size);
    await f.copyTo(out, { rect });
    for (let r = 0; r < rect.height; r++) {
      const s = ((rect.y + r) * w + rect.x) * 4;
      assert.deepEqual(out.subarray(r * 27 * 4, (r + 1) * 27 * 4), src.subarray(s, s + 27 * 4), `row ${r}`);
    }
    f.close();
  });

  test('rect errors: empty, out of bounds, misaligned for sub-sampled planes, negative, non-finite', async () => {
    const f = i420_4x2();
    const bad = [
      { x: 0, y: 0, width: 4, height: 0 },
      { x: 0, y: 0, width: 4, height: 4 },
      { x: 2, y: 0, width: 4, height: 2 },
      { x: 1, y: 0, width: 2, height: 2 },
      { x: 0, y: 1, width: 2, height: 1 },
      { x: -2, y: 0, width: 2, height: 2 },
      { x: 0, y: 0, width: Infinity, height: 2 },
      { x: 0, y: 0, width: NaN, height: 2 },
    ];
    for (const rect of bad) {
      assert.throws(() => f.allocationSize({ rect }), TypeError, JSON.stringify(rect));
      await assert.rejects(f.copyTo(new Uint8Array(64), { rect }), TypeError, JSON.stringify(rect));
    }
    // I422 is only sub-sampled horizontally: an odd y is fine there.
    const f422 = new VideoFrame(new Uint8Array(16), { format: 'I422', codedWidth: 4, codedHeight: 2, timestamp: 0 });
    assert.equal(f422.allocationSize({ rect: { x: 0, y: 1, width: 4, height: 1 } }), 8);
    assert.throws(() => f422.allocationSize({ rect: { x: 1, y: 0, width: 2, height: 1 } }), TypeError);
    f422.close();
    f.close();
  });

  test('undersized destination is a rejected TypeError', async () => {
    const f = i420_4x2();
    await assert.rejects(f.copyTo(new Uint8Array(11)), (e) => e instanceof TypeError && /at least 12 bytes, got 11/.test(e.message));
    await assert.rejects(f.copyTo('nope'), TypeError);
    await assert.rejects(f.copyTo(), TypeError);
    f.close();
  });
});

describe('odd sizes', () => {
  test('WPT: I420 with odd coded size 3x3 (chroma rounds up)', async () => {
    const buf = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    const f = new VideoFrame(buf, { format: 'I420', timestamp: 0, codedWidth: 3, codedHeight: 3 });
    assert.equal(f.codedWidth, 3);
    assert.equal(f.allocationSize(), 17);
    const data = new Uint8Array(17);
    assert.deepEqual(await f.copyTo(data), [{ offset: 0, stride: 3 }, { offset: 9, stride: 2 }, { offset: 13, stride: 2 }]);
    assert.deepEqual(data, buf);
    f.close();
  });

  test('I420 odd visible size 1x1 inside a 4x2 frame', () => {
    const f = new VideoFrame(I420_4x2(), { format: 'I420', timestamp: 0, codedWidth: 4, codedHeight: 2, visibleRect: { x: 0, y: 0, width: 1, height: 1 } });
    assert.deepEqual(f.visibleRect.toJSON(), new DOMRectReadOnly(0, 0, 1, 1).toJSON());
    assert.equal(f.allocationSize(), 3);
    f.close();
  });

  test('WPT: a non-default visibleRect copies only the visible region (Chrome)', async () => {
    const init = { format: 'I420', timestamp: 1234, codedWidth: 8, codedHeight: 16, visibleRect: { x: 2, y: 2, width: 4, height: 8 } };
    const data = new Uint8Array(8 * 16 + 2 * 4 * 8);
    // Y plane: value = 10*row + col; U = 100 + …, V = 200 + … (chroma 4x8).
    for (let r = 0; r < 16; r++) for (let c = 0; c < 8; c++) data[r * 8 + c] = 10 * r + c;
    for (let r = 0; r < 8; r++) for (let c = 0; c < 4; c++) {
      data[128 + r * 4 + c] = 100 + 4 * r + c;
      data[160 + r * 4 + c] = 200 + 4 * r + c;
    }
    const f = new VideoFrame(data, init);
    assert.equal(f.codedWidth, 4);
    assert.equal(f.codedHeight, 8);
    assert.deepEqual([f.visibleRect.x, f.visibleRect.y, f.visibleRect.width, f.visibleRect.height], [0, 0, 4, 8]);
    assert.equal(f.displayWidth, 4);
    assert.equal(f.displayHeight, 8);
    const out = new Uint8Array(f.allocationSize());
    await f.copyTo(out);
    const expected = [];
    for (let r = 2; r < 10; r++) for (let c = 2; c < 6; c++) expected.push(10 * r + c);
    for (let r = 1; r < 5; r++) for (let c = 1; c < 3; c++) expected.push(100 + 4 * r + c);
    for (let r = 1; r < 5; r++) for (let c = 1; c < 3; c++) expected.push(200 + 4 * r + c);
    assert.deepEqual([...out], expected);
    f.close();
  });
});

describe('RGB conversion in copyTo', () => {
  // BT.709 limited range, the default color space of YUV frames.
  function rgbToYuv709(r, g, b) {
    const kr = 0.2126;
    const kb = 0.0722;
    const y = (kr * r + (1 - kr - kb) * g + kb * b) / 255;
    const cb = (b / 255 - y) / (2 * (1 - kb));
    const cr = (r / 255 - y) / (2 * (1 - kr));
    return [Math.round(16 + 219 * y), Math.round(128 + 224 * cb), Math.round(128 + 224 * cr)];
  }
  const COLORS = [
    [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [0, 255, 255], [255, 0, 255],
    [0, 0, 0], [255, 255, 255], [128, 128, 128], [200, 120, 40], [30, 60, 200], [255, 120, 255],
  ];
  const PATCH = 16;

  // Max channel error ≤ 3 for flat patches: limited-range 8-bit YUV holds each of these colours
  // to within ±1 per channel after rounding; the converter may add ±1–2 of its own rounding.
  const BOUND = 3;

  function i420FromColors(format) {
    const w = PATCH * COLORS.length;
    const h = PATCH;
    const { planes, size } = tightLayout(format, w, h);
    const data = new Uint8Array(size);
    const wide = format === 'I420P10';
    const put = (plane, x, y, v) => {
      const p = planes[plane];
      if (wide) {
        const o = p.offset + y * p.stride + x * 2;
        const s = v * 4; // 8-bit code value → 10-bit
        data[o] = s & 0xFF;
        data[o + 1] = s >> 8;
      } else {
        data[p.offset + y * p.stride + x] = v;
      }
    };
    COLORS.forEach(([r, g, b], i) => {
      const [Y, U, V] = rgbToYuv709(r, g, b);
      for (let y = 0; y < h; y++) for (let x = 0; x < PATCH; x++) put(0, i * PATCH + x, y, Y);
      for (let y = 0; y < h / 2; y++) for (let x = 0; x < PATCH / 2; x++) {
        put(1, i * PATCH / 2 + x, y, U);
        put(2, i * PATCH / 2 + x, y, V);
      }
    });
    return new VideoFrame(data, { format, codedWidth: w, codedHeight: h, timestamp: 0 });
  }

  function maxPatchError(rgba, w, order = [0, 1, 2]) {
    let worst = 0;
    COLORS.forEach((c, i) => {
      // Inner 8x8 of each patch: away from chroma edges.
      for (let y = 4; y < 12; y++) for (let x = i * PATCH + 4; x < i * PATCH + 12; x++) {
        const o = (y * w + x) * 4;
        for (let ch = 0; ch < 3; ch++) worst = Math.max(worst, Math.abs(rgba[o + order[ch]] - c[ch]));
        assert.equal(rgba[o + 3], 255, 'opaque alpha');
      }
    });
    return worst;
  }

  for (const format of ['I420', 'I420P10']) {
    test(`${format} built from known RGB colours converts back to RGBA within ${BOUND}`, async () => {
      const f = i420FromColors(format);
      const w = f.codedWidth;
      const size = f.allocationSize({ format: 'RGBA' });
      assert.equal(size, w * PATCH * 4);
      const rgba = new Uint8Array(size);
      const layout = await f.copyTo(rgba, { format: 'RGBA' });
      assert.deepEqual(layout, [{ offset: 0, stride: w * 4 }]);
      const err = maxPatchError(rgba, w);
      assert.ok(err <= BOUND, `max channel error ${err} > ${BOUND}`);
      const bgra = new Uint8Array(size);
      await f.copyTo(bgra, { format: 'BGRA', colorSpace: 'srgb' });
      assert.ok(maxPatchError(bgra, w, [2, 1, 0]) <= BOUND);
      f.close();
    });
  }

  test('RGBA → I420 (via new VideoFrame from known YUV) → RGBA round trip with a rect and a layout', async () => {
    const f = i420FromColors('I420');
    const rect = { x: PATCH * 2, y: 0, width: PATCH * 3, height: PATCH };
    const layout = [{ offset: 7, stride: PATCH * 3 * 4 + 12 }];
    const size = f.allocationSize({ format: 'RGBX', rect, layout });
    assert.equal(size, 7 + (PATCH * 3 * 4 + 12) * PATCH);
    const out = new Uint8Array(size).fill(0xAB);
    assert.deepEqual(await f.copyTo(out, { format: 'RGBX', rect, layout }), layout);
    assert.deepEqual([...out.subarray(0, 7)], new Array(7).fill(0xAB));
    for (let y = 0; y < PATCH; y++) {
      const row = out.subarray(7 + y * layout[0].stride);
      for (let i = 0; i < 3; i++) {
        const px = row.subarray((i * PATCH + 8) * 4);
        const want = COLORS[2 + i];
        for (let ch = 0; ch < 3; ch++) assert.ok(Math.abs(px[ch] - want[ch]) <= BOUND);
      }
      assert.deepEqual([...row.subarray(PATCH * 3 * 4, PATCH * 3 * 4 + 12)], new Array(12).fill(0xAB), 'row padding untouched');
    }
    f.close();
  });

  /** A flat-colour w×h frame of a YUV `format` (any sub-sampling / depth / NV12) from 8-bit Y, U, V. */
  function flatYuv(format, w, h, [Y, U, V], colorSpace) {
    const { planes, size } = tightLayout(format, w, h);
    const data = new Uint8Array(size);
    const bytes = GEOMETRY[format][0][0];
    const shift = /P10/.test(format) ? 2 : /P12/.test(format) ? 4 : 0;
    const put = (o, v) => {
      if (bytes === 2) { data[o] = (v << shift) & 0xFF; data[o + 1] = (v << shift) >> 8; } else data[o] = v;
    };
    planes.forEach((p, i) => {
      for (let r = 0; r < p.rows; r++) {
        for (let o = p.offset + r * p.stride, end = o + p.stride; o < end; o += bytes) {
          if (format === 'NV12' && i === 1) { data[o] = U; data[o + 1] = V; o += 1; } else put(o, [Y, U, V, 255][i]);
        }
      }
    });
    return new VideoFrame(data, { format, codedWidth: w, codedHeight: h, timestamp: 0, colorSpace });
  }

  for (const format of ['I420', 'I420P12', 'I420A', 'I422', 'I422P10', 'I444', 'I444P12', 'I444AP10', 'NV12']) {
    test(`${format} flat colours convert to RGBA within ${BOUND}`, async () => {
      for (const [c, w, h, rect] of [[[200, 120, 40], 6, 4], [[30, 60, 200], 33, 17], [[255, 255, 255], 7, 5, { x: 2, y: 2, width: 5, height: 3 }], [[0, 0, 0], 6, 4]]) {
        const f = flatYuv(format, w, h, rgbToYuv709(...c));
        const out = new Uint8Array(f.allocationSize({ format: 'RGBA', rect }));
        assert.equal(out.length, (rect ? rect.width * rect.height : w * h) * 4);
        await f.copyTo(out, { format: 'RGBA', rect });
        for (let i = 0; i < out.length; i += 4) {
          for (let ch = 0; ch < 3; ch++) assert.ok(Math.abs(out[i + ch] - c[ch]) <= BOUND, `${format} ${c} px ${i / 4}: ${[...out.subarray(i, i + 4)]}`);
          assert.equal(out[i + 3], 255);
        }
        f.close();
      }
    });
  }

  // display-p3 (and srgb through the colour pipeline) from every source format: flat colours, so
  // chroma siting does not matter; expected values from the float model in
  // test/helpers/color-reference.js, within 1 (WPT's tolerance).
  const YUV_FORMATS = ['I420', 'I420P10', 'I420P12', 'I420A', 'I420AP10', 'I422', 'I422P10', 'I422P12', 'I422A',
    'I422AP10', 'I422AP12', 'I444', 'I444P10', 'I444P12', 'I444A', 'I444AP10', 'I444AP12', 'NV12'];
  for (const format of [...YUV_FORMATS, 'RGBA', 'RGBX', 'BGRA', 'BGRX']) {
    test(`${format} → display-p3 and (smpte170m primaries) → srgb match the colour model within 1`, async () => {
      const colors = [[200, 120, 40], [30, 60, 200], [255, 0, 0], [0, 255, 0], [16, 16, 16], [255, 255, 255], [0, 0, 0]];
      for (const c of colors) {
        for (const [cs, target] of [[{ primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false }, 'display-p3'],
          [{ primaries: 'smpte170m', transfer: 'smpte170m', matrix: 'smpte170m', fullRange: false }, 'srgb'],
          [{ primaries: 'bt2020', transfer: 'linear', matrix: 'bt2020-ncl', fullRange: true }, 'display-p3']]) {
          let f;
          let src;
          if (RGB.has(format)) {
            const px = format.startsWith('BGR') ? [c[2], c[1], c[0], 255] : [...c, 255];
            f = new VideoFrame(new Uint8Array(6 * 4 * 4).map((_, i) => px[i % 4]),
              { format, codedWidth: 6, codedHeight: 4, timestamp: 0, colorSpace: cs });
            src = c.map((v) => v / 255);
          } else {
            const [kr, kb] = colorRef.MATRIX_K[cs.matrix];
            const yuv = rgbToYuvK(c, kr, kb, cs.fullRange);
            f = flatYuv(format, 6, 4, yuv, cs);
            src = colorRef.yuvToRgb(yuv, cs);
          }
          const want = colorRef.canvasPixel(src, cs, target);
          for (const dst of ['RGBA', 'BGRX']) {
            const out = new Uint8Array(6 * 4 * 4);
            await f.copyTo(out, { format: dst, colorSpace: target });
            for (let i = 0; i < out.length; i += 4) {
              const got = dst === 'BGRX' ? [out[i + 2], out[i + 1], out[i]] : [out[i], out[i + 1], out[i + 2]];
              for (let ch = 0; ch < 3; ch++) {
                assert.ok(Math.abs(got[ch] - want[ch]) <= 1, `${format} ${c} ${JSON.stringify(cs)} → ${dst}/${target}: got ${got}, want ${want}`);
              }
              assert.equal(out[i + 3], 255);
            }
          }
          f.close();
        }
      }
    });
  }

  /** 8-bit YUV (rounded) of an 8-bit RGB colour with matrix (kr, kb). */
  function rgbToYuvK(c, kr, kb, full) {
    const [r, g, b] = c.map((v) => v / 255);
    const y = kr * r + (1 - kr - kb) * g + kb * b;
    const cb = (b - y) / (2 * (1 - kb));
    const cr = (r - y) / (2 * (1 - kr));
    return (full ? [255 * y, 128 + 255 * cb, 128 + 255 * cr] : [16 + 219 * y, 128 + 224 * cb, 128 + 224 * cr]).map((v) => Math.min(255, Math.max(0, Math.round(v))));
  }

  test('the frame\'s colorSpace matrix and range drive the conversion', async () => {
    const K = { bt709: [0.2126, 0.0722], smpte170m: [0.299, 0.114], bt470bg: [0.299, 0.114], 'bt2020-ncl': [0.2627, 0.0593] };
    const c = [200, 120, 40];
    for (const [matrix, [kr, kb]] of Object.entries(K)) {
      for (const fullRange of [false, true]) {
        const y = (kr * c[0] + (1 - kr - kb) * c[1] + kb * c[2]) / 255;
        const cb = (c[2] / 255 - y) / (2 * (1 - kb));
        const cr = (c[0] / 255 - y) / (2 * (1 - kr));
        const yuv = fullRange
          ? [Math.round(255 * y), Math.round(128 + 255 * cb), Math.round(128 + 255 * cr)]
          : [Math.round(16 + 219 * y), Math.round(128 + 224 * cb), Math.round(128 + 224 * cr)];
        const f = flatYuv('I420', 4, 4, yuv, { matrix, fullRange, primaries: 'bt709', transfer: 'bt709' });
        const out = new Uint8Array(64);
        await f.copyTo(out, { format: 'RGBA' });
        for (let ch = 0; ch < 3; ch++) assert.ok(Math.abs(out[ch] - c[ch]) <= BOUND, `${matrix} full=${fullRange}: ${[...out.subarray(0, 4)]}`);
        f.close();
      }
    }
  });

  test('RGBA → BGRA swizzle is exact; RGBA → RGBA is a plain copy; RGBX → RGBA is opaque', async () => {
    const src = pattern(4 * 4 * 4, 11);
    const f = rgbaFrame(4, 4, src);
    const bgra = new Uint8Array(64);
    await f.copyTo(bgra, { format: 'BGRA' });
    for (let i = 0; i < 64; i += 4) assert.deepEqual([...bgra.subarray(i, i + 4)], [src[i + 2], src[i + 1], src[i], src[i + 3]]);
    const same = new Uint8Array(64);
    await f.copyTo(same, { format: 'RGBA' });
    assert.deepEqual(same, src);
    f.close();
    const x = new VideoFrame(src, { format: 'RGBX', codedWidth: 4, codedHeight: 4, timestamp: 0 });
    const out = new Uint8Array(64);
    await x.copyTo(out, { format: 'RGBA' });
    for (let i = 0; i < 64; i += 4) assert.deepEqual([...out.subarray(i, i + 4)], [src[i], src[i + 1], src[i + 2], 255]);
    x.close();
  });

  test('I420A keeps its alpha in RGBA; alpha: "discard" makes it opaque', async () => {
    const w = 4;
    const h = 2;
    const data = new Uint8Array([...new Array(8).fill(126), 128, 128, 128, 128, 10, 20, 30, 40, 50, 60, 70, 80]);
    const a = new VideoFrame(data, { format: 'I420A', codedWidth: w, codedHeight: h, timestamp: 0 });
    const out = new Uint8Array(32);
    await a.copyTo(out, { format: 'RGBA' });
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => out[i * 4 + 3]), [10, 20, 30, 40, 50, 60, 70, 80]);
    const opaque = new VideoFrame(a, { alpha: 'discard' });
    await opaque.copyTo(out, { format: 'RGBA' });
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => out[i * 4 + 3]), new Array(8).fill(255));
    a.close();
    opaque.close();
  });

  test('unsupported conversions: NotSupportedError (thrown / rejected); bad enums: TypeError', async () => {
    const f = new VideoFrame(new Uint32Array(16), { format: 'RGBX', timestamp: 0, codedWidth: 4, codedHeight: 4 });
    for (const format of ['I420', 'I420P10', 'I420P12', 'I420A', 'I422', 'I422A', 'I444', 'I444A', 'NV12']) {
      assert.throws(() => f.allocationSize({ format }), { name: 'NotSupportedError' }, format);
      await assert.rejects(f.copyTo(new Uint8Array(64), { format }), { name: 'NotSupportedError' }, format);
    }
    const hdr = new VideoFrame(new Uint32Array(16), { format: 'RGBX', timestamp: 0, codedWidth: 4, codedHeight: 4, colorSpace: { transfer: 'pq' } });
    await assert.rejects(hdr.copyTo(new Uint8Array(64), { format: 'BGRA', colorSpace: 'display-p3' }), { name: 'NotSupportedError', message: /tone mapping/ });
    hdr.close();
    assert.throws(() => f.allocationSize({ format: 'ABCD' }), TypeError);
    await assert.rejects(f.copyTo(new Uint8Array(64), { format: 'RGBA', colorSpace: 'rec2020' }), TypeError);
    f.close();
  });
});

describe('invalid VideoFrameBufferInit', () => {
  const data = I420_4x2();
  const base = { format: 'I420', codedWidth: 4, codedHeight: 2, timestamp: 1234 };
  const cases = {
    'invalid pixel format': { ...base, format: 'ABCD' },
    'missing format': { ...base, format: undefined },
    'missing coded size': { format: 'RGBA', timestamp: 1234 },
    'huge coded size': { ...base, codedWidth: 2 ** 32 - 1, codedHeight: 2 ** 32 - 1 },
    'coded size above 16384': { ...base, codedWidth: 16385 },
    'codedHeight 0': { ...base, codedHeight: 0 },
    'codedWidth 0': { ...base, codedWidth: 0 },
    'negative codedWidth': { ...base, codedWidth: -3 },
    'NaN codedWidth': { ...base, codedWidth: NaN },
    'missing timestamp': { ...base, timestamp: undefined },
    'NaN timestamp': { ...base, timestamp: NaN },
    'Infinity timestamp': { ...base, timestamp: Infinity },
    'bigint timestamp': { ...base, timestamp: 5n },
    'timestamp beyond 2^53': { ...base, timestamp: 2 ** 60 },
    'negative duration': { ...base, duration: -1 },
    'visibleRect out of bounds': { ...base, visibleRect: { x: 100, y: 100, width: 1, height: 1 } },
    'visibleRect zero width': { ...base, visibleRect: { x: 0, y: 0, width: 0, height: 2 } },
    'visibleRect zero height': { ...base, visibleRect: { x: 0, y: 0, width: 2, height: 0 } },
    'visibleRect negative size': { ...base, visibleRect: { x: 0, y: 0, width: -100, height: -100 } },
    'visibleRect negative x': { ...base, visibleRect: { x: -2, y: 0, width: 2, height: 2 } },
    'visibleRect infinite': { ...base, visibleRect: { x: 0, y: Infinity, width: 2, height: 2 } },
    'visibleRect odd x for I420': { ...base, visibleRect: { x: 1, y: 0, width: 2, height: 2 } },
    'visibleRect odd y for I420': { ...base, visibleRect: { x: 0, y: 1, width: 2, height: 1 } },
    'displayWidth only': { ...base, displayWidth: 4 },
    'displayHeight only': { ...base, displayHeight: 4 },
    'displayWidth 0': { ...base, displayWidth: 0, displayHeight: 2 },
    'displayHeight 0': { ...base, displayWidth: 2, displayHeight: 0 },
    'displayWidth 2^32': { ...base, displayWidth: 2 ** 32, displayHeight: 2 },
    'rotation not finite': { ...base, rotation: NaN },
    'colorSpace with an unknown matrix': { ...base, colorSpace: { matrix: 'bt601' } },
    'transfer not a sequence': { ...base, transfer: 5 },
    'transfer of a typed array': { ...base, transfer: [new Uint8Array(4)] },
  };
  for (const [name, init] of Object.entries(cases)) {
    test(`${name} → TypeError`, () => {
      assert.throws(() => new VideoFrame(data, init), TypeError);
    });
  }

  test('messages name the member, what was expected and what came', () => {
    assert.throws(() => new VideoFrame(data, { ...base, codedWidth: -3 }),
      { name: 'TypeError', message: 'VideoFrame: expected an integer codedWidth between 1 and 16384, got -3' });
    assert.throws(() => new VideoFrame(data, { ...base, format: 'YUY2' }), /VideoFrame: expected format to be one of 'I420'.*got "YUY2"/);
    assert.throws(() => new VideoFrame(data, { ...base, displayWidth: 4 }), /both displayWidth and displayHeight or neither/);
    assert.throws(() => new VideoFrame(data, { ...base, timestamp: undefined }), /timestamp.*got undefined/);
  });

  test('missing init, non-object init, and non-buffer sources', () => {
    const before = live().frames;
    assert.throws(() => new VideoFrame(data), TypeError);
    assert.throws(() => new VideoFrame(data, 5), TypeError);
    assert.throws(() => new VideoFrame(), TypeError);
    assert.throws(() => new VideoFrame({ width: 4, height: 4 }, { timestamp: 0 }), /CanvasImageSource/);
    assert.throws(() => new VideoFrame('pixels', base), TypeError);
    assert.throws(() => new VideoFrame(null, base), TypeError);
    assert.equal(live().frames, before);
  });
});

describe('rotation and flip', () => {
  test('Parse Rotation: nearest multiple of 90, ties toward +∞, reduced to [0, 360)', () => {
    const cases = [[0, 0], [90, 90], [45, 90], [44, 0], [-45, 0], [-90, 270], [135, 180], [360, 0], [-1, 0], [450, 90], [269, 270]];
    for (const [given, want] of cases) {
      const f = i420_4x2({ rotation: given });
      assert.equal(f.rotation, want, `rotation ${given}`);
      f.close();
    }
  });

  test('quarter turns swap the default display size; flip is kept', () => {
    const f = i420_4x2({ rotation: 90, flip: true });
    assert.equal(f.displayWidth, 2);
    assert.equal(f.displayHeight, 4);
    assert.equal(f.flip, true);
    const g = new VideoFrame(f, { rotation: 90 });
    // Flipped base: rotations subtract (90 - 90 = 0); flip XOR false stays true.
    assert.equal(g.rotation, 0);
    assert.equal(g.flip, true);
    assert.equal(g.displayWidth, 4);
    assert.equal(g.displayHeight, 2);
    const h = new VideoFrame(f, { flip: true });
    assert.equal(h.rotation, 90);
    assert.equal(h.flip, false);
    assert.equal(h.displayWidth, 2);
    assert.equal(h.displayHeight, 4);
    for (const x of [f, g, h]) x.close();
  });
});

describe('construction from another VideoFrame', () => {
  test('timestamp is not required; duration/timestamp overrides', () => {
    const f = i420_4x2({ timestamp: 1234 });
    const same = new VideoFrame(f);
    assert.equal(same.format, 'I420');
    assert.equal(same.timestamp, 1234);
    assert.equal(same.duration, null);
    assert.equal(same.codedWidth, 4);
    const d = new VideoFrame(f, { duration: 1234 });
    assert.equal(d.timestamp, 1234);
    assert.equal(d.duration, 1234);
    const t = new VideoFrame(f, { timestamp: 1, duration: 456 });
    assert.equal(t.timestamp, 1);
    assert.equal(t.duration, 456);
    assert.equal(t.colorSpace, f.colorSpace);
    for (const x of [f, same, d, t]) x.close();
  });

  test('visibleRect overrides scale the display size (WPT)', () => {
    const f = i420_4x2();
    const left = new VideoFrame(f, { visibleRect: { x: 0, y: 0, width: 2, height: 2 } });
    assert.deepEqual([left.visibleRect.width, left.displayWidth, left.displayHeight], [2, 2, 2]);
    const anamorphic = i420_4x2({ displayWidth: 8, displayHeight: 2 });
    const right = new VideoFrame(anamorphic, { visibleRect: { x: 2, y: 0, width: 2, height: 2 } });
    assert.deepEqual([right.visibleRect.x, right.codedWidth, right.displayWidth, right.displayHeight], [2, 4, 4, 2]);
    const scaled = i420_4x2({ displayWidth: 8, displayHeight: 4 });
    const right2 = new VideoFrame(scaled, { visibleRect: { x: 2, y: 0, width: 2, height: 2 } });
    assert.deepEqual([right2.displayWidth, right2.displayHeight], [4, 4]);
    const explicit = new VideoFrame(f, { visibleRect: { x: 0, y: 0, width: 2, height: 2 }, displayWidth: 10, displayHeight: 20 });
    assert.deepEqual([explicit.displayWidth, explicit.displayHeight], [10, 20]);
    for (const x of [f, left, anamorphic, right, scaled, right2, explicit]) x.close();
  });

  test('shares pixels with the source (no new frame buffer) and crops copyTo', async () => {
    const before = live().frames;
    const f = i420_4x2();
    const crop = new VideoFrame(f, { visibleRect: { x: 2, y: 0, width: 2, height: 2 } });
    assert.equal(live().frames, before + 1, 'one pixel buffer for both frames');
    f.close();
    const out = new Uint8Array(crop.allocationSize());
    await crop.copyTo(out);
    assert.deepEqual(out, new Uint8Array([3, 4, 7, 8, 10, 12]));
    crop.close();
    assert.equal(live().frames, before);
  });

  test('invalid VideoFrameInit → TypeError (WPT)', () => {
    const f = i420_4x2();
    const bad = [
      { visibleRect: { x: 1, y: 0, width: 2, height: 2 } },
      { visibleRect: { x: 0, y: 1, width: 2, height: 1 } },
      { visibleRect: { x: 0, y: 0, width: 5, height: 2 } },
      { visibleRect: { x: 2, y: 0, width: 4, height: 2 } },
      { visibleRect: { x: -2, y: 0, width: 2, height: 2 } },
      { visibleRect: { x: 0, y: 0, width: 2, height: 0 } },
      { displayWidth: 10 },
      { displayHeight: 10 },
      { displayWidth: 0, displayHeight: 10 },
      { alpha: 'maybe' },
      { timestamp: NaN },
      { rotation: Infinity },
    ];
    for (const init of bad) assert.throws(() => new VideoFrame(f, init), TypeError, JSON.stringify(init));
    assert.throws(() => new VideoFrame(f, 7), TypeError);
    f.close();
  });

  test('alpha: keep/discard on I420A, RGBA, BGRA and the high-bit-depth alpha formats', async () => {
    const data = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 1, 2, 8, 7, 6, 5, 4, 3, 2, 1]);
    const a = new VideoFrame(data, { format: 'I420A', timestamp: 0, codedWidth: 4, codedHeight: 2 });
    const keep = new VideoFrame(a, { alpha: 'keep' });
    const discard = new VideoFrame(a, { alpha: 'discard' });
    assert.equal(keep.format, 'I420A');
    assert.equal(discard.format, 'I420');
    assert.equal(nativeFormatOf(discard), 'I420A');
    assert.equal(discard.allocationSize(), 12);
    const out = new Uint8Array(12);
    assert.equal((await discard.copyTo(out)).length, 3);
    assert.deepEqual(out, data.subarray(0, 12));
    for (const x of [a, keep, discard]) x.close();

    for (const format of ['RGBA', 'BGRA', 'I420AP10', 'I422A', 'I422AP12', 'I444A', 'I444AP10', 'RGBX', 'I420']) {
      const { size } = tightLayout(format, 4, 2);
      const f = new VideoFrame(new Uint8Array(size), { format, timestamp: 0, codedWidth: 4, codedHeight: 2 });
      const o = new VideoFrame(f, { alpha: 'discard' });
      assert.equal(o.format, OPAQUE[format] || format, format);
      assert.equal(o.allocationSize(), tightLayout(o.format, 4, 2).size);
      f.close();
      o.close();
    }
  });

  test('metadata comes from init, not from the source frame', () => {
    const f = i420_4x2({ metadata: { a: 1 } });
    const g = new VideoFrame(f);
    const h = new VideoFrame(f, { metadata: { b: 2 } });
    assert.deepEqual(g.metadata(), {});
    assert.deepEqual(h.metadata(), { b: 2 });
    for (const x of [f, g, h]) x.close();
  });
});

describe('clone and close', () => {
  test('a clone survives the original\'s close and reads the same pixels', async () => {
    const base = live();
    const src = pattern(8 * 4 * 4, 5);
    const f = rgbaFrame(8, 4, src, { timestamp: 77, duration: 5, metadata: { k: 'v' } });
    const c = f.clone();
    assert.equal(live().frames, base.frames + 1, 'the clone shares the pixel buffer');
    assert.notEqual(frameHandle(c), frameHandle(f));
    for (const k of ['format', 'codedWidth', 'codedHeight', 'displayWidth', 'displayHeight', 'timestamp', 'duration', 'rotation', 'flip']) {
      assert.equal(c[k], f[k], k);
    }
    assert.deepEqual(c.metadata(), { k: 'v' });
    f.close();
    assert.equal(live().frames, base.frames + 1, 'still referenced by the clone');
    const out = new Uint8Array(c.allocationSize());
    await c.copyTo(out);
    assert.deepEqual(out, src);
    c.close();
    assert.equal(live().frames, base.frames, 'freed by the last close');
  });

  test('close() frees at once, is idempotent, and clears the attributes', () => {
    const base = live();
    const f = i420_4x2({ timestamp: 10, duration: 20, colorSpace: { primaries: 'bt709' }, rotation: 90, flip: true });
    assert.equal(live().frames, base.frames + 1);
    f.close();
    assert.equal(live().frames, base.frames, 'freed at once by close()');
    f.close();
    assert.equal(live().frames, base.frames);
    assert.equal(f.format, null);
    assert.equal(f.codedWidth, 0);
    assert.equal(f.codedHeight, 0);
    assert.equal(f.codedRect, null);
    assert.equal(f.visibleRect, null);
    assert.equal(f.displayWidth, 0);
    assert.equal(f.displayHeight, 0);
    assert.equal(f.rotation, 0);
    assert.equal(f.flip, false);
    assert.equal(f.timestamp, 10, 'timestamp is kept');
    assert.equal(f.duration, 20, 'duration is kept');
    assert.deepEqual(f.colorSpace.toJSON(), { primaries: null, transfer: null, matrix: null, fullRange: null });
  });

  test('closed frames: InvalidStateError from clone, allocationSize, metadata, new VideoFrame; copyTo rejects', async () => {
    const f = i420_4x2();
    f.close();
    assert.throws(() => f.clone(), { name: 'InvalidStateError' });
    assert.throws(() => f.allocationSize(), { name: 'InvalidStateError' });
    assert.throws(() => f.metadata(), { name: 'InvalidStateError' });
    assert.throws(() => new VideoFrame(f), { name: 'InvalidStateError' });
    const p = f.copyTo(new Uint8Array(12));
    assert.ok(p instanceof Promise);
    await assert.rejects(p, (e) => e instanceof DOMException && e.name === 'InvalidStateError');
    assert.throws(() => frameHandle(f), TypeError);
  });
});

describe('transfer', () => {
  test('transferred ArrayBuffers are detached after the copy (WPT)', async () => {
    const rgb = [0xBA, 0xDF, 0x00, 0xD0, 0xBA, 0xDF, 0x01, 0xD0, 0xBA, 0xDF, 0x02, 0xD0, 0xBA, 0xDF, 0x03, 0xD0];
    const data = new Uint8Array(rgb);
    const unused = new ArrayBuffer(123);
    const f = new VideoFrame(data, { format: 'RGBA', timestamp: 0, codedWidth: 2, codedHeight: 2, transfer: [data.buffer, unused] });
    assert.equal(data.length, 0);
    assert.equal(unused.byteLength, 0);
    const out = new Uint8Array(16);
    await f.copyTo(out);
    assert.deepEqual([...out], rgb);
    f.close();
  });

  test('a view at an offset of a transferred buffer', async () => {
    const ab = new ArrayBuffer(6 + 16);
    const data = new Uint8Array(ab, 6);
    data.fill(0xEE);
    const f = new VideoFrame(data, { format: 'RGBA', timestamp: 0, codedWidth: 2, codedHeight: 2, transfer: [ab] });
    assert.equal(ab.byteLength, 0);
    const out = new Uint8Array(16);
    await f.copyTo(out);
    assert.ok(out.every((b) => b === 0xEE));
    f.close();
  });

  test('duplicate or detached buffers: DataCloneError, nothing detached', () => {
    const before = live().frames;
    const data = new Uint8Array(16);
    assert.throws(() => new VideoFrame(data, { format: 'RGBA', timestamp: 0, codedWidth: 2, codedHeight: 2, transfer: [data.buffer, data.buffer] }),
      { name: 'DataCloneError' });
    assert.equal(data.length, 16);
    const gone = new ArrayBuffer(8);
    structuredClone(gone, { transfer: [gone] });
    assert.throws(() => new VideoFrame(data, { format: 'RGBA', timestamp: 0, codedWidth: 2, codedHeight: 2, transfer: [data.buffer, gone] }),
      { name: 'DataCloneError' });
    assert.equal(data.length, 16);
    assert.equal(live().frames, before);
  });

  test('a detached data buffer reads as empty: TypeError (data too small)', () => {
    const data = new Uint8Array(16);
    structuredClone(data.buffer, { transfer: [data.buffer] });
    assert.throws(() => new VideoFrame(data, { format: 'RGBA', timestamp: 0, codedWidth: 2, codedHeight: 2 }), /got 0/);
  });
});

describe('internal API for codecs', () => {
  test('wrapNativeFrame: the Create a VideoFrame algorithm over a native handle', async () => {
    const src = pattern(16 * 8 + 2 * 8 * 4, 13);
    const planes = [{ offset: 0, stride: 16, rowBytes: 16, rows: 8 }, { offset: 128, stride: 8, rowBytes: 8, rows: 4 }, { offset: 160, stride: 8, rowBytes: 8, rows: 4 }];
    const handle = native.frameCreate('I420', 16, 8, src, planes);
    const f = wrapNativeFrame(handle, {
      timestamp: 99, duration: 33, visibleRect: { x: 0, y: 0, width: 14, height: 8 },
      colorSpace: { primaries: 'smpte170m', transfer: 'smpte170m', matrix: 'smpte170m', fullRange: false },
    });
    assert.ok(isVideoFrame(f));
    assert.equal(f.format, 'I420');
    assert.equal(f.codedWidth, 16);
    assert.equal(f.visibleRect.width, 14);
    assert.equal(f.displayWidth, 14);
    assert.equal(f.displayHeight, 8);
    assert.equal(f.timestamp, 99);
    assert.equal(f.duration, 33);
    assert.equal(f.colorSpace.matrix, 'smpte170m');
    assert.equal(frameHandle(f), handle);
    const out = new Uint8Array(f.allocationSize({ rect: f.codedRect }));
    await f.copyTo(out, { rect: f.codedRect });
    assert.deepEqual(out, src);
    f.close();
    assert.throws(() => frameHandle(f), /closed/);
    assert.throws(() => frameHandle({}), TypeError);
  });

  test('wrapNativeFrame: defaults, display aspect, and the sRGB default for RGB', () => {
    const before = live().frames;
    const h = native.frameCreate('RGBA', 4, 2, new Uint8Array(32), [{ offset: 0, stride: 16, rowBytes: 16, rows: 2 }]);
    const f = wrapNativeFrame(h, { timestamp: 5, displayAspectWidth: 4, displayAspectHeight: 1 });
    assert.equal(f.timestamp, 5);
    assert.equal(f.duration, null);
    assert.deepEqual([f.displayWidth, f.displayHeight], [8, 2]);
    assert.deepEqual(f.colorSpace.toJSON(), { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true });
    f.close();
    assert.equal(live().frames, before);
  });

  test('the native colour reader takes the names VideoColorSpace defines; another is a TypeError', () => {
    // bridge/js.rs read_color_space: the one reader of colour members, here through frameConvert.
    const h = native.frameCreate('RGBA', 2, 1, new Uint8Array([255, 0, 0, 255, 0, 0, 255, 255]), [{ offset: 0, stride: 8, rowBytes: 8, rows: 1 }]);
    const rect = { x: 0, y: 0, width: 2, height: 1 };
    const convert = (members) => {
      const dest = new Uint8Array(8);
      native.frameConvert(h, dest, rect, 'BGRA', 0, 8, { target: 'srgb', opaque: false, ...members });
      return [...dest];
    };
    const srgb = { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true };
    assert.deepEqual(convert(srgb), [0, 0, 255, 255, 255, 0, 0, 255]);
    assert.deepEqual(convert({ primaries: null, transfer: null, matrix: null, fullRange: null }), [0, 0, 255, 255, 255, 0, 0, 255]);
    for (const key of ['primaries', 'transfer', 'matrix']) {
      assert.throws(() => convert({ ...srgb, [key]: 'BT709' }), (e) => e.name === 'TypeError' && e.message.includes(key), key);
    }
    assert.throws(() => convert({ ...srgb, transfer: 'pq' }), { name: 'NotSupportedError' });
    native.frameClose(h);
  });

  test('the VideoFrame class exposes only WebIDL members', () => {
    const own = Object.getOwnPropertyNames(VideoFrame.prototype).sort();
    assert.deepEqual(own, ['allocationSize', 'clone', 'close', 'codedHeight', 'codedRect', 'codedWidth', 'colorSpace',
      'constructor', 'copyTo', 'displayHeight', 'displayWidth', 'duration', 'flip', 'format', 'metadata', 'rotation',
      'timestamp', 'visibleRect'].sort());
    assert.deepEqual(Object.getOwnPropertyNames(VideoFrame).sort(), ['length', 'name', 'prototype']);
    assert.equal(VideoFrame.length, 1);
    assert.equal(Object.prototype.toString.call(VideoFrame.prototype), '[object VideoFrame]');
  });
});
