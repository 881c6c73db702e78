'use strict';
// test/api: VideoEncoder against the real addon (H.264 through libx264) — constructor, configure
// validation, state rules, encode/flush/reset/close, chunks and their metadata (avcC, Annex B,
// length-prefixed NAL units), scaling and pixel formats, dequeue events, throwing callbacks,
// per-frame quantizer, isConfigSupported, live counters. Exact exception names throughout.

const { test, describe, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const { VideoEncoder, VideoFrame, EncodedVideoChunk, liveCounts } = require('../..');
const { bytesOf, annexbNals } = require('../conformance/wpt-utils');

const W = 64;
const H = 48;
const BASE = { codec: 'avc1.42001E', width: W, height: H };

// ---------------------------------------------------------------- helpers

/** An I420 w×h frame: a gradient with a bright square that moves with `index`. */
function i420(w, h, { timestamp = 0, duration = 33333, index = 0 } = {}) {
  const cw = w >> 1;
  const ch = h >> 1;
  const data = new Uint8Array(w * h + 2 * cw * ch);
  const sx = (index * 3) % Math.max(1, w - 8);
  const sy = (index * 2) % Math.max(1, h - 8);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const inSquare = x >= sx && x < sx + 8 && y >= sy && y < sy + 8;
      data[y * w + x] = inSquare ? 235 : 16 + ((x * 2 + y) & 0x7f);
    }
  }
  data.fill(100, w * h, w * h + cw * ch);
  data.fill(150, w * h + cw * ch);
  const init = { format: 'I420', codedWidth: w, codedHeight: h, timestamp };
  if (duration !== null) init.duration = duration;
  return new VideoFrame(data, init);
}

/** An I420 frame of deterministic noise (costly to encode: its size follows the quantizer). */
function noise(w, h, { timestamp = 0, seed = 1 } = {}) {
  const data = new Uint8Array(w * h * 3 / 2);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = (s >>> 16) & 0xff;
  }
  return new VideoFrame(data, { format: 'I420', codedWidth: w, codedHeight: h, timestamp });
}

function rgba(w, h, { timestamp = 0, index = 0 } = {}) {
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    data[i * 4] = (i + index * 9) & 0xff;
    data[i * 4 + 1] = (i >> 3) & 0xff;
    data[i * 4 + 2] = 200;
    data[i * 4 + 3] = 255;
  }
  return new VideoFrame(data, { format: 'RGBA', codedWidth: w, codedHeight: h, timestamp, duration: 1000 });
}

function nv12(w, h, { timestamp = 0, index = 0 } = {}) {
  const data = new Uint8Array(w * h * 3 / 2);
  for (let i = 0; i < w * h; i++) data[i] = (i * 3 + index * 11) & 0xff;
  for (let i = w * h; i < data.length; i += 2) { data[i] = 90; data[i + 1] = 160; }
  return new VideoFrame(data, { format: 'NV12', codedWidth: w, codedHeight: h, timestamp, duration: 1000 });
}

/** Encoders made by a test are closed after it. */
const open = new Set();
afterEach(() => {
  for (const e of open) if (e.state !== 'closed') e.close();
  open.clear();
});

/** A VideoEncoder that records its outputs ({chunk, metadata}) and errors. */
function recorder(extra = {}) {
  const outputs = [];
  const errors = [];
  const enc = new VideoEncoder({
    output: (chunk, metadata) => { outputs.push({ chunk, metadata }); if (extra.output) extra.output(chunk, metadata); },
    error: (e) => { errors.push(e); if (extra.error) extra.error(e); },
  });
  open.add(enc);
  return { enc, outputs, errors };
}

/** Encode frames (timestamps[i], durations[i]); the caller's frames are closed right after encode(). */
function encodeFrames(enc, n, { w = W, h = H, timestamps, durations, keyAt = [], options } = {}) {
  const ts = [];
  for (let i = 0; i < n; i++) {
    const timestamp = timestamps ? timestamps[i] : i * 33333;
    const duration = durations ? durations[i] : 33333;
    const f = i420(w, h, { timestamp, duration, index: i });
    enc.encode(f, options ? options(i) : { keyFrame: keyAt.includes(i) });
    f.close();
    ts.push(timestamp);
  }
  return ts;
}

/** NAL units of a length-prefixed ("avc", 4-byte lengths) buffer; throws if the lengths do not tile it. */
function avcNals(b) {
  const nals = [];
  let p = 0;
  while (p < b.length) {
    assert.ok(p + 4 <= b.length, `truncated length prefix at ${p} of ${b.length}`);
    const len = ((b[p] << 24) >>> 0) + (b[p + 1] << 16) + (b[p + 2] << 8) + b[p + 3];
    assert.ok(len > 0 && p + 4 + len <= b.length, `NAL length ${len} at ${p} overruns ${b.length}`);
    nals.push(b.subarray(p + 4, p + 4 + len));
    p += 4 + len;
  }
  return nals;
}
const nalType = (nal) => nal[0] & 0x1f;

/** SPS NAL units of an avcC record. */
function avccSps(d) {
  const n = d[5] & 0x1f;
  const out = [];
  let p = 6;
  for (let i = 0; i < n; i++) {
    const len = (d[p] << 8) | d[p + 1];
    out.push(d.subarray(p + 2, p + 2 + len));
    p += 2 + len;
  }
  return out;
}

