'use strict';
// Child process of random-calls.test.js: random call sequences against one codec interface.
// argv[2]: JSON {kind, iterations}. Each sequence makes codecs and calls configure (valid,
// unsupported, invalid), encode/decode (good inputs, closed frames, garbage), flush, reset,
// close, isConfigSupported, ondequeue, in random order, with output/error/dequeue callbacks that
// throw now and then; some codecs are closed, some are simply forgotten (the collector must take
// them and their threads). Checked: every synchronous throw and every rejection is one the spec
// allows for that call; every promise settles; a throwing callback changes nothing but being
// reported; live counters return to zero; and the process exits by itself (the parent times
// that from the `RANDOM-RESULT` line).
//
// Adding a codec (AudioEncoder, AudioDecoder …) is one entry in KINDS below.
const api = require('../..');
const F = require('./lib');

const { VideoEncoder, VideoDecoder, VideoFrame, EncodedVideoChunk, AudioEncoder, AudioDecoder, AudioData, EncodedAudioChunk, liveCounts } = api;
const params = JSON.parse(process.argv[2]);
const SETTLE_MS = 15_000;

/** An exception our own callbacks throw on purpose: reported (uncaughtException) and nothing else. */
class Thrown extends Error {}
let thrownReported = 0;
const strayExceptions = [];
process.on('uncaughtException', (e) => {
  if (e instanceof Thrown) thrownReported++;
  else strayExceptions.push(F.errorName(e) + ': ' + String(e && e.stack).slice(0, 400));
});
const unhandled = [];
process.on('unhandledRejection', (e) => { unhandled.push(F.errorName(e) + ': ' + String(e && e.message).slice(0, 200)); });

function i420(w, h, ts, k) {
  const data = new Uint8Array(w * h * 3 / 2);
  for (let i = 0; i < w * h; i++) data[i] = (i * 3 + k * 17) & 0xff;
  data.fill(128, w * h);
  return new VideoFrame(data, { format: 'I420', codedWidth: w, codedHeight: h, timestamp: ts, duration: 33_333 });
}

/** A closed VideoFrame (encode() must throw TypeError). */
function closedFrame() {
  const f = i420(16, 16, 0, 0);
  f.close();
  return f;
}

/** H.264 chunks and decoder config made by our own VideoEncoder (no ffmpeg CLI needed). */
async function h264Stream(n) {
  const chunks = [];
  let decoderConfig = null;
  const enc = new VideoEncoder({
    output: (chunk, meta) => {
      const data = new Uint8Array(chunk.byteLength);
      chunk.copyTo(data);
      chunks.push({ type: chunk.type, timestamp: chunk.timestamp, duration: chunk.duration, data });
      if (meta && meta.decoderConfig) decoderConfig = meta.decoderConfig;
    },
    error: (e) => { throw e; },
  });
  enc.configure({ codec: 'avc1.42001E', width: 64, height: 48, avc: { format: 'annexb' } });
  for (let i = 0; i < n; i++) {
    const f = i420(64, 48, i * 33_333, i);
    enc.encode(f, { keyFrame: i % 5 === 0 });
    f.close();
  }
  await enc.flush();
  enc.close();
  return { chunks, config: { codec: decoderConfig ? decoderConfig.codec : 'avc1.42001E', codedWidth: 64, codedHeight: 48 } };
}

