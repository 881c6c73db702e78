'use strict';
// Mirrors WPT webcodecs/videoFrame-construction.any.js "Test closed VideoFrame." (the current
// version: timestamp and duration keep their values after close(), colorSpace reads as an
// empty VideoColorSpace, every size reads 0, the rects null, and clone() throws
// InvalidStateError). WPT's makeImageBitmap(32, 16) becomes a 32×16 RGBA buffer here: Node.js
// has no ImageBitmap. isFrameClosed() is WPT's helper from videoFrame-utils.js.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { VideoFrame } = require('../..');

const makeFrame = (init) => new VideoFrame(new Uint8Array(32 * 16 * 4),
  { format: 'RGBA', codedWidth: 32, codedHeight: 16, ...init });

function isFrameClosed(frame) {
  return frame.format == null && frame.codedWidth == 0 && frame.codedHeight == 0 &&
    frame.displayWidth == 0 && frame.displayHeight == 0 && frame.codedRect == null &&
    frame.visibleRect == null;
}

test('Test we can construct a VideoFrame.', () => {
  const frame = makeFrame({ timestamp: 10 });
  assert.equal(frame.timestamp, 10, 'timestamp');
  assert.equal(frame.duration, null, 'duration');
  assert.equal(frame.visibleRect.width, 32, 'visibleRect.width');
  assert.equal(frame.visibleRect.height, 16, 'visibleRect.height');
  assert.equal(frame.displayWidth, 32, 'displayWidth');
  assert.equal(frame.displayHeight, 16, 'displayHeight');
  frame.close();
});

test('Test closed VideoFrame.', () => {
  const frame = makeFrame({ timestamp: 10, duration: 15 });
  frame.close();
  assert.equal(frame.format, null, 'format');
  assert.equal(frame.timestamp, 10, 'timestamp');
  assert.equal(frame.duration, 15, 'duration');
  assert.equal(frame.codedWidth, 0, 'codedWidth');
  assert.equal(frame.codedHeight, 0, 'codedHeight');
  assert.equal(frame.visibleRect, null, 'visibleRect');
  assert.equal(frame.displayWidth, 0, 'displayWidth');
  assert.equal(frame.displayHeight, 0, 'displayHeight');
  assert.equal(frame.colorSpace.primaries, null, 'colorSpace.primaries');
  assert.equal(frame.colorSpace.transfer, null, 'colorSpace.transfer');
  assert.equal(frame.colorSpace.matrix, null, 'colorSpace.matrix');
  assert.equal(frame.colorSpace.fullRange, null, 'colorSpace.fullRange');
  assert.ok(isFrameClosed(frame));
  assert.throws(() => frame.clone(), (e) => e instanceof DOMException && e.name === 'InvalidStateError');
});

test('Test closed VideoFrame: a clone and a frame made from it keep theirs', () => {
  const frame = makeFrame({ timestamp: 10, duration: 15 });
  const clone = frame.clone();
  const derived = new VideoFrame(frame, { timestamp: 20 });
  frame.close();
  assert.equal(clone.duration, 15);
  assert.equal(derived.duration, 15);
  assert.equal(derived.timestamp, 20);
  clone.close();
  derived.close();
  assert.equal(clone.duration, 15);
  assert.equal(derived.timestamp, 20);
});

test('Test constructing w/ unusable image argument throws: closed VideoFrame.', () => {
  const frame = makeFrame({ timestamp: 10 });
  frame.close();
  assert.throws(() => new VideoFrame(frame), (e) => e instanceof DOMException && e.name === 'InvalidStateError');
});
