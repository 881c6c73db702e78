'use strict';
// test/conformance: mirrors web-platform-tests webcodecs/reconfiguring-encoder.https.any.js, its
// one subtest "Reconfiguring encoder" for every variant: ?av1, ?vp8, ?vp9_p0, ?vp9_p2, ?h264_avc,
// ?h264_annexb (WPT's list, prefer-software, bitrateMode constant, 30 fps), plus ?hevc and
// ?hevc_annexb (HEVC is a software encoder here too). WPT's createFrame (four quadrants);
// sizes scaled down: 800×600 → 160×120, 640×480 → 128×96.
// Beyond WPT: each configuration's first chunk is a key chunk with a decoderConfig; the chunks of
// each configuration decode with our VideoDecoder (and that decoderConfig) to 16 frames of that
// configuration's size, with the same timestamps; for H.264 the parameter set (avcC description,
// or the in-band SPS for Annex B) encodes the new size.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const api = require('../..');
const { VideoEncoder } = api;
const {
  closeAfterEach, createQuadrantFrame, bytesOf, annexbNals, avccParameterSets, parseSps,
} = require('./wpt-utils');
const { videoDecoderOrFail } = require('../helpers/video-media');

const VideoDecoder = videoDecoderOrFail(api, __filename);
const open = closeAfterEach();

/** Picture size from a Baseline-profile SPS NAL unit. */
function spsSize(nal) {
  const sps = parseSps(nal, { profile: 66, message: 'a Baseline SPS' });
  return [sps.width, sps.height];
}

/** The picture size an H.264 key chunk's parameter set announces (description for "avc", in-band SPS for "annexb"). */
function announcedH264Size(chunk, decoderConfig) {
  if (decoderConfig && decoderConfig.description) {
    return spsSize(avccParameterSets(decoderConfig.description).sps[0]);
  }
  const sps = annexbNals(bytesOf(chunk)).find((n) => (n[0] & 0x1f) === 7);
  assert.ok(sps, `an in-band SPS in key chunk ${chunk.timestamp}`);
  return spsSize(sps);
}

/** Decode `chunks` with our VideoDecoder; returns [timestamp, displayWidth, displayHeight] per frame (H.264's coded size is macroblock-padded). */
async function decode(decoderConfig, chunks) {
  const out = [];
  const errors = [];
  const dec = new VideoDecoder({
    output: (f) => { out.push([f.timestamp, f.displayWidth, f.displayHeight]); f.close(); },
    error: (e) => errors.push(`${e.name}: ${e.message}`),
  });
  open.add(dec);
  dec.configure(decoderConfig);
  for (const c of chunks) dec.decode(c);
  await dec.flush();
  dec.close();
  assert.deepEqual(errors, []);
  return out;
}

const VARIANTS = {
  av1: { codec: 'av01.0.04M.08' },
  vp8: { codec: 'vp8' },
  vp9_p0: { codec: 'vp09.00.10.08' },
  vp9_p2: { codec: 'vp09.02.10.10' },
  h264_avc: { codec: 'avc1.42001F', avc: { format: 'avc' } },
  h264_annexb: { codec: 'avc1.42001F', avc: { format: 'annexb' } },
  hevc: { codec: 'hvc1.1.6.L93.B0', hevc: { format: 'hevc' } },
  hevc_annexb: { codec: 'hvc1.1.6.L93.B0', hevc: { format: 'annexb' } },
};

for (const [variant, base] of Object.entries(VARIANTS)) {
  test(`Reconfiguring encoder (?${variant})`, async () => {
    // promise_setup
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
    const outputs = []; // [chunk, decoderConfig | undefined, expected size]

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
      }
      outputs.push([chunk, config, [w, h]]);
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
    // checkEncoderSupport(): every variant here is a software encoder this build has.
    assert.equal((await VideoEncoder.isConfigSupported(params)).supported, true);
    encoder.configure(params);
    await encoder.flush(); // WPT: "Remove this flush after crbug.com/1275789 is fixed"

    // Encode |frames_to_encode| frames with the original settings.
    for (let i = 0; i < framesToEncode; i++) {
      const frame = createQuadrantFrame(originalW, originalH, nextTs++);
      encoder.encode(frame, {});
      frame.close();
    }

    // Reconfigure (without flushing) and encode as many frames with the new settings.
    params.width = newW;
    params.height = newH;
    params.bitrate = newBitrate;
    encoder.configure(params);
    reconfTs = nextTs;
    for (let i = 0; i < framesToEncode; i++) {
      const frame = createQuadrantFrame(newW, newH, nextTs++);
      encoder.encode(frame, {});
      frame.close();
    }
    await encoder.flush();

    // Configure back to the original config.
    params.width = originalW;
    params.height = originalH;
    params.bitrate = originalBitrate;
    encoder.configure(params);
    await encoder.flush();
    encoder.close();

    assert.deepEqual(problems, []);
    assert.equal(beforeReconfFrames, framesToEncode);
    assert.equal(afterReconfFrames, framesToEncode);

    // Beyond WPT: one decoderConfig per configuration that produced output, on a key chunk; each
    // configuration's chunks decode with our VideoDecoder to frames of its size.
    const groups = [outputs.slice(0, framesToEncode), outputs.slice(framesToEncode)];
    for (const [g, group] of groups.entries()) {
      const [first, config, size] = group[0];
      assert.equal(first.timestamp, g * framesToEncode, 'chunks in presentation order');
      assert.equal(first.type, 'key', `first chunk of configuration ${g} is a key chunk`);
      assert.ok(config, `decoderConfig on the first chunk of configuration ${g}`);
      assert.equal(config.codec, base.codec);
      assert.ok(group.slice(1).every(([, c]) => c === undefined), 'no decoderConfig while it does not change');
      if (base.avc) assert.deepEqual(announcedH264Size(first, config), size, `SPS size at chunk ${first.timestamp}`);
      const frames = await decode(config, group.map(([c]) => c));
      assert.deepEqual(frames, group.map(([c]) => [c.timestamp, ...size]), `configuration ${g} decodes`);
    }
  });
}
