'use strict';
// Mirrors WPT webcodecs/audio-data-serialization.any.js and the AudioData parts of
// transfering.https.any.js, as far as Node.js can express them. Node.js gives a JS class no hook
// into postMessage()'s structured clone, so "posting an AudioData" is posting the token of
// serializeAudioData() (transfer: true standing for the transfer list) to a real Worker, which
// redeems it with deserializeAudioData(); the samples are shared, not copied (one native registry
// with VideoFrame's).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { Worker, MessageChannel } = require('node:worker_threads');
const path = require('node:path');
const {
  AudioData, AudioEncoder, serializeAudioData, deserializeAudioData, deserializeVideoFrame, liveCounts,
} = require('../..');

const ROOT = path.join(__dirname, '..', '..');
const isDOM = (name) => (e) => e instanceof DOMException && e.name === name;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const defaultInit = { timestamp: 1234, channels: 2, sampleRate: 8000, frames: 100 };

/** WPT utils.js make_audio_data: f32-planar sines, one phase per channel. */
function makeAudioData(timestamp, channels, sampleRate, frames) {
  const data = new Float32Array(frames * channels);
  for (let c = 0; c < channels; c++) for (let i = 0; i < frames; i++) data[c * frames + i] = Math.sin(2 * Math.PI * 440 * i / sampleRate + c);
  return new AudioData({ timestamp, data, numberOfChannels: channels, numberOfFrames: frames, sampleRate, format: 'f32-planar' });
}
const createDefaultAudioData = () => makeAudioData(defaultInit.timestamp, defaultInit.channels, defaultInit.sampleRate, defaultInit.frames);

/** A Worker that redeems each token it gets and answers with what it saw; `then` decides what it does next. */
function startWorker() {
  const w = new Worker(`
    const { parentPort } = require('node:worker_threads');
    const { deserializeAudioData, AudioData, AudioEncoder, liveCounts } = require(${JSON.stringify(ROOT)});
    parentPort.on('message', async ({ token, encode }) => {
      const d = deserializeAudioData(token);
      const planes = [];
      for (let c = 0; c < d.numberOfChannels; c++) {
        const p = new Float32Array(d.numberOfFrames);
        d.copyTo(p, { planeIndex: c, format: 'f32-planar' });
        planes.push([...p]);
      }
      const seen = { isAudioData: d instanceof AudioData, format: d.format, sampleRate: d.sampleRate, numberOfFrames: d.numberOfFrames,
        numberOfChannels: d.numberOfChannels, timestamp: d.timestamp, duration: d.duration, planes, live: liveCounts().audioData };
      let again;
      try { deserializeAudioData(token); again = 'redeemed twice'; } catch (e) { again = e.name; }
      if (encode) {
        // The redeemed AudioData is an input like any other: encode it here.
        const chunks = [];
        const enc = new AudioEncoder({ output: (c) => chunks.push(c.byteLength), error: (e) => { throw e; } });
        enc.configure({ codec: 'opus', sampleRate: d.sampleRate, numberOfChannels: d.numberOfChannels });
        enc.encode(d);
        await enc.flush();
        enc.close();
        seen.chunks = chunks.length;
      }
      d.close();
      parentPort.postMessage({ seen, again });
    });`, { eval: true });
  const ask = (msg) => new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
    w.postMessage(msg);
  });
  return { ask, stop: () => w.terminate() };
}

test('Verify closing AudioData does not propagate accross contexts.', async () => {
  const originalData = createDefaultAudioData();
  const base = liveCounts().audioData;
  const w = startWorker();
  try {
    const token = serializeAudioData(originalData);
    assert.doesNotThrow(() => structuredClone(token), 'the token is structured-cloneable');
    assert.equal(liveCounts().audioData, base, 'the token holds a reference to the samples, not a copy');
    const { seen, again } = await w.ask({ token });
    // We should have a valid deserialized buffer.
    assert.equal(seen.isAudioData, true);
    assert.equal(seen.numberOfFrames, defaultInit.frames, 'numberOfFrames');
    assert.equal(seen.numberOfChannels, defaultInit.channels, 'numberOfChannels');
    assert.equal(seen.sampleRate, defaultInit.sampleRate, 'sampleRate');
    assert.equal(seen.format, 'f32-planar');
    assert.equal(seen.timestamp, defaultInit.timestamp);
    assert.equal(seen.duration, originalData.duration);
    assert.equal(seen.live, base, 'both threads see one native buffer');
    for (let c = 0; c < defaultInit.channels; c++) {
      const own = new Float32Array(defaultInit.frames);
      originalData.copyTo(own, { planeIndex: c });
      assert.deepEqual(seen.planes[c], [...own], `data (ch=${c})`);
    }
    assert.equal(again, 'DataCloneError', 'a token is redeemed once');
    // The other context closed its AudioData: ours is still open.
    assert.equal(originalData.numberOfFrames, defaultInit.frames);
    assert.equal(originalData.format, 'f32-planar');
  } finally {
    await w.stop();
    originalData.close();
  }
});

test('Verify posting closed AudioData throws.', () => {
  const data = createDefaultAudioData();
  data.close();
  assert.throws(() => serializeAudioData(data), isDOM('DataCloneError'));
});

test('Verify transferring audio data closes them.', async () => {
  const localData = createDefaultAudioData();
  const w = startWorker();
  try {
    const token = serializeAudioData(localData, { transfer: true });
    assert.notEqual(localData.numberOfFrames, defaultInit.frames);
    assert.equal(localData.format, null);
    const { seen } = await w.ask({ token });
    assert.equal(seen.numberOfFrames, defaultInit.frames);
  } finally {
    await w.stop();
  }
});

