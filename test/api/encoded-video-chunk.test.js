'use strict';
// EncodedVideoChunk: construction, copy semantics, transfer, copyTo, validation, and the
// internal wrapChunkBytes/chunkBytes used by encoders and decoders.

const { test } = require('node:test');
const assert = require('node:assert/strict');

const { EncodedVideoChunk, wrapChunkBytes, chunkBytes, isEncodedVideoChunk } = require('../../js/lib/encoded-video-chunk');

const BYTES = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09];

test('attributes (WPT: Test we can construct an EncodedVideoChunk)', () => {
  const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 10, duration: 300, data: new Uint8Array(BYTES) });
  assert.equal(chunk.type, 'key');
  assert.equal(chunk.timestamp, 10);
  assert.equal(chunk.duration, 300);
  assert.equal(chunk.byteLength, 10);
  const copy = new Uint8Array(10);
  chunk.copyTo(copy);
  assert.deepEqual([...copy], BYTES);
  const delta = new EncodedVideoChunk({ type: 'delta', timestamp: -10, data: new ArrayBuffer(0) });
  assert.equal(delta.type, 'delta');
  assert.equal(delta.timestamp, -10);
  assert.equal(delta.duration, null);
  assert.equal(delta.byteLength, 0);
});

test('the data is copied: later writes to the source do not show', () => {
  const data = new Uint8Array(BYTES);
  const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 0, data });
  data.fill(0xFF);
  const out = new Uint8Array(10);
  chunk.copyTo(out);
  assert.deepEqual([...out], BYTES);
});

test('data may be an ArrayBuffer, a view at an offset, a DataView or a SharedArrayBuffer', () => {
  const backing = new Uint8Array([9, 9, ...BYTES, 9]);
  const shared = new SharedArrayBuffer(10);
  new Uint8Array(shared).set(BYTES);
  for (const data of [new Uint8Array(BYTES).buffer, backing.subarray(2, 12), new DataView(backing.buffer, 2, 10), shared]) {
    const chunk = new EncodedVideoChunk({ type: 'delta', timestamp: 1, data });
    assert.equal(chunk.byteLength, 10);
    const out = new ArrayBuffer(10);
    chunk.copyTo(out);
    assert.deepEqual([...new Uint8Array(out)], BYTES);
  }
});

test('copyTo: larger destinations, views and SharedArrayBuffer; too small → TypeError', () => {
  const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 0, data: new Uint8Array(BYTES) });
  const big = new Uint8Array(16).fill(0xAA);
  chunk.copyTo(big);
  assert.deepEqual([...big], [...BYTES, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA]);
  const sab = new SharedArrayBuffer(10);
  chunk.copyTo(sab);
  assert.deepEqual([...new Uint8Array(sab)], BYTES);
  const dv = new DataView(new ArrayBuffer(12), 2);
  chunk.copyTo(dv);
  assert.deepEqual([...new Uint8Array(dv.buffer, 2)], BYTES);
  assert.throws(() => chunk.copyTo(new Uint8Array(9)),
    { name: 'TypeError', message: 'EncodedVideoChunk.copyTo: expected a destination of at least 10 bytes, got 9' });
  assert.throws(() => chunk.copyTo([]), TypeError);
  assert.throws(() => chunk.copyTo(), TypeError);
});

test('WPT: transferring the data buffer detaches it and every other listed buffer', () => {
  const data = new Uint8Array([0xBA, 0xDF, 0x00, 0xD0, 0xBA, 0xDF, 0x01, 0xD0, 0xBA, 0xDF]);
  const expected = [...data];
  const unused = new ArrayBuffer(123);
  const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 0, data, transfer: [data.buffer, unused] });
  assert.equal(data.length, 0);
  assert.equal(unused.byteLength, 0);
  const out = new Uint8Array(chunk.byteLength);
  chunk.copyTo(out);
  assert.deepEqual([...out], expected);
});

test('transferring the buffer behind a view at an offset keeps just the view\'s bytes', () => {
  const ab = new ArrayBuffer(20);
  new Uint8Array(ab).set(BYTES, 4);
  const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 0, data: new Uint8Array(ab, 4, 10), transfer: [ab] });
  assert.equal(ab.byteLength, 0);
  assert.equal(chunk.byteLength, 10);
  assert.deepEqual([...chunkBytes(chunk)], BYTES);
});

