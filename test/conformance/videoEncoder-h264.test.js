'use strict';
// test/conformance: mirrors web-platform-tests webcodecs/video-encoder-h264.https.any.js (the
// profile asked for is the profile produced; the level is at most the one asked for) and
// video-encoder-h26x-annexb.https.any.js (NAL unit order within each Annex B access unit, and
// "IDR slice" ⇔ key chunk), for H.264 only. Sizes are scaled down (640×480 → 64×48,
// 320×200 → 160×100). The ?high-6.2 variant (two 7680×4320 frames) is left out: too heavy for
// a unit-test run on a shared 2-core machine. On top of WPT, the SPS itself is parsed: its
// profile and its (cropped) size must match the config.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { VideoEncoder } = require('../..');
const {
  closeAfterEach, createStripedFrame, bytesOf, u8, annexbNals, avccParameterSets, parseSps,
} = require('./wpt-utils');

const open = closeAfterEach();

// ---------------------------------------------------------------- video-encoder-h264.https.any.js

const PROFILES = { baseline: 'avc1.42001e', main: 'avc1.4d001e', high: 'avc1.64001e' };

for (const [variant, codecString] of Object.entries(PROFILES)) {
  test(`Test that encoding with a specific H264 profile actually produces that profile. (?${variant})`, async () => {
    const encoderConfig = {
      codec: codecString, width: 64, height: 48, displayWidth: 80, displayHeight: 60,
      avc: { format: 'avc' }, // AVC makes it easy to check the profile
    };
    const support = await VideoEncoder.isConfigSupported(encoderConfig);
    assert.equal(support.supported, true, `H264 ${variant} profile unsupported`);
    let description = null;
    const errors = [];
    const encoder = new VideoEncoder({
      error: (e) => errors.push(e),
      output: (_, metadata) => {
        assert.notEqual(metadata, null);
        if (metadata.decoderConfig) description = metadata.decoderConfig.description;
      },
    });
    open.add(encoder);
    encoder.configure(encoderConfig);
    const frame1 = createStripedFrame(64, 48, 0);
    const frame2 = createStripedFrame(64, 48, 33333, 1);
    try {
      encoder.encode(frame1);
      encoder.encode(frame2);
      await encoder.flush();
    } finally {
      frame1.close();
      frame2.close();
    }
    assert.deepEqual(errors, []);
    assert.notEqual(description, null);
    assert.notEqual(description.byteLength, 0);
    const d = u8(description);
    const expectedProfileIndication = parseInt(codecString.substring(5, 7), 16);
    const maximumLevel = parseInt(codecString.substring(9, 11), 16);
    assert.equal(d[1], expectedProfileIndication); // AVCDecoderConfigurationRecord, ISO/IEC 14496-15
    assert.ok(d[3] <= maximumLevel, `level ${d[3]} <= ${maximumLevel}`); // a maximum, not exact

    // Beyond WPT: the SPS agrees with the avcC header and the configured size.
    const sps = avccParameterSets(d).sps.map((nal) => parseSps(nal));
    assert.equal(sps.length, 1);
    assert.equal(sps[0].profile, expectedProfileIndication);
    assert.equal(sps[0].level, d[3]);
    assert.deepEqual([sps[0].width, sps[0].height], [64, 48]);
  });
}

test('The SPS carries the configured size, cropped when it is not a multiple of 16 (160×100, 98×62)', async () => {
  for (const [w, h] of [[160, 100], [98, 62]]) {
    let dc = null;
    const errors = [];
    const encoder = new VideoEncoder({ output: (_, m) => { if (m.decoderConfig) dc = m.decoderConfig; }, error: (e) => errors.push(e) });
    open.add(encoder);
    encoder.configure({ codec: 'avc1.64001f', width: w, height: h });
    const f = createStripedFrame(w, h, 0);
    encoder.encode(f);
    f.close();
    await encoder.flush();
    assert.deepEqual(errors, []);
    assert.deepEqual([dc.codedWidth, dc.codedHeight], [w, h]);
    const sps = parseSps(avccParameterSets(dc.description).sps[0]);
    assert.deepEqual([sps.width, sps.height], [w, h]);
    encoder.close();
  }
});

// ---------------------------------------------------------------- video-encoder-h26x-annexb.https.any.js

