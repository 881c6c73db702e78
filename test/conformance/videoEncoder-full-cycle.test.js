'use strict';
// test/conformance: mirrors web-platform-tests webcodecs/full-cycle-test.https.any.js, variants
// ?h264_avc and ?h264_annexb (VP8/VP9/AV1/HEVC: no encoder in this build), at 160×100 instead of
// 320×200. This build has no VideoDecoder yet, so the decoding half runs through the ffmpeg CLI
// (skipped when it is not installed): the chunks, with the decoderConfig's description for "avc",
// form an H.264 stream; every decoded frame must show its own number of black dots (WPT's
// validateBlackDots), and the stream's colour signalling must be the decoderConfig.colorSpace
// (WPT: "the decoder shouldn't change it"). The "w/ stripped color space" variant only changes the
// decoder's input, so it has no encoder half of its own here.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { VideoEncoder } = require('../..');
const {
  closeAfterEach, hasCommand, YELLOW, RED, BLUE, GREEN, createDottedFrame, hasBlackDots, rgbAt,
  annexbStreamOf, ffmpegDecode, ffprobeStream,
} = require('./wpt-utils');

const HAS_FFMPEG = hasCommand('ffmpeg') && hasCommand('ffprobe');

const open = closeAfterEach();

// ---------------------------------------------------------------- the WPT test

const VARIANTS = {
  h264_avc: {
    codec: 'avc1.640028', avc: { format: 'avc' }, hardwareAcceleration: 'prefer-software', latencyMode: 'realtime',
  },
  h264_annexb: { codec: 'avc1.42001E', avc: { format: 'annexb' }, hardwareAcceleration: 'prefer-software' },
};

const COLOR_NAMES = {
  primaries: { bt709: 'bt709', bt470bg: 'bt470bg', smpte170m: 'smpte170m', bt2020: 'bt2020' },
  transfer: { bt709: 'bt709', smpte170m: 'smpte170m', 'iec61966-2-1': 'iec61966-2-1', pq: 'smpte2084', hlg: 'arib-std-b67' },
  matrix: { bt709: 'bt709', bt470bg: 'bt470bg', smpte170m: 'smpte170m', 'bt2020-ncl': 'bt2020nc', rgb: 'gbr' },
};

for (const [variant, base] of Object.entries(VARIANTS)) {
  test(`Encoding and decoding cycle (?${variant})`, { skip: !HAS_FFMPEG && 'the ffmpeg CLI decodes here and is not installed' }, async () => {
    const encoderConfig = { ...base, width: 160, height: 100, bitrate: 1000000, bitrateMode: 'constant', framerate: 30 };
    const w = encoderConfig.width;
    const h = encoderConfig.height;
    const framesToEncode = 16;
    assert.equal((await VideoEncoder.isConfigSupported(encoderConfig)).supported, true);

    const chunks = [];
    let decoderConfig = null;
    let nextEncodeTs = 0;
    const problems = [];
    const encoder = new VideoEncoder({
      output(chunk, metadata) {
        if (metadata.decoderConfig) {
          if (decoderConfig) problems.push('a second decoderConfig');
          decoderConfig = metadata.decoderConfig;
        }
        chunks.push(chunk);
        if (chunk.timestamp !== nextEncodeTs) problems.push(`encode timestamp ${chunk.timestamp}, expected ${nextEncodeTs}`);
        nextEncodeTs++;
      },
      error(e) { problems.push(`error callback: ${e.name}: ${e.message}`); },
    });
    open.add(encoder);
    encoder.configure(encoderConfig);
    for (let i = 0; i < framesToEncode; i++) {
      const frame = createDottedFrame(w, h, i);
      // Frames made from canvas-like RGB pixels have a complete colour space.
      for (const k of ['primaries', 'transfer', 'matrix', 'fullRange']) assert.notEqual(frame.colorSpace[k], null, k);
      encoder.encode(frame, { keyFrame: i % 5 === 0 });
      frame.close();
    }
    await encoder.flush();
    encoder.close();
    assert.deepEqual(problems, []);
    assert.equal(chunks.length, framesToEncode, 'frames_encoded');
    assert.ok(decoderConfig);
    assert.equal(decoderConfig.codec, encoderConfig.codec);
    assert.equal(!!decoderConfig.description, base.avc.format === 'avc', 'description only for "avc"');
    for (const i of [0, 5, 10, 15]) assert.equal(chunks[i].type, 'key', `keyFrame: true at ${i}`);

    const stream = annexbStreamOf(chunks, decoderConfig.description);
    const frames = ffmpegDecode(stream, w, h);
    assert.equal(frames.length, framesToEncode, 'frames_decoded');
    frames.forEach((frame, i) => {
      assert.ok(hasBlackDots(frame, w, h, i), `frame ${i} lacks one of its ${i} dots`);
      if (i + 1 < framesToEncode) assert.ok(!hasBlackDots(frame, w, h, i + 1), `frame ${i} has a dot too many`);
      const quadrants = [[YELLOW, 2, 2], [RED, 150, 2], [BLUE, 10, 80], [GREEN, 130, 80]]; // clear of the dots
      for (const [rgb, x, y] of quadrants) {
        const got = rgbAt(frame, w, h, x, y, 8, 8);
        got.forEach((c, k) => assert.ok(Math.abs(c - rgb[k]) <= 25, `frame ${i} at ${x},${y}: ${got.map(Math.round)} vs ${rgb}`));
      }
    });

    // The colour space the encoder announces is the one in the bitstream.
    const s = ffprobeStream(stream);
    const cs = decoderConfig.colorSpace;
    assert.equal(s.color_primaries, COLOR_NAMES.primaries[cs.primaries]);
    assert.equal(s.color_transfer, COLOR_NAMES.transfer[cs.transfer]);
    assert.equal(s.color_space, COLOR_NAMES.matrix[cs.matrix]);
    assert.equal(s.color_range, cs.fullRange ? 'pc' : 'tv');
    assert.deepEqual([s.width, s.height], [w, h]);
  });
}
