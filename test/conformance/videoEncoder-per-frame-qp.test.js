'use strict';
// test/conformance: mirrors web-platform-tests webcodecs/per-frame-qp-encoding.https.any.js for
// H.264 (WPT runs it for AV1 and VP9; its config table already has an '?h264' entry with
// avc: {format: 'annexb'}): bitrateMode 'quantizer', a different avc.quantizer on every frame,
// and every frame must still decode to its own picture (black dots, as WPT's validateBlackDots).
// 320×200 → 160×100. The decoding half runs through the ffmpeg CLI (this build has no
// VideoDecoder yet; skipped when ffmpeg is not installed). On top of WPT: the QP each slice header
// carries (Baseline: CAVLC, no B-frames, no weighted prediction — parsed here) must be exactly the
// quantizer given for its frame.

const { test, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { VideoEncoder, VideoFrame } = require('../..');

const HAS_FFMPEG = spawnSync('ffmpeg', ['-version']).status === 0;

const open = new Set();
afterEach(() => {
  for (const e of open) if (e.state !== 'closed') e.close();
  open.clear();
});

// ---------------------------------------------------------------- frames (after video-encoder-utils.js)

const YELLOW = [255, 255, 0];
const RED = [255, 0, 0];
const BLUE = [0, 0, 255];
const GREEN = [0, 255, 0];
const DOT = 8;
const STEP = DOT * 2;

/** Top-left corners of the `count` dots putBlackDots() paints. */
function dotPositions(width, count) {
  const out = [];
  for (let i = 1; i <= count; i++) {
    let x = i * STEP;
    const y = Math.floor(STEP * (x / width + 1));
    x %= width;
    out.push([x, y]);
  }
  return out;
}

/** createDottedFrame(): four coloured quadrants with `dots` black dots, as an RGBX frame (a canvas's pixels). */
function createDottedFrame(width, height, dots, ts = dots) {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = y * 2 < height ? (x * 2 < width ? YELLOW : RED) : (x * 2 < width ? BLUE : GREEN);
      data.set([...c, 255], (y * width + x) * 4);
    }
  }
  for (const [dx, dy] of dotPositions(width, dots)) {
    for (let y = dy; y < Math.min(height, dy + DOT); y++) {
      for (let x = dx; x < Math.min(width, dx + DOT); x++) data.set([0, 0, 0, 255], (y * width + x) * 4);
    }
  }
  return new VideoFrame(data, { format: 'RGBX', codedWidth: width, codedHeight: height, timestamp: ts, duration: 33333 });
}

// ---------------------------------------------------------------- decoding through ffmpeg

const bytesOf = (chunk) => {
  const b = new Uint8Array(chunk.byteLength);
  chunk.copyTo(b);
  return b;
};
const u8 = (src) => (ArrayBuffer.isView(src) ? new Uint8Array(src.buffer, src.byteOffset, src.byteLength) : new Uint8Array(src));
const START = Buffer.from([0, 0, 0, 1]);

/**
 * The outputs ({chunk, decoderConfig}) as one Annex B stream: each decoderConfig's avcC parameter
 * sets go in before its chunk (what a decoder reconfigured with it would use), and "avc" length
 * prefixes become start codes.
 */
function annexbStream(outputs) {
  const parts = [];
  let avc = false;
  for (const { chunk, decoderConfig } of outputs) {
    if (decoderConfig) {
      avc = !!decoderConfig.description;
      if (avc) {
        const d = u8(decoderConfig.description);
        let p = 6;
        for (const count of [d[5] & 0x1f, null]) {
          const n = count === null ? d[p++] : count;
          for (let i = 0; i < n; i++) {
            const len = (d[p] << 8) | d[p + 1];
            parts.push(START, d.subarray(p + 2, p + 2 + len));
            p += 2 + len;
          }
        }
      }
    }
    const b = bytesOf(chunk);
    if (!avc) { parts.push(b); continue; }
    for (let p = 0; p < b.length;) {
      const len = b[p] * 2 ** 24 + (b[p + 1] << 16) + (b[p + 2] << 8) + b[p + 3];
      parts.push(START, b.subarray(p + 4, p + 4 + len));
      p += 4 + len;
    }
  }
  return Buffer.concat(parts);
}

/** Decode an Annex B stream to I420 frames (display order) with the ffmpeg CLI. */
function ffmpegDecode(stream, width, height) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-f', 'h264', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'yuv420p',
    '-vsync', 'passthrough', 'pipe:1'], { input: stream, maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `ffmpeg failed: ${r.stderr}`);
  const size = width * height * 3 / 2;
  assert.equal(r.stdout.length % size, 0, `decoded ${r.stdout.length} bytes, not a whole number of ${width}×${height} frames`);
  const frames = [];
  for (let p = 0; p < r.stdout.length; p += size) frames.push(r.stdout.subarray(p, p + size));
  return frames;
}

