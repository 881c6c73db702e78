'use strict';
// VideoColorSpace: construction, nullable enum members, validation, toJSON, immutability.

const { test } = require('node:test');
const assert = require('node:assert/strict');

const {
  VideoColorSpace, VIDEO_COLOR_PRIMARIES, VIDEO_TRANSFER_CHARACTERISTICS, VIDEO_MATRIX_COEFFICIENTS,
} = require('../../js/lib/video-color-space');

test('the enums are the WebIDL ones', () => {
  assert.deepEqual([...VIDEO_COLOR_PRIMARIES], ['bt709', 'bt470bg', 'smpte170m', 'bt2020', 'smpte432']);
  assert.deepEqual([...VIDEO_TRANSFER_CHARACTERISTICS], ['bt709', 'smpte170m', 'iec61966-2-1', 'linear', 'pq', 'hlg']);
  assert.deepEqual([...VIDEO_MATRIX_COEFFICIENTS], ['rgb', 'bt709', 'bt470bg', 'smpte170m', 'bt2020-ncl']);
});

test('no init, {} and null give all-null members', () => {
  for (const cs of [new VideoColorSpace(), new VideoColorSpace({}), new VideoColorSpace(null), new VideoColorSpace(undefined)]) {
    assert.equal(cs.primaries, null);
    assert.equal(cs.transfer, null);
    assert.equal(cs.matrix, null);
    assert.equal(cs.fullRange, null);
    assert.deepEqual(cs.toJSON(), { primaries: null, transfer: null, matrix: null, fullRange: null });
  }
});

test('every enum value is accepted and read back', () => {
  for (const primaries of VIDEO_COLOR_PRIMARIES) assert.equal(new VideoColorSpace({ primaries }).primaries, primaries);
  for (const transfer of VIDEO_TRANSFER_CHARACTERISTICS) assert.equal(new VideoColorSpace({ transfer }).transfer, transfer);
  for (const matrix of VIDEO_MATRIX_COEFFICIENTS) assert.equal(new VideoColorSpace({ matrix }).matrix, matrix);
});

test('toJSON returns the four members; JSON.stringify uses it', () => {
  const init = { primaries: 'bt2020', transfer: 'pq', matrix: 'bt2020-ncl', fullRange: true };
  const cs = new VideoColorSpace(init);
  assert.deepEqual(cs.toJSON(), init);
  assert.deepEqual(JSON.parse(JSON.stringify(cs)), init);
  assert.notEqual(cs.toJSON(), cs.toJSON(), 'a fresh object each call');
  assert.deepEqual(new VideoColorSpace(cs).toJSON(), init, 'a VideoColorSpace is a valid init');
  assert.deepEqual(new VideoColorSpace(cs.toJSON()).toJSON(), init);
});

test('fullRange converts like a WebIDL boolean; null/undefined stay null', () => {
  assert.equal(new VideoColorSpace({ fullRange: 1 }).fullRange, true);
  assert.equal(new VideoColorSpace({ fullRange: 0 }).fullRange, false);
  assert.equal(new VideoColorSpace({ fullRange: '' }).fullRange, false);
  assert.equal(new VideoColorSpace({ fullRange: null }).fullRange, null);
  assert.equal(new VideoColorSpace({ fullRange: undefined }).fullRange, null);
});

test('unknown enum strings are TypeErrors that say what was expected', () => {
  assert.throws(() => new VideoColorSpace({ primaries: 'bt601' }),
    { name: 'TypeError', message: /VideoColorSpace: expected primaries to be one of 'bt709'.*got "bt601"/ });
  assert.throws(() => new VideoColorSpace({ transfer: 'srgb' }), { name: 'TypeError', message: /transfer/ });
  assert.throws(() => new VideoColorSpace({ matrix: 'BT709' }), { name: 'TypeError', message: /matrix/ });
  assert.throws(() => new VideoColorSpace({ matrix: Symbol('x') }), TypeError);
  assert.throws(() => new VideoColorSpace(5), TypeError);
  assert.throws(() => new VideoColorSpace('bt709'), TypeError);
});

test('attributes are read-only accessors on the prototype', () => {
  const cs = new VideoColorSpace({ primaries: 'bt709' });
  assert.throws(() => { 'use strict'; cs.primaries = 'bt2020'; }, TypeError);
  assert.equal(cs.primaries, 'bt709');
  for (const k of ['primaries', 'transfer', 'matrix', 'fullRange']) {
    const d = Object.getOwnPropertyDescriptor(VideoColorSpace.prototype, k);
    assert.equal(typeof d.get, 'function', k);
    assert.equal(d.set, undefined, k);
    assert.equal(d.enumerable, true, k);
  }
  assert.deepEqual(Object.keys(cs), []);
  assert.equal(Object.prototype.toString.call(cs), '[object VideoColorSpace]');
  assert.throws(() => Object.getOwnPropertyDescriptor(VideoColorSpace.prototype, 'matrix').get.call({}), TypeError);
});
