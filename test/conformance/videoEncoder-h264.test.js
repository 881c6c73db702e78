'use strict';
// test/conformance: mirrors web-platform-tests webcodecs/video-encoder-h264.https.any.js (the
// profile asked for is the profile produced; the level is at most the one asked for) and
// video-encoder-h26x-annexb.https.any.js (NAL unit order within each Annex B access unit, and
// "IDR slice" ⇔ key chunk), for H.264 only. Sizes are scaled down (640×480 → 64×48,
// 320×200 → 160×100). The ?high-6.2 variant (two 7680×4320 frames) is left out: too heavy for
// a unit-test run on a shared 2-core machine. On top of WPT, the SPS itself is parsed: its
// profile and its (cropped) size must match the config.

const { test, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const { VideoEncoder, VideoFrame } = require('../..');

const open = new Set();
afterEach(() => {
  for (const e of open) if (e.state !== 'closed') e.close();
  open.clear();
});

function createFrame(width, height, ts, index = 0) {
  const data = new Uint8Array(width * height * 3 / 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data[y * width + x] = ((x + index * 3) & 16) ? 200 : 40 + (y & 0x3f);
  }
  data.fill(110, width * height, width * height * 5 / 4);
  data.fill(140, width * height * 5 / 4);
  return new VideoFrame(data, { format: 'I420', codedWidth: width, codedHeight: height, timestamp: ts, duration: 33333 });
}

const bytesOf = (chunk) => {
  const b = new Uint8Array(chunk.byteLength);
  chunk.copyTo(b);
  return b;
};
const u8 = (src) => (ArrayBuffer.isView(src) ? new Uint8Array(src.buffer, src.byteOffset, src.byteLength) : new Uint8Array(src));

/** NAL units of an Annex B buffer (start codes removed). */
function annexbNals(b) {
  const starts = [];
  for (let i = 0; i + 3 <= b.length; i++) {
    if (b[i] === 0 && b[i + 1] === 0 && b[i + 2] === 1) { starts.push(i + 3); i += 2; }
  }
  return starts.map((s, k) => {
    let end = k + 1 < starts.length ? starts[k + 1] - 3 : b.length;
    if (k + 1 < starts.length && b[end - 1] === 0) end--;
    return b.subarray(s, end);
  });
}

/** SPS NAL units of an avcC record. */
function avccSps(d) {
  const out = [];
  let p = 6;
  for (let i = 0; i < (d[5] & 0x1f); i++) {
    const len = (d[p] << 8) | d[p + 1];
    out.push(d.subarray(p + 2, p + 2 + len));
    p += 2 + len;
  }
  return out;
}

/** RBSP bit reader of a NAL unit (header byte skipped, emulation prevention removed). */
class Bits {
  constructor(nal) {
    const out = [];
    for (let i = 1; i < nal.length; i++) {
      if (i + 2 < nal.length && nal[i] === 0 && nal[i + 1] === 0 && nal[i + 2] === 3) { out.push(0, 0); i += 2; continue; }
      out.push(nal[i]);
    }
    this.b = out;
    this.p = 0;
  }
  u(n) {
    let v = 0;
    for (let i = 0; i < n; i++, this.p++) {
      if ((this.p >> 3) >= this.b.length) throw new Error('SPS ends early');
      v = v * 2 + ((this.b[this.p >> 3] >> (7 - (this.p & 7))) & 1);
    }
    return v;
  }
  ue() {
    let z = 0;
    while (this.u(1) === 0) if (++z > 31) throw new Error('bad exp-Golomb code');
    return 2 ** z - 1 + this.u(z);
  }
  se() { const k = this.ue(); return k % 2 ? (k + 1) / 2 : -k / 2; }
}

/** profile_idc, level_idc and the cropped picture size of an SPS (no scaling lists: libx264 writes none). */
function parseSps(nal) {
  const r = new Bits(nal);
  const s = { profile: r.u(8), constraints: r.u(8), level: r.u(8) };
  r.ue();
  let chroma = 1;
  if ([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].includes(s.profile)) {
    chroma = r.ue();
    if (chroma === 3) r.u(1);
    r.ue(); r.ue(); r.u(1);
    assert.equal(r.u(1), 0, 'seq_scaling_matrix_present_flag (not parsed here)');
  }
  r.ue();
  const pocType = r.ue();
  if (pocType === 0) r.ue();
  else if (pocType === 1) { r.u(1); r.se(); r.se(); const n = r.ue(); for (let i = 0; i < n; i++) r.se(); }
  r.ue(); r.u(1);
  const wMbs = r.ue() + 1;
  const hUnits = r.ue() + 1;
  const frameMbsOnly = r.u(1);
  if (!frameMbsOnly) r.u(1);
  r.u(1);
  const crop = r.u(1) ? [r.ue(), r.ue(), r.ue(), r.ue()] : [0, 0, 0, 0];
  const cx = chroma === 3 ? 1 : 2;
  const cy = (chroma === 1 ? 2 : 1) * (2 - frameMbsOnly);
  s.width = wMbs * 16 - cx * (crop[0] + crop[1]);
  s.height = hUnits * 16 * (2 - frameMbsOnly) - cy * (crop[2] + crop[3]);
  return s;
}

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
    const frame1 = createFrame(64, 48, 0);
    const frame2 = createFrame(64, 48, 33333, 1);
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
    const sps = avccSps(d).map(parseSps);
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
    const f = createFrame(w, h, 0);
    encoder.encode(f);
    f.close();
    await encoder.flush();
    assert.deepEqual(errors, []);
    assert.deepEqual([dc.codedWidth, dc.codedHeight], [w, h]);
    const sps = parseSps(avccSps(u8(dc.description))[0]);
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
      const frame = createFrame(160, 100, i, i);
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
