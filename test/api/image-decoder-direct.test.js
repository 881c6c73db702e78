'use strict';
// The direct still-image paths of ImageDecoder (issue 22): complete still JPEGs decode through
// libjpeg-turbo straight to planar YUV, simple still WebPs through libwebp. Their pixels are
// compared with the libraries' own command-line decoders:
//  - JPEG: the Y plane against `djpeg -grayscale` (libjpeg-turbo's Y samples, no conversion):
//    identical, for every subsampling the suite makes (4:2:0, 4:2:2, 4:4:4), the 1080p picture
//    and every EXIF orientation; the chroma planes against FFmpeg's own JPEG decoder (the path
//    used before: libjpeg-turbo's IDCT and FFmpeg's differ by rounding, at most 2 levels here);
//  - JPEG with desiredWidth/desiredHeight at half size (libjpeg-turbo's DCT-domain 1/2 scaling,
//    its upsampling and conversion to RGBA): against `djpeg -scale 1/2 -rgb`: identical; at a
//    size between DCT scales, the nearest larger scale resized by swscale (checked in size only);
//  - lossy WebP: the I420 planes against `dwebp -yuv`: identical; lossless WebP: RGBA against
//    `dwebp -pam`: identical.

const { describe, test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ImageDecoder, liveCounts } = require('../..');
const fx = require('../fixtures/make-images');

const images = fx.makeImages();
const T = { timeout: 60_000 };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-direct-'));

after(async () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  const c = await fx.liveCountsSettled(liveCounts);
  assert.deepEqual(Object.values(c).filter((v) => v !== 0), [], `live counts: ${JSON.stringify(c)}`);
});

function have(cmd) {
  return spawnSync(cmd, ['-version'], { encoding: 'utf8' }).error === undefined;
}
const NO_DJPEG = have('djpeg') ? false : 'djpeg (libjpeg-turbo-progs) is not installed';
const NO_DWEBP = have('dwebp') ? false : 'dwebp (webp) is not installed';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A binary PNM (P5 gray, P6 RGB) or PAM (P7): {width, height, depth, data}. */
function readPnm(buf) {
  let pos = 0;
  const token = () => {
    while (/\s/.test(String.fromCharCode(buf[pos]))) pos++;
    const start = pos;
    while (!/\s/.test(String.fromCharCode(buf[pos]))) pos++;
    return buf.toString('latin1', start, pos);
  };
  const magic = token();
  if (magic === 'P7') {
    const h = {};
    for (let t = token(); t !== 'ENDHDR'; t = token()) h[t] = token();
    pos++;
    return { width: +h.WIDTH, height: +h.HEIGHT, depth: +h.DEPTH, data: buf.subarray(pos) };
  }
  const width = +token();
  const height = +token();
  token(); // maxval 255
  pos++;
  return { width, height, depth: magic === 'P5' ? 1 : 3, data: buf.subarray(pos) };
}

function maxDiff(a, b) {
  assert.equal(a.length, b.length, 'same number of samples');
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    if (d > max) max = d;
  }
  return { max, mean: sum / a.length };
}

async function decodeTo(bytes, type, init = {}) {
  const d = new ImageDecoder({ data: bytes, type, ...init });
  try {
    const { image } = await d.decode();
    try {
      const buf = new Uint8Array(image.allocationSize());
      const layout = await image.copyTo(buf);
      return { format: image.format, width: image.codedWidth, height: image.codedHeight, rotation: image.rotation, flip: image.flip, colorSpace: image.colorSpace.toJSON(), buf, layout };
    } finally {
      image.close();
    }
  } finally {
    d.close();
  }
}

function plane(frame, i, rows, rowBytes) {
  const { offset, stride } = frame.layout[i];
  const out = new Uint8Array(rows * rowBytes);
  for (let y = 0; y < rows; y++) out.set(frame.buf.subarray(offset + y * stride, offset + y * stride + rowBytes), y * rowBytes);
  return out;
}

const JPEGS = [
  ['4:2:0', () => images.still.jpeg, 'I420', 'yuvj420p', [2, 2]],
  ['4:2:2', () => images.still.jpeg422, 'I422', 'yuvj422p', [2, 1]],
  ['4:4:4', () => images.still.jpeg444, 'I444', 'yuvj444p', [1, 1]],
  ['1920×1080 4:2:0', () => images.bigJpeg, 'I420', 'yuvj420p', [2, 2]],
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((o) => [`4:2:0, EXIF orientation ${o}`, () => {
    const bytes = images.exifJpeg(o);
    const file = path.join(tmp, `exif-${o}.jpg`);
    fs.writeFileSync(file, bytes);
    return { bytes, file, width: images.width, height: images.height };
  }, 'I420', 'yuvj420p', [2, 2], o]),
];
const ROTATION = { 1: [0, false], 2: [0, true], 3: [180, false], 4: [180, true], 5: [90, true], 6: [90, false], 7: [270, true], 8: [270, false] };

