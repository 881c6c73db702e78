'use strict';
// Mirrors the ReadableStream tests of WPT webcodecs/image-decoder.https.any.js, with its
// InfiniteGifSource: a byte stream that starts with a two-frame GIF (30 ms, 40 ms, loop
// count patched in) minus its trailer, then appends frames on demand. WPT's file is
// four-colors-flip.gif; ours is the same shape, written by test/fixtures/make-images.js
// (flipGif), so its frame offsets come from the builder instead of WPT's 0x26 / 0x553.

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { ImageDecoder, liveCounts } = require('../..');
const fx = require('../fixtures/make-images');

const T = { timeout: 20_000 };

after(async () => {
  const c = await fx.liveCountsSettled(liveCounts);
  assert.deepEqual(Object.values(c).filter((v) => v !== 0), [], `live counts: ${JSON.stringify(c)}`);
});

class InfiniteGifSource {
  load(repetitionCount) {
    const gif = fx.flipGif(0);
    // Strip the GIF trailer (0x3B) so that frames can be appended; patch the loop count.
    this.baseImage = new Uint8Array(gif.bytes.subarray(0, gif.bytes.length - 1));
    this.baseImage[gif.loopOffset] = repetitionCount;
    this.frame1 = new Uint8Array(gif.frames[0]);
    this.frame2 = new Uint8Array(gif.frames[1]);
    this.counter = 0;
  }

  start(controller) {
    this.controller = controller;
    this.controller.enqueue(this.baseImage.slice());
  }

  close() {
    this.controller.enqueue(new Uint8Array([0x3B]));
    this.controller.close();
  }

  addFrame() {
    if (this.counter++ % 2 === 0) this.controller.enqueue(this.frame1.slice());
    else this.controller.enqueue(this.frame2.slice());
  }
}

const rejects = async (p, name, what) => {
  const r = await fx.settle(p, 10_000, what);
  fx.closeResult(r);
  assert.equal(r.status, 'rejected', `${what}: expected ${name}`);
  assert.equal(r.reason.name, name, `${what}: got ${r.reason.name}: ${r.reason.message}`);
};

/** WPT waits for nothing between addFrame() and decode(); the decode must wait for the bytes itself. */
test('Test ReadableStream of gif', T, async () => {
  assert.equal(await ImageDecoder.isTypeSupported('image/gif'), true);
  const source = new InfiniteGifSource();
  source.load(5);
  const stream = new ReadableStream(source, { type: 'bytes' });
  const decoder = new ImageDecoder({ data: stream, type: 'image/gif' });
  await fx.within(decoder.tracks.ready, 10_000, 'tracks.ready');
  assert.equal(decoder.tracks.selectedTrack.frameCount, 2);
  assert.equal(decoder.tracks.selectedTrack.repetitionCount, 5);

  source.addFrame();
  let result = await fx.within(decoder.decode({ frameIndex: 2 }), 10_000, 'frame 2');
  assert.equal(decoder.tracks.selectedTrack.frameCount, 3);
  assert.equal(result.image.displayWidth, 320);
  assert.equal(result.image.displayHeight, 240);
  // The stream has an alternating duration of 30 ms, 40 ms per frame.
  assert.equal(result.image.timestamp, 70000, 'timestamp frame 2');
  assert.equal(result.image.duration, 30000, 'duration frame 2');
  result.image.close();

  source.addFrame();
  result = await fx.within(decoder.decode({ frameIndex: 3 }), 10_000, 'frame 3');
  assert.equal(decoder.tracks.selectedTrack.frameCount, 4);
  assert.equal(result.image.displayWidth, 320);
  assert.equal(result.image.displayHeight, 240);
  assert.equal(result.image.timestamp, 100000, 'timestamp frame 3');
  assert.equal(result.image.duration, 40000, 'duration frame 3');
  result.image.close();

  // Decode a frame not yet available, then reset before it comes in.
  let p = decoder.decode({ frameIndex: 5 });
  decoder.reset();
  await rejects(p, 'AbortError', 'decode aborted by reset');

  // Earlier frames still decode.
  assert.equal(decoder.tracks.selectedTrack.frameCount, 4);
  result = await fx.within(decoder.decode({ frameIndex: 3 }), 10_000, 'frame 3 after reset');
  assert.equal(decoder.tracks.selectedTrack.frameCount, 4);
  assert.equal(result.image.displayWidth, 320);
  assert.equal(result.image.displayHeight, 240);
  assert.equal(result.image.timestamp, 100000, 'timestamp frame 3');
  assert.equal(result.image.duration, 40000, 'duration frame 3');
  result.image.close();

  // Decode a frame not yet available, then close before it comes in.
  p = decoder.decode({ frameIndex: 5 });
  const tracks = decoder.tracks;
  const track = decoder.tracks.selectedTrack;
  decoder.close();
  assert.equal(decoder.type, '');
  assert.equal(decoder.tracks.length, 0);
  assert.equal(tracks.length, 0);
  track.selected = true; // Should do nothing.
  await rejects(p, 'AbortError', 'decode aborted by close');

  // Feeding the source after closing doesn't crash: the stream was cancelled.
  assert.throws(() => source.addFrame(), TypeError);
});