const isDOMException = (name) => (e) => {
  assert.ok(e instanceof DOMException, `expected a DOMException ${name}, got ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
  assert.equal(e.name, name);
  return true;
};
const isTypeError = (e) => {
  assert.ok(e instanceof TypeError, `expected a TypeError, got ${e && e.name}: ${e && e.message}`);
  return true;
};

const nextTurn = () => new Promise((r) => setImmediate(r));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(cond, ms = 2000, what = 'condition') {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(5);
  }
}

/** Run fn with our own uncaughtException listener in place of the test runner's. */
async function withUncaught(fn) {
  const saved = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const caught = [];
  const listener = (err) => caught.push(err);
  process.on('uncaughtException', listener);
  try {
    await fn(caught);
  } finally {
    process.removeListener('uncaughtException', listener);
    for (const l of saved) process.on('uncaughtException', l);
  }
  return caught;
}

// Invalid dictionaries (TypeError from configure(), rejection from isConfigSupported()).
const INVALID = [
  ['missing codec', { width: W, height: H }],
  ['empty codec', { ...BASE, codec: '' }],
  ['codec of ASCII whitespace only', { ...BASE, codec: ' \t\n\f\r ' }],
  ['codec is a Symbol', { ...BASE, codec: Symbol('avc1.42001E') }],
  ['missing width', { codec: BASE.codec, height: H }],
  ['missing height', { codec: BASE.codec, width: W }],
  ['width 0', { ...BASE, width: 0 }],
  ['height 0', { ...BASE, height: 0 }],
  ['negative width', { ...BASE, width: -2 }],
  ['width NaN', { ...BASE, width: NaN }],
  ['width 2^32', { ...BASE, width: 2 ** 32 }],
  ['height Infinity', { ...BASE, height: Infinity }],
  ['displayWidth 0', { ...BASE, displayWidth: 0, displayHeight: H }],
  ['displayHeight 0', { ...BASE, displayWidth: W, displayHeight: 0 }],
  ['displayWidth without displayHeight', { ...BASE, displayWidth: W }],
  ['displayHeight without displayWidth', { ...BASE, displayHeight: H }],
  ['negative bitrate', { ...BASE, bitrate: -1 }],
  ['framerate NaN', { ...BASE, framerate: NaN }],
  ['bad hardwareAcceleration', { ...BASE, hardwareAcceleration: 'prefer-gpu' }],
  ['bad alpha', { ...BASE, alpha: 'drop' }],
  ['bad bitrateMode', { ...BASE, bitrateMode: 'cbr' }],
  ['bad latencyMode', { ...BASE, latencyMode: 'low' }],
  ['bad avc.format', { ...BASE, avc: { format: 'mp4' } }],
  ['avc is not a dictionary', { ...BASE, avc: 'annexb' }],
  ['config is a string', 'avc1.42001E'],
  ['config is a number', 42],
  ['config is undefined', undefined],
];

// Valid dictionaries this encoder cannot encode.
const UNSUPPORTED = [
  ['VP9 profile 0 at 10 bits', { ...BASE, codec: 'vp09.00.10.10' }],
  ['AV1 profile 2 (professional)', { ...BASE, codec: 'av01.2.04M.12' }],
  ['HEVC profile 3 (Main Still Picture)', { ...BASE, codec: 'hvc1.3.4.L93.B0' }],
  ['alpha keep with H.264', { ...BASE, alpha: 'keep' }],
  ['L1T2 with AV1 (libaom has no temporal layers here)', { ...BASE, codec: 'av01.0.04M.08', scalabilityMode: 'L1T2' }],
  ['unknown codec', { ...BASE, codec: 'bogus' }],
  ['ambiguous bare avc1', { ...BASE, codec: 'avc1' }],
  ['ambiguous vp9', { ...BASE, codec: 'vp9' }],
  ['MIME type instead of a codec string', { ...BASE, codec: 'video/mp4; codecs="avc1.42001E"' }],
  ['codec of a non-ASCII space (not stripped)', { ...BASE, codec: '\u00a0' }],
  ['unknown H.264 profile', { ...BASE, codec: 'avc1.FF000B' }],
  ['odd width for H.264', { ...BASE, width: W + 1 }],
  ['width too large', { ...BASE, width: 1000000 }],
  ['unknown scalabilityMode', { ...BASE, scalabilityMode: 'ABC' }],
];

// ---------------------------------------------------------------- constructor

describe('VideoEncoder constructor', () => {
  test('requires an init dictionary with output and error functions (TypeError)', () => {
    const fn = () => {};
    const bad = [undefined, null, {}, { output: fn }, { error: fn }, { output: 'x', error: fn },
      { output: fn, error: {} }, 42, 'init'];
    for (const init of bad) {
      assert.throws(() => new VideoEncoder(init), isTypeError, `init ${String(init && JSON.stringify(init))}`);
    }
    assert.throws(() => new VideoEncoder(), isTypeError);
    assert.throws(() => VideoEncoder({ output: fn, error: fn }), isTypeError);
  });

  test('starts unconfigured with an empty queue', () => {
    const { enc } = recorder();
    assert.equal(enc.state, 'unconfigured');
    assert.equal(enc.encodeQueueSize, 0);
    assert.equal(enc.ondequeue, null);
    assert.ok(enc instanceof EventTarget);
    assert.equal(Object.prototype.toString.call(enc), '[object VideoEncoder]');
  });
});

// ---------------------------------------------------------------- configure()

describe('VideoEncoder.configure', () => {
  for (const [name, config] of INVALID) {
    test(`throws TypeError for an invalid config: ${name}`, async () => {
      const { enc, errors } = recorder();
      assert.throws(() => enc.configure(config), isTypeError);
      assert.equal(enc.state, 'unconfigured');
      await sleep(10);
      assert.equal(errors.length, 0);
    });
  }

  test('an invalid config while configured throws and changes nothing', async () => {
    const { enc, outputs, errors } = recorder();
    enc.configure(BASE);
    encodeFrames(enc, 1);
    assert.throws(() => enc.configure({ ...BASE, codec: '' }), isTypeError);
    assert.throws(() => enc.configure({ ...BASE, width: 0 }), isTypeError);
    assert.equal(enc.state, 'configured');
    encodeFrames(enc, 1, { timestamps: [1] });
    await enc.flush();
    assert.deepEqual(outputs.map((o) => o.chunk.timestamp), [0, 1]);
    assert.equal(errors.length, 0);
  });

  test('a valid config makes the state "configured" at once, with no output or error', async () => {
    const { enc, outputs, errors } = recorder();
    enc.configure(BASE);
    assert.equal(enc.state, 'configured');
    await enc.flush();
    assert.equal(outputs.length, 0);
    assert.equal(errors.length, 0);
  });

  test('accepts every valid optional member', async () => {
    const { enc, outputs, errors } = recorder();
    enc.configure({
      ...BASE, displayWidth: 128, displayHeight: 96, bitrate: 200_000, framerate: 25,
      hardwareAcceleration: 'prefer-software', alpha: 'discard', scalabilityMode: 'L1T1',
      bitrateMode: 'constant', latencyMode: 'realtime', contentHint: 'motion', avc: { format: 'annexb' },
    });
    encodeFrames(enc, 2);
    await enc.flush();
    assert.equal(outputs.length, 2);
    assert.equal(errors.length, 0);
  });

  for (const [name, config] of UNSUPPORTED) {
    test(`closes with NotSupportedError through the error callback: ${name}`, async () => {
      const { enc, outputs, errors } = recorder();
      enc.configure(config); // does not throw
      assert.equal(enc.state, 'configured');
      const flushed = enc.flush();
      await assert.rejects(flushed, isDOMException('NotSupportedError'));
      assert.equal(errors.length, 1);
      isDOMException('NotSupportedError')(errors[0]);
      assert.equal(enc.state, 'closed');
      assert.equal(outputs.length, 0);
      assert.throws(() => enc.configure(BASE), isDOMException('InvalidStateError'));
    });
  }

  test('configure() on a closed encoder: InvalidStateError, but an invalid config is a TypeError first', () => {
    const { enc } = recorder();
    enc.close();
    assert.throws(() => enc.configure(BASE), isDOMException('InvalidStateError'));
    assert.throws(() => enc.configure({ ...BASE, width: 0 }), isTypeError);
    assert.equal(enc.state, 'closed');
  });
});

// ---------------------------------------------------------------- state rules

describe('VideoEncoder state rules', () => {
  test('closed: configure/encode/reset/close throw InvalidStateError, flush rejects InvalidStateError', async () => {
    const { enc, errors } = recorder();
    enc.close();
    assert.equal(enc.state, 'closed');
    const f = i420(W, H);
    try {
      assert.throws(() => enc.configure(BASE), isDOMException('InvalidStateError'));
      assert.throws(() => enc.encode(f), isDOMException('InvalidStateError'));
      assert.throws(() => enc.reset(), isDOMException('InvalidStateError'));
      assert.throws(() => enc.close(), isDOMException('InvalidStateError'));
      await assert.rejects(enc.flush(), isDOMException('InvalidStateError'));
    } finally {
      f.close();
    }
    assert.equal(enc.state, 'closed');
    assert.equal(enc.encodeQueueSize, 0);
    await sleep(10);
    assert.equal(errors.length, 0, 'close() with an AbortError does not call the error callback');
  });

  test('unconfigured: encode throws InvalidStateError, flush rejects InvalidStateError, reset is a no-op', async () => {
    const { enc, errors } = recorder();
    const f = i420(W, H);
    try {
      assert.throws(() => enc.encode(f), isDOMException('InvalidStateError'));
      assert.equal(enc.encodeQueueSize, 0);
      await assert.rejects(enc.flush(), isDOMException('InvalidStateError'));
      enc.reset();
      assert.equal(enc.state, 'unconfigured');
      assert.equal(f.format, 'I420', 'a rejected encode() leaves the frame open');
    } finally {
      f.close();
    }
    assert.equal(errors.length, 0);
  });

  test('after reset(): unconfigured again — encode throws InvalidStateError, flush rejects', async () => {
    const { enc } = recorder();
    enc.configure(BASE);
    enc.reset();
    assert.equal(enc.state, 'unconfigured');
    const f = i420(W, H);
    try {
      assert.throws(() => enc.encode(f), isDOMException('InvalidStateError'));
    } finally {
      f.close();
    }
    await assert.rejects(enc.flush(), isDOMException('InvalidStateError'));
  });

  test('encode() of something that is not a VideoFrame throws TypeError in every state', () => {
    const { enc } = recorder();
    const chunk = new EncodedVideoChunk({ type: 'key', timestamp: 0, data: new Uint8Array(4) });
    const notFrames = [undefined, null, {}, 'frame', 7, new Uint8Array(W * H * 3 / 2), chunk,
      { format: 'I420', codedWidth: W, codedHeight: H, timestamp: 0 }];
    for (const state of ['unconfigured', 'configured', 'closed']) {
      if (state === 'configured') enc.configure(BASE);
      if (state === 'closed') enc.close();
      for (const v of notFrames) assert.throws(() => enc.encode(v), isTypeError, `${state}: ${String(v)}`);
      assert.throws(() => enc.encode(), isTypeError);
      assert.equal(enc.encodeQueueSize, 0);
    }
  });

  test('encode() of a closed frame throws TypeError, also before the state check', () => {
    const { enc } = recorder();
    const f = i420(W, H);
    f.close();
    assert.throws(() => enc.encode(f), isTypeError, 'unconfigured');
    enc.configure(BASE);
    assert.throws(() => enc.encode(f), isTypeError, 'configured');
    assert.equal(enc.encodeQueueSize, 0);
    enc.close();
    assert.throws(() => enc.encode(f), isTypeError, 'closed');
  });

  test('encode() options must be a dictionary (TypeError); null and undefined are the empty dictionary', async () => {
    const { enc, outputs } = recorder();
    enc.configure(BASE);
    const f = i420(W, H);
    try {
      assert.throws(() => enc.encode(f, 'key'), isTypeError);
      assert.throws(() => enc.encode(f, 1), isTypeError);
      assert.equal(enc.encodeQueueSize, 0);
      enc.encode(f, null);
      enc.encode(f, undefined);
      enc.encode(f, {});
    } finally {
      f.close();
    }
    assert.equal(enc.encodeQueueSize, 3);
    await enc.flush();
    assert.equal(outputs.length, 3);
  });

  test('flush() returns a promise; several flushes resolve in call order', async () => {
    const { enc } = recorder();
    enc.configure(BASE);
    const order = [];
    encodeFrames(enc, 1);
    const a = enc.flush().then(() => order.push('a'));
    encodeFrames(enc, 1, { timestamps: [1] });
    const b = enc.flush().then(() => order.push('b'));
    const c = enc.flush().then(() => order.push('c'));
    assert.ok(a instanceof Promise);
    await Promise.all([a, b, c]);
    assert.deepEqual(order, ['a', 'b', 'c']);
  });

  test('reset() rejects pending flushes with AbortError, empties the queue, and never calls the error callback', async () => {
    const { enc, outputs, errors } = recorder();
    enc.configure(BASE);
    encodeFrames(enc, 4);
    assert.equal(enc.encodeQueueSize, 4);
    let dequeues = 0;
    enc.addEventListener('dequeue', () => dequeues++);
    const p1 = enc.flush();
    const p2 = enc.flush();
    enc.reset();
    assert.equal(enc.state, 'unconfigured');
    assert.equal(enc.encodeQueueSize, 0);
    await assert.rejects(p1, isDOMException('AbortError'));
    await assert.rejects(p2, isDOMException('AbortError'));
    await waitFor(() => dequeues > 0, 2000, 'the dequeue event of reset()');
    await sleep(50);
    assert.equal(outputs.length, 0, 'no output of the reset configuration');
    assert.equal(errors.length, 0);
  });

  test('close() rejects pending flushes with AbortError, drops all later output, and never calls the error callback', async () => {
    const { enc, outputs, errors } = recorder();
    enc.configure(BASE);
    encodeFrames(enc, 4);
    const p = enc.flush();
    enc.close();
    assert.equal(enc.state, 'closed');
    assert.equal(enc.encodeQueueSize, 0);
    await assert.rejects(p, isDOMException('AbortError'));
    await sleep(50);
    assert.equal(outputs.length, 0);
    assert.equal(errors.length, 0);
  });

  test('reset() inside the output callback: the pending flush rejects with AbortError and no further output arrives', async () => {
    let enc;
    let calls = 0;
    const r = recorder({ output: () => { if (++calls === 1) enc.reset(); } });
    enc = r.enc;
    enc.configure(BASE);
    encodeFrames(enc, 6);
    await assert.rejects(enc.flush(), isDOMException('AbortError'));
    await sleep(50);
    assert.equal(r.outputs.length, 1);
    assert.equal(r.errors.length, 0);
    assert.equal(enc.state, 'unconfigured');
  });

  test('reset() then configure() again works, and the first new output carries a decoderConfig again', async () => {
    const { enc, outputs, errors } = recorder();
    enc.configure(BASE);
    encodeFrames(enc, 2, { timestamps: [0, 1] });
    await enc.flush();
    assert.ok(outputs[0].metadata.decoderConfig);
    enc.reset();
    enc.configure(BASE); // identical config: [[active output config]] was cleared by reset()
    encodeFrames(enc, 3, { timestamps: [10, 11, 12] });
    await enc.flush();
    const after = outputs.slice(2);
    assert.deepEqual(after.map((o) => o.chunk.timestamp), [10, 11, 12]);
    assert.equal(after[0].chunk.type, 'key');
    assert.ok(after[0].metadata.decoderConfig, 'decoderConfig after reset()');
    assert.equal(after[0].metadata.decoderConfig.codedWidth, W);
    assert.equal(errors.length, 0);
  });
});

// ---------------------------------------------------------------- outputs

describe('VideoEncoder outputs', () => {
  test('one chunk per frame; the first is a key chunk with a complete decoderConfig, later ones have none', async () => {
    const { enc, outputs, errors } = recorder();
    enc.configure({ ...BASE, displayWidth: 128, displayHeight: 96 });
    encodeFrames(enc, 6);
    await enc.flush();
    assert.equal(errors.length, 0);
    assert.equal(outputs.length, 6);
    for (const { chunk, metadata } of outputs) {
      assert.ok(chunk instanceof EncodedVideoChunk);
      assert.ok(chunk.type === 'key' || chunk.type === 'delta');
      assert.ok(chunk.byteLength > 0);
      assert.equal(typeof metadata, 'object');
      assert.notEqual(metadata, null);
    }
    assert.equal(outputs[0].chunk.type, 'key');
    const dc = outputs[0].metadata.decoderConfig;
    assert.ok(dc, 'decoderConfig on the first chunk');
    assert.equal(dc.codec, 'avc1.42001E');
    assert.equal(dc.codedWidth, W);
    assert.equal(dc.codedHeight, H);
    assert.equal(dc.displayAspectWidth, 128);
    assert.equal(dc.displayAspectHeight, 96);
    for (const k of ['primaries', 'transfer', 'matrix', 'fullRange']) {
      assert.notEqual(dc.colorSpace[k], null, `colorSpace.${k}`);
      assert.notEqual(dc.colorSpace[k], undefined, `colorSpace.${k}`);
    }
    for (const o of outputs.slice(1)) assert.equal(o.metadata.decoderConfig, undefined);
  });

  test('decoderConfig.description is an avcC record matching the SPS and the codec string', async () => {
    for (const [codec, profile] of [['avc1.42001E', 0x42], ['avc1.4D001E', 0x4d], ['avc1.64001F', 0x64]]) {
      const { enc, outputs, errors } = recorder();
      enc.configure({ ...BASE, codec });
      encodeFrames(enc, 2);
      await enc.flush();
      assert.equal(errors.length, 0, codec);
      const dc = outputs[0].metadata.decoderConfig;
      assert.equal(dc.codec, codec);
      assert.ok(dc.description, `${codec}: description`);
      const d = new Uint8Array(ArrayBuffer.isView(dc.description) ? dc.description.buffer : dc.description);
      assert.equal(d[0], 1, `${codec}: configurationVersion`);
      assert.equal(d[1], profile, `${codec}: AVCProfileIndication`);
      assert.ok(d[3] <= parseInt(codec.slice(9, 11), 16), `${codec}: level ${d[3]} at most the requested one`);
      assert.equal(d[4] & 0x03, 3, `${codec}: lengthSizeMinusOne (4-byte lengths)`);
      const sps = avccSps(d);
      assert.equal(sps.length, 1);
      assert.equal(nalType(sps[0]), 7);
      assert.deepEqual([...d.subarray(1, 4)], [...sps[0].subarray(1, 4)], `${codec}: avcC bytes 1..3 are the SPS's profile/compat/level`);
      enc.close();
    }
  });

  test('keyFrame: true forces a key chunk (Baseline, and High with B-frames)', async () => {
    for (const codec of ['avc1.42001E', 'avc1.64001F']) {
      const { enc, outputs } = recorder();
      enc.configure({ ...BASE, codec });
      const ts = encodeFrames(enc, 10, { timestamps: [...Array(10).keys()], keyAt: [4, 7] });
      await enc.flush();
      assert.equal(outputs.length, ts.length);
      const byTs = new Map(outputs.map((o) => [o.chunk.timestamp, o.chunk]));
      assert.equal(byTs.get(0).type, 'key', codec);
      assert.equal(byTs.get(4).type, 'key', codec);
      assert.equal(byTs.get(7).type, 'key', codec);
      enc.close();
    }
  });

  test('chunk timestamps and durations are those of their frames, in order (Baseline)', async () => {
    const { enc, outputs } = recorder();
    enc.configure(BASE);
    const timestamps = [-10000, 0, 5, 1_000_000, 2 ** 40, 2 ** 40 + 1];
    const durations = [100, null, 33333, 1, 0, 2 ** 41];
    encodeFrames(enc, timestamps.length, { timestamps, durations });
    await enc.flush();
    assert.deepEqual(outputs.map((o) => o.chunk.timestamp), timestamps);
    assert.deepEqual(outputs.map((o) => o.chunk.duration), durations);
  });

  test('with B-frames (latencyMode "quality", High profile) chunk timestamps are the frames\', each with its own duration', async () => {
    const { enc, outputs, errors } = recorder();
    enc.configure({ ...BASE, codec: 'avc1.64001F', latencyMode: 'quality' });
    const n = 12;
    const timestamps = Array.from({ length: n }, (_, i) => 1000 + i * 40000);
    const durations = Array.from({ length: n }, (_, i) => 40000 + i); // distinct: tells frames apart
    encodeFrames(enc, n, { timestamps, durations, keyAt: [6] });
    await enc.flush();
    assert.equal(errors.length, 0);
    assert.equal(outputs.length, n);
    const got = outputs.map((o) => o.chunk.timestamp);
    assert.deepEqual([...got].sort((a, b) => a - b), timestamps, 'the set of chunk timestamps');
    assert.equal(new Set(got).size, n, 'no timestamp twice');
    for (const { chunk } of outputs) {
      const i = timestamps.indexOf(chunk.timestamp);
      assert.equal(chunk.duration, durations[i], `duration of the chunk at ${chunk.timestamp}`);
      if (chunk.type === 'key') assert.ok(i >= 0);
    }
    assert.equal(outputs[0].chunk.type, 'key');
    assert.equal(outputs[0].chunk.timestamp, timestamps[0], 'the first chunk in decode order is the first frame');
    assert.equal(outputs.find((o) => o.chunk.timestamp === timestamps[6]).chunk.type, 'key');
  });

  test('avc.format "annexb": no description; start codes; key chunks carry SPS, PPS and an IDR slice', async () => {
    const { enc, outputs } = recorder();
    enc.configure({ ...BASE, avc: { format: 'annexb' } });
    encodeFrames(enc, 6, { keyAt: [3] });
    await enc.flush();
    assert.equal(outputs.length, 6);
    const dc = outputs[0].metadata.decoderConfig;
    assert.ok(dc);
    assert.equal(dc.description, undefined);
    for (const { chunk } of outputs) {
      const b = bytesOf(chunk);
      assert.deepEqual([...b.subarray(0, 4)], [0, 0, 0, 1], 'starts with a 4-byte start code');
      const types = annexbNals(b).map(nalType);
      const vcl = types.filter((t) => t >= 1 && t <= 5);
      assert.ok(vcl.length > 0, 'has a slice');
      if (chunk.type === 'key') {
        assert.ok(types.includes(7), `key chunk has an SPS (types ${types})`);
        assert.ok(types.includes(8), `key chunk has a PPS (types ${types})`);
        assert.ok(vcl.every((t) => t === 5), `key chunk slices are IDR (types ${types})`);
      } else {
        assert.ok(!vcl.includes(5), `delta chunk has no IDR slice (types ${types})`);
      }
    }
    assert.equal(outputs[3].chunk.type, 'key');
  });

  test('avc.format "avc" (the default): 4-byte length-prefixed NAL units, parameter sets only in the description', async () => {
    for (const config of [BASE, { ...BASE, avc: { format: 'avc' } }, { ...BASE, avc: {} }]) {
      const { enc, outputs } = recorder();
      enc.configure(config);
      encodeFrames(enc, 5, { keyAt: [2] });
      await enc.flush();
      assert.equal(outputs.length, 5);
      assert.ok(outputs[0].metadata.decoderConfig.description);
      for (const { chunk } of outputs) {
        const b = bytesOf(chunk);
        const first = ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
        assert.ok(first > 0 && first <= b.byteLength - 4, `first length ${first} of ${b.byteLength}`);
        const types = avcNals(b).map(nalType);
        assert.ok(!types.includes(7) && !types.includes(8), `no SPS/PPS in the chunk (types ${types})`);
        const vcl = types.filter((t) => t >= 1 && t <= 5);
        assert.ok(vcl.length > 0);
        if (chunk.type === 'key') assert.ok(vcl.every((t) => t === 5), `key chunk is IDR (types ${types})`);
        else assert.ok(!vcl.includes(5), `delta chunk has no IDR (types ${types})`);
      }
      assert.equal(outputs[2].chunk.type, 'key');
      enc.close();
    }
  });

  test('avc3 codec strings encode too and are echoed in decoderConfig.codec', async () => {
    const { enc, outputs, errors } = recorder();
    enc.configure({ ...BASE, codec: 'avc3.42001E' });
    encodeFrames(enc, 2);
    await enc.flush();
    assert.equal(errors.length, 0);
    assert.equal(outputs.length, 2);
    assert.equal(outputs[0].metadata.decoderConfig.codec, 'avc3.42001E');
  });

  test('frames of another size than configured are scaled (down, up, and a visibleRect crop)', async () => {
    const { enc, outputs, errors } = recorder();
    enc.configure(BASE);
    const frames = [
      i420(160, 120, { timestamp: 0 }),
      i420(32, 24, { timestamp: 1 }),
      new VideoFrame(i420(96, 64, { timestamp: 2 }), { timestamp: 2, visibleRect: { x: 16, y: 8, width: 48, height: 40 } }),
    ];
    for (const f of frames) { enc.encode(f); f.close(); }
    await enc.flush();
    assert.equal(errors.length, 0);
    assert.deepEqual(outputs.map((o) => o.chunk.timestamp), [0, 1, 2]);
    assert.equal(outputs[0].metadata.decoderConfig.codedWidth, W);
    assert.equal(outputs[0].metadata.decoderConfig.codedHeight, H);
  });

  test('I420, NV12 and RGBA frames encode', async () => {
    const { enc, outputs, errors } = recorder();
    enc.configure(BASE);
    const frames = [i420(W, H, { timestamp: 0 }), nv12(W, H, { timestamp: 1 }), rgba(W, H, { timestamp: 2 }),
      rgba(2 * W, 2 * H, { timestamp: 3 })];
    for (const f of frames) { enc.encode(f); f.close(); }
    await enc.flush();
    assert.equal(errors.length, 0);
    assert.deepEqual(outputs.map((o) => o.chunk.timestamp), [0, 1, 2, 3]);
  });

  test('encode() does not close or alter the caller\'s frame; closing it right after is fine', async () => {
    const { enc, outputs } = recorder();
    enc.configure(BASE);
    const f = i420(W, H, { timestamp: 777, duration: 5 });
    enc.encode(f);
    assert.equal(f.format, 'I420');
    assert.equal(f.timestamp, 777);
    assert.equal(f.codedWidth, W);
    const again = f.clone(); // still usable
    f.close();
    enc.encode(again);
    again.close();
    await enc.flush();
    assert.deepEqual(outputs.map((o) => [o.chunk.timestamp, o.chunk.duration]), [[777, 5], [777, 5]]);
  });

  test('encodeQueueSize counts encode() calls at once and drains to 0, with dequeue events', async () => {
    const { enc } = recorder();
    assert.equal(enc.encodeQueueSize, 0);
    enc.configure(BASE);
    assert.equal(enc.encodeQueueSize, 0);
    const seen = [];
    const listenerSeen = [];
    enc.ondequeue = (ev) => {
      assert.ok(ev instanceof Event);
      assert.equal(ev.type, 'dequeue');
      seen.push(enc.encodeQueueSize);
    };
    enc.addEventListener('dequeue', () => listenerSeen.push(enc.encodeQueueSize));
    const f = i420(W, H);
    for (let i = 1; i <= 5; i++) {
      enc.encode(f);
      assert.equal(enc.encodeQueueSize, i);
    }
    f.close();
    await enc.flush();
    assert.equal(enc.encodeQueueSize, 0);
    await waitFor(() => seen.at(-1) === 0, 2000, 'a dequeue event seeing an empty queue');
    assert.ok(seen.length >= 1 && seen.length <= 5);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] < seen[i - 1], `queue size decreases between events: ${seen}`);
    assert.deepEqual(listenerSeen, seen, 'addEventListener and ondequeue see the same events');
  });

  test('the dequeue event for the last frame fires before flush() resolves (spec task order)', async () => {
    const { enc } = recorder();
    enc.configure(BASE);
    let last = Infinity;
    enc.ondequeue = () => { last = enc.encodeQueueSize; };
    encodeFrames(enc, 3);
    await enc.flush();
    // Each encode message's "Schedule Dequeue Event" task is queued before the flush's resolve task.
    assert.equal(last, 0);
  });

  test('ondequeue: a non-function deactivates it; setting it again keeps one handler', async () => {
    const { enc } = recorder();
    enc.configure(BASE);
    let calls = 0;
    enc.ondequeue = () => calls++;
    enc.ondequeue = 'not a function';
    assert.equal(enc.ondequeue, null);
    encodeFrames(enc, 1);
    await enc.flush();
    await sleep(20);
    assert.equal(calls, 0);
    const h = () => calls++;
    enc.ondequeue = h;
    enc.ondequeue = h;
    assert.equal(enc.ondequeue, h);
    encodeFrames(enc, 1);
    await enc.flush();
    await waitFor(() => calls > 0);
    await sleep(20);
    assert.equal(calls, 1);
  });

  test('reconfigure after flush to a new size: a new decoderConfig with the new size', async () => {
    const { enc, outputs, errors } = recorder();
    enc.configure(BASE);
    encodeFrames(enc, 2, { timestamps: [0, 1] });
    await enc.flush();
    enc.configure({ ...BASE, width: 96, height: 64 });
    encodeFrames(enc, 3, { w: 96, h: 64, timestamps: [2, 3, 4] });
    await enc.flush();
    assert.equal(errors.length, 0);
    assert.deepEqual(outputs.map((o) => o.chunk.timestamp), [0, 1, 2, 3, 4]);
    const configs = outputs.map((o) => o.metadata.decoderConfig);
    assert.ok(configs[0] && configs[2]);
    assert.equal(configs[1], undefined);
    assert.deepEqual([configs[2].codedWidth, configs[2].codedHeight], [96, 64]);
    assert.deepEqual([configs[2].displayAspectWidth, configs[2].displayAspectHeight], [96, 64]);
    assert.notDeepEqual(Buffer.from(configs[2].description), Buffer.from(configs[0].description));
    assert.equal(outputs[2].chunk.type, 'key');
    assert.equal(configs[3], undefined);
    assert.equal(configs[4], undefined);
  });

  test('reconfigure without flush: every frame of the old configuration is still output', async () => {
    const { enc, outputs, errors } = recorder();
    enc.configure({ ...BASE, codec: 'avc1.64001F' }); // B-frames: frames wait inside the encoder
    encodeFrames(enc, 4, { timestamps: [0, 1, 2, 3] });
    enc.configure({ ...BASE, width: 32, height: 32 });
    encodeFrames(enc, 2, { w: 32, h: 32, timestamps: [4, 5] });
    await enc.flush();
    assert.equal(errors.length, 0);
    assert.deepEqual(outputs.map((o) => o.chunk.timestamp).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
    const i4 = outputs.findIndex((o) => o.chunk.timestamp === 4);
    assert.equal(i4, 4, 'the new configuration\'s chunks come after the old one\'s');
    assert.equal(outputs[i4].metadata.decoderConfig.codedWidth, 32);
  });

  test('flush() before the first frame: the first chunk still carries the decoderConfig', async () => {
    const { enc, outputs, errors } = recorder();
    enc.configure(BASE);
    await enc.flush(); // nothing encoded yet
    encodeFrames(enc, 2);
    await enc.flush();
    assert.equal(errors.length, 0);
    assert.equal(outputs.length, 2);
    assert.ok(outputs[0].metadata.decoderConfig, 'decoderConfig on the first chunk of the configuration');
    assert.equal(outputs[1].metadata.decoderConfig, undefined);
  });

  test('flush, then more frames with the same config: no second decoderConfig', async () => {
    const { enc, outputs } = recorder();
    enc.configure(BASE);
    encodeFrames(enc, 2, { timestamps: [0, 1] });
    await enc.flush();
    encodeFrames(enc, 2, { timestamps: [2, 3] });
    await enc.flush();
    assert.deepEqual(outputs.map((o) => o.chunk.timestamp), [0, 1, 2, 3]);
    assert.deepEqual(outputs.map((o) => !!o.metadata.decoderConfig), [true, false, false, false]);
  });

  test('an output callback that throws surfaces as an uncaughtException; the encoder keeps working', async () => {
    const boom = new Error('boom from the output callback');
    let calls = 0;
    let enc;
    const caught = await withUncaught(async (caught) => {
      enc = new VideoEncoder({
        output: () => { calls++; if (calls === 1) throw boom; },
        error: (e) => assert.fail(`unexpected error callback: ${e.name}`),
      });
      open.add(enc);
      enc.configure(BASE);
      encodeFrames(enc, 3);
      await enc.flush();
      await waitFor(() => caught.length > 0, 2000, 'the uncaughtException');
      assert.equal(enc.state, 'configured');
      encodeFrames(enc, 1, { timestamps: [99] });
      await enc.flush();
    });
    assert.equal(caught.length, 1);
    assert.equal(caught[0], boom);
    assert.equal(calls, 4, 'every output was still delivered');
    assert.equal(enc.state, 'configured');
  });

  test('an error callback that throws surfaces as an uncaughtException; the encoder is closed', async () => {
    const boom = new Error('boom from the error callback');
    let enc;
    let got = null;
    const caught = await withUncaught(async (caught) => {
      enc = new VideoEncoder({ output: () => {}, error: (e) => { got = e; throw boom; } });
      open.add(enc);
      enc.configure({ ...BASE, codec: 'vp09.00.10.10' });
      await waitFor(() => caught.length > 0, 2000, 'the uncaughtException');
    });
    assert.deepEqual(caught, [boom]);
    isDOMException('NotSupportedError')(got);
    assert.equal(enc.state, 'closed');
  });

  test('bitrateMode "quantizer": avc.quantizer 10 makes clearly larger slices than 45', async () => {
    const sliceBytes = {};
    for (const q of [10, 45]) {
      const { enc, outputs, errors } = recorder();
      enc.configure({ ...BASE, bitrateMode: 'quantizer' });
      for (let i = 0; i < 4; i++) {
        const f = noise(W, H, { timestamp: i, seed: i + 1 });
        enc.encode(f, { keyFrame: i === 0, avc: { quantizer: q } });
        f.close();
      }
      await enc.flush();
      assert.equal(errors.length, 0);
      assert.equal(outputs.length, 4);
      // Only slice NAL units: the SEI libx264 puts in the first chunk is the same size for both.
      sliceBytes[q] = outputs.reduce((s, o) => s + avcNals(bytesOf(o.chunk))
        .filter((n) => nalType(n) >= 1 && nalType(n) <= 5).reduce((a, n) => a + n.length, 0), 0);
      enc.close();
    }
    assert.ok(sliceBytes[10] > 2 * sliceBytes[45],
      `slice bytes with quantizer 10: ${sliceBytes[10]}, with quantizer 45: ${sliceBytes[45]}`);
  });

  test('bitrate with bitrateMode "constant" and "variable" encodes', async () => {
    for (const bitrateMode of ['constant', 'variable']) {
      const { enc, outputs, errors } = recorder();
      enc.configure({ ...BASE, bitrate: 300_000, framerate: 30, bitrateMode });
      encodeFrames(enc, 3);
      await enc.flush();
      assert.equal(errors.length, 0, bitrateMode);
      assert.equal(outputs.length, 3, bitrateMode);
      enc.close();
    }
  });
});

