'use strict';
// test/conformance: mirrors web-platform-tests webcodecs/videoDecoder-codec-specific.https.any.js
// (with its setup file videoDecoder-codec-specific-setup.js) and
// videoDecoder-codec-specific-orientation.https.any.js, for every variant this build decodes.
//
// Deviations:
// - Media: WPT fetches small prepared files (320×240, 10 frames) and slices chunks at fixed
//   offsets. Without network, the ffmpeg CLI makes them here at test time (testsrc2, 320×240,
//   20 frames, a key frame every 10, no B-frames; test/helpers/video-media.js) and they are
//   demuxed (mp4box for MP4, mediabunny for WebM, an AUD splitter for Annex B). Chunk timestamps
//   and durations are the container's (µs) instead of WPT's 0, 1, 2 …
// - Variants: WPT's av1, vp8, vp9, h264_avc, h264_annexb, h265_hevc, h265_annexb, plus
//   h264 Baseline (Annex B), h264 High 10 and HEVC Main 10 (I420P10 output), VP9 profile 1
//   (I444) and profile 2 (I420P10). The h264_annexb file signals BT.709 in its VUI.
// - Added checks per variant: a whole-stream decode (frame count, timestamps and durations in
//   presentation order, format, visibleRect, display size, pixels equal to ffmpeg's own decode of
//   the file); "description stripped" (avc/hevc: the same chunks as Annex B with the parameter sets
//   in the key chunks, no description, same pixels); reset or flush mid-stream (the next chunk must
//   be a key chunk: DataError; decoding resumes at the next key chunk); colorSpace from the
//   bitstream, else from the config; displayAspect → display size; rotation/flip carried.
// - Extra cropping tests (H.264/HEVC at 320×180: visibleRect from the bitstream's cropping).
// - WPT's createCorruptChunk() overwrites the shared chunk bytes in place; here it corrupts a copy.
// Fails (does not skip) while the package has no VideoDecoder; skips only without the ffmpeg CLI.

