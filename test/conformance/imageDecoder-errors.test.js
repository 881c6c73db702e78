'use strict';
// Mirrors the error and state tests of WPT webcodecs/image-decoder.https.any.js:
//  "Test invalid mime type rejects decode() requests" / "… decodeMetadata() requests",
//  "Test out of range index returns RangeError",
//  "Test partial decoding without a frame results in an error",
//  "Test completed property on fully buffered decode",
// ("Test track selection in multi track image" is in imageDecoder-animation.test.js.)
// WPT uses the type 'junk/type' for the NotSupportedError cases; the spec's constructor throws a
// TypeError for any type that is not image/* (w3c/webcodecs#794, open), so these use
// 'image/junk' (a valid image MIME type nobody supports) and 'junk/type' is checked to throw.

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { ImageDecoder, liveCounts } = require('../..');
const fx = require('../fixtures/make-images');

const images = fx.makeImages();
const T = { timeout: 20_000 };
const png = images.still.png.bytes;

after(async () => {
  const c = await fx.liveCountsSettled(liveCounts);
  assert.deepEqual(Object.values(c).filter((v) => v !== 0), [], `live counts: ${JSON.stringify(c)}`);
});

const rejects = async (p, name, what) => {
  const r = await fx.settle(p, 10_000, what);
  fx.closeResult(r);
  assert.equal(r.status, 'rejected', `${what}: expected ${name}, got a result`);
  assert.equal(r.reason.name, name, `${what}: got ${r.reason.name}: ${r.reason.message}`);
  if (name === 'RangeError') assert.ok(r.reason instanceof RangeError);
  else assert.ok(r.reason instanceof DOMException);
};

test('Test invalid mime type rejects decode() requests', T, async () => {
  const decoder = new ImageDecoder({ data: fx.streamOf(png, 256), type: 'image/junk' });
  await rejects(decoder.decode(), 'NotSupportedError', 'decode');
});

test('Test invalid mime type rejects decodeMetadata() requests', T, async () => {
  const decoder = new ImageDecoder({ data: fx.streamOf(png, 256), type: 'image/junk' });
  await rejects(decoder.tracks.ready, 'NotSupportedError', 'tracks.ready');
});

test('a type that is not image/* throws TypeError (spec: valid image MIME type)', T, () => {
  assert.throws(() => new ImageDecoder({ data: png, type: 'junk/type' }), TypeError);
  assert.throws(() => new ImageDecoder({ data: fx.streamOf(png), type: 'junk/type' }), TypeError);
});

test('Test out of range index returns RangeError', T, async () => {
  assert.equal(await ImageDecoder.isTypeSupported('image/png'), true);
  const decoder = new ImageDecoder({ data: png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength), type: 'image/png' });
  await rejects(decoder.decode({ frameIndex: 1 }), 'RangeError', 'frameIndex 1');
  decoder.close();
});

test('Test partial decoding without a frame results in an error', T, async () => {
  const buffer = png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength);
  // WPT cuts its four-colors.png at 100 bytes, which is before that file's IDAT chunk; our
  // fixture's IDAT starts earlier, so cut just before it: a header and no image data.
  const idat = Buffer.from(png).indexOf('IDAT') - 4;
  assert.ok(idat > 8, 'the fixture has an IDAT chunk');
  const decoder = new ImageDecoder({ data: buffer.slice(0, idat), type: 'image/png' });
  await fx.within(decoder.tracks.ready, 10_000, 'tracks.ready');
  // Queue two decodes to ensure index verification and decoding are properly ordered.
  const p1 = decoder.decode({ frameIndex: 0 });
  const r1 = fx.settle(p1, 10_000, 'p1');
  await rejects(decoder.decode({ frameIndex: 1 }), 'RangeError', 'frameIndex 1');
  await rejects(p1, 'RangeError', 'frameIndex 0');
  await r1;
  decoder.close();
});

test('Test completed property on fully buffered decode', T, async () => {
  const buffer = png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength);
  const decoder = new ImageDecoder({ data: buffer.slice(0, 100), type: 'image/png' });
  assert.equal(decoder.complete, true);
  await fx.within(decoder.completed, 5000, 'completed');
  decoder.close();
});

// Issue 8: complete data too short to hold a single image header (no track can be found) closes
// the decoder (spec Establish Tracks step 2.1; Chrome reports EncodingError): tracks.ready and
// decode() reject with it, never a track of 0 frames and a RangeError.
for (const key of ['jpeg', 'webp', 'gif', 'avif']) {
  const s = images.still[key];
  test(`complete data too short for a ${key} header closes the decoder with EncodingError`, { ...T, skip: !s && 'no fixture' }, async () => {
    const cut = key === 'jpeg' ? 200 : 10;
    if (key === 'jpeg') {
      // The first 200 bytes of this JPEG end before its SOS marker (the end of the header).
      assert.ok(Buffer.from(s.bytes.subarray(0, 200)).indexOf(Buffer.from([0xff, 0xda])) < 0, 'no SOS in 200 bytes');
    }
    for (const how of ['buffer', 'stream']) {
      const bytes = s.bytes.subarray(0, cut);
      const data = how === 'buffer' ? bytes : fx.streamOf(bytes, 64);
      const decoder = new ImageDecoder({ data, type: s.type });
      const p = decoder.decode();
      await rejects(decoder.tracks.ready, 'EncodingError', `${how}: tracks.ready`);
      await rejects(p, 'EncodingError', `${how}: decode() queued before`);
      assert.equal(decoder.tracks.length, 0, `${how}: no track`);
      await rejects(decoder.decode(), 'InvalidStateError', `${how}: decode() after the close`);
    }
  });
}

test('an AVIF cut inside its meta box (complete) is too short: EncodingError', { ...T, skip: !images.still.avif && 'no fixture' }, async () => {
  const b = images.still.avif.bytes;
  const meta = Buffer.from(b).indexOf('meta');
  assert.ok(meta > 0);
  const decoder = new ImageDecoder({ data: b.subarray(0, meta + 20), type: 'image/avif' });
  await rejects(decoder.tracks.ready, 'EncodingError', 'tracks.ready');
});
