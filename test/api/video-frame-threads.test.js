'use strict';
// VideoFrames across worker_threads: serializeVideoFrame() / deserializeVideoFrame() hand the same
// native pixels to another thread (no copy), once, with every attribute; transfer closes the
// source; tokens expire; and what postMessage() of a VideoFrame itself does on this Node.js.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { Worker, MessageChannel } = require('node:worker_threads');
const path = require('node:path');
const { VideoFrame, serializeVideoFrame, deserializeVideoFrame, liveCounts } = require('../..');

const ROOT = path.join(__dirname, '..', '..');
const isDOM = (name) => (e) => e instanceof DOMException && e.name === name;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function frame(extra = {}) {
  const data = new Uint8Array(4 * 2 * 4).map((_, i) => (i * 7) & 0xff);
  return new VideoFrame(data, { format: 'RGBA', codedWidth: 4, codedHeight: 2, timestamp: 1234, duration: 40, ...extra });
}

/** Run `body(token)` in a Worker that redeems the token; resolves with what it posts back. */
function inWorker(token) {
  const w = new Worker(`
    const { parentPort } = require('node:worker_threads');
    const { deserializeVideoFrame, liveCounts } = require(${JSON.stringify(ROOT)});
    parentPort.once('message', async (token) => {
      const f = deserializeVideoFrame(token);
      const bytes = new Uint8Array(f.allocationSize());
      await f.copyTo(bytes);
      const attrs = { format: f.format, codedWidth: f.codedWidth, codedHeight: f.codedHeight, visibleRect: f.visibleRect.toJSON(),
        displayWidth: f.displayWidth, displayHeight: f.displayHeight, rotation: f.rotation, flip: f.flip, timestamp: f.timestamp,
        duration: f.duration, colorSpace: f.colorSpace.toJSON(), metadata: f.metadata(), isFrame: f instanceof require(${JSON.stringify(ROOT)}).VideoFrame };
      const sharedFrames = liveCounts().frames;
      f.close();
      let again;
      try { deserializeVideoFrame(token); again = 'redeemed twice'; } catch (e) { again = e.name; }
      parentPort.postMessage({ bytes: [...bytes], attrs, sharedFrames, again });
    });`, { eval: true });
  return new Promise((resolve, reject) => {
    w.once('message', (m) => { w.terminate().then(() => resolve(m)); });
    w.once('error', reject);
    w.postMessage(token);
  });
}

test('a serialized frame is redeemed in a Worker with its pixels (not copied) and every attribute; once', async () => {
  const f = frame({ visibleRect: { x: 0, y: 0, width: 2, height: 2 }, displayWidth: 8, displayHeight: 4, rotation: 90, flip: true,
    colorSpace: { primaries: 'smpte432', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true }, metadata: { rtpTimestamp: 42 } });
  const base = liveCounts().frames;
  const token = serializeVideoFrame(f);
  assert.equal(f.format, 'RGBA', 'serialization leaves the source open');
  assert.equal(liveCounts().frames, base, 'the token holds a reference, not a copy');
  assert.doesNotThrow(() => structuredClone(token), 'the token is structured-cloneable');
  const own = new Uint8Array(f.allocationSize());
  await f.copyTo(own);
  const r = await inWorker(token);
  assert.deepEqual(r.bytes, [...own]);
  assert.equal(r.sharedFrames, base, 'both threads see one native buffer');
  assert.deepEqual(r.attrs, {
    format: 'RGBA', codedWidth: 2, codedHeight: 2, visibleRect: { x: 0, y: 0, width: 2, height: 2, top: 0, right: 2, bottom: 2, left: 0 },
    displayWidth: 8, displayHeight: 4, rotation: 90, flip: true, timestamp: 1234, duration: 40,
    colorSpace: { primaries: 'smpte432', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true }, metadata: { rtpTimestamp: 42 }, isFrame: true,
  });
  assert.equal(r.again, 'DataCloneError', 'a token is redeemed once');
  f.close();
  assert.equal(liveCounts().frames, base - 1);
});

test('transfer: true closes the source; closed frames and foreign tokens are refused', () => {
  const f = frame();
  const token = serializeVideoFrame(f, { transfer: true });
  assert.equal(f.format, null);
  assert.equal(f.timestamp, 1234);
  const g = deserializeVideoFrame(token);
  assert.equal(g.format, 'RGBA');
  g.close();
  assert.throws(() => serializeVideoFrame(f), isDOM('DataCloneError'));
  assert.throws(() => serializeVideoFrame({}), TypeError);
  assert.throws(() => deserializeVideoFrame({ id: 'x' }), TypeError);
  assert.throws(() => deserializeVideoFrame({ type: 'native-webcodecs:VideoFrame', id: 'never-deposited' }), isDOM('DataCloneError'));
  assert.throws(() => serializeVideoFrame(frame(), { timeout: -1 }), TypeError);
});

test('a token nobody redeems is freed at its deadline', async () => {
  // The count is process-wide: wait until frames of earlier tests (a terminated Worker's isolate
  // frees its frames asynchronously) are gone, so that this test's frame is the only change.
  let base = liveCounts().frames;
  for (let stable = 0; stable < 5; ) {
    await sleep(40);
    const now = liveCounts().frames;
    stable = now === base ? stable + 1 : 0;
    base = now;
  }
  const f = frame();
  const token = serializeVideoFrame(f, { transfer: true, timeout: 50 });
  assert.equal(liveCounts().frames, base + 1, 'held by the registry only');
  await sleep(300);
  assert.equal(liveCounts().frames, base, 'freed by the sweep');
  assert.throws(() => deserializeVideoFrame(token), isDOM('DataCloneError'));
});

test('postMessage / structuredClone of a VideoFrame itself', () => {
  const f = frame();
  const { port1, port2 } = new MessageChannel();
  try {
    if (typeof require('node:worker_threads').markAsUncloneable === 'function') {
      // Node.js ≥ 22.10: refused loudly.
      assert.throws(() => structuredClone(f), isDOM('DataCloneError'));
      assert.throws(() => port1.postMessage({ frame: f }), isDOM('DataCloneError'));
    } else {
      // Older Node.js has no hook for a JS class to refuse cloning: the clone is an empty plain
      // object (README: "Frames and threads"). Pinned here so a change of Node.js shows up.
      const c = structuredClone(f);
      assert.deepEqual(c, {});
      assert.ok(!(c instanceof VideoFrame));
    }
  } finally {
    port1.close();
    port2.close();
    f.close();
  }
});
