'use strict';
// Mirrors WPT webcodecs/image-decoder.https.any.js "Test JPEG w/ EXIF orientation …" and
// "Test 4:2:0 JPEG w/ EXIF orientation …" (testFourColorDecodeWithExifOrientation): the
// four-colour JPEG with an APP1 EXIF Orientation of 1–8 (bytes built in
// test/fixtures/make-images.js, the orientation at offset 0x1F as in WPT's file).
//
// Chrome reports the orientation on the VideoFrame, not in the pixels
// (ImageOrientationToVideoTransformation in Blink): 1 → (0°, no flip), 2 → (0°, flip),
// 3 → (180°), 4 → (180°, flip), 5 → (90°, flip), 6 → (90°), 7 → (270°, flip), 8 → (270°).
// A renderer turns the frame clockwise by `rotation`, then mirrors it if `flip`; the corners
// of that picture must match WPT's expected matrix. displayWidth/Height are swapped for 5–8.

const { describe, test, after } = require('node:test');
const assert = require('node:assert/strict');
const { ImageDecoder, liveCounts } = require('../..');
const fx = require('../fixtures/make-images');

const images = fx.makeImages();
const T = { timeout: 20_000 };

after(async () => {
  const c = await fx.liveCountsSettled(liveCounts);
  assert.deepEqual(Object.values(c).filter((v) => v !== 0), [], `live counts: ${JSON.stringify(c)}`);
});

const CHROME = {
  1: { rotation: 0, flip: false, name: 'top-left' },
  2: { rotation: 0, flip: true, name: 'top-right' },
  3: { rotation: 180, flip: false, name: 'bottom-right' },
  4: { rotation: 180, flip: true, name: 'bottom-left' },
  5: { rotation: 90, flip: true, name: 'left-top' },
  6: { rotation: 90, flip: false, name: 'right-top' },
  7: { rotation: 270, flip: true, name: 'right-bottom' },
  8: { rotation: 270, flip: false, name: 'left-bottom' },
};

// WPT's matrices: rotateMatrix(m, n) turns clockwise n quarter turns, flipMatrix mirrors.
const flipMatrix = (m) => m.map((row) => [...row].reverse());
const rotateMatrix = (m, count) => {
  let r = m;
  for (let i = 0; i < count; i++) r = r[0].map((_, index) => r.map((row) => row[index]).reverse());
  return r;
};
function expectedMatrix(orientation) {
  const m = [['yellow', 'red'], ['blue', 'green']];
  switch (orientation) {
    case 2: return flipMatrix(m);
    case 3: return rotateMatrix(m, 2);
    case 4: return flipMatrix(rotateMatrix(m, 2));
    case 5: return flipMatrix(rotateMatrix(m, 1));
    case 6: return rotateMatrix(m, 1);
    case 7: return flipMatrix(rotateMatrix(m, 3));
    case 8: return rotateMatrix(m, 3);
    default: return m;
  }
}

/** Name the nearest of the four colours (WPT rounds YUV results within 3 of 0/255; we allow 16). */
function colorName([r, g, b]) {
  const near = (v, want) => Math.abs(v - want) <= 16;
  if (near(r, 255) && near(g, 255) && near(b, 0)) return 'yellow';
  if (near(r, 255) && near(g, 0) && near(b, 0)) return 'red';
  if (near(r, 0) && near(g, 0) && near(b, 255)) return 'blue';
  if (near(r, 0) && near(g, 255) && near(b, 0)) return 'green';
  return `rgb(${r}, ${g}, ${b})`;
}

for (const [label, key] of [['', 'jpeg'], ['4:4:4 ', 'jpeg444']]) {
  describe(`${label || '4:2:0 '}JPEG with EXIF orientation`, () => {
    for (let orientation = 1; orientation <= 8; orientation++) {
      const want = CHROME[orientation];
      test(`Test ${label}JPEG w/ EXIF orientation ${want.name} (${orientation})`, T, async () => {
        const bytes = fx.withExifOrientation(images.still[key].bytes, orientation);
        const d = new ImageDecoder({ data: bytes, type: 'image/jpeg' });
        try {
          const { image } = await fx.within(d.decode(), 10_000, 'decode');
          try {
            assert.equal(image.rotation, want.rotation, 'rotation (Chrome)');
            assert.equal(image.flip, want.flip, 'flip (Chrome)');
            const [w, h] = orientation > 4 ? [240, 320] : [320, 240];
            assert.equal(image.displayWidth, w, 'displayWidth');
            assert.equal(image.displayHeight, h, 'displayHeight');
            assert.equal(image.codedWidth, 320, 'the pixels are stored as encoded');
            assert.equal(image.codedHeight, 240);
            const px = await fx.rgbaOf(image);
            const shown = fx.orient(px.rgba, px.width, px.height, image.rotation, image.flip);
            assert.equal(shown.width, w);
            assert.equal(shown.height, h);
            const inset = 4; // away from the 8×8 block edge at the border
            const at = (x, y) => colorName(fx.pixelAt(shown.rgba, shown.width, x, y));
            const got = [[at(inset, inset), at(w - 1 - inset, inset)], [at(inset, h - 1 - inset), at(w - 1 - inset, h - 1 - inset)]];
            assert.deepEqual(got, expectedMatrix(orientation), 'corner colours of the displayed picture');
          } finally {
            image.close();
          }
        } finally {
          d.close();
        }
      });
    }
  });
}

test('an orientation outside 1–8 is ignored (top-left)', T, async () => {
  for (const orientation of [0, 9, 255]) {
    const d = new ImageDecoder({ data: fx.withExifOrientation(images.still.jpeg.bytes, orientation), type: 'image/jpeg' });
    const { image } = await fx.within(d.decode(), 10_000, `orientation ${orientation}`);
    assert.equal(image.rotation, 0, `orientation ${orientation}`);
    assert.equal(image.flip, false, `orientation ${orientation}`);
    image.close();
    d.close();
  }
});

test('the orientation survives a ReadableStream source', T, async () => {
  const d = new ImageDecoder({ data: fx.streamOf(fx.withExifOrientation(images.still.jpeg.bytes, 6), 33), type: 'image/jpeg' });
  const { image } = await fx.within(d.decode(), 10_000, 'decode');
  assert.equal(image.rotation, 90);
  assert.equal(image.displayWidth, 240);
  image.close();
  d.close();
});
