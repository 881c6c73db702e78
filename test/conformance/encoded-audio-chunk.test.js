'use strict';
// Mirrors WPT webcodecs/encoded-audio-chunk.https.any.js and the audio part of transfering.https.any.js
// (EncodedAudioChunk transfer): attributes, copyTo, the init's required members, and transfer
// detaching the buffer while the chunk keeps the bytes.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { EncodedAudioChunk, EncodedVideoChunk } = require('../..');

test('Test we can construct an EncodedAudioChunk.', () => {
  const chunk = new EncodedAudioChunk({ type: 'key', timestamp: 10, duration: 123, data: new Uint8Array([0x0A, 0x0B, 0x0C]) });
  assert.equal(chunk.type, 'key');
  assert.equal(chunk.timestamp, 10);
  assert.equal(chunk.duration, 123);
  assert.equal(chunk.byteLength, 3);
  const copy = new Uint8Array(3);
  chunk.copyTo(copy);
  assert.deepEqual([...copy], [0x0A, 0x0B, 0x0C]);
  assert.throws(() => chunk.copyTo(new Uint8Array(2)), TypeError);
  assert.equal(Object.prototype.toString.call(chunk), '[object EncodedAudioChunk]');
});

test('Test we can construct an EncodedAudioChunk with a negative timestamp.', () => {
  const chunk = new EncodedAudioChunk({ type: 'key', timestamp: -10, data: new Uint8Array([0x0A]) });
  assert.equal(chunk.timestamp, -10);
  assert.equal(chunk.duration, null);
});

test('Test copyTo() with a SharedArrayBuffer destination and source', () => {
  const src = new Uint8Array(new SharedArrayBuffer(3));
  src.set([1, 2, 3]);
  const chunk = new EncodedAudioChunk({ type: 'key', timestamp: 0, data: src });
  src[0] = 9; // copied at construction
  const dest = new Uint8Array(new SharedArrayBuffer(3));
  chunk.copyTo(dest);
  assert.deepEqual([...dest], [1, 2, 3]);
});

test('Test required members and conversions', () => {
  const ok = { type: 'delta', timestamp: 0, data: new Uint8Array(1) };
  for (const m of ['type', 'timestamp', 'data']) {
    const init = { ...ok };
    delete init[m];
    assert.throws(() => new EncodedAudioChunk(init), TypeError, m);
  }
  assert.throws(() => new EncodedAudioChunk({ ...ok, type: 'bogus' }), TypeError);
  assert.throws(() => new EncodedAudioChunk({ ...ok, timestamp: Infinity }), TypeError);
  assert.throws(() => new EncodedAudioChunk({ ...ok, duration: -1 }), TypeError);
});

test('Test transfering ArrayBuffer to EncodedAudioChunk (transfering.https.any.js)', () => {
  const data = new Uint8Array([1, 2, 3, 4, 5]);
  const chunk = new EncodedAudioChunk({ type: 'key', timestamp: 0, data, transfer: [data.buffer] });
  assert.equal(data.length, 0, 'the source is detached');
  const copy = new Uint8Array(5);
  chunk.copyTo(copy);
  assert.deepEqual([...copy], [1, 2, 3, 4, 5]);
  const buf = new ArrayBuffer(2);
  assert.throws(() => new EncodedAudioChunk({ type: 'key', timestamp: 0, data: new Uint8Array(2), transfer: [buf, buf] }), (e) => e.name === 'DataCloneError');
});

test('EncodedAudioChunk and EncodedVideoChunk are distinct interfaces sharing one implementation', () => {
  const a = new EncodedAudioChunk({ type: 'key', timestamp: 0, data: new Uint8Array(1) });
  const v = new EncodedVideoChunk({ type: 'key', timestamp: 0, data: new Uint8Array(1) });
  assert.equal(EncodedAudioChunk.name, 'EncodedAudioChunk');
  assert.ok(!(a instanceof EncodedVideoChunk));
  assert.ok(!(v instanceof EncodedAudioChunk));
  assert.throws(() => Object.getOwnPropertyDescriptor(EncodedAudioChunk.prototype, 'byteLength').get.call(v), TypeError);
});
