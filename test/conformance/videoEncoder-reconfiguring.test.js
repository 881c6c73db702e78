'use strict';
// test/conformance: mirrors web-platform-tests webcodecs/reconfiguring-encoder.https.any.js,
// variants ?h264_avc and ?h264_annexb (the VP8/VP9/AV1 variants need encoders this build does not
// have). Sizes scaled down: 800×600 → 160×120, 640×480 → 128×96. On top of WPT: the first chunk
// of each configuration is a key chunk whose parameter set (avcC description, or the in-band SPS
// for Annex B) encodes the new size.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { VideoEncoder } = require('../..');
const {
  closeAfterEach, createGradientFrame, bytesOf, annexbNals, avccParameterSets, parseSps,
} = require('./wpt-utils');

const open = closeAfterEach();

/** Picture size from a Baseline-profile SPS NAL unit. */
function spsSize(nal) {
  const sps = parseSps(nal, { profile: 66, message: 'a Baseline SPS' });
  return [sps.width, sps.height];
}

/** The picture size a key chunk's parameter set announces (description for "avc", in-band SPS for "annexb"). */
function announcedSize(chunk, decoderConfig) {
  if (decoderConfig && decoderConfig.description) {
    return spsSize(avccParameterSets(decoderConfig.description).sps[0]);
  }
  const sps = annexbNals(bytesOf(chunk)).find((n) => (n[0] & 0x1f) === 7);
  assert.ok(sps, `an in-band SPS in key chunk ${chunk.timestamp}`);
  return spsSize(sps);
}

const VARIANTS = {
  h264_avc: { codec: 'avc1.42001F', avc: { format: 'avc' } },
  h264_annexb: { codec: 'avc1.42001F', avc: { format: 'annexb' } },
};

for (const [variant, base] of Object.entries(VARIANTS)) {
  test(`Reconfiguring encoder (?${variant})`, async () => {
    const ENCODER_CONFIG = { ...base, hardwareAcceleration: 'prefer-software', bitrateMode: 'constant', framerate: 30 };
    const originalW = 160;
    const originalH = 120;
    const originalBitrate = 3_000_000;
    const newW = 128;
    const newH = 96;
    const newBitrate = 2_000_000;
    let nextTs = 0;
    let reconfTs = 0;
    const framesToEncode = 16;
    let beforeReconfFrames = 0;
    let afterReconfFrames = 0;
    const problems = [];
    const firstChunks = []; // [chunk, decoderConfig, expected size] of each new decoderConfig

    const processVideoChunk = (chunk, metadata) => {
      const config = metadata.decoderConfig;
      assert.ok(bytesOf(chunk).length >= 0);
      const afterReconf = reconfTs !== 0 && chunk.timestamp >= reconfTs;
      const [w, h] = afterReconf ? [newW, newH] : [originalW, originalH];
      if (afterReconf) afterReconfFrames++;
      else beforeReconfFrames++;
      if (config) {
        assert.equal(config.codedWidth, w);
        assert.equal(config.codedHeight, h);
        firstChunks.push([chunk, config, [w, h]]);
      }
    };

    const encoder = new VideoEncoder({
      output: (chunk, md) => {
        try {
          processVideoChunk(chunk, md);
        } catch (e) {
          problems.push(e.message);
        }
      },
      error: (e) => problems.push(`error callback: ${e.name}: ${e.message}`),
    });
    open.add(encoder);
    const params = { ...ENCODER_CONFIG, width: originalW, height: originalH, bitrate: originalBitrate };
    assert.equal((await VideoEncoder.isConfigSupported(params)).supported, true);
    encoder.configure(params);
    await encoder.flush(); // WPT: "Remove this flush after crbug.com/1275789 is fixed"

    for (let i = 0; i < framesToEncode; i++) {
      const frame = createGradientFrame(originalW, originalH, nextTs++);
      encoder.encode(frame, {});
      frame.close();
    }

    // Reconfigure (without flushing) and encode as many frames with the new settings.
    encoder.configure({ ...params, width: newW, height: newH, bitrate: newBitrate });
    reconfTs = nextTs;
    for (let i = 0; i < framesToEncode; i++) {
      const frame = createGradientFrame(newW, newH, nextTs++);
      encoder.encode(frame, {});
      frame.close();
    }
    await encoder.flush();

    // Configure back to the original config.
    encoder.configure(params);
    await encoder.flush();
    encoder.close();

    assert.deepEqual(problems, []);
    assert.equal(beforeReconfFrames, framesToEncode);
    assert.equal(afterReconfFrames, framesToEncode);

    // Beyond WPT: one decoderConfig per configuration that produced output, each on a key chunk
    // whose parameter set has that configuration's size.
    assert.equal(firstChunks.length, 2);
    assert.equal(firstChunks[0][0].timestamp, 0);
    assert.equal(firstChunks[1][0].timestamp, reconfTs);
    for (const [chunk, config, size] of firstChunks) {
      assert.equal(chunk.type, 'key', `chunk ${chunk.timestamp}`);
      assert.deepEqual(announcedSize(chunk, config), size, `SPS size at chunk ${chunk.timestamp}`);
    }
  });
}