/** Mean RGB of a w×h block of a decoded I420 frame (BT.709, limited range: what the stream signals). */
function rgbAt(frame, width, height, x0, y0, w, h) {
  let Y = 0; let U = 0; let V = 0; let n = 0;
  const cw = width >> 1;
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      Y += frame[y * width + x];
      U += frame[width * height + (y >> 1) * cw + (x >> 1)];
      V += frame[width * height * 5 / 4 + (y >> 1) * cw + (x >> 1)];
      n++;
    }
  }
  const yy = (Y / n - 16) * 255 / 219;
  const cb = (U / n - 128) * 255 / 224;
  const cr = (V / n - 128) * 255 / 224;
  const clamp = (v) => Math.max(0, Math.min(255, v));
  return [clamp(yy + 1.5748 * cr), clamp(yy - 0.1873 * cb - 0.4681 * cr), clamp(yy + 1.8556 * cb)];
}

/** validateBlackDots(): every one of the `count` dots is dark (all channels ≤ 60 in its centre). */
function hasBlackDots(frame, width, height, count) {
  return dotPositions(width, count).every(([x, y]) => {
    if (y + DOT > height) return true;
    return rgbAt(frame, width, height, x + DOT / 2 - 1, y + DOT / 2 - 1, 2, 2).every((c) => c <= 60);
  });
}

// ---------------------------------------------------------------- H.264 headers (Baseline)

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

/** Bit reader over a NAL unit's RBSP (header byte skipped, emulation prevention bytes removed). */
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
      if ((this.p >> 3) >= this.b.length) throw new Error('NAL unit ends early');
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

function parseSps(nal) {
  const r = new Bits(nal);
  const s = { profile: r.u(8) };
  r.u(16); r.ue();
  assert.equal(s.profile, 66, 'this parser reads Baseline SPSs only');
  s.log2MaxFrameNum = r.ue() + 4;
  s.pocType = r.ue();
  if (s.pocType === 0) s.log2MaxPocLsb = r.ue() + 4;
  else if (s.pocType === 1) { s.deltaPicOrderAlwaysZero = r.u(1); r.se(); r.se(); const n = r.ue(); for (let i = 0; i < n; i++) r.se(); }
  r.ue(); r.u(1); r.ue(); r.ue();
  s.frameMbsOnly = r.u(1);
  return s;
}

function parsePps(nal) {
  const r = new Bits(nal);
  const p = { id: r.ue() };
  r.ue();
  p.cabac = r.u(1);
  p.bottomFieldPicOrder = r.u(1);
  assert.equal(r.ue(), 0, 'slice groups are not parsed');
  r.ue(); r.ue();
  p.weightedPred = r.u(1);
  r.u(2);
  p.picInitQp = 26 + r.se();
  r.se(); r.se(); r.u(1); r.u(1);
  p.redundantPicCnt = r.u(1);
  return p;
}

/** SliceQP_Y of a Baseline slice: pic_init_qp + slice_qp_delta (H.264 7.3.3). */
function sliceQp(nal, sps, pps) {
  const idr = (nal[0] & 0x1f) === 5;
  const refIdc = (nal[0] >> 5) & 3;
  const r = new Bits(nal);
  r.ue();
  const sliceType = r.ue() % 5;
  r.ue();
  r.u(sps.log2MaxFrameNum);
  if (!sps.frameMbsOnly && r.u(1)) r.u(1);
  if (idr) r.ue();
  if (sps.pocType === 0) { r.u(sps.log2MaxPocLsb); if (pps.bottomFieldPicOrder) r.se(); }
  if (sps.pocType === 1 && !sps.deltaPicOrderAlwaysZero) { r.se(); if (pps.bottomFieldPicOrder) r.se(); }
  if (pps.redundantPicCnt) r.ue();
  assert.ok(sliceType === 0 || sliceType === 2, `a P or I slice (got slice_type ${sliceType})`);
  if (sliceType === 0) {
    if (r.u(1)) r.ue(); // num_ref_idx_active_override
    if (r.u(1)) for (let op = r.ue(); op !== 3; op = r.ue()) r.ue(); // ref_pic_list_modification
    assert.equal(pps.weightedPred, 0, 'weighted prediction is not parsed');
  }
  if (refIdc) {
    if (idr) { r.u(1); r.u(1); } else if (r.u(1)) {
      for (let op = r.ue(); op !== 0; op = r.ue()) {
        if (op === 1 || op === 3) r.ue();
        if (op === 2) r.ue();
        if (op === 3 || op === 6) r.ue();
        if (op === 4) r.ue();
      }
    }
  }
  assert.equal(pps.cabac, 0, 'Baseline is CAVLC');
  return pps.picInitQp + r.se();
}

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
    if (t === 7) sps = parseSps(nal);
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
  // Guards the parser above: with the config's quantizer mode and no per-frame value, every slice
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
