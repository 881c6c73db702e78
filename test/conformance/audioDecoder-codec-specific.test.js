'use strict';
// Mirrors WPT webcodecs/audioDecoder-codec-specific.https.any.js over every variant it has
// (adts_aac, mp4_aac, mp3, opus, pcm_alaw/mulaw/u8/s16/s24/s32/f32, flac, vorbis) plus Opus in WebM.
// WPT ships fixed files; here each file is made by the ffmpeg CLI at test time from a 2-channel
// 48 kHz sweep and demuxed with mediabunny, and the decoded samples are compared with ffmpeg's own
// decode of the same file (same FFmpeg decoders, so they must agree to float precision): the
// "real files" check of issue 11 (sample counts and samples match ffmpeg's decode).
// WPT's own subtests (named as in WPT) run on the first chunks of each file, re-stamped as WPT does
// (type key, timestamp i × duration): a Vorbis decoder outputs nothing for its first packet, so
// there WPT expects one output fewer.

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const { AudioDecoder, EncodedAudioChunk, liveCounts, buildInfo } = require('../..');
const { execFileSync } = require('node:child_process');

// Our FFmpeg and the reference CLI's may be different releases (the bundled addon carries 7.1;
// Debian 12's `ffmpeg` is 5.1). Their Opus decoders then differ by up to 6.1e-5 (−84 dBFS, seen);
// the same release agrees to float precision. Every other decoder here agrees exactly either way.
const CLI_AVCODEC = (/libavcodec\s+(\d+)\.\s*(\d+)\.\s*(\d+)/.exec(execFileSync('ffmpeg', ['-hide_banner', '-version'], { encoding: 'utf8' })) || []).slice(1).join('.');
const SAME_FFMPEG = CLI_AVCODEC === buildInfo().libavcodec;
const floatTolerance = (codec) => (codec === 'opus' && !SAME_FFMPEG ? 1e-4 : 1e-6);
const { makeAudio, demuxAudio, interleavedFrom, snr, RATE, TYPED } = require('../helpers/audio-media');
const { closeAfterEach, isDOMException } = require('./wpt-utils');

const open = closeAfterEach();

const VARIANTS = [
  // name, file, ffmpeg encode args, ffmpeg decode flags for the reference (pre), expected output format.
  // delay: priming a raw stream (ADTS, MP3) carries no trace of, so decoded audio starts that many
  // samples late (containers with an edit list or pre-skip let both sides trim it).
  { name: 'adts_aac', file: 'sweep.aac', args: ['-c:a', 'aac', '-b:a', '128k'], format: 'f32-planar', delay: 1024 },
  // MP4's edit list makes the demuxer start the first chunk at −1024 samples; as Chrome, the decoder
  // starts its output at 0 with the priming (WebCodecs never sees the edit list), where ffmpeg trims it.
  { name: 'mp4_aac', file: 'sweep.m4a', args: ['-c:a', 'aac', '-b:a', '128k'], format: 'f32-planar', delay: 1024, trimmedByFfmpeg: 1024 },
  // The mp3 demuxer's gapless trim (LAME tag) is container metadata WebCodecs never sees: ffmpeg
  // decodes without it (skip_manual) so both sides hold the same samples.
  { name: 'mp3', file: 'sweep.mp3', args: ['-c:a', 'libmp3lame', '-b:a', '192k'], pre: ['-flags2', '+skip_manual'], format: 'f32-planar', delay: 1105 },
  // We decode Opus with libopus in float (as Chrome outputs f32); ffmpeg is asked for the same.
  { name: 'opus', file: 'sweep.opus.ogg', args: ['-c:a', 'libopus', '-b:a', '128k'], pre: ['-c:a', 'libopus', '-request_sample_fmt', 'flt'], format: 'f32' },
  { name: 'opus_webm', file: 'sweep.webm', args: ['-c:a', 'libopus', '-b:a', '128k'], pre: ['-c:a', 'libopus', '-request_sample_fmt', 'flt'], format: 'f32' },
  { name: 'pcm_alaw', file: 'alaw.wav', args: ['-c:a', 'pcm_alaw'], format: 's16' },
  { name: 'pcm_mulaw', file: 'mulaw.wav', args: ['-c:a', 'pcm_mulaw'], format: 's16' },
  { name: 'pcm_u8', file: 'u8.wav', args: ['-c:a', 'pcm_u8'], format: 'u8' },
  { name: 'pcm_s16', file: 's16.wav', args: ['-c:a', 'pcm_s16le'], format: 's16' },
  { name: 'pcm_s24', file: 's24.wav', args: ['-c:a', 'pcm_s24le'], format: 's32' },
  { name: 'pcm_s32', file: 's32.wav', args: ['-c:a', 'pcm_s32le'], format: 's32' },
  { name: 'pcm_f32', file: 'f32.wav', args: ['-c:a', 'pcm_f32le'], format: 'f32' },
  { name: 'flac', file: 'sweep.flac', args: ['-c:a', 'flac', '-sample_fmt', 's16'], format: 's16' },
  { name: 'flac_24bit', file: 'sweep24.flac', args: ['-c:a', 'flac', '-sample_fmt', 's32'], format: 's32' },
  { name: 'vorbis', file: 'sweep.vorbis.ogg', args: ['-c:a', 'libvorbis', '-q:a', '6'], format: 'f32-planar' },
];