test('transfer errors: duplicates and detached buffers are DataCloneErrors; nothing is detached', () => {
  const data = new Uint8Array(BYTES);
  assert.throws(() => new EncodedVideoChunk({ type: 'key', timestamp: 0, data, transfer: [data.buffer, data.buffer] }),
    { name: 'DataCloneError' });
  assert.equal(data.length, 10);
  const gone = new ArrayBuffer(4);
  structuredClone(gone, { transfer: [gone] });
  assert.throws(() => new EncodedVideoChunk({ type: 'key', timestamp: 0, data, transfer: [data.buffer, gone] }),
    { name: 'DataCloneError' });
  assert.equal(data.length, 10);
  assert.throws(() => new EncodedVideoChunk({ type: 'key', timestamp: 0, data, transfer: [data] }), TypeError);
  assert.throws(() => new EncodedVideoChunk({ type: 'key', timestamp: 0, data, transfer: 'x' }), TypeError);
});

test('a detached data buffer reads as an empty chunk', () => {
  const data = new Uint8Array(BYTES);
  structuredClone(data.buffer, { transfer: [data.buffer] });
  assert.equal(new EncodedVideoChunk({ type: 'key', timestamp: 0, data }).byteLength, 0);
});

test('invalid EncodedVideoChunkInit → TypeError', () => {
  const data = new Uint8Array(1);
  const cases = {
    'no init': undefined,
    'null init': null,
    'missing type': { timestamp: 0, data },
    'bad type': { type: 'keyframe', timestamp: 0, data },
    'missing timestamp': { type: 'key', data },
    'NaN timestamp': { type: 'key', timestamp: NaN, data },
    'timestamp beyond 2^53': { type: 'key', timestamp: 2 ** 53, data },
    'bigint timestamp': { type: 'key', timestamp: 1n, data },
    'negative duration': { type: 'key', timestamp: 0, duration: -1, data },
    'infinite duration': { type: 'key', timestamp: 0, duration: Infinity, data },
    'missing data': { type: 'key', timestamp: 0 },
    'array data': { type: 'key', timestamp: 0, data: [1, 2] },
    'string data': { type: 'key', timestamp: 0, data: 'abc' },
  };
  for (const [name, init] of Object.entries(cases)) {
    assert.throws(() => new EncodedVideoChunk(init), TypeError, name);
  }
  assert.throws(() => new EncodedVideoChunk({ type: 'key', timestamp: 'x', data }),
    { message: 'EncodedVideoChunk: expected an integer timestamp (microseconds), got "x"' });
  assert.throws(() => new EncodedVideoChunk({ type: 'i', timestamp: 0, data }),
    { message: `EncodedVideoChunk: expected type to be one of 'key', 'delta', got "i"` });
});

test('numbers convert like WebIDL [EnforceRange] integers (truncation, numeric strings)', () => {
  const c = new EncodedVideoChunk({ type: 'key', timestamp: 12.9, duration: '40', data: new Uint8Array(1) });
  assert.equal(c.timestamp, 12);
  assert.equal(c.duration, 40);
  assert.equal(new EncodedVideoChunk({ type: 'key', timestamp: -0.5, data: new Uint8Array(1) }).timestamp, 0);
});

test('read-only attributes; only WebIDL members on the class', () => {
  const c = new EncodedVideoChunk({ type: 'key', timestamp: 1, data: new Uint8Array(1) });
  assert.throws(() => { 'use strict'; c.timestamp = 2; }, TypeError);
  assert.deepEqual(Object.getOwnPropertyNames(EncodedVideoChunk.prototype).sort(),
    ['byteLength', 'constructor', 'copyTo', 'duration', 'timestamp', 'type']);
  assert.deepEqual(Object.keys(c), []);
  assert.equal(Object.prototype.toString.call(c), '[object EncodedVideoChunk]');
});

test('wrapChunkBytes adopts the encoder\'s bytes without copying; chunkBytes reads them', () => {
  const ab = new Uint8Array(BYTES).buffer;
  const chunk = wrapChunkBytes(ab, { type: 'delta', timestamp: 5, duration: 7 });
  assert.ok(chunk instanceof EncodedVideoChunk);
  assert.ok(isEncodedVideoChunk(chunk));
  assert.equal(chunk.type, 'delta');
  assert.equal(chunk.timestamp, 5);
  assert.equal(chunk.duration, 7);
  assert.equal(chunk.byteLength, 10);
  assert.equal(chunkBytes(chunk).buffer, ab, 'same memory, no copy');
  const viaView = wrapChunkBytes(new Uint8Array(ab, 2, 3), { type: 'key', timestamp: 0 });
  assert.equal(viaView.duration, null);
  assert.deepEqual([...chunkBytes(viaView)], [2, 3, 4]);
  assert.throws(() => wrapChunkBytes([1], { type: 'key', timestamp: 0 }), TypeError);
  assert.throws(() => chunkBytes({}), TypeError);
  assert.equal(isEncodedVideoChunk({}), false);
});
