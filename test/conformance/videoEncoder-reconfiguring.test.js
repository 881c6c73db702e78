'use strict';
// test/conformance: mirrors web-platform-tests webcodecs/reconfiguring-encoder.https.any.js,
// variants ?h264_avc and ?h264_annexb (the VP8/VP9/AV1 variants need encoders this build does not
// have). Sizes scaled down: 800×600 → 160×120, 640×480 → 128×96. On top of WPT: the first chunk
// of each configuration is a key chunk whose parameter set (avcC description, or the in-band SPS
// for Annex B) encodes the new size.

const { test, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const { VideoEncoder, VideoFrame } = require('../..');

const open = new Set();
afterEach(() => {
  for (const e of open) if (e.state !== 'closed') e.close();
  open.clear();
});

function createFrame(width, height, ts) {
  const data = new Uint8Array(width * height * 3 / 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data[y * width + x] = (x * 2 + y + ts * 5) & 0xff;
  }
  data.fill(128, width * height);
  return new VideoFrame(data, { format: 'I420', codedWidth: width, codedHeight: height, timestamp: ts, duration: 33333 });
}

const bytesOf = (chunk) => {
  const b = new Uint8Array(chunk.byteLength);
  chunk.copyTo(b);
  return b;
};
const u8 = (src) => (ArrayBuffer.isView(src) ? new Uint8Array(src.buffer, src.byteOffset, src.byteLength) : new Uint8Array(src));

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

/** Picture size from a Baseline-profile SPS NAL unit (profile 66: no chroma/bit-depth fields). */
function spsSize(nal) {
  const bits = [];
  for (let i = 1; i < nal.length; i++) {
    if (i + 2 < nal.length && nal[i] === 0 && nal[i + 1] === 0 && nal[i + 2] === 3) { bits.push(0, 0); i += 2; continue; }
    bits.push(nal[i]);
  }
  let p = 0;
  const u = (n) => { let v = 0; for (let i = 0; i < n; i++, p++) v = v * 2 + ((bits[p >> 3] >> (7 - (p & 7))) & 1); return v; };
  const ue = () => { let z = 0; while (u(1) === 0) z++; return 2 ** z - 1 + u(z); };
  const se = () => { const k = ue(); return k % 2 ? (k + 1) / 2 : -k / 2; };
  assert.equal(u(8), 66, 'a Baseline SPS');
  u(16); ue(); ue();
  const poc = ue();
  if (poc === 0) ue();
  else if (poc === 1) { u(1); se(); se(); const n = ue(); for (let i = 0; i < n; i++) se(); }
  ue(); u(1);
  const w = ue() + 1;
  const h = ue() + 1;
  const frameMbsOnly = u(1);
  if (!frameMbsOnly) u(1);
  u(1);
  const c = u(1) ? [ue(), ue(), ue(), ue()] : [0, 0, 0, 0];
  return [w * 16 - 2 * (c[0] + c[1]), h * 16 * (2 - frameMbsOnly) - 2 * (2 - frameMbsOnly) * (c[2] + c[3])];
}

/** The picture size a key chunk's parameter set announces (description for "avc", in-band SPS for "annexb"). */
function announcedSize(chunk, decoderConfig) {
  if (decoderConfig && decoderConfig.description) {
    const d = u8(decoderConfig.description);
    const len = (d[6] << 8) | d[7];
    return spsSize(d.subarray(8, 8 + len));
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
      const frame = createFrame(originalW, originalH, nextTs++);
      encoder.encode(frame, {});
      frame.close();
    }

    // Reconfigure (without flushing) and encode as many frames with the new settings.
    encoder.configure({ ...params, width: newW, height: newH, bitrate: newBitrate });
    reconfTs = nextTs;
    for (let i = 0; i < framesToEncode; i++) {
      const frame = createFrame(newW, newH, nextTs++);
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