test('Test that decode requests are serialized.', T, async () => {
  const source = new InfiniteGifSource();
  source.load(5);
  const stream = new ReadableStream(source, { type: 'bytes' });
  const decoder = new ImageDecoder({ data: stream, type: 'image/gif' });
  await fx.within(decoder.tracks.ready, 10_000, 'ready');
  assert.equal(decoder.tracks.selectedTrack.frameCount, 2);
  assert.equal(decoder.tracks.selectedTrack.repetitionCount, 5);
  // Frame 2 never arrives, so neither decode may resolve: frame 1 waits behind frame 2.
  let settled = 0;
  const p2 = decoder.decode({ frameIndex: 2 }).finally(() => { settled++; });
  const p1 = decoder.decode({ frameIndex: 1 }).finally(() => { settled++; });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(settled, 0, 'no decode resolved out of order');
  decoder.close();
  await rejects(p2, 'AbortError', 'p2');
  await rejects(p1, 'AbortError', 'p1');
});

test('Test ReadableStream aborts promises on track change', T, async () => {
  const source = new InfiniteGifSource();
  source.load(5);
  const stream = new ReadableStream(source, { type: 'bytes' });
  const decoder = new ImageDecoder({ data: stream, type: 'image/gif' });
  await fx.within(decoder.tracks.ready, 10_000, 'ready');
  assert.equal(decoder.tracks.selectedTrack.frameCount, 2);
  assert.equal(decoder.tracks.selectedTrack.repetitionCount, 5);
  // Decode a frame not yet available, then change tracks before it comes in.
  const p = decoder.decode({ frameIndex: 5 });
  decoder.tracks.selectedTrack.selected = false;
  await rejects(p, 'AbortError', 'decode aborted by the track change');
  decoder.close();
});

test('Test ReadableStream aborts completed on close', T, async () => {
  const source = new InfiniteGifSource();
  source.load(5);
  const stream = new ReadableStream(source, { type: 'bytes' });
  const decoder = new ImageDecoder({ data: stream, type: 'image/gif' });
  await fx.within(decoder.tracks.ready, 10_000, 'ready');
  const p = decoder.completed;
  decoder.close();
  await rejects(p, 'AbortError', 'completed');
});

test('Test ReadableStream resolves completed', T, async () => {
  const source = new InfiniteGifSource();
  source.load(5);
  const stream = new ReadableStream(source, { type: 'bytes' });
  const decoder = new ImageDecoder({ data: stream, type: 'image/gif' });
  await fx.within(decoder.tracks.ready, 10_000, 'ready');
  assert.equal(decoder.complete, false);
  source.close();
  await fx.within(decoder.completed, 10_000, 'completed');
  assert.equal(decoder.complete, true);
  decoder.close();
});

test('Test decode, decodeMetadata after no track selected (ReadableStream of a PNG)', T, async () => {
  const png = fx.makeImages().still.png.bytes;
  const decoder = new ImageDecoder({ data: fx.streamOf(png, 100), type: 'image/png' });
  await fx.within(decoder.tracks.ready, 10_000, 'ready');
  decoder.tracks.selectedTrack.selected = false;
  assert.equal(decoder.tracks.selectedIndex, -1);
  assert.equal(decoder.tracks.selectedTrack, null);
  await fx.within(decoder.tracks.ready, 1000, 'ready stays resolved');
  await rejects(decoder.decode(), 'InvalidStateError', 'decode with no track');
  decoder.tracks[0].selected = true;
  assert.equal(decoder.tracks.selectedIndex, 0);
  assert.notEqual(decoder.tracks.selectedTrack, null);
  const result = await fx.within(decoder.decode(), 10_000, 'decode');
  assert.equal(result.image.displayWidth, 320);
  assert.equal(result.image.displayHeight, 240);
  result.image.close();
  decoder.close();
});