// ---- one row per codec interface ------------------------------------------------------------
//   make(init)                 a new codec
//   setup()                    → ctx, made once per process (e.g. a stream to decode)
//   configs(ctx)               {valid: [...], unsupported: [...], invalid: [...]}
//   goodInput(ctx, seq)        → {value, release()}: the seq-th input of a valid stream
//   badInputs                  [() => value]: inputs that must throw TypeError
//   submit(codec, value)       encode/decode
//   isConfigSupported(config)  the static method
const KINDS = {
  VideoEncoder: {
    make: (init) => new VideoEncoder(init),
    setup: async () => ({}),
    configs: () => ({
      valid: [{ codec: 'avc1.42001E', width: 64, height: 48 }, { codec: 'avc1.42001E', width: 32, height: 32, bitrate: 200_000, latencyMode: 'realtime' }],
      unsupported: [{ codec: 'avc1.42001E', width: 64, height: 48, hardwareAcceleration: 'prefer-hardware', scalabilityMode: 'L9T9' }, { codec: 'vp8x', width: 64, height: 48 }],
      invalid: [{ codec: 'avc1.42001E', width: 0, height: 48 }, { codec: '', width: 64, height: 48 }],
    }),
    goodInput: (ctx, seq) => {
      const f = i420(64, 48, seq * 33_333, seq);
      return { value: f, release: () => f.close() };
    },
    badInputs: [closedFrame, () => ({ timestamp: 0 }), () => null],
    submit: (codec, value, rand) => codec.encode(value, rand() < 0.2 ? { keyFrame: true } : undefined),
    isConfigSupported: (c) => VideoEncoder.isConfigSupported(c),
  },
  VideoDecoder: {
    make: (init) => new VideoDecoder(init),
    setup: () => h264Stream(15),
    configs: (ctx) => ({
      valid: [ctx.config, { ...ctx.config, optimizeForLatency: true }],
      unsupported: [{ codec: 'avc1.FF001E' }, { codec: 'theora' }],
      invalid: [{ codec: '' }, { codec: 'avc1.42001E', codedWidth: 0, codedHeight: 48 }],
    }),
    goodInput: (ctx, seq) => ({ value: new EncodedVideoChunk(ctx.chunks[seq % ctx.chunks.length]), release: () => {} }),
    badInputs: [() => ({ type: 'key', timestamp: 0, data: new Uint8Array(4) }), () => closedFrame(), () => undefined],
    submit: (codec, value) => codec.decode(value),
    isConfigSupported: (c) => VideoDecoder.isConfigSupported(c),
  },
  AudioEncoder: {
    make: (init) => new AudioEncoder(init),
    setup: async () => ({}),
    configs: () => ({
      valid: [{ codec: 'opus', sampleRate: 48000, numberOfChannels: 2 }, { codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2, bitrate: 96_000 }],
      unsupported: [{ codec: 'opus', sampleRate: 48000, numberOfChannels: 2, hardwareAcceleration: 'prefer-hardware' }, { codec: 'speex', sampleRate: 48000, numberOfChannels: 2 }],
      invalid: [{ codec: 'opus', sampleRate: 0, numberOfChannels: 2 }, { codec: '', sampleRate: 48000, numberOfChannels: 2 }],
    }),
    goodInput: (ctx, seq) => {
      const data = new Float32Array(480 * 2).map((_, k) => Math.sin((k + seq * 480) / 7) * 0.3);
      const a = new AudioData({ format: 'f32', sampleRate: 48000, numberOfFrames: 480, numberOfChannels: 2, timestamp: seq * 10_000, data });
      return { value: a, release: () => a.close() };
    },
    badInputs: [() => { const a = new AudioData({ format: 'f32', sampleRate: 48000, numberOfFrames: 1, numberOfChannels: 1, timestamp: 0, data: new Float32Array(1) }); a.close(); return a; }, () => ({ timestamp: 0 }), () => null],
    submit: (codec, value) => codec.encode(value),
    isConfigSupported: (c) => AudioEncoder.isConfigSupported(c),
  },
  AudioDecoder: {
    make: (init) => new AudioDecoder(init),
    setup: async () => ({}),
    configs: () => ({
      valid: [{ codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 2 }, { codec: 'ulaw', sampleRate: 8000, numberOfChannels: 1 }],
      unsupported: [{ codec: 'speex', sampleRate: 48000, numberOfChannels: 2 }, { codec: 'mp4a.40.99', sampleRate: 48000, numberOfChannels: 2 }],
      invalid: [{ codec: 'pcm-s16', sampleRate: 48000, numberOfChannels: 0 }, { codec: '', sampleRate: 48000, numberOfChannels: 2 }],
    }),
    goodInput: (ctx, seq) => ({ value: new EncodedAudioChunk({ type: 'key', timestamp: seq * 10_000, data: new Uint8Array(480 * 4).fill(seq & 0xff) }), release: () => {} }),
    badInputs: [() => ({ type: 'key', timestamp: 0, data: new Uint8Array(4) }), () => closedFrame(), () => undefined],
    submit: (codec, value) => codec.decode(value),
    isConfigSupported: (c) => AudioDecoder.isConfigSupported(c),
  },
};

// What each call may throw or reject with (WebCodecs §4/§5 and docs/ARCHITECTURE.md, "Errors").
const THROW_OK = new Set(['InvalidStateError', 'TypeError', 'DataError']);
const FLUSH_OK = new Set(['AbortError', 'InvalidStateError', 'EncodingError', 'NotSupportedError']);
const CALLBACK_OK = new Set(['NotSupportedError', 'EncodingError']);

