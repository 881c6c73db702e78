'use strict';
// Mirrors WPT webcodecs/image-decoder.crossOriginIsolated.https.any.js: ImageDecoderInit.data is
// an ImageBufferSource = (AllowSharedBufferSource or ReadableStream), so a SharedArrayBuffer and
// a view on one are accepted ("Test ImageDecoder decoding with a SharedArrayBuffer source" and
// "… with a Uint8Array(SharedArrayBuffer) source"), decoded as WPT's testFourColorsDecodeBuffer.

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { ImageDecoder, liveCounts } = require('../..');
const fx = require('../fixtures/make-images');

const images = fx.makeImages();
const T = { timeout: 20_000 };

after(async () => {
  const c = await fx.liveCountsSettled(liveCounts);
  assert.deepEqual(Object.values(c).filter((v) => v !== 0), [], `live counts: ${JSON.stringify(c)}`);
});

async function testSharedArrayBuffer(useView, view = (sab) => new Uint8Array(sab)) {
  const buffer = images.still.png.bytes;
  const data = new SharedArrayBuffer(buffer.byteLength);
  new Uint8Array(data).set(buffer);
  const decoder = new ImageDecoder({ data: useView ? view(data) : data, type: 'image/png' });
  try {
    const { image } = await fx.within(decoder.decode(), 10_000, 'decode');
    try {
      assert.equal(image.displayWidth, 320);
      assert.equal(image.displayHeight, 240);
      const { rgba, width } = await fx.rgbaOf(image);
      assert.deepEqual(fx.pixelAt(rgba, width, 0, 0), [0xFF, 0xFF, 0x00, 0xFF], 'top left corner is yellow');
      assert.deepEqual(fx.pixelAt(rgba, width, 319, 0), [0xFF, 0x00, 0x00, 0xFF], 'top right corner is red');
      assert.deepEqual(fx.pixelAt(rgba, width, 0, 239), [0x00, 0x00, 0xFF, 0xFF], 'bottom left corner is blue');
      assert.deepEqual(fx.pixelAt(rgba, width, 319, 239), [0x00, 0xFF, 0x00, 0xFF], 'bottom right corner is green');
    } finally {
      image.close();
    }
  } finally {
    decoder.close();
  }
}

test('Test ImageDecoder decoding with a SharedArrayBuffer source', T, () => testSharedArrayBuffer(false));

test('Test ImageDecoder decoding with a Uint8Array(SharedArrayBuffer) source', T, () => testSharedArrayBuffer(true));

test('a DataView and an offset view on a SharedArrayBuffer decode the bytes they cover', T, async () => {
  await testSharedArrayBuffer(true, (sab) => new DataView(sab));
  // Bytes before and after the view are not part of the image.
  const b = images.still.png.bytes;
  const sab = new SharedArrayBuffer(b.byteLength + 64);
  const all = new Uint8Array(sab);
  all.fill(0xAB);
  all.set(b, 32);
  const d = new ImageDecoder({ data: new Uint8Array(sab, 32, b.byteLength), type: 'image/png' });
  const { image } = await fx.within(d.decode(), 10_000, 'decode');
  assert.equal(image.codedWidth, 320);
  image.close();
  d.close();
});

test('the bytes are copied at construction: later writes to the SharedArrayBuffer do not change the image', T, async () => {
  const b = images.still.png.bytes;
  const sab = new SharedArrayBuffer(b.byteLength);
  const v = new Uint8Array(sab);
  v.set(b);
  const d = new ImageDecoder({ data: v, type: 'image/png' });
  v.fill(0); // after the constructor returned
  const { image } = await fx.within(d.decode(), 10_000, 'decode');
  assert.equal(image.codedWidth, 320);
  image.close();
  d.close();
});
