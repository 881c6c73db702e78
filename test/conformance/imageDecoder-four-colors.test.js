'use strict';
// Mirrors WPT webcodecs/image-decoder.https.any.js "Test <format> image decoding" and the
// "YUV 4:2:0 / 4:4:4 decoding" cases: the four-colour pattern (yellow, red / blue, green) in
// every format this package decodes, checked two ways:
//  1. WPT's corner test: each corner is its colour (tolerance below);
//  2. every pixel against ffmpeg's own decode of the same file to RGBA
//     (`ffmpeg -i f -f rawvideo -pix_fmt rgba -`), our frame read with copyTo({format: 'RGBA'}).
//
// Error bounds (max absolute channel error, 0–255):
//  - formats stored as RGB (PNG, lossless WebP, GIF, BMP, ICO, lossless AVIF): 0 — the same pixels exactly;
//  - formats stored as YUV (JPEG, lossy WebP, AVIF): 3 on pixels at least 8 px away from the
//    quadrant edges (two YUV→RGB converters differ by rounding only), and a mean error of at
//    most 2 over the whole picture (along the edges the 4:2:0 chroma upsampling filter is an
//    implementation choice: ffmpeg's default is bicubic). Corners: tolerance 8.
// The output format is checked too: I420/I444 where Chrome gives YUV, an RGB format otherwise.

const { describe, test, after } = require('node:test');
const assert = require('node:assert/strict');
const { ImageDecoder, liveCounts } = require('../..');
const fx = require('../fixtures/make-images');

const images = fx.makeImages();
const T = { timeout: 30_000 };
const RGB_FORMATS = ['RGBA', 'RGBX', 'BGRA', 'BGRX'];
const YUV_INTERIOR_MAX = 3;
const YUV_MEAN_MAX = 2;
const EDGE_MARGIN = 8;
const CORNER_TOLERANCE = 8;

after(async () => {
  const c = await fx.liveCountsSettled(liveCounts);
  assert.deepEqual(Object.values(c).filter((v) => v !== 0), [], `live counts: ${JSON.stringify(c)}`);
});

/** [file key, the format Chrome outputs (a list = any of them)]. */
const CASES = [
  ['jpeg', 'I420', 'Test JPEG image decoding (4:2:0: Chrome outputs I420)'],
  ['jpeg444', 'I444', 'Test JPEG image decoding (4:4:4: I444)'],
  ['png', RGB_FORMATS, 'Test PNG image decoding'],
  ['webp', RGB_FORMATS, 'Test WEBP image decoding (lossless)'],
  ['webpLossy', 'I420', 'Test WEBP image YUV 4:2:0 decoding'],
  ['avif', 'I444', 'Test AVIF image YUV 4:4:4 decoding'],
  ['avif420', 'I420', 'Test AVIF image YUV 4:2:0 decoding'],
  // WPT's own four-colors.avif recipe (avifenc -l: lossless, identity matrix, items only).
  ['avifenc', RGB_FORMATS, 'Test AVIF image decoding (avifenc, lossless)'],
  ['gif', RGB_FORMATS, 'Test GIF image decoding'],
  ['bmp', RGB_FORMATS, 'Test BMP image decoding'],
  ['ico', RGB_FORMATS, 'Test ICO image decoding (PNG entry)'],
  ['icoBmp', RGB_FORMATS, 'Test ICO image decoding (BMP entry)'],
];

describe('four colours in every format', () => {
  for (const [key, format, title] of CASES) {
    const s = images.still[key];
    const skip = !s && (key === 'avifenc' ? images.avifencSkip : key.startsWith('avif') ? images.avifSkip : `no ${key} fixture`);
    test(title, { ...T, skip }, async (t) => {
      assert.equal(await ImageDecoder.isTypeSupported(s.type), true, `${s.type} is supported`);
      const d = new ImageDecoder({ data: s.bytes, type: s.type });
      try {
        const result = await fx.within(d.decode(), 20_000, 'decode');
        const image = result.image;
        try {
          assert.equal(result.complete, true);
          assert.equal(image.displayWidth, s.width);
          assert.equal(image.displayHeight, s.height);
          assert.equal(image.timestamp, 0);

          const { rgba, width, height } = await fx.rgbaOf(image);
          assert.equal(width, s.width);
          assert.equal(height, s.height);

          // 1. WPT's corners.
          const { YELLOW, RED, BLUE, GREEN } = fx.COLORS;
          const corners = [[0, 0, YELLOW, 'top left is yellow'], [width - 1, 0, RED, 'top right is red'],
            [0, height - 1, BLUE, 'bottom left is blue'], [width - 1, height - 1, GREEN, 'bottom right is green']];
          for (const [x, y, want, what] of corners) {
            const got = fx.pixelAt(rgba, width, x, y);
            const err = Math.max(...got.map((v, i) => Math.abs(v - want[i])));
            assert.ok(err <= (s.lossless ? 0 : CORNER_TOLERANCE), `${key}: ${what}: got ${got}`);
          }

          // 2. Every pixel against ffmpeg's decode of the same file.
          const [ref] = fx.ffmpegRgba(s.file, width, height);
          const interior = (x, y) => Math.abs(x - width / 2) >= EDGE_MARGIN && Math.abs(y - height / 2) >= EDGE_MARGIN &&
            Math.abs(x - width / 2 + 0.5) >= EDGE_MARGIN && Math.abs(y - height / 2 + 0.5) >= EDGE_MARGIN;
          const cmp = fx.compareRgba(rgba, ref, width, height, interior);
          const figures = `max ${cmp.max}, interior max ${cmp.maxInterior}, mean ${cmp.mean.toFixed(3)}, worst ${JSON.stringify(cmp.worst)}`;
          if (s.lossless) {
            assert.equal(cmp.max, 0, `${key}: exact match with ffmpeg expected (${figures})`);
          } else {
            assert.ok(cmp.maxInterior <= YUV_INTERIOR_MAX, `${key}: interior channel error ≤ ${YUV_INTERIOR_MAX} (${figures})`);
            assert.ok(cmp.mean <= YUV_MEAN_MAX, `${key}: mean channel error ≤ ${YUV_MEAN_MAX} (${figures})`);
          }
          t.diagnostic(`${key} (${image.format}) vs ffmpeg: ${figures}`);
          // The output format last, so that the pixel figures above are checked whatever it is.
          if (Array.isArray(format)) assert.ok(format.includes(image.format), `${key}: an RGB format, got ${image.format}`);
          else assert.equal(image.format, format, `${key}: output format (Chrome's)`);
        } finally {
          image.close();
        }
      } finally {
        d.close();
      }
    });
  }

  test('the same pattern through a ReadableStream (WPT fetches response.body)', T, async () => {
    for (const key of ['png', 'gif', 'webp', 'jpeg']) {
      const s = images.still[key];
      const d = new ImageDecoder({ data: fx.streamOf(s.bytes, 128), type: s.type });
      const { image } = await fx.within(d.decode(), 20_000, key);
      assert.equal(image.displayWidth, 320);
      assert.equal(image.displayHeight, 240);
      const { rgba, width } = await fx.rgbaOf(image);
      const tl = fx.pixelAt(rgba, width, 0, 0);
      assert.ok(tl[0] > 245 && tl[1] > 245 && tl[2] < 10, `${key}: top left is yellow, got ${tl}`);
      image.close();
      d.close();
    }
  });
});
