'use strict';
// test/contract: the rules every WebCodecs codec shares (the state machine of js/lib/codec-base.js
// as users see it), run once per codec kind against the real addon. One row per kind in KINDS.
//
// A row:
//   name               interface name
//   make(init)         new codec with the given {output, error}
//   validConfig        a config the codec supports
//   invalidConfig      a config that is not a valid dictionary (TypeError)
//   unsupportedConfig  a valid config the codec cannot do (NotSupportedError via the error callback)
//   work(codec, i)     submit the i-th unit of work (encode/decode), owning and releasing its input
//   badInput(codec)    submit something that is not an input at all (TypeError)
//   queueSize(codec)   encodeQueueSize / decodeQueueSize
//   isConfigSupported  the static method

const { test, describe, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const {
  VideoEncoder, VideoDecoder, VideoFrame, EncodedVideoChunk, AudioEncoder, AudioDecoder, AudioData, EncodedAudioChunk, liveCounts,
} = require('../..');
const media = require('../helpers/video-media');

// The decoder's input: an all-intra 64×48 H.264 Annex B stream (every chunk is a key chunk, so
// any chunk may come first after configure(), flush() or reset()).
const H264_CHUNKS = media.demuxAnnexBSync(media.makeMedia({
  size: '64x48', frames: 40, ext: 'h264',
  args: ['-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-g', '1', '-x264-params', 'aud=1'],
})).chunks;

function i420Frame(w, h, timestamp, index) {
  const data = new Uint8Array(w * h * 3 / 2);
  for (let i = 0; i < w * h; i++) data[i] = (i + index * 7) & 0xff;
  data.fill(128, w * h);
  return new VideoFrame(data, { format: 'I420', codedWidth: w, codedHeight: h, timestamp, duration: 1000 });
}

const KINDS = [
  {
    name: 'VideoEncoder',
    make: (init) => new VideoEncoder(init),
    validConfig: { codec: 'avc1.42001E', width: 64, height: 48 },
    invalidConfig: { codec: 'avc1.42001E', width: 0, height: 48 },
    unsupportedConfig: { codec: 'vp09.00.10.10', width: 64, height: 48 }, // VP9 profile 0 has no 10-bit form
    work: (codec, i = 0) => {
      const f = i420Frame(64, 48, i * 1000, i);
      try {
        codec.encode(f);
      } finally {
        f.close();
      }
    },
    badInput: (codec) => codec.encode({ timestamp: 0 }),
    queueSize: (codec) => codec.encodeQueueSize,
    isConfigSupported: (config) => VideoEncoder.isConfigSupported(config),
  },
  {
    name: 'VideoDecoder',
    make: (init) => new VideoDecoder(init),
    validConfig: { codec: 'avc1.42C00A' },
    invalidConfig: { codec: 'avc1.42C00A', codedWidth: 0, codedHeight: 48 },
    unsupportedConfig: { codec: 'avc1.42C00A', hardwareAcceleration: 'prefer-hardware' },
    work: (codec, i = 0) => {
      const c = H264_CHUNKS[i % H264_CHUNKS.length];
      codec.decode(new EncodedVideoChunk({ ...c, timestamp: i * 1000 }));
    },
    badInput: (codec) => codec.decode({ type: 'key', timestamp: 0, data: new Uint8Array(4) }),
    queueSize: (codec) => codec.decodeQueueSize,
    isConfigSupported: (config) => VideoDecoder.isConfigSupported(config),
  },
  {
    name: 'AudioEncoder',
    make: (init) => new AudioEncoder(init),
    validConfig: { codec: 'opus', sampleRate: 48000, numberOfChannels: 2 },
    invalidConfig: { codec: 'opus', sampleRate: 0, numberOfChannels: 2 },
    unsupportedConfig: { codec: 'bogus', sampleRate: 48000, numberOfChannels: 2 },
    work: (codec, i = 0) => {
      // 20 ms: one Opus frame per item.
      const data = new Float32Array(960 * 2).map((_, k) => Math.sin((k + i * 960) / 10) * 0.3);
      const a = new AudioData({ format: 'f32-planar', sampleRate: 48000, numberOfFrames: 960, numberOfChannels: 2, timestamp: i * 20000, data });
      try {
        codec.encode(a);
      } finally {
        a.close();
      }
    },
    badInput: (codec) => codec.encode({ timestamp: 0 }),
    queueSize: (codec) => codec.encodeQueueSize,
    isConfigSupported: (config) => AudioEncoder.isConfigSupported(config),
  },
  {
    name: 'AudioDecoder',
    // Outputs (AudioData) are closed by the recorder, as for VideoDecoder's frames.
    make: (init) => new AudioDecoder(init),
    validConfig: { codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 2 },
    invalidConfig: { codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 0 },
    unsupportedConfig: { codec: 'bogus', sampleRate: 48000, numberOfChannels: 2 },
    work: (codec, i = 0) => codec.decode(new EncodedAudioChunk({ type: 'key', timestamp: i * 20000, data: new Uint8Array(960 * 4).fill(i) })),
    badInput: (codec) => codec.decode({ type: 'key', timestamp: 0, data: new Uint8Array(4) }),
    queueSize: (codec) => codec.decodeQueueSize,
    isConfigSupported: (config) => AudioDecoder.isConfigSupported(config),
  },
];

// ---------------------------------------------------------------- helpers

const isDOMException = (name) => (e) => {
  assert.ok(e instanceof DOMException, `expected a DOMException ${name}, got ${e && e.name}: ${e && e.message}`);
  assert.equal(e.name, name);
  return true;
};
const isTypeError = (e) => {
  assert.ok(e instanceof TypeError, `expected a TypeError, got ${e && e.name}: ${e && e.message}`);
  return true;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(cond, ms = 2000, what = 'condition') {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(5);
  }
}

const open = new Set();
afterEach(() => {
  for (const c of open) if (c.state !== 'closed') c.close();
  open.clear();
});

/**
 * A codec of `kind` that records outputs and errors; `hooks.output` runs after recording. Output
 * media (VideoFrame, AudioData) is closed once the hook ran, as a well-behaved client does.
 */
function recorder(kind, hooks = {}) {
  const outputs = [];
  const errors = [];
  const codec = kind.make({
    output: (...args) => {
      outputs.push(args);
      try {
        if (hooks.output) hooks.output(...args);
      } finally {
        for (const a of args) if (a && typeof a.close === 'function' && typeof a.timestamp === 'number') a.close();
      }
    },
    error: (e) => { errors.push(e); },
  });
  open.add(codec);
  return { codec, outputs, errors };
}

// ---------------------------------------------------------------- the contract

for (const kind of KINDS) {
  describe(`${kind.name} contract`, () => {
    test('the constructor requires output and error callbacks (TypeError)', () => {
      const fn = () => {};
      for (const init of [undefined, {}, { output: fn }, { error: fn }, { output: fn, error: 'no' }]) {
        assert.throws(() => kind.make(init), isTypeError);
      }
    });

    test('a new codec is unconfigured with an empty queue', () => {
      const { codec } = recorder(kind);
      assert.equal(codec.state, 'unconfigured');
      assert.equal(kind.queueSize(codec), 0);
      assert.equal(codec.ondequeue, null);
    });

    test('unconfigured: work throws InvalidStateError, flush rejects InvalidStateError, reset is a no-op', async () => {
      const { codec, errors } = recorder(kind);
      assert.throws(() => kind.work(codec), isDOMException('InvalidStateError'));
      assert.equal(kind.queueSize(codec), 0);
      await assert.rejects(codec.flush(), isDOMException('InvalidStateError'));
      codec.reset();
      assert.equal(codec.state, 'unconfigured');
      codec.close();
      assert.equal(codec.state, 'closed');
      await sleep(10);
      assert.equal(errors.length, 0);
    });

    test('closed: configure/work/reset/close throw InvalidStateError, flush rejects InvalidStateError', async () => {
      const { codec, errors } = recorder(kind);
      codec.configure(kind.validConfig);
      codec.close();
      assert.equal(codec.state, 'closed');
      assert.throws(() => codec.configure(kind.validConfig), isDOMException('InvalidStateError'));
      assert.throws(() => kind.work(codec), isDOMException('InvalidStateError'));
      assert.throws(() => codec.reset(), isDOMException('InvalidStateError'));
      assert.throws(() => codec.close(), isDOMException('InvalidStateError'));
      await assert.rejects(codec.flush(), isDOMException('InvalidStateError'));
      assert.equal(codec.state, 'closed');
      await sleep(10);
      assert.equal(errors.length, 0);
    });

    test('input that is not an input throws TypeError', () => {
      const { codec } = recorder(kind);
      codec.configure(kind.validConfig);
      assert.throws(() => kind.badInput(codec), isTypeError);
      assert.equal(kind.queueSize(codec), 0);
    });

    test('an invalid config throws TypeError and leaves the state as it was', () => {
      const { codec } = recorder(kind);
      assert.throws(() => codec.configure(kind.invalidConfig), isTypeError);
      assert.equal(codec.state, 'unconfigured');
      codec.configure(kind.validConfig);
      assert.throws(() => codec.configure(kind.invalidConfig), isTypeError);
      assert.equal(codec.state, 'configured');
    });

    test('configure → configured at once; work counts in the queue at once; flush drains it and outputs', async () => {
      const { codec, outputs, errors } = recorder(kind);
      codec.configure(kind.validConfig);
      assert.equal(codec.state, 'configured');
      for (let i = 0; i < 3; i++) {
        kind.work(codec, i);
        assert.equal(kind.queueSize(codec), i + 1);
      }
      await codec.flush();
      assert.equal(kind.queueSize(codec), 0);
      assert.ok(outputs.length > 0);
      assert.equal(errors.length, 0);
      assert.equal(codec.state, 'configured');
    });

    test('reset(): pending flushes reject with AbortError, queue empties at once, a dequeue event fires, no error callback, no stale output', async () => {
      const { codec, outputs, errors } = recorder(kind);
      codec.configure(kind.validConfig);
      for (let i = 0; i < 3; i++) kind.work(codec, i);
      let dequeues = 0;
      codec.ondequeue = () => dequeues++;
      const flushed = codec.flush();
      codec.reset();
      assert.equal(codec.state, 'unconfigured');
      assert.equal(kind.queueSize(codec), 0);
      await assert.rejects(flushed, isDOMException('AbortError'));
      await waitFor(() => dequeues > 0, 2000, 'a dequeue event');
      await sleep(50);
      assert.equal(outputs.length, 0);
      assert.equal(errors.length, 0);
    });

    test('close(): pending flushes reject with AbortError, no error callback, no output afterwards', async () => {
      const { codec, outputs, errors } = recorder(kind);
      codec.configure(kind.validConfig);
      for (let i = 0; i < 3; i++) kind.work(codec, i);
      const flushed = codec.flush();
      codec.close();
      assert.equal(codec.state, 'closed');
      assert.equal(kind.queueSize(codec), 0);
      await assert.rejects(flushed, isDOMException('AbortError'));
      await sleep(50);
      assert.equal(outputs.length, 0);
      assert.equal(errors.length, 0);
    });

    test('configure() after reset() works again', async () => {
      const { codec, outputs, errors } = recorder(kind);
      codec.configure(kind.validConfig);
      kind.work(codec, 0);
      codec.reset();
      codec.configure(kind.validConfig);
      assert.equal(codec.state, 'configured');
      kind.work(codec, 1);
      await codec.flush();
      assert.ok(outputs.length > 0);
      assert.equal(errors.length, 0);
    });

    test('reset() inside the output callback stops output of the old configuration', async () => {
      let codec;
      let calls = 0;
      const r = recorder(kind, { output: () => { if (++calls === 1) codec.reset(); } });
      codec = r.codec;
      codec.configure(kind.validConfig);
      for (let i = 0; i < 5; i++) kind.work(codec, i);
      await assert.rejects(codec.flush(), isDOMException('AbortError'));
      await sleep(50);
      assert.equal(r.outputs.length, 1);
      assert.equal(r.errors.length, 0);
    });

    test('an unsupported config closes the codec with NotSupportedError via the error callback', async () => {
      const { codec, outputs, errors } = recorder(kind);
      codec.configure(kind.unsupportedConfig);
      assert.equal(codec.state, 'configured');
      await assert.rejects(codec.flush(), isDOMException('NotSupportedError'));
      assert.equal(errors.length, 1);
      isDOMException('NotSupportedError')(errors[0]);
      assert.equal(codec.state, 'closed');
      assert.equal(outputs.length, 0);
      await assert.rejects(codec.flush(), isDOMException('InvalidStateError'));
    });

    test('isConfigSupported: TypeError for an invalid config, supported for the valid one, not for the unsupported one', async () => {
      await assert.rejects(kind.isConfigSupported(kind.invalidConfig), isTypeError);
      const yes = await kind.isConfigSupported(kind.validConfig);
      assert.equal(yes.supported, true);
      assert.deepEqual({ ...kind.validConfig }, Object.fromEntries(Object.keys(kind.validConfig).map((k) => [k, yes.config[k]])));
      const no = await kind.isConfigSupported(kind.unsupportedConfig);
      assert.equal(no.supported, false);
      assert.equal(no.config.codec, kind.unsupportedConfig.codec);
    });

    test('ondequeue is an event handler attribute for "dequeue"', async () => {
      const { codec } = recorder(kind);
      const fromHandler = [];
      const fromListener = [];
      codec.ondequeue = (e) => fromHandler.push(e.type);
      codec.addEventListener('dequeue', (e) => fromListener.push(e.type));
      codec.configure(kind.validConfig);
      kind.work(codec, 0);
      await codec.flush();
      await waitFor(() => fromHandler.length > 0, 2000, 'a dequeue event');
      assert.deepEqual(fromHandler, fromListener);
      assert.ok(fromHandler.every((t) => t === 'dequeue'));
      codec.ondequeue = 5;
      assert.equal(codec.ondequeue, null);
    });

    test('native objects are released after close()', async () => {
      const { codec } = recorder(kind);
      codec.configure(kind.validConfig);
      for (let i = 0; i < 3; i++) kind.work(codec, i);
      codec.close();
      await waitFor(() => Object.values(liveCounts()).every((v) => v === 0), 2000,
        `live counters to reach zero (${JSON.stringify(liveCounts())})`);
    });
  });
}