// ---------------------------------------------------------------- isConfigSupported()

describe('VideoEncoder.isConfigSupported', () => {
  test('always returns a promise, also for an invalid config', async () => {
    const p = VideoEncoder.isConfigSupported({ codec: '' , width: 0, height: 0 });
    assert.ok(p instanceof Promise);
    await assert.rejects(p, isTypeError);
  });

  for (const [name, config] of INVALID) {
    test(`rejects with TypeError: ${name}`, async () => {
      await assert.rejects(VideoEncoder.isConfigSupported(config), isTypeError);
    });
  }

  for (const [name, config] of UNSUPPORTED) {
    test(`resolves {supported: false, config}: ${name}`, async () => {
      const r = await VideoEncoder.isConfigSupported(config);
      assert.equal(r.supported, false);
      assert.equal(r.config.codec, config.codec);
      assert.equal(r.config.width, config.width);
      assert.equal(r.config.height, config.height);
      if (config.scalabilityMode) assert.equal(r.config.scalabilityMode, config.scalabilityMode);
    });
  }

  test('supports the H.264 profiles, both formats and the optional members', async () => {
    const configs = [
      BASE,
      { ...BASE, codec: 'avc1.4D001E' },
      { ...BASE, codec: 'avc1.64001F' },
      { ...BASE, codec: 'avc3.42001E' },
      { ...BASE, avc: { format: 'annexb' } },
      { ...BASE, bitrate: 500_000, framerate: 30, bitrateMode: 'constant', latencyMode: 'realtime' },
      { ...BASE, bitrateMode: 'quantizer' },
      { ...BASE, displayWidth: 320, displayHeight: 240, hardwareAcceleration: 'prefer-software' },
      { ...BASE, contentHint: 'motion' },
      { ...BASE, contentHint: 'no-such-hint' }, // a UA must not refuse a config for its content hint
    ];
    for (const config of configs) {
      const r = await VideoEncoder.isConfigSupported(config);
      assert.equal(r.supported, true, JSON.stringify(config));
    }
  });

  test('the config echoes only recognised members, with the defaults filled in', async () => {
    const input = { ...BASE, futureConfigFeature: 'foo', avc: { format: 'annexb', futureAvcFeature: 1 } };
    const r = await VideoEncoder.isConfigSupported(input);
    assert.equal(r.supported, true);
    assert.deepEqual(Object.keys(r).sort(), ['config', 'supported']);
    assert.equal('futureConfigFeature' in r.config, false);
    assert.deepEqual(r.config, {
      codec: 'avc1.42001E', width: W, height: H,
      hardwareAcceleration: 'no-preference', alpha: 'discard', bitrateMode: 'variable', latencyMode: 'quality',
      avc: { format: 'annexb' },
    });
  });

  test('members given are echoed; absent ones without a default stay absent', async () => {
    const input = {
      codec: 'avc1.64001F', width: 96, height: 64, displayWidth: 192, displayHeight: 128, bitrate: 123456,
      framerate: 29.97, hardwareAcceleration: 'prefer-software', scalabilityMode: 'L1T1',
      bitrateMode: 'constant', latencyMode: 'realtime', contentHint: 'detail', avc: {},
    };
    const r = await VideoEncoder.isConfigSupported(input);
    assert.equal(r.supported, true);
    assert.deepEqual(r.config, { ...input, alpha: 'discard', avc: { format: 'avc' } });
    const bare = await VideoEncoder.isConfigSupported(BASE);
    for (const k of ['avc', 'bitrate', 'framerate', 'displayWidth', 'displayHeight', 'scalabilityMode', 'contentHint']) {
      assert.equal(k in bare.config, false, k);
    }
  });

  test('the echoed config is a copy: later changes to the input do not show', async () => {
    const avc = { format: 'annexb' };
    const input = { ...BASE, avc };
    const p = VideoEncoder.isConfigSupported(input);
    input.width = 2;
    avc.format = 'avc';
    const r = await p;
    assert.notEqual(r.config, input);
    assert.notEqual(r.config.avc, avc);
    assert.equal(r.config.width, W);
    assert.equal(r.config.avc.format, 'annexb');
  });
});

