'use strict';
// test/conformance: mirrors web-platform-tests webcodecs/per-frame-qp-encoding.https.any.js for
// H.264 (WPT runs it for AV1 and VP9; its config table already has an '?h264' entry with
// avc: {format: 'annexb'}): bitrateMode 'quantizer', a different avc.quantizer on every frame,
// and every frame must still decode to its own picture (black dots, as WPT's validateBlackDots).
// 320×200 → 160×100. The decoding half runs through the ffmpeg CLI (this build has no
// VideoDecoder yet; skipped when ffmpeg is not installed). On top of WPT: the QP each slice header
// carries (Baseline: CAVLC, no B-frames, no weighted prediction — parsed here) must be exactly the
// quantizer given for its frame.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { VideoEncoder } = require('../..');
const {
  closeAfterEach, hasCommand, createDottedFrame, hasBlackDots, annexbStream, annexbNals, ffmpegDecode,
  parseSps, parsePps, sliceQp,
} = require('./wpt-utils');

const HAS_FFMPEG = hasCommand('ffmpeg');

const open = closeAfterEach();

// ---------------------------------------------------------------- the WPT tests

const VARIANTS = {
  h264: { codec: 'avc1.42001E', avc: { format: 'annexb' } },
  h264_avc: { codec: 'avc1.42001E', avc: { format: 'avc' } }, // parameter sets only in decoderConfig.description
};
const configFor = (variant) => ({
  ...VARIANTS[variant], width: 160, height: 100, bitrate: 1000000, bitrateMode: 'quantizer', framerate: 30,
});

async function perFrameQpTest(variant, qpRange, validateResult) {
  const CONFIG = configFor(variant);
  const { width: w, height: h } = CONFIG;
  assert.equal((await VideoEncoder.isConfigSupported(CONFIG)).supported, true);
  const framesToEncode = 24;
  const outputs = [];
  const errors = [];
  const encoder = new VideoEncoder({
    output: (chunk, metadata) => outputs.push({ chunk, decoderConfig: metadata.decoderConfig }),
    error: (e) => errors.push(e),
  });
  open.add(encoder);
  encoder.configure(CONFIG);
  const qps = [];
  let qp = qpRange.min;
  for (let i = 0; i < framesToEncode; i++) {
    const frame = createDottedFrame(w, h, i);
    if (qp < qpRange.max) qp++;
    else qp = qpRange.min;
    qps.push(qp);
    encoder.encode(frame, { keyFrame: false, avc: { quantizer: qp } });
    frame.close();
  }
  await encoder.flush();
  encoder.close();
  assert.deepEqual(errors, []);
  assert.equal(outputs.length, framesToEncode);
  const stream = annexbStream(outputs);

  if (HAS_FFMPEG) {
    const frames = ffmpegDecode(stream, w, h);
    assert.equal(frames.length, framesToEncode);
    const corrupted = [];
    frames.forEach((frame, i) => {
      // Right number of dots and no more; a completely black frame must not pass.
      if ((validateResult && !hasBlackDots(frame, w, h, i)) || hasBlackDots(frame, w, h, i + 1)) corrupted.push(i);
    });
    assert.deepEqual(corrupted, [], 'corrupted frames');
  }
  return { stream, qps };
}

/** The QP of each slice of an Annex B stream, read with the SPS/PPS in force where it stands. */
function sliceQps(stream) {
  let sps = null;
  let pps = null;
  const out = [];
  for (const nal of annexbNals(stream)) {
    const t = nal[0] & 0x1f;
    if (t === 7) sps = parseSps(nal, { profile: 66, message: 'this parser reads Baseline SPSs only' });
    else if (t === 8) pps = parsePps(nal);
    else if (t === 1 || t === 5) out.push(sliceQp(nal, sps, pps));
  }
  return out;
}

for (const variant of Object.keys(VARIANTS)) {
  test(`Frame QP encoding, full range (?${variant})`, async () => {
    const { stream, qps } = await perFrameQpTest(variant, { min: 1, max: 51 }, false);
    // Beyond WPT: each frame's one slice is coded with exactly its quantizer.
    assert.deepEqual(sliceQps(stream), qps);
  });

  test(`Frame QP encoding, good range with validation (?${variant})`, async () => {
    const { stream, qps } = await perFrameQpTest(variant, { min: 1, max: 20 }, true);
    assert.deepEqual(sliceQps(stream), qps);
  });
}

test('The slice QP parser reads what libx264 writes (control: one constant quantizer)', async () => {
  // Guards the parser (wpt-utils.js): with the config's quantizer mode and no per-frame value, every slice
  // must carry one and the same QP within the legal range.
  const CONFIG = configFor('h264');
  const outputs = [];
  const encoder = new VideoEncoder({
    output: (chunk, metadata) => outputs.push({ chunk, decoderConfig: metadata.decoderConfig }),
    error: (e) => assert.fail(e.message),
  });
  open.add(encoder);
  encoder.configure(CONFIG);
  for (let i = 0; i < 4; i++) {
    const f = createDottedFrame(CONFIG.width, CONFIG.height, i);
    encoder.encode(f);
    f.close();
  }
  await encoder.flush();
  const all = sliceQps(annexbStream(outputs));
  assert.equal(all.length, 4);
  assert.equal(new Set(all).size, 1);
  assert.ok(all[0] >= 0 && all[0] <= 51);
});