test('a transferred AudioData encodes in the Worker that redeems it', async () => {
  const w = startWorker();
  try {
    const d = makeAudioData(0, 2, 48000, 4800);
    const { seen } = await w.ask({ token: serializeAudioData(d, { transfer: true }), encode: true });
    assert.ok(seen.chunks > 0, `expected Opus chunks, got ${seen.chunks}`);
  } finally {
    await w.stop();
  }
});

test('tokens: kinds do not mix, bad tokens and options are refused', () => {
  const d = createDefaultAudioData();
  const token = serializeAudioData(d);
  // A VideoFrame token naming an AudioData deposit redeems nothing, and leaves the deposit parked.
  assert.throws(() => deserializeVideoFrame({ type: 'native-webcodecs:VideoFrame', id: token.id }), isDOM('DataCloneError'));
  const back = deserializeAudioData(token);
  assert.equal(back.numberOfFrames, defaultInit.frames);
  back.close();
  d.close();
  assert.throws(() => serializeAudioData({}), TypeError);
  assert.throws(() => deserializeAudioData({ id: token.id }), TypeError);
  assert.throws(() => deserializeAudioData({ type: 'native-webcodecs:AudioData', id: 'never-deposited' }), isDOM('DataCloneError'));
  const e = createDefaultAudioData();
  assert.throws(() => serializeAudioData(e, { timeout: -1 }), TypeError);
  assert.equal(e.format, 'f32-planar', 'a refused transfer leaves the source open');
  e.close();
});

test('a token nobody redeems is freed at its deadline', async () => {
  // The count is process-wide: wait until AudioData of earlier tests (terminated Workers free
  // theirs asynchronously) are gone, so that this test's AudioData is the only change.
  let base = liveCounts().audioData;
  for (let stable = 0; stable < 5;) {
    await sleep(40);
    const now = liveCounts().audioData;
    stable = now === base ? stable + 1 : 0;
    base = now;
  }
  const token = serializeAudioData(createDefaultAudioData(), { transfer: true, timeout: 50 });
  assert.equal(liveCounts().audioData, base + 1, 'held by the registry only');
  await sleep(300);
  assert.equal(liveCounts().audioData, base, 'freed by the sweep');
  assert.throws(() => deserializeAudioData(token), isDOM('DataCloneError'));
});

test('postMessage / structuredClone of an AudioData itself', () => {
  const d = createDefaultAudioData();
  const { port1, port2 } = new MessageChannel();
  try {
    if (typeof require('node:worker_threads').markAsUncloneable === 'function') {
      // Node.js ≥ 22.10: refused loudly.
      assert.throws(() => structuredClone(d), isDOM('DataCloneError'));
      assert.throws(() => port1.postMessage({ d }), isDOM('DataCloneError'));
    } else {
      // Older Node.js: no hook for a JS class to refuse cloning; the clone is an empty plain object.
      const c = structuredClone(d);
      assert.deepEqual(c, {});
      assert.ok(!(c instanceof AudioData));
    }
  } finally {
    port1.close();
    port2.close();
    d.close();
  }
});

// --- transfering.https.any.js, the AudioData parts ---------------------------------------------

test('Test transfering ArrayBuffer to AudioData', () => {
  const bytes = [0xBA, 0xDF, 0x00, 0xD0, 0xBA, 0xDF, 0x01, 0xD0, 0xBA, 0xDF];
  const data = new Uint8Array(bytes);
  const unusedBuffer = new ArrayBuffer(123);
  const init = {
    type: 'key', timestamp: 0, numberOfFrames: data.length, numberOfChannels: 1, sampleRate: 10000, format: 'u8',
    data, transfer: [data.buffer, unusedBuffer],
  };
  assert.equal(data.length, 10, 'data.length');
  assert.equal(unusedBuffer.byteLength, 123, 'unused_buffer.byteLength');
  const audioData = new AudioData(init);
  assert.equal(data.length, 0, 'data.length after detach');
  assert.equal(unusedBuffer.byteLength, 0, 'unused_buffer after detach');
  const readback = new Uint8Array(bytes.length);
  audioData.copyTo(readback, { planeIndex: 0, format: 'u8' });
  assert.deepEqual([...readback], bytes);
  audioData.close();
});

test('Encoding from AudioData with transferred buffer', async () => {
  const sampleRate = 48000;
  const dataCount = 10;
  const chunks = [];
  const encoder = new AudioEncoder({ output: (chunk) => chunks.push(chunk), error: (e) => assert.fail(e) });
  const config = { codec: 'opus', sampleRate, numberOfChannels: 2, bitrate: 256000 };
  encoder.configure(config);
  let timestampUs = 0;
  const frames = sampleRate / dataCount;
  for (let i = 0; i < dataCount; i++) {
    const buffer = new Float32Array(frames * config.numberOfChannels);
    const data = new AudioData({
      timestamp: timestampUs, data: buffer, numberOfChannels: config.numberOfChannels, numberOfFrames: frames,
      sampleRate, format: 'f32-planar', transfer: [buffer.buffer],
    });
    timestampUs += 1_000_000 / dataCount;
    assert.equal(buffer.length, 0, 'buffer.length after detach');
    encoder.encode(data);
  }
  await encoder.flush();
  encoder.close();
  assert.ok(chunks.length > 0);
});