/** ffmpeg's decode of `file` as interleaved samples of `fmt` (u8 | s16 | s32 | f32). */
function ffmpegRef(v, file, fmt) {
  const { spawnSync } = require('node:child_process');
  const muxer = { u8: 'u8', s16: 's16le', s32: 's32le', f32: 'f32le' }[fmt];
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...(v.pre || []), '-i', file, '-f', muxer, '-'], { maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, String(r.stderr));
  const T = TYPED[fmt];
  return new T(r.stdout.buffer.slice(r.stdout.byteOffset, r.stdout.byteOffset + r.stdout.byteLength));
}

async function decodeAll(config, chunks) {
  const outputs = [];
  const errors = [];
  const d = new AudioDecoder({ output: (a) => outputs.push(a), error: (e) => errors.push(e) });
  open.add(d);
  d.configure(config);
  for (const c of chunks) d.decode(new EncodedAudioChunk(c));
  await d.flush();
  d.close();
  assert.deepEqual(errors, []);
  return outputs;
}

for (const v of VARIANTS) {
  describe(`audioDecoder-codec-specific: ${v.name}`, () => {
    let media;
    const load = async () => {
      if (!media) {
        const file = makeAudio(v.file, v.args);
        media = { file, ...(await demuxAudio(file)) };
      }
      return media;
    };

    // WPT's promise_setup asks this (no description) and skips the whole variant unless it is
    // supported: ?flac and ?vorbis ran no subtest while it answered false for want of one.
    test('WPT setup: isConfigSupported() without description says supported', async () => {
      const { config } = await load();
      const r = await AudioDecoder.isConfigSupported({ codec: config.codec, sampleRate: config.sampleRate, numberOfChannels: config.numberOfChannels });
      assert.equal(r.supported, true);
    });

    test('Test isConfigSupported()', async () => {
      const { config } = await load();
      const r = await AudioDecoder.isConfigSupported(config);
      assert.equal(r.supported, true);
      assert.equal(r.config.codec, config.codec);
      assert.equal(r.config.sampleRate, config.sampleRate);
      assert.equal(r.config.numberOfChannels, config.numberOfChannels);
      if (config.description) assert.notEqual(r.config.description, config.description, 'description is copied');
    });

    test('Decode all chunks: format, rate, channels, timestamps, and samples equal to ffmpeg\'s decode', async () => {
      const { file, config, chunks } = await load();
      const outputs = await decodeAll(config, chunks);
      try {
      assert.ok(outputs.length > 0);
      for (const a of outputs) {
        assert.equal(a.format, v.format);
        assert.equal(a.sampleRate, RATE);
        assert.equal(a.numberOfChannels, 2);
      }
      // Timestamps are continuous: each output starts where the previous one ended (±1 µs rounding).
      for (let i = 1; i < outputs.length; i++) {
        const expected = outputs[i - 1].timestamp + outputs[i - 1].numberOfFrames * 1e6 / RATE;
        assert.ok(Math.abs(outputs[i].timestamp - expected) <= 1, `${v.name}: output ${i} at ${outputs[i].timestamp}, expected ${expected}`);
      }
      // Compared in the decoder's own sample type (integers exactly; floats to float precision).
      const fmt = v.format.replace('-planar', '');
      const ours = interleavedFrom(outputs, 0, fmt).subarray(2 * (v.trimmedByFfmpeg || 0));
      const ref = ffmpegRef(v, file, fmt);
      // Sample counts: ffmpeg also trims the end (Ogg granule / MP4 edit list); we keep the codec's
      // whole last frame, so ours may be longer by less than one codec frame, never shorter.
      const frame = 2 * 4096;
      assert.ok(ours.length >= ref.length - 2 && ours.length - ref.length < frame,
        `${v.name}: decoded ${ours.length / 2} frames, ffmpeg ${ref.length / 2}`);
      let maxDiff = 0;
      for (let i = 0; i < ref.length && i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ref[i] - ours[i]));
      assert.ok(maxDiff <= (fmt === 'f32' ? floatTolerance(config.codec) : 0), `${v.name}: max difference to ffmpeg ${maxDiff}`);
      } finally {
        for (const a of outputs) a.close();
      }
    });

    test('Decoded audio is the sweep (SNR against the source)', async () => {
      const { config, chunks } = await load();
      const outputs = await decodeAll(config, chunks);
      const ours = interleavedFrom(outputs, 0);
      const { sweepAt } = require('../helpers/audio-media');
      const src = new Float32Array(RATE * 2);
      for (let i = 0; i < RATE; i++) { src[2 * i] = sweepAt(0, i); src[2 * i + 1] = sweepAt(1, i); }
      const lossy = /aac|mp3|opus|vorbis/.test(v.name);
      const law = /alaw|mulaw/.test(v.name);
      const min = lossy ? 12 : law ? 30 : v.name === 'pcm_u8' ? 40 : 80;
      const s = snr(src, ours.subarray(2 * (v.delay || 0)));
      assert.ok(s > min, `${v.name}: SNR ${s.toFixed(1)} dB (expected > ${min})`);
      for (const a of outputs) a.close();
    });

    // ------------------------------------------------ WPT's subtests, on WPT-shaped chunks
    /** WPT's CONFIG, CHUNK_DATA and CHUNKS: the first 10 chunks, key, at i × duration. */
    const wpt = async () => {
      const { config, chunks } = await load();
      const duration = chunks[0].duration;
      const CHUNK_DATA = chunks.slice(0, 10).map((c) => c.data);
      const CHUNKS = CHUNK_DATA.map((data, i) => new EncodedAudioChunk({ type: 'key', timestamp: i * duration, duration, data }));
      return { CONFIG: config, CHUNK_DATA, CHUNKS, duration };
    };
    const vorbis = v.name === 'vorbis';
    /** WPT's createAudioDecoder(t, callbacks): callbacks may be swapped later; anything else fails. */
    const createAudioDecoder = (callbacks = {}) => {
      const problems = [];
      const d = new AudioDecoder({
        output: (a) => (callbacks.output ? callbacks.output(a) : (problems.push('unexpected output'), a.close())),
        error: (e) => (callbacks.error ? callbacks.error(e) : problems.push(`unexpected error: ${e.name}: ${e.message}`)),
      });
      open.add(d);
      d.problems = problems;
      return d;
    };

    test('Test that AudioDecoder.isConfigSupported() returns a parsed configuration', async () => {
      const { CONFIG } = await wpt();
      const validConfig = { ...CONFIG, futureConfigFeature: 'foo' };
      const support = await AudioDecoder.isConfigSupported(validConfig);
      assert.ok(Object.hasOwn(support, 'supported'));
      assert.ok(Object.hasOwn(support, 'config'));
      assert.equal(Object.hasOwn(support.config, 'futureConfigFeature'), false);
      assert.equal(support.config.codec, validConfig.codec);
      assert.equal(support.config.sampleRate, validConfig.sampleRate);
      assert.equal(support.config.numberOfChannels, validConfig.numberOfChannels);
      if (validConfig.description) {
        assert.notEqual(support.config.description, validConfig.description, 'description is unique');
        const bytes = (b) => (ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b));
        assert.deepEqual([...bytes(support.config.description)], [...bytes(validConfig.description)], 'description');
      } else {
        assert.equal(Object.hasOwn(support.config, 'description'), false, 'description');
      }
    });

    test('Test configure()', async () => {
      const { CONFIG } = await wpt();
      const d = createAudioDecoder();
      d.configure(CONFIG);
      assert.equal(d.state, 'configured');
      assert.deepEqual(d.problems, []);
    });

    test('Verify closed AudioDecoder operations', async () => {
      const { CONFIG, CHUNKS } = await wpt();
      const d = createAudioDecoder();
      d.close();
      assert.equal(d.state, 'closed');
      assert.throws(() => d.configure(CONFIG), isDOMException('InvalidStateError'));
      assert.throws(() => d.reset(), isDOMException('InvalidStateError'));
      assert.throws(() => d.close(), isDOMException('InvalidStateError'));
      assert.throws(() => d.decode(CHUNKS[0]), isDOMException('InvalidStateError'));
      await assert.rejects(d.flush(), isDOMException('InvalidStateError'));
    });

    test('Test decoding', async () => {
      const { CONFIG, CHUNKS } = await wpt();
      let outputs = 0;
      const d = createAudioDecoder({ output: (a) => { outputs++; a.close(); } });
      d.configure(CONFIG);
      for (const c of CHUNKS) d.decode(c);
      await d.flush();
      assert.equal(outputs, vorbis ? CHUNKS.length - 1 : CHUNKS.length, 'outputs');
      assert.deepEqual(d.problems, []);
    });

    for (const [sign, ts] of [['negative', -42], ['positive', 42]]) {
      test(`Test decoding a with a ${sign} timestamp`, async () => {
        const { CONFIG, CHUNK_DATA, duration } = await wpt();
        let outputs = 0;
        const first = [];
        const d = createAudioDecoder({ output: (a) => { if (outputs === 0) first.push(a.timestamp); outputs++; a.close(); } });
        d.configure(CONFIG);
        d.decode(new EncodedAudioChunk({ type: 'key', timestamp: ts, data: CHUNK_DATA[0] }));
        d.decode(new EncodedAudioChunk({ type: 'key', timestamp: duration + ts, data: CHUNK_DATA[1] }));
        await d.flush();
        // Deviation, deliberate: WPT expects -42; outputs start at the first chunk's timestamp
        // clamped to 0, as Chrome's (its own WPT expectations fail this subtest with "expected -42
        // but got 0").
        assert.equal(first[0], Math.max(ts, 0), 'timestamp of the first output');
        assert.equal(outputs, vorbis ? 1 : 2, 'outputs');
        assert.deepEqual(d.problems, []);
      });
    }

    test('Test decoding after flush (WPT)', async () => {
      const { CONFIG, CHUNKS } = await wpt();
      let outputs = 0;
      const d = createAudioDecoder({ output: (a) => { outputs++; a.close(); } });
      d.configure(CONFIG);
      d.decode(CHUNKS[0]);
      d.decode(CHUNKS[1]);
      await d.flush();
      assert.equal(outputs, vorbis ? 1 : 2, 'outputs');
      d.decode(CHUNKS[2]);
      await d.flush();
      assert.equal(outputs, vorbis ? 2 : 3, 'outputs');
      assert.deepEqual(d.problems, []);
    });

    test('Test reset during flush', async () => {
      const { CONFIG, CHUNKS } = await wpt();
      const callbacks = {};
      const d = createAudioDecoder(callbacks);
      d.configure(CONFIG);
      // Vorbis: its first chunk outputs nothing, so a third one makes sure a first output comes.
      for (const c of CHUNKS.slice(0, vorbis ? 3 : 2)) d.decode(c);
      const flushDone = d.flush();
      let outputs = 0;
      await new Promise((resolve) => {
        callbacks.output = (a) => {
          outputs++;
          assert.equal(outputs, 1, 'outputs');
          d.reset();
          a.close();
          resolve();
        };
      });
      await assert.rejects(flushDone, isDOMException('AbortError'));
      assert.equal(outputs, 1, 'outputs');
      assert.deepEqual(d.problems, []);
    });

    test('AudioDecoder decodeQueueSize test', async () => {
      const { CONFIG, CHUNKS } = await wpt();
      const d = createAudioDecoder({ output: (a) => a.close() });
      assert.equal(d.decodeQueueSize, 0);
      d.configure(CONFIG);
      assert.equal(d.decodeQueueSize, 0);
      let lastDequeueSize = Infinity;
      const problems = [];
      d.ondequeue = () => {
        if (!(lastDequeueSize > 0)) problems.push('dequeue event after queue empty');
        if (!(lastDequeueSize > d.decodeQueueSize)) problems.push('dequeue event without decreased queue size');
        lastDequeueSize = d.decodeQueueSize;
      };
      for (const c of CHUNKS) d.decode(c);
      assert.ok(d.decodeQueueSize >= 0 && d.decodeQueueSize <= CHUNKS.length);
      await d.flush();
      assert.equal(d.decodeQueueSize, 0);
      assert.equal(lastDequeueSize, 0);
      lastDequeueSize = Infinity;
      for (const c of CHUNKS) d.decode(c);
      d.reset();
      assert.equal(d.decodeQueueSize, 0);
      assert.deepEqual(problems, []);
      assert.deepEqual(d.problems, []);
    });

    test('Verify reset() suppresses outputs', async () => {
      const { config, chunks } = await load();
      let outputs = 0;
      const d = new AudioDecoder({ output: (a) => { outputs++; a.close(); }, error: (e) => assert.fail(e) });
      open.add(d);
      d.configure(config);
      for (const c of chunks.slice(0, 5)) d.decode(new EncodedAudioChunk(c));
      d.reset();
      assert.equal(d.decodeQueueSize, 0);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(outputs, 0);
      assert.equal(d.state, 'unconfigured');
      d.close();
    });

    test('Test decoding after flush', async () => {
      const { config, chunks } = await load();
      const outputs = [];
      const d = new AudioDecoder({ output: (a) => outputs.push(a), error: (e) => assert.fail(e) });
      open.add(d);
      d.configure(config);
      d.decode(new EncodedAudioChunk(chunks[0]));
      await d.flush();
      const afterFirst = outputs.length;
      for (const c of chunks.slice(0, 4)) d.decode(new EncodedAudioChunk(c));
      await d.flush();
      assert.ok(outputs.length > afterFirst, 'outputs after the flush');
      for (const a of outputs) a.close();
      d.close();
    });
  });
}

test('counters return to zero after every decoder closed', async () => {
  await new Promise((r) => setTimeout(r, 100));
  const c = liveCounts();
  assert.equal(c.audioData, 0);
  assert.equal(c.codecContexts, 0);
});