// H.264 NAL unit types and the access unit order rules of H.264 7.4.1.2.3, as WPT's checkNaluSyntax().
const kAUD = 9; const kSEIMessage = 6; const kPrefix = 14; const kSubsetSPS = 15; const kDPS = 16;
const kReserved17 = 17; const kReserved18 = 18; const kPPS = 8; const kSPS = 7; const kSPSExt = 13;
const kNonIDRSlice = 1; const kSliceDataA = 2; const kSliceDataB = 3; const kSliceDataC = 4; const kIDRSlice = 5;
const kCodedSliceAux = 19; const kEOSeq = 10; const kEOStream = 11; const kFiller = 12; const kUnspecified = 0;
const kAUDAllowed = 1; const kBeforeFirstVCL = 2; const kAfterFirstVCL = 3; const kEOStreamAllowed = 4;
const kNoMoreDataAllowed = 5;

function checkNaluSyntax(chunk) {
  const keyFrame = chunk.type === 'key';
  let orderState = kAUDAllowed;
  let lastNaluType = null;
  const types = [];
  for (const nal of annexbNals(bytesOf(chunk))) {
    const naluType = nal[0] & 0x1f;
    types.push(naluType);
    const where = `NAL ${naluType} in order state ${orderState} (chunk ${chunk.timestamp}, types ${types})`;
    switch (naluType) {
      case kAUD:
        assert.ok(orderState <= kAUDAllowed, `Unexpected AUD: ${where}`);
        orderState = kBeforeFirstVCL;
        break;
      case kSEIMessage: case kPrefix: case kSubsetSPS: case kDPS: case kReserved17: case kReserved18:
      case kPPS: case kSPS:
        assert.ok(orderState <= kBeforeFirstVCL, `Unexpected NALU type: ${where}`);
        orderState = kBeforeFirstVCL;
        break;
      case kSPSExt:
        assert.equal(lastNaluType, kSPS, 'SPS extension does not follow an SPS.');
        break;
      case kNonIDRSlice: case kSliceDataA: case kSliceDataB: case kSliceDataC: case kIDRSlice:
        assert.ok(orderState <= kAfterFirstVCL, `Unexpected VCL: ${where}`);
        assert.equal(naluType === kIDRSlice, keyFrame, `Keyframe indicator does not match: ${where}`);
        orderState = kAfterFirstVCL;
        break;
      case kCodedSliceAux:
        assert.equal(orderState, kAfterFirstVCL, `Unexpected extension: ${where}`);
        break;
      case kEOSeq:
        assert.equal(orderState, kAfterFirstVCL, `Unexpected EOSeq: ${where}`);
        orderState = kEOStreamAllowed;
        break;
      case kEOStream:
        assert.ok(kAfterFirstVCL > orderState, `Unexpected EOStream: ${where}`);
        orderState = kNoMoreDataAllowed;
        break;
      case kFiller: case kUnspecified:
        break; // ignored (H.264 7.4.2.7)
      default:
        assert.ok(naluType > 19, `NALU TYPE smaller than 20 for unknown type: ${where}`);
    }
    lastNaluType = naluType;
  }
  return types;
}

for (const variant of ['h264_annexb_software', 'h264_annexb_hardware']) {
  test(`Verify stream compliance h26x annexb (?${variant})`, async (t) => {
    const config = {
      codec: 'avc1.42001E', avc: { format: 'annexb' },
      hardwareAcceleration: variant.endsWith('hardware') ? 'prefer-hardware' : 'prefer-software',
      width: 160, height: 100, bitrate: 1000000, framerate: 30,
    };
    if (!(await VideoEncoder.isConfigSupported(config)).supported) {
      t.skip(`unsupported config: ${JSON.stringify(config)}`); // software only in this build
      return;
    }
    const chunks = [];
    const errors = [];
    const encoder = new VideoEncoder({ output: (chunk) => chunks.push(chunk), error: (e) => errors.push(e) });
    open.add(encoder);
    encoder.configure(config);
    for (let i = 0; i < 16; i++) {
      const frame = createStripedFrame(160, 100, i, i);
      encoder.encode(frame, { keyFrame: i % 5 === 0 });
      frame.close();
    }
    await encoder.flush();
    encoder.close();
    assert.deepEqual(errors, []);
    assert.ok(chunks.length > 0, 'frames_encoded');
    assert.equal(chunks.length, 16);
    for (const chunk of chunks) {
      const types = checkNaluSyntax(chunk);
      // Beyond WPT (AVC registration, "annexb"): a key chunk carries the parameter sets it needs.
      if (chunk.type === 'key') assert.ok(types.includes(kSPS) && types.includes(kPPS), `SPS and PPS in key chunk ${chunk.timestamp}`);
    }
    for (const i of [0, 5, 10, 15]) assert.equal(chunks.find((c) => c.timestamp === i).type, 'key', `forced key frame ${i}`);
  });
}