const { test, describe, before, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const api = require('../..');
const { EncodedVideoChunk } = api;
const { isTypeError, isDOMException, stepWait, sleep } = require('./wpt-utils');
const media = require('../helpers/video-media');

const VideoDecoder = videoDecoderOrFail();
function videoDecoderOrFail() { return media.videoDecoderOrFail(api, __filename); }

const HAS_FFMPEG = media.hasCommand('ffmpeg') && media.hasCommand('ffprobe');
const skip = !HAS_FFMPEG && 'the ffmpeg CLI makes the test media and is not installed';

const W = 320;
const H = 240;
const PIX_FMT = { I420: 'yuv420p', I420P10: 'yuv420p10le', I444: 'yuv444p' };

const VARIANTS = {
  h264_avc: { media: 'h264_high_mp4', format: 'I420' },
  h264_annexb: { media: 'h264_main_annexb', format: 'I420', bitstreamColorSpace: { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false } },
  h264_baseline_annexb: { media: 'h264_baseline_annexb', format: 'I420' },
  h264_high10_avc: { media: 'h264_high10_mp4', format: 'I420P10' },
  h265_hevc: { media: 'h265_main_mp4', format: 'I420' },
  h265_annexb: { media: 'h265_main_annexb', format: 'I420' },
  h265_main10_hevc: { media: 'h265_main10_mp4', format: 'I420P10' },
  vp8: { media: 'vp8_webm', format: 'I420' },
  vp9_p0: { media: 'vp9_p0_webm', format: 'I420' },
  vp9_p1: { media: 'vp9_p1_webm', format: 'I444' },
  vp9_p2: { media: 'vp9_p2_webm', format: 'I420P10' },
  av1: { media: 'av1_webm', format: 'I420' },
};

// ---------------------------------------------------------------- helpers (after the WPT setup file)

let problems = [];
const open = new Set();
afterEach(() => {
  for (const d of open) if (d.state !== 'closed') d.close();
  open.clear();
  const p = problems;
  problems = [];
  assert.deepEqual(p, [], 'unexpected callbacks');
});

/** WPT's createVideoDecoder(t, callbacks): callbacks may be swapped later; missing ones are failures. */
function createVideoDecoder(callbacks = {}) {
  const decoder = new VideoDecoder({
    output(frame) {
      if (callbacks.output) callbacks.output(frame);
      else { problems.push(`unexpected output (timestamp ${frame.timestamp})`); frame.close(); }
    },
    error(e) {
      if (callbacks.error) callbacks.error(e);
      else problems.push(`unexpected error: ${e.name}: ${e.message}`);
    },
  });
  open.add(decoder);
  return decoder;
}

/** A corrupt copy of chunk data `data` (every fourth byte 0xFF, as WPT's createCorruptChunk()), as a delta chunk. */
function createCorruptChunk(data, timestamp) {
  const bad = data.slice();
  for (let i = 0; i < bad.length; i += 4) bad[i] = 0xff;
  return new EncodedVideoChunk({ type: 'delta', timestamp, data: bad });
}

/** Decode all `chunks` with `config`, flush, return the frames' properties and (if `pixels`) their bytes. */
async function decodeAll(config, chunks, { pixels = false } = {}) {
  const frames = [];
  const decoder = createVideoDecoder({ output: (f) => frames.push(f) });
  decoder.configure(config);
  for (const c of chunks) decoder.decode(c);
  await decoder.flush();
  decoder.close();
  const out = [];
  for (const f of frames) {
    const o = {
      timestamp: f.timestamp, duration: f.duration, format: f.format, codedWidth: f.codedWidth, codedHeight: f.codedHeight,
      visibleRect: f.visibleRect && { x: f.visibleRect.x, y: f.visibleRect.y, width: f.visibleRect.width, height: f.visibleRect.height },
      displayWidth: f.displayWidth, displayHeight: f.displayHeight, colorSpace: f.colorSpace.toJSON(),
      rotation: f.rotation, flip: f.flip,
    };
    if (pixels) {
      o.bytes = new Uint8Array(f.allocationSize());
      await f.copyTo(o.bytes);
    }
    f.close();
    out.push(o);
  }
  return out;
}

const waitFor = (fn) => new Promise((resolve) => fn(resolve));

// ---------------------------------------------------------------- the variants

for (const [variant, v] of Object.entries(VARIANTS)) {
  describe(`?${variant}`, { skip }, () => {
    let CONFIG;
    let CHUNK_DATA;
    let CHUNKS;
    let DEMUXED;
    let FILE;
    before(async () => {
      FILE = media.makeEncoded(v.media);
      DEMUXED = await media.demux(FILE);
      CONFIG = { ...DEMUXED.config, codedWidth: W, codedHeight: H, displayAspectWidth: W, displayAspectHeight: H };
      CHUNK_DATA = DEMUXED.chunks.map((c) => c.data);
      CHUNKS = media.toChunks(EncodedVideoChunk, DEMUXED.chunks);
      assert.equal(CHUNKS[0].type, 'key');
      assert.equal(CHUNKS[1].type, 'delta');
      assert.equal(CHUNKS[10].type, 'key');
    });

    test('Test isConfigSupported()', async () => {
      const support = await VideoDecoder.isConfigSupported(CONFIG);
      assert.equal(support.supported, true);
    });

    test('Test isConfigSupported() with 1080p crop', async () => {
      const config = { codec: CONFIG.codec, codedWidth: 1920, codedHeight: 1088, displayAspectWidth: 1920, displayAspectHeight: 1080 };
      assert.equal((await VideoDecoder.isConfigSupported(config)).supported, true);
    });

    test('Test that isConfigSupported() returns a parsed configuration', async () => {
      const config = { ...CONFIG, colorSpace: { primaries: 'bt709' }, futureConfigFeature: 'foo' };
      const support = await VideoDecoder.isConfigSupported(config);
      assert.equal(support.supported, true);
      const c = support.config;
      for (const k of ['codec', 'codedWidth', 'codedHeight', 'displayAspectWidth', 'displayAspectHeight']) assert.equal(c[k], config[k], k);
      assert.equal(c.colorSpace.primaries, 'bt709');
      assert.equal(c.colorSpace.transfer, null);
      assert.equal(c.colorSpace.matrix, null);
      assert.equal(c.colorSpace.fullRange, null);
      assert.equal(Object.hasOwn(c, 'futureConfigFeature'), false);
      if (config.description) {
        assert.notEqual(c.description, config.description, 'description is unique');
        const bytes = ArrayBuffer.isView(c.description)
          ? new Uint8Array(c.description.buffer, c.description.byteOffset, c.description.byteLength) : new Uint8Array(c.description);
        assert.deepEqual([...bytes], [...config.description]);
      } else {
        assert.equal(Object.hasOwn(c, 'description'), false);
      }
    });

    test('Test invalid configs', async () => {
      for (const [config, what] of [[{ ...CONFIG, codedWidth: 0 }, 'invalid codedWidth'], [{ ...CONFIG, displayAspectWidth: 0 }, 'invalid displayAspectWidth']]) {
        await assert.rejects(VideoDecoder.isConfigSupported(config), isTypeError, what);
        const decoder = createVideoDecoder();
        assert.throws(() => decoder.configure(config), isTypeError, what);
        assert.equal(decoder.state, 'unconfigured', 'state');
      }
    });

    test('Test configure()', () => {
      const decoder = createVideoDecoder();
      decoder.configure(CONFIG);
      assert.equal(decoder.state, 'configured');
    });

    test('Decode a key frame', async () => {
      const callbacks = {};
      const decoder = createVideoDecoder(callbacks);
      decoder.configure(CONFIG);
      decoder.decode(CHUNKS[0]);
      let outputs = 0;
      callbacks.output = (frame) => {
        outputs++;
        assert.equal(frame.timestamp, CHUNKS[0].timestamp, 'timestamp');
        assert.equal(frame.duration, CHUNKS[0].duration, 'duration');
        frame.close();
      };
      await decoder.flush();
      assert.equal(outputs, 1, 'outputs');
    });

    test('Decode the whole stream: count, order, timestamps, durations, format, sizes, pixels as ffmpeg decodes them', async () => {
      const frames = await decodeAll(CONFIG, CHUNKS, { pixels: true });
      assert.equal(frames.length, CHUNKS.length, 'one frame per chunk');
      const byTs = [...DEMUXED.chunks].sort((a, b) => a.timestamp - b.timestamp);
      const reference = media.ffmpegFrames(FILE, PIX_FMT[v.format], W, H);
      assert.equal(reference.length, frames.length, 'ffmpeg decodes as many frames');
      frames.forEach((f, i) => {
        assert.equal(f.timestamp, byTs[i].timestamp, `timestamp of frame ${i} (presentation order)`);
        assert.equal(f.duration, byTs[i].duration, `duration of frame ${i}`);
        assert.equal(f.format, v.format, 'format');
        assert.deepEqual(f.visibleRect, { x: 0, y: 0, width: W, height: H }, 'visibleRect');
        assert.ok(f.codedWidth >= W && f.codedHeight >= H, `coded size ${f.codedWidth}×${f.codedHeight}`);
        assert.deepEqual([f.displayWidth, f.displayHeight], [W, H], 'display size');
        assert.deepEqual([f.rotation, f.flip], [0, false]);
        assert.equal(f.bytes.length, reference[i].length, `frame ${i}: tightly packed ${v.format} of the visible rect`);
        assert.ok(Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.length).equals(reference[i]), `frame ${i}: pixels equal ffmpeg's decode`);
        if (i) assert.ok(!Buffer.from(f.bytes).equals(Buffer.from(frames[i - 1].bytes)), `frame ${i} differs from frame ${i - 1} (moving content)`);
      });
    });

    if (v.media.endsWith('_mp4')) {
      test('Decode with the description stripped (Annex B chunks, parameter sets in the key chunks, no description)', async () => {
        const stripped = media.toAnnexB(DEMUXED);
        const withDesc = await decodeAll(CONFIG, CHUNKS, { pixels: true });
        const { description, ...noDesc } = CONFIG;
        assert.ok(description);
        const without = await decodeAll({ ...noDesc, codec: stripped.config.codec }, media.toChunks(EncodedVideoChunk, stripped.chunks), { pixels: true });
        assert.equal(without.length, withDesc.length);
        without.forEach((f, i) => {
          assert.equal(f.timestamp, withDesc[i].timestamp);
          assert.ok(Buffer.from(f.bytes).equals(Buffer.from(withDesc[i].bytes)), `frame ${i} identical`);
        });
      });
    }

    test('Decode a non key frame first fails', () => {
      const decoder = createVideoDecoder();
      decoder.configure(CONFIG);
      assert.equal(CHUNKS[1].type, 'delta');
      assert.throws(() => decoder.decode(CHUNKS[1]), isDOMException('DataError'));
    });

    test('Decode a key frame marked as delta fails', () => {
      const decoder = createVideoDecoder();
      decoder.configure(CONFIG);
      const mismarked = new EncodedVideoChunk({ type: 'delta', timestamp: 0, duration: 1, data: CHUNK_DATA[0] });
      assert.throws(() => decoder.decode(mismarked), isDOMException('DataError'));
    });

    test('Verify reset() suppresses outputs', async () => {
      const callbacks = {};
      const decoder = createVideoDecoder(callbacks);
      decoder.configure(CONFIG);
      for (let i = 0; i < 16; i++) decoder.decode(new EncodedVideoChunk({ type: 'key', timestamp: 0, data: CHUNK_DATA[0] }));
      assert.ok(decoder.decodeQueueSize > 0, 'decodeQueueSize');
      let outputs = 0;
      await waitFor((resolve) => {
        callbacks.output = (frame) => {
          outputs++;
          assert.equal(outputs, 1, 'outputs');
          assert.equal(frame.timestamp, 0, 'timestamp');
          frame.close();
          decoder.reset();
          assert.equal(decoder.decodeQueueSize, 0, 'decodeQueueSize');
          resolve();
        };
      });
      decoder.configure(CONFIG);
      for (let i = 0; i < 4; i++) decoder.decode(new EncodedVideoChunk({ type: 'key', timestamp: 1, data: CHUNK_DATA[0] }));
      callbacks.output = (frame) => {
        outputs++;
        if (frame.timestamp !== 1) problems.push(`output from before reset(): timestamp ${frame.timestamp}`);
        frame.close();
      };
      await decoder.flush();
      assert.equal(outputs, 5);
      assert.equal(decoder.decodeQueueSize, 0);
    });

    test('Test unconfigured VideoDecoder operations', async () => {
      const decoder = createVideoDecoder();
      assert.equal(decoder.state, 'unconfigured');
      decoder.reset();
      assert.equal(decoder.state, 'unconfigured');
      assert.throws(() => decoder.decode(CHUNKS[0]), isDOMException('InvalidStateError'), 'decode');
      await assert.rejects(decoder.flush(), isDOMException('InvalidStateError'), 'flush');
    });

    test('Test closed VideoDecoder operations', async () => {
      const decoder = createVideoDecoder();
      decoder.close();
      assert.equal(decoder.state, 'closed');
      assert.throws(() => decoder.configure(CONFIG), isDOMException('InvalidStateError'), 'configure');
      assert.throws(() => decoder.reset(), isDOMException('InvalidStateError'), 'reset');
      assert.throws(() => decoder.close(), isDOMException('InvalidStateError'), 'close');
      assert.throws(() => decoder.decode(CHUNKS[0]), isDOMException('InvalidStateError'), 'decode');
      await assert.rejects(decoder.flush(), isDOMException('InvalidStateError'), 'flush');
    });

    for (const [name, makeBad] of [
      ['Decode empty frame', () => new EncodedVideoChunk({ type: 'key', timestamp: 1, data: new ArrayBuffer(0) })],
      ['Decode corrupt frame', () => createCorruptChunk(CHUNK_DATA[2], 2)],
    ]) {
      test(name, async () => {
        let errors = 0;
        let outputs = 0;
        const callbacks = { output: (f) => { outputs++; f.close(); } };
        const gotError = new Promise((resolve) => { callbacks.error = (e) => { errors++; resolve(e); }; });
        const decoder = createVideoDecoder(callbacks);
        decoder.configure(CONFIG);
        decoder.decode(CHUNKS[0]); // key frame first
        decoder.decode(makeBad());
        await assert.rejects(decoder.flush(), (e) => {
          assert.equal(errors, 1, 'the error callback ran first');
          return isDOMException('EncodingError')(e);
        });
        assert.ok(outputs <= 1, `outputs ${outputs}`);
        const e = await gotError;
        assert.ok(isDOMException('EncodingError')(e));
        assert.equal(decoder.state, 'closed', 'state');
        await sleep(20);
        assert.equal(errors, 1, 'one error callback');
      });
    }

    // Extra: WPT corrupts one chunk of its own file; which bytes the corruption hits (a NAL or OBU
    // header, or only payload) depends on the file, so here every delta chunk of the first GOP is
    // tried. Each must end in EncodingError, not decode to nothing in silence. Known gap (todo):
    // FFmpeg's VP8 decoder turns some corrupt chunks of this file into a picture without an error.
    const todo = variant === 'vp8' && 'FFmpeg\'s vp8 decoder conceals some corrupt chunks (a frame, no error)';
    test('Decode corrupt frame: every delta chunk of the first GOP', { todo }, async () => {
      for (let i = 1; i < 10; i++) {
        const errors = [];
        const decoder = createVideoDecoder({ output: (f) => f.close(), error: (e) => errors.push(e) });
        decoder.configure(CONFIG);
        decoder.decode(CHUNKS[0]);
        decoder.decode(createCorruptChunk(CHUNK_DATA[i], i));
        await assert.rejects(decoder.flush(), isDOMException('EncodingError'), `chunk ${i}`);
        assert.equal(errors.length, 1, `chunk ${i}: one error callback`);
        assert.equal(decoder.state, 'closed');
      }
    });

    test('Close while decoding corrupt frame', async () => {
      const decoder = createVideoDecoder();
      decoder.configure(CONFIG);
      decoder.decode(CHUNKS[0]);
      decoder.decode(createCorruptChunk(CHUNK_DATA[1], 1));
      const flushDone = decoder.flush();
      decoder.close();
      // Rejected synchronously by close(), with no output() or error() callbacks (afterEach checks).
      await assert.rejects(flushDone, isDOMException('AbortError'));
      await sleep(20);
    });

    test('Test decoding after flush', async () => {
      let outputs = 0;
      const decoder = createVideoDecoder({ output: (f) => { outputs++; f.close(); } });
      decoder.configure(CONFIG);
      decoder.decode(CHUNKS[0]);
      await decoder.flush();
      assert.equal(outputs, 1, 'outputs');
      decoder.decode(CHUNKS[0]);
      await decoder.flush();
      assert.equal(outputs, 2, 'outputs');
    });

    test('After flush() the next chunk must be a key chunk (DataError), decoding resumes at one', async () => {
      const ts = [];
      const decoder = createVideoDecoder({ output: (f) => { ts.push(f.timestamp); f.close(); } });
      decoder.configure(CONFIG);
      for (let i = 0; i < 5; i++) decoder.decode(CHUNKS[i]);
      await decoder.flush();
      assert.throws(() => decoder.decode(CHUNKS[5]), isDOMException('DataError'));
      assert.equal(decoder.state, 'configured');
      for (let i = 10; i < 15; i++) decoder.decode(CHUNKS[i]);
      await decoder.flush();
      assert.deepEqual(ts, [...CHUNKS.slice(0, 5), ...CHUNKS.slice(10, 15)].map((c) => c.timestamp));
    });

    test('reset() mid-stream: nothing more from before it, DataError for a delta chunk, resumes at the next key chunk', async () => {
      const ts = [];
      const decoder = createVideoDecoder({ output: (f) => { ts.push(f.timestamp); f.close(); } });
      decoder.configure(CONFIG);
      for (let i = 0; i < 8; i++) decoder.decode(CHUNKS[i]);
      decoder.reset();
      assert.equal(decoder.state, 'unconfigured');
      assert.equal(decoder.decodeQueueSize, 0);
      const before = ts.length;
      decoder.configure(CONFIG);
      assert.throws(() => decoder.decode(CHUNKS[8]), isDOMException('DataError'));
      for (let i = 10; i < CHUNKS.length; i++) decoder.decode(CHUNKS[i]);
      await decoder.flush();
      assert.ok(before <= 8);
      assert.deepEqual(ts.slice(before), CHUNKS.slice(10).map((c) => c.timestamp), 'only frames decoded after reset()');
    });

    test('Test decoding a with negative timestamp', async () => {
      let outputs = 0;
      const decoder = createVideoDecoder({
        output: (frame) => { outputs++; assert.equal(frame.timestamp, -42, 'timestamp'); frame.close(); },
      });
      decoder.configure(CONFIG);
      decoder.decode(new EncodedVideoChunk({ type: 'key', timestamp: -42, data: CHUNK_DATA[0] }));
      await decoder.flush();
      assert.equal(outputs, 1, 'outputs');
    });

    test('Test reset during flush', async () => {
      const callbacks = {};
      const decoder = createVideoDecoder(callbacks);
      decoder.configure(CONFIG);
      decoder.decode(CHUNKS[0]);
      decoder.decode(CHUNKS[1]);
      const flushDone = decoder.flush();
      let outputs = 0;
      await waitFor((resolve) => {
        callbacks.output = (frame) => {
          outputs++;
          assert.equal(outputs, 1, 'outputs');
          decoder.reset();
          frame.close();
          resolve();
        };
      });
      await assert.rejects(flushDone, isDOMException('AbortError'));
      assert.equal(outputs, 1, 'outputs');
    });

    test('Test new flush after reset in a flush callback', async () => {
      const callbacks = {};
      const decoder = createVideoDecoder(callbacks);
      decoder.configure(CONFIG);
      decoder.decode(CHUNKS[0]);
      const flushDone = decoder.flush();
      let flushDoneInCallback;
      let outputs = 0;
      await waitFor((resolve) => {
        callbacks.output = (frame) => {
          decoder.reset();
          frame.close();
          callbacks.output = (f) => { outputs++; f.close(); };
          decoder.configure(CONFIG);
          decoder.decode(CHUNKS[0]);
          flushDoneInCallback = decoder.flush();
          resolve();
        };
      });
      await assert.rejects(flushDone, isDOMException('AbortError'));
      await flushDoneInCallback;
      assert.equal(outputs, 1, 'outputs');
    });

    test('Test decoding a corrupt frame after reset in a flush callback', async () => {
      const callbacks = {};
      const decoder = createVideoDecoder(callbacks);
      decoder.configure(CONFIG);
      decoder.decode(CHUNKS[0]);
      const flushDone = decoder.flush();
      let flushDoneInCallback;
      await waitFor((resolve) => {
        callbacks.output = (frame) => {
          decoder.reset();
          frame.close();
          callbacks.output = (f) => f.close();
          callbacks.error = () => {};
          decoder.configure(CONFIG);
          decoder.decode(CHUNKS[0]);
          decoder.decode(createCorruptChunk(CHUNK_DATA[1], 1));
          flushDoneInCallback = decoder.flush();
          resolve();
        };
      });
      await assert.rejects(flushDone, isDOMException('AbortError'));
      await assert.rejects(flushDoneInCallback, isDOMException('EncodingError'));
    });

    test('Test low-latency decoding', async () => {
      const callbacks = {};
      const decoder = createVideoDecoder(callbacks);
      decoder.configure({ ...CONFIG, optimizeForLatency: true });
      decoder.decode(CHUNKS[0]);
      // The frame is output without flushing.
      await waitFor((resolve) => { callbacks.output = (frame) => { frame.close(); resolve(); }; });
    });

    test('VideoDecoder decodeQueueSize test', async () => {
      const decoder = createVideoDecoder({ output: (f) => f.close() });
      assert.equal(decoder.decodeQueueSize, 0);
      decoder.configure(CONFIG);
      assert.equal(decoder.decodeQueueSize, 0);
      let lastDequeueSize = Infinity;
      decoder.ondequeue = () => {
        if (!(lastDequeueSize > 0)) problems.push('dequeue event after queue empty');
        if (!(lastDequeueSize > decoder.decodeQueueSize)) problems.push('dequeue event without decreased queue size');
        lastDequeueSize = decoder.decodeQueueSize;
      };
      for (const chunk of CHUNKS) decoder.decode(chunk);
      assert.ok(decoder.decodeQueueSize >= 0 && decoder.decodeQueueSize <= CHUNKS.length);
      await decoder.flush();
      assert.equal(decoder.decodeQueueSize, 0);
      await stepWait(() => lastDequeueSize === 0, 'the last dequeue event, at queue size 0', 2000);
      lastDequeueSize = Infinity;
      for (const chunk of CHUNKS) decoder.decode(chunk);
      assert.ok(decoder.decodeQueueSize >= 0);
      decoder.reset();
      assert.equal(decoder.decodeQueueSize, 0);
    });

    test('Test configure, reset, configure does not stall', async () => {
      let outputs = 0;
      const decoder = createVideoDecoder({
        output: (frame) => {
          outputs++;
          assert.equal(frame.timestamp, CHUNKS[0].timestamp, 'timestamp');
          assert.equal(frame.duration, CHUNKS[0].duration, 'duration');
          frame.close();
        },
      });
      decoder.configure(CONFIG);
      decoder.reset();
      decoder.configure(CONFIG);
      decoder.decode(CHUNKS[0]);
      await decoder.flush();
      assert.equal(outputs, 1, 'outputs');
    });

    test('Test decoding chunks with duplicate timestamps preserves durations', async () => {
      const durations = [];
      const decoder = createVideoDecoder({
        output: (frame) => { assert.equal(frame.timestamp, 0, 'timestamp'); durations.push(frame.duration); frame.close(); },
      });
      decoder.configure(CONFIG);
      decoder.decode(new EncodedVideoChunk({ type: 'key', timestamp: 0, duration: 111, data: CHUNK_DATA[0] }));
      decoder.decode(new EncodedVideoChunk({ type: 'delta', timestamp: 0, duration: 222, data: CHUNK_DATA[1] }));
      await decoder.flush();
      assert.deepEqual(durations, [111, 222], 'durations');
    });

    // Added (found by test/interop/mediabunny-conversion.test.js, whose WebM demuxer gives the last
    // block of a cluster duration 0): "Output VideoFrames" takes the chunk's duration, so a chunk
    // of duration 0 gives a frame of duration 0, and only a chunk without one gives null.
    test('A chunk of duration 0 gives a frame of duration 0; a chunk without a duration gives null', async () => {
      const durations = [];
      const decoder = createVideoDecoder({ output: (frame) => { durations.push(frame.duration); frame.close(); } });
      decoder.configure(CONFIG);
      decoder.decode(new EncodedVideoChunk({ type: 'key', timestamp: 0, duration: 0, data: CHUNK_DATA[0] }));
      decoder.decode(new EncodedVideoChunk({ type: 'delta', timestamp: 1, data: CHUNK_DATA[1] }));
      decoder.decode(new EncodedVideoChunk({ type: 'delta', timestamp: 2, duration: 1, data: CHUNK_DATA[2] }));
      await decoder.flush();
      assert.deepEqual(durations, [0, null, 1], 'durations');
    });

    // videoDecoder-codec-specific-orientation.https.any.js
    test('Test that isConfigSupported() with orientation', async () => {
      const config = { ...CONFIG, rotation: 90, flip: true };
      const support = await VideoDecoder.isConfigSupported(config);
      assert.equal(support.supported, true);
      assert.equal(support.config.rotation, 90, 'rotation');
      assert.equal(support.config.flip, true, 'flip');
    });

    test('Decode frames with orientation metadata', async () => {
      let active = { ...CONFIG, rotation: 90, flip: true };
      let outputs = 0;
      const decoder = createVideoDecoder({
        output: (frame) => {
          outputs++;
          assert.equal(frame.rotation, active.rotation, 'rotation');
          assert.equal(frame.flip, active.flip, 'flip');
          // A quarter turn swaps the display size.
          if (active.rotation === 90) assert.deepEqual([frame.displayWidth, frame.displayHeight], [H, W]);
          frame.close();
        },
      });
      decoder.configure(active);
      decoder.decode(CHUNKS[0]);
      decoder.decode(CHUNKS[1]);
      await decoder.flush();
      assert.equal(outputs, 2, 'outputs');
      active = { ...CONFIG, rotation: 180, flip: false };
      decoder.configure(active);
      decoder.decode(CHUNKS[0]);
      decoder.decode(CHUNKS[1]);
      await decoder.flush();
      assert.equal(outputs, 4, 'outputs');
    });

    test('displayAspectWidth/Height set the display size (16:9 on 320×240 → 427×240)', async () => {
      const [f] = await decodeAll({ ...CONFIG, displayAspectWidth: 16, displayAspectHeight: 9 }, [CHUNKS[0]]);
      assert.deepEqual([f.displayWidth, f.displayHeight], [427, 240]);
      assert.deepEqual(f.visibleRect, { x: 0, y: 0, width: W, height: H });
    });

    test('colorSpace: the config\'s values override the bitstream\'s; without one, the bitstream\'s', async () => {
      // Spec (VideoDecoderConfig.colorSpace): "If colorSpace exists, the provided values will
      // override any in-band values from the bitstream."
      const configCs = { primaries: 'bt470bg', transfer: 'smpte170m', matrix: 'bt470bg', fullRange: false };
      const [f] = await decodeAll({ ...CONFIG, colorSpace: configCs }, [CHUNKS[0]]);
      assert.deepEqual(f.colorSpace, configCs);
      if (v.bitstreamColorSpace) {
        const [g] = await decodeAll(CONFIG, [CHUNKS[0]]);
        assert.deepEqual(g.colorSpace, v.bitstreamColorSpace);
      }
    });

    test('After an EncodingError the decoder stays closed; a new decoder decodes again', async () => {
      const errors = [];
      const decoder = createVideoDecoder({ output: (f) => f.close(), error: (e) => errors.push(e) });
      decoder.configure(CONFIG);
      decoder.decode(CHUNKS[0]);
      decoder.decode(new EncodedVideoChunk({ type: 'key', timestamp: 1, data: new ArrayBuffer(0) }));
      await assert.rejects(decoder.flush(), isDOMException('EncodingError'));
      assert.throws(() => decoder.configure(CONFIG), isDOMException('InvalidStateError'));
      const frames = await decodeAll(CONFIG, CHUNKS.slice(0, 3));
      assert.equal(frames.length, 3);
    });
  });
}

// ---------------------------------------------------------------- cropping (visibleRect from the bitstream)

for (const [name, encoding] of [['H.264', 'h264_main_annexb'], ['HEVC', 'h265_main_mp4']]) {
  test(`${name} at 320×180: visibleRect and display size come from the bitstream's cropping`, { skip }, async () => {
    const file = media.makeEncoded(encoding, { frames: 3, size: '320x180' });
    const { config, chunks } = await media.demux(file);
    // No coded size in the config: it must come from the bitstream.
    const frames = await decodeAll({ codec: config.codec, description: config.description }, media.toChunks(EncodedVideoChunk, chunks), { pixels: true });
    assert.equal(frames.length, 3);
    const reference = media.ffmpegFrames(file, 'yuv420p', 320, 180);
    frames.forEach((f, i) => {
      assert.deepEqual(f.visibleRect, { x: 0, y: 0, width: 320, height: 180 });
      assert.ok(f.codedHeight >= 180 && f.codedWidth >= 320);
      assert.deepEqual([f.displayWidth, f.displayHeight], [320, 180]);
      assert.ok(Buffer.from(f.bytes).equals(reference[i]), `frame ${i}: the visible rect's pixels equal ffmpeg's decode`);
    });
  });
}