async function sequence(row, ctx, rand, tally, promises) {
  const codecs = [];
  let seq = 0;
  const makeCodec = () => {
    const throwOutput = rand() < 0.3;
    const throwError = rand() < 0.5;
    const c = row.make({
      output: (o) => {
        if (o && typeof o.close === 'function') o.close();
        tally.ok('output');
        if (throwOutput && rand() < 0.3) throw new Thrown('output callback throws');
      },
      error: (e) => {
        if (CALLBACK_OK.has(F.errorName(e))) tally.ok(`error callback ${e.name}`);
        else tally.error(e, 'error callback');
        if (throwError) throw new Thrown('error callback throws');
      },
    });
    codecs.push(c);
    return c;
  };
  let codec = makeCodec();
  const configs = row.configs(ctx);
  const steps = 10 + rand.int(50);
  for (let s = 0; s < steps; s++) {
    // A closed codec only throws: most of the time, go on with a new one.
    if (codec.state === 'closed' && rand() < 0.6) codec = makeCodec();
    const op = rand.int(100);
    const call = (what, fn) => {
      try {
        fn();
        tally.ok(what);
      } catch (e) {
        if (THROW_OK.has(F.errorName(e))) tally.ok(`${what} threw ${F.errorName(e)}`);
        else tally.error(e, `${what} (state ${codec.state})`);
      }
    };
    if (op < 12) {
      const group = rand() < 0.7 ? 'valid' : rand() < 0.5 ? 'unsupported' : 'invalid';
      call(`configure ${group}`, () => codec.configure(rand.pick(configs[group])));
      if (group === 'valid') seq = 0;
    } else if (op < 50) {
      const input = row.goodInput(ctx, seq++);
      call('submit', () => row.submit(codec, input.value, rand));
      input.release();
    } else if (op < 55) {
      call('submit bad', () => row.submit(codec, rand.pick(row.badInputs)(), rand));
    } else if (op < 67) {
      const p = codec.flush();
      promises.push(p.then(() => tally.ok('flush resolved'), (e) => {
        if (FLUSH_OK.has(F.errorName(e))) tally.ok(`flush ${F.errorName(e)}`);
        else tally.error(e, 'flush');
      }));
    } else if (op < 73) {
      call('reset', () => codec.reset());
      seq = 0;
    } else if (op < 78) {
      call('close', () => codec.close());
    } else if (op < 82) {
      // A new codec; the old one is closed or simply forgotten.
      if (rand() < 0.5) call('close old', () => codec.close());
      codec = makeCodec();
      seq = 0;
    } else if (op < 86) {
      const throws = rand() < 0.5;
      codec.ondequeue = () => { tally.ok('dequeue'); if (throws) throw new Thrown('ondequeue throws'); };
    } else if (op < 90) {
      const cfg = rand.pick([...configs.valid, ...configs.unsupported, ...configs.invalid]);
      promises.push(row.isConfigSupported(cfg).then((r) => {
        if (typeof r.supported === 'boolean') tally.ok(`isConfigSupported ${r.supported}`);
        else tally.error(new Error(`isConfigSupported resolved ${JSON.stringify(r)}`), 'isConfigSupported');
      }, (e) => {
        if (F.errorName(e) === 'TypeError') tally.ok('isConfigSupported TypeError');
        else tally.error(e, 'isConfigSupported');
      }));
    } else if (op < 97) {
      await new Promise((r) => (rand() < 0.5 ? setImmediate(r) : setTimeout(r, rand.int(5))));
    } else {
      // Read-only attributes must not throw in any state.
      call('attributes', () => [codec.state, codec.encodeQueueSize, codec.decodeQueueSize]);
    }
  }
  // End: close some, forget the rest (the finalizer must take them).
  for (const c of codecs) if (rand() < 0.7 && c.state !== 'closed') c.close();
}

(async () => {
  const row = KINDS[params.kind];
  if (!row) throw new Error(`no row for ${params.kind}`);
  const b = F.budget(params.iterations);
  const ctx = await row.setup();
  const tally = new F.Tally([]);
  const promises = [];
  const start = Date.now();
  let i = 0;
  for (; i < b.iterations && (b.seconds === 0 || Date.now() - start < b.seconds * 1000); i++) {
    await sequence(row, ctx, F.rng(F.seedFor(b.seed, `random-calls ${params.kind}`, i)), tally, promises);
  }
  // Every promise settles.
  let unsettled = 0;
  await F.within(Promise.all(promises), SETTLE_MS, 'promises').catch(() => { unsettled = promises.length; });
  const live = await F.settledCounts(liveCounts, 10_000);
  const lastCallAt = Date.now();
  process.stdout.write(`RANDOM-RESULT ${JSON.stringify({
    kind: params.kind, seed: b.seed, iterations: i, promises: promises.length, unsettled, counts: tally.counts,
    violations: tally.violations, thrownReported, strayExceptions: strayExceptions.slice(0, 5), unhandled: unhandled.slice(0, 5),
    live, lastCallAt,
  })}\n`);
})().catch((e) => {
  process.stdout.write(`RANDOM-RESULT ${JSON.stringify({ kind: params.kind, harnessError: String(e && e.stack) })}\n`);
  process.exitCode = 2;
});