// ---------------------------------------------------------------- native resources

describe('VideoEncoder native resources', () => {
  const allZero = (c) => Object.values(c).every((v) => v === 0);

  test('live counters return to zero after close(), with and without pending work', async () => {
    const a = recorder();
    a.enc.configure(BASE);
    encodeFrames(a.enc, 3);
    await a.enc.flush();
    const b = recorder();
    b.enc.configure({ ...BASE, codec: 'avc1.64001F' });
    encodeFrames(b.enc, 5); // still queued / inside libx264
    assert.ok(liveCounts().sessions >= 2);
    a.enc.close();
    b.enc.close();
    await waitFor(() => allZero(liveCounts()), 2000, `live counters to reach zero (${JSON.stringify(liveCounts())})`);
  });

  test('live counters return to zero after a NotSupportedError close and after reset()+close()', async () => {
    const a = recorder();
    a.enc.configure({ ...BASE, codec: 'vp09.00.10.10' });
    await waitFor(() => a.enc.state === 'closed');
    const b = recorder();
    b.enc.configure(BASE);
    encodeFrames(b.enc, 3);
    b.enc.reset();
    b.enc.close();
    await waitFor(() => allZero(liveCounts()), 2000, `live counters to reach zero (${JSON.stringify(liveCounts())})`);
  });
});
