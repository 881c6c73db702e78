'use strict';
// test/conformance: mirrors web-platform-tests webcodecs/video-decoder-no-size-in-configure.https.any.js
// ("Test configure() without setting width and height"): one 320×240 frame is encoded, the
// decoderConfig loses codedWidth, codedHeight, displayAspectWidth and displayAspectHeight, and the
// decoded frame must still be 320×240 (the size comes from the bitstream).
//
// Deviations: WPT's variants ?h264_avc and ?h264_annexb encode with VideoEncoder, as here (this
// build's encoder is H.264 only). Its ?vp8, ?vp9_p0 and ?av1 variants — and ?h265_hevc,
// ?h265_annexb added here — take their one key frame from a file the ffmpeg CLI makes at test time
// (test/helpers/video-media.js), with the config the demuxer gives minus the size members. Also
// checked: visibleRect and display size, and that isConfigSupported() accepts the size-less config.
// Fails (does not skip) while the package has no VideoDecoder.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const api = require('../..');
const { VideoEncoder, EncodedVideoChunk } = api;
const { closeAfterEach, createQuadrantFrame } = require('./wpt-utils');
const media = require('../helpers/video-media');

const VideoDecoder = media.videoDecoderOrFail(api, __filename);
const HAS_FFMPEG = media.hasCommand('ffmpeg');
const open = closeAfterEach();

const W = 320;
const H = 240;

/** Encode one W×H frame with our VideoEncoder: { chunk, decoderConfig }. */
async function encodeOne(codecConfig) {
  let result = null;
  const errors = [];
  const encoder = new VideoEncoder({ output: (chunk, metadata) => { result = { chunk, decoderConfig: metadata.decoderConfig }; }, error: (e) => errors.push(e) });
  open.add(encoder);
  encoder.configure({ ...codecConfig, width: W, height: H, framerate: 30, bitrate: 3000000 });
  const frame = createQuadrantFrame(W, H, 0);
  encoder.encode(frame);
  frame.close();
  await encoder.flush();
  encoder.close();
  assert.deepEqual(errors, []);
  assert.ok(result && result.decoderConfig, 'a chunk with its decoderConfig');
  return result;
}

/** The first (key) chunk of an ffmpeg-made file: { chunk, decoderConfig }. */
async function firstOfFile(encoding) {
  const { config, chunks } = await media.demux(media.makeEncoded(encoding, { frames: 1 }));
  assert.equal(chunks[0].type, 'key');
  return { chunk: new EncodedVideoChunk(chunks[0]), decoderConfig: { ...config } };
}

const VARIANTS = {
  h264_avc: () => encodeOne({ codec: 'avc1.42001E', avc: { format: 'avc' } }),
  h264_annexb: () => encodeOne({ codec: 'avc1.42001E', avc: { format: 'annexb' } }),
  vp8: () => firstOfFile('vp8_webm'),
  vp9_p0: () => firstOfFile('vp9_p0_webm'),
  av1: () => firstOfFile('av1_webm'),
  h265_hevc: () => firstOfFile('h265_main_mp4'),
  h265_annexb: () => firstOfFile('h265_main_annexb'),
};

for (const [variant, source] of Object.entries(VARIANTS)) {
  const needsFfmpeg = !variant.startsWith('h264');
  test(`Test configure() without setting width and height (?${variant})`, { skip: needsFfmpeg && !HAS_FFMPEG && 'the ffmpeg CLI makes this media and is not installed' }, async () => {
    const { chunk, decoderConfig } = await source();
    delete decoderConfig.codedWidth;
    delete decoderConfig.codedHeight;
    delete decoderConfig.displayAspectWidth;
    delete decoderConfig.displayAspectHeight;

    const support = await VideoDecoder.isConfigSupported(decoderConfig);
    assert.equal(support.supported, true, `${decoderConfig.codec} decoder is supported`);

    let decoded = null;
    const errors = [];
    const decoder = new VideoDecoder({
      output: (frame) => { if (decoded) decoded.close(); decoded = frame; },
      error: (e) => errors.push(e),
    });
    open.add(decoder);
    decoder.configure(decoderConfig);
    decoder.decode(chunk);
    await decoder.flush();
    assert.deepEqual(errors, []);
    assert.ok(decoded, 'one frame');
    try {
      assert.equal(decoded.codedWidth, W, 'decoded frame width');
      assert.equal(decoded.codedHeight, H, 'decoded frame height');
      assert.deepEqual([decoded.visibleRect.width, decoded.visibleRect.height], [W, H], 'visibleRect');
      assert.deepEqual([decoded.displayWidth, decoded.displayHeight], [W, H], 'display size');
      assert.equal(decoded.timestamp, chunk.timestamp);
    } finally {
      decoded.close();
    }
  });
}
