'use strict';
// test/api: ImageDecoder fed by a ReadableStream (the spec's Fetch Stream Data Loop) — every
// format in small chunks gives the same pixels as the whole buffer, frameCount grows as frames
// arrive, decode() of a frame not there yet waits for it, completed resolves at the end, a
// chunk that is not a Uint8Array closes the decoder with DataError, a stream error with
// NotReadableError, and close() cancels the stream. Every test has a timeout.

const { describe, test, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const { ImageDecoder, liveCounts } = require('../..');
const fx = require('../fixtures/make-images');

const images = fx.makeImages();
const T = { timeout: 20_000 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const opened = [];
function dec(init) {
  const d = new ImageDecoder(init);
  opened.push(d);
  return d;
}
afterEach(() => { for (const d of opened.splice(0)) d.close(); });
after(async () => {
  const c = await fx.liveCountsSettled(liveCounts);
  assert.deepEqual(Object.values(c).filter((v) => v !== 0), [], `live counts after the suite: ${JSON.stringify(c)}`);
});

async function rejectsWith(promise, name, what) {
  const r = await fx.settle(promise, 10_000, what);
  fx.closeResult(r);
  assert.equal(r.status, 'rejected', `${what}: expected ${name}, got a result`);
  assert.equal(r.reason && r.reason.name, name, `${what}: got ${r.reason && r.reason.name}: ${r.reason && r.reason.message}`);
}

/** Poll until cond() (the track list updates from the worker's events). */
async function until(cond, ms, what) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what}: not reached within ${ms} ms`);
    await sleep(10);
  }
}

/** Decode a whole-buffer image to RGBA (the reference for the streamed decode). */
async function decodeBuffer(bytes, type, frameIndex = 0) {
  const d = dec({ data: bytes, type });
  const { image } = await fx.within(d.decode({ frameIndex }), 10_000, `buffer decode ${type}`);
  const px = await fx.rgbaOf(image);
  image.close();
  d.close();
  return px;
}

describe('every format through a ReadableStream', () => {
  const stills = Object.entries(images.still).filter(([, s]) => s);
  for (const [key, s] of stills) {
    test(`${key} (${s.type}) in 61-byte chunks decodes like the whole buffer`, T, async () => {
      const ref = await decodeBuffer(s.bytes, s.type);
      const d = dec({ data: fx.streamOf(s.bytes, 61), type: s.type });
      assert.equal(d.complete, false);
      const { image } = await fx.within(d.decode(), 10_000, 'streamed decode');
      const px = await fx.rgbaOf(image);
      assert.equal(px.width, ref.width);
      assert.equal(px.height, ref.height);
      assert.ok(Buffer.from(px.rgba).equals(Buffer.from(ref.rgba)), `${key}: streamed pixels differ from the buffer decode`);
      image.close();
      await fx.within(d.completed, 5000, 'completed');
      assert.equal(d.complete, true);
    });
  }

  for (const key of ['gif', 'apng', 'webp']) {
    test(`animated ${key} in 97-byte chunks: every frame like the whole buffer`, T, async () => {
      const a = images.anim[key];
      const d = dec({ data: fx.streamOf(a.bytes, 97), type: a.type });
      for (let i = 0; i < a.frameCount; i++) {
        const ref = await decodeBuffer(a.bytes, a.type, i);
        const { image } = await fx.within(d.decode({ frameIndex: i }), 10_000, `frame ${i}`);
        const px = await fx.rgbaOf(image);
        assert.ok(Buffer.from(px.rgba).equals(Buffer.from(ref.rgba)), `${key} frame ${i}`);
        image.close();
      }
      await fx.within(d.completed, 5000, 'completed');
      assert.equal(d.tracks.selectedTrack.frameCount, a.frameCount);
    });
  }

  test('a byte stream (type: "bytes") works too', T, async () => {
    const d = dec({ data: fx.streamOf(images.still.png.bytes, 100, { type: 'bytes' }), type: 'image/png' });
    const { image } = await fx.within(d.decode(), 10_000, 'decode');
    assert.equal(image.displayWidth, 320);
    image.close();
  });

  test('one chunk holding the whole file, and empty chunks in between, are fine', T, async () => {
    const m = fx.manualStream();
    const d = dec({ data: m.stream, type: 'image/png' });
    m.push(new Uint8Array(0));
    m.push(images.still.png.bytes);
    m.push(new Uint8Array(0));
    m.end();
    const { image } = await fx.within(d.decode(), 10_000, 'decode');
    image.close();
    await fx.within(d.completed, 5000, 'completed');
  });
});

describe('progressive arrival', () => {
  const gif = fx.flipGif(5); // two 320×240 frames, 30 ms and 40 ms, loop count 5

  test('tracks.ready once the header is in; frameCount grows; decode() waits for its frame', T, async () => {
    const m = fx.manualStream();
    const d = dec({ data: m.stream, type: 'image/gif' });
    m.push(Buffer.concat([gif.head, gif.frames[0]]));
    await fx.within(d.tracks.ready, 10_000, 'tracks.ready');
    const track = d.tracks.selectedTrack;
    await until(() => track.frameCount >= 1, 5000, 'frameCount 1');
    assert.equal(d.complete, false);
    let settled = false;
    const p = d.decode({ frameIndex: 2 }).finally(() => { settled = true; });
    m.push(gif.frames[1]);
    await until(() => track.frameCount >= 2, 5000, 'frameCount 2');
    await sleep(150);
    assert.equal(settled, false, 'frame 2 is not there yet: decode waits');
    m.push(gif.frames[0]);
    const r = await fx.within(p, 10_000, 'decode of frame 2 once its bytes came');
    assert.equal(r.image.timestamp, 70_000);
    assert.equal(r.image.duration, 30_000);
    r.image.close();
    await until(() => track.frameCount >= 3, 5000, 'frameCount 3');
    assert.equal(track.repetitionCount, 5);
    m.push(gif.frames[1]);
    m.push(gif.trailer);
    m.end();
    await fx.within(d.completed, 5000, 'completed');
    assert.equal(d.complete, true);
    await until(() => track.frameCount === 4, 5000, 'frameCount 4');
    const last = await fx.within(d.decode({ frameIndex: 3 }), 10_000, 'frame 3');
    assert.equal(last.image.timestamp, 100_000);
    assert.equal(last.image.duration, 40_000);
    last.image.close();
  });

  test('a decode past the last frame rejects with RangeError when the stream ends', T, async () => {
    const m = fx.manualStream();
    const d = dec({ data: m.stream, type: 'image/gif' });
    m.push(Buffer.concat([gif.head, gif.frames[0]]));
    const p = d.decode({ frameIndex: 7 });
    await sleep(100);
    m.push(Buffer.concat([gif.frames[1], gif.trailer]));
    m.end();
    await rejectsWith(p, 'RangeError', 'frame 7 of 2');
    const r = await fx.within(d.decode({ frameIndex: 1 }), 10_000, 'frame 1');
    r.image.close();
  });

  test('decodes queued before the header arrives wait for the tracks, then resolve in order', T, async () => {
    const m = fx.manualStream();
    const d = dec({ data: m.stream, type: 'image/gif' });
    const order = [];
    const ps = [1, 0].map((frameIndex, i) => d.decode({ frameIndex }).then((r) => { order.push(i); r.image.close(); }));
    await sleep(50);
    for (let o = 0; o < gif.bytes.length; o += 4096) m.push(gif.bytes.subarray(o, o + 4096));
    m.end();
    await fx.within(Promise.all(ps), 10_000, 'both decodes');
    assert.deepEqual(order, [0, 1]);
  });

  test('reset() while a decode waits: AbortError; the data read so far is kept', T, async () => {
    const m = fx.manualStream();
    const d = dec({ data: m.stream, type: 'image/gif' });
    m.push(Buffer.concat([gif.head, gif.frames[0], gif.frames[1]]));
    await fx.within(d.tracks.ready, 10_000, 'ready');
    const p = d.decode({ frameIndex: 5 });
    d.reset();
    await rejectsWith(p, 'AbortError', 'waiting decode at reset');
    const r = await fx.within(d.decode({ frameIndex: 1 }), 10_000, 'frame 1 after reset');
    assert.equal(r.image.timestamp, 30_000);
    r.image.close();
    m.push(gif.frames[0]);
    const r2 = await fx.within(d.decode({ frameIndex: 2 }), 10_000, 'frame 2 streamed after reset');
    assert.equal(r2.image.timestamp, 70_000);
    r2.image.close();
  });
});

describe('stream errors and close', () => {
  for (const [label, chunk] of [['a string', 'abc'], ['an ArrayBuffer', new ArrayBuffer(8)], ['a DataView', new DataView(new ArrayBuffer(8))],
    ['an Int16Array', new Int16Array(4)], ['a number', 7], ['null', null]]) {
    test(`a chunk that is not a Uint8Array (${label}) closes the decoder with DataError`, T, async () => {
      let ctl;
      let cancelled = false;
      const stream = new ReadableStream({
        start(c) { ctl = c; },
        cancel() { cancelled = true; },
      });
      const d = dec({ data: stream, type: 'image/png' });
      const decode = d.decode();
      // 20 bytes: less than the PNG signature + IHDR, so the tracks cannot be established first.
      ctl.enqueue(new Uint8Array(images.still.png.bytes.subarray(0, 20)));
      ctl.enqueue(chunk);
      await rejectsWith(decode, 'DataError', 'pending decode');
      await rejectsWith(d.tracks.ready, 'DataError', 'tracks.ready');
      await rejectsWith(d.completed, 'DataError', 'completed');
      await rejectsWith(d.decode(), 'InvalidStateError', 'decode once closed');
      await until(() => cancelled, 2000, 'the stream is cancelled');
    });
  }

  test('an erroring stream closes the decoder with NotReadableError', T, async () => {
    const m = fx.manualStream();
    const d = dec({ data: m.stream, type: 'image/png' });
    const decode = d.decode();
    m.push(images.still.png.bytes.subarray(0, 50));
    m.error(new Error('network gone'));
    await rejectsWith(decode, 'NotReadableError', 'pending decode');
    await rejectsWith(d.completed, 'NotReadableError', 'completed');
  });

  test('close() rejects completed with AbortError and cancels the stream: the source can no longer enqueue', T, async () => {
    const m = fx.manualStream();
    const d = dec({ data: m.stream, type: 'image/png' });
    m.push(images.still.png.bytes.subarray(0, 200));
    const completed = d.completed;
    d.close();
    await rejectsWith(completed, 'AbortError', 'completed');
    assert.equal(d.complete, false);
    await sleep(20);
    assert.throws(() => m.push(new Uint8Array(4)), TypeError);
  });

  test('an unsupported type closes with NotSupportedError and cancels the stream', T, async () => {
    let cancelled = false;
    let pulls = 0;
    const stream = new ReadableStream({
      pull(c) { pulls++; c.enqueue(new Uint8Array(16)); },
      cancel() { cancelled = true; },
    }, { highWaterMark: 0 });
    const d = dec({ data: stream, type: 'image/junk' });
    await rejectsWith(d.decode(), 'NotSupportedError', 'decode');
    await rejectsWith(d.tracks.ready, 'NotSupportedError', 'tracks.ready');
    await rejectsWith(d.completed, 'NotSupportedError', 'completed');
    await until(() => cancelled, 2000, 'stream cancelled');
    const n = pulls;
    await sleep(50);
    assert.equal(pulls, n, 'no more reads after close');
  });

  test('random bytes through a stream: EncodingError at the end at the latest, never a hang', T, async () => {
    const d = dec({ data: fx.streamOf(fx.randomBytes(3000, 5), 500), type: 'image/gif' });
    const r = await fx.settle(d.decode(), 10_000, 'decode');
    fx.closeResult(r);
    assert.equal(r.status, 'rejected');
    assert.ok(['EncodingError', 'NotSupportedError'].includes(r.reason.name), r.reason.name);
  });

  test('a stream ending inside the image data: EncodingError (or RangeError), never a hang', T, async () => {
    for (const key of ['png', 'jpeg', 'webp', 'gif']) {
      const s = images.still[key];
      const d = dec({ data: fx.streamOf(fx.truncate(s.bytes, 0.6), 50), type: s.type });
      const r = await fx.settle(d.decode(), 10_000, `${key} decode`);
      fx.closeResult(r);
      assert.equal(r.status, 'rejected', `${key}: a file cut at 60% decoded`);
      assert.ok(['EncodingError', 'RangeError'].includes(r.reason.name), `${key}: ${r.reason.name}`);
      await fx.within(d.completed, 5000, `${key}: completed resolves at the end of the stream`);
    }
  });
});

describe('resources', () => {
  test('live counters return to zero after streamed decoders are closed mid-stream and at the end', T, async () => {
    const a = images.anim.gif;
    for (let i = 0; i < 4; i++) {
      const d = dec({ data: fx.streamOf(a.bytes, 300), type: a.type });
      const r = await fx.within(d.decode({ frameIndex: i }), 10_000, `frame ${i}`);
      r.image.close();
      if (i % 2) d.decode({ frameIndex: 3 }).then((r) => r.image.close(), () => {}); // resolved or aborted by close()
      d.close();
    }
    const c = await fx.liveCountsSettled(liveCounts);
    assert.deepEqual(c, Object.fromEntries(Object.keys(c).map((k) => [k, 0])), JSON.stringify(c));
  });
});