describe('still JPEG through libjpeg-turbo', { skip: NO_DJPEG }, () => {
  for (const [name, get, format, pixFmt, [sx, sy], orientation] of JPEGS) {
    test(`${name}: ${format}, Y identical to djpeg's, chroma within 2 of FFmpeg's decoder`, T, async () => {
      const im = get();
      const f = await decodeTo(im.bytes, 'image/jpeg');
      assert.equal(f.format, format);
      assert.deepEqual([f.width, f.height], [im.width, im.height]);
      assert.deepEqual(f.colorSpace, { primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'bt470bg', fullRange: true });
      if (orientation) assert.deepEqual([f.rotation, f.flip], ROTATION[orientation]);
      const gray = readPnm(run('djpeg', ['-grayscale', '-pnm', im.file]));
      assert.deepEqual([gray.width, gray.height], [im.width, im.height]);
      const y = maxDiff(plane(f, 0, im.height, im.width), gray.data);
      assert.equal(y.max, 0, `Y differs from libjpeg-turbo's by up to ${y.max}`);
      const ff = run('ffmpeg', ['-v', 'error', '-noautorotate', '-i', im.file, '-f', 'rawvideo', '-pix_fmt', pixFmt, '-']);
      const cw = Math.ceil(im.width / sx);
      const ch = Math.ceil(im.height / sy);
      const ySize = im.width * im.height;
      for (const p of [1, 2]) {
        const ref = ff.subarray(ySize + (p - 1) * cw * ch, ySize + p * cw * ch);
        const c = maxDiff(plane(f, p, ch, cw), ref);
        assert.ok(c.max <= 2, `plane ${p} differs from FFmpeg's decoder by up to ${c.max} (mean ${c.mean.toFixed(3)})`);
      }
    });
  }

  for (const [name, get] of [['4:2:0', () => images.still.jpeg], ['4:2:2', () => images.still.jpeg422], ['4:4:4', () => images.still.jpeg444], ['1920×1080', () => images.bigJpeg]]) {
    test(`${name} at desiredWidth/Height half size: RGBA identical to djpeg -scale 1/2 -rgb`, T, async () => {
      const im = get();
      const [w, h] = [im.width / 2, im.height / 2];
      const f = await decodeTo(im.bytes, 'image/jpeg', { desiredWidth: w, desiredHeight: h });
      assert.equal(f.format, 'RGBA');
      assert.deepEqual([f.width, f.height], [w, h]);
      const ref = readPnm(run('djpeg', ['-scale', '1/2', '-rgb', '-pnm', im.file]));
      assert.deepEqual([ref.width, ref.height], [w, h]);
      const rgb = new Uint8Array(w * h * 3);
      for (let i = 0; i < w * h; i++) {
        const k = f.layout[0].offset + Math.floor(i / w) * f.layout[0].stride + (i % w) * 4;
        rgb[i * 3] = f.buf[k];
        rgb[i * 3 + 1] = f.buf[k + 1];
        rgb[i * 3 + 2] = f.buf[k + 2];
      }
      const d = maxDiff(rgb, ref.data);
      assert.equal(d.max, 0, `RGB differs from libjpeg-turbo's by up to ${d.max} (mean ${d.mean.toFixed(3)})`);
    });
  }
});

test('a JPEG desired size between DCT scales: the next larger scale, resized', T, async () => {
  const im = images.bigJpeg;
  const f = await decodeTo(im.bytes, 'image/jpeg', { desiredWidth: 500, desiredHeight: 300 });
  assert.equal(f.format, 'RGBA');
  assert.deepEqual([f.width, f.height], [500, 300]);
  // testsrc2's top-left is its grey-ish background; the picture is not black or empty.
  const mean = f.buf.reduce((a, v) => a + v, 0) / f.buf.length;
  assert.ok(mean > 40 && mean < 230, `mean sample ${mean}`);
});

describe('still WebP through libwebp', { skip: NO_DWEBP }, () => {
  test('lossy: I420 planes identical to dwebp -yuv', T, async () => {
    const im = images.still.webpLossy;
    const f = await decodeTo(im.bytes, 'image/webp');
    assert.equal(f.format, 'I420');
    assert.deepEqual(f.colorSpace, { primaries: 'bt709', transfer: 'bt709', matrix: 'bt470bg', fullRange: false });
    const out = path.join(tmp, 'lossy.yuv');
    run('dwebp', ['-quiet', '-yuv', im.file, '-o', out]);
    const ref = fs.readFileSync(out);
    const [cw, ch] = [Math.ceil(im.width / 2), Math.ceil(im.height / 2)];
    const ours = Buffer.concat([plane(f, 0, im.height, im.width), plane(f, 1, ch, cw), plane(f, 2, ch, cw)]);
    const d = maxDiff(ours, ref);
    assert.equal(d.max, 0, `differs from libwebp's by up to ${d.max}`);
  });

  test('lossless: RGBA identical to dwebp -pam', T, async () => {
    const im = images.still.webp;
    const f = await decodeTo(im.bytes, 'image/webp');
    assert.equal(f.format, 'RGBA');
    const out = path.join(tmp, 'lossless.pam');
    run('dwebp', ['-quiet', '-pam', im.file, '-o', out]);
    const ref = readPnm(fs.readFileSync(out));
    assert.equal(ref.depth, 4);
    const d = maxDiff(plane(f, 0, im.height, im.width * 4), ref.data);
    assert.equal(d.max, 0, `differs from libwebp's by up to ${d.max}`);
  });
});
