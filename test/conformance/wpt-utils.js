'use strict';
// test/conformance: the helpers the WPT-style encoder and decoder tests share (after WPT's utils.js
// and video-encoder-utils.js), plus H.264 header parsing and an ffmpeg-CLI decode that some encoder
// mirrors keep as an independent second opinion. The full-cycle and rescaling mirrors decode with
// our VideoDecoder, as WPT does; the decoder tests' media and demuxers are in
// test/helpers/video-media.js. Not a test file: the runner only runs *.test.js.

const { afterEach } = require('node:test');
const media = require('../helpers/video-media');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { VideoFrame } = require('../..');

// ---------------------------------------------------------------- codecs, errors, waiting

/** A set of codecs that afterEach() closes (those not closed yet) and empties. */
function closeAfterEach() {
  const open = new Set();
  afterEach(() => {
    for (const e of open) if (e.state !== 'closed') e.close();
    open.clear();
  });
  return open;
}

const isTypeError = (e) => {
  assert.ok(e instanceof TypeError, `expected a TypeError, got ${e && e.name}: ${e && e.message}`);
  return true;
};
const isDOMException = (name) => (e) => {
  assert.ok(e instanceof DOMException, `expected a DOMException ${name}, got ${e && e.name}: ${e && e.message}`);
  assert.equal(e.name, name);
  return true;
};

const endAfterEventLoopTurn = () => new Promise((r) => setTimeout(r, 0));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function stepWait(cond, what, ms = 10000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(1);
  }
}

// ---------------------------------------------------------------- frames

/** Quadrant index of (x, y) in a w×h picture: 0 top left, 1 top right, 2 bottom left, 3 bottom right. */
const quadrant = (x, y, w, h) => (y * 2 >= h ? 2 : 0) + (x * 2 >= w ? 1 : 0);

/** YUV of an RGB colour with matrix coefficients (kr, kb), limited or full range (unrounded). */
function toYuv(rgb, { kr = 0.2126, kb = 0.0722, full = false } = {}) {
  const [r, g, b] = rgb.map((c) => c / 255);
  const y = kr * r + (1 - kr - kb) * g + kb * b;
  const cb = (b - y) / (2 * (1 - kb));
  const cr = (r - y) / (2 * (1 - kr));
  return full ? [255 * y, 128 + 255 * cb, 128 + 255 * cr] : [16 + 219 * y, 128 + 224 * cb, 128 + 224 * cr];
}

/** I420 samples of a width×height picture: lumaAt(x, y), and chromaAt(x, y) → [u, v] in chroma coordinates. */
function i420Data(width, height, lumaAt, chromaAt) {
  const cw = width >> 1;
  const ch = height >> 1;
  const data = new Uint8Array(width * height + 2 * cw * ch);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = lumaAt(x, y);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const [u, v] = chromaAt(x, y);
      data[width * height + y * cw + x] = u;
      data[width * height + cw * ch + y * cw + x] = v;
    }
  }
  return data;
}

/** RGBX pixels of a width×height picture: rgbAtXY(x, y) → [r, g, b]. */
function rgbxData(width, height, rgbAtXY) {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([...rgbAtXY(x, y), 255], (y * width + x) * 4);
  return data;
}

/** An I420 VideoFrame of 30 fps duration (see i420Data()). */
function i420Frame(width, height, ts, lumaAt, chromaAt = () => [128, 128]) {
  const data = i420Data(width, height, lumaAt, chromaAt);
  return new VideoFrame(data, { format: 'I420', codedWidth: width, codedHeight: height, timestamp: ts, duration: 33333 });
}

// Limited-range YUV of yellow, red, blue, green: BT.709 for the last three; the yellow entry is
// BT.601's (as the helper this came from had it; the tests using it do not look at colours).
const QUADRANT_YUV = [[210, 16, 146], [63, 102, 240], [32, 240, 118], [173, 42, 26]];

/** WPT's createFrame(): four coloured quadrants (yellow, red, blue, green) as I420, luma varied by ts. */
function createQuadrantFrame(width, height, ts = 0) {
  return i420Frame(width, height, ts,
    (x, y) => QUADRANT_YUV[quadrant(x, y, width, height)][0] ^ (ts & 7),
    (x, y) => QUADRANT_YUV[quadrant(x, y, width >> 1, height >> 1)].slice(1));
}

/** A grey I420 frame whose luma ramps along the raster order, shifted by ts. */
const createRampFrame = (width, height, ts) => i420Frame(width, height, ts, (x, y) => ((y * width + x) * 5 + ts) & 0xff);

/** A grey I420 frame with a diagonal luma gradient, shifted by ts. */
const createGradientFrame = (width, height, ts) => i420Frame(width, height, ts, (x, y) => (x * 2 + y + ts * 5) & 0xff);

/** An I420 frame of vertical stripes (moved by `index`) over a luma gradient, with a flat tinted chroma. */
const createStripedFrame = (width, height, ts, index = 0) => i420Frame(width, height, ts,
  (x, y) => (((x + index * 3) & 16) ? 200 : 40 + (y & 0x3f)), () => [110, 140]);

// ---------------------------------------------------------------- dotted frames (after video-encoder-utils.js)

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
  const colors = [YELLOW, RED, BLUE, GREEN];
  const data = rgbxData(width, height, (x, y) => colors[quadrant(x, y, width, height)]);
  for (const [dx, dy] of dotPositions(width, dots)) {
    for (let y = dy; y < Math.min(height, dy + DOT); y++) {
      for (let x = dx; x < Math.min(width, dx + DOT); x++) data.set([0, 0, 0, 255], (y * width + x) * 4);
    }
  }
  return new VideoFrame(data, { format: 'RGBX', codedWidth: width, codedHeight: height, timestamp: ts, duration: 33333 });
}

/**
 * validateBlackDots(): every one of the `count` dots is dark (all channels ≤ 60 in its centre).
 * `frame` is I420 bytes (read with rgbAt), or RGBX bytes with `at` = rgbxAt.
 */
function hasBlackDots(frame, width, height, count, at = rgbAt) {
  return dotPositions(width, count).every(([x, y]) => {
    if (y + DOT > height) return true;
    return at(frame, width, height, x + DOT / 2 - 1, y + DOT / 2 - 1, 2, 2).every((c) => c <= 60);
  });
}

// ---------------------------------------------------------------- chunk bytes and Annex B streams

const bytesOf = (chunk) => {
  const b = new Uint8Array(chunk.byteLength);
  chunk.copyTo(b);
  return b;
};
const u8 = (src) => (ArrayBuffer.isView(src) ? new Uint8Array(src.buffer, src.byteOffset, src.byteLength) : new Uint8Array(src));
const START = Buffer.from([0, 0, 0, 1]);

/** NAL units of an Annex B buffer (start codes removed). */
const annexbNals = (b) => media.annexbNals(b).map((n) => n.nal);
/** NAL units of a buffer with 4-byte length prefixes. */
const lengthPrefixedNals = (b) => media.lengthPrefixedNals(b, 4);

/** The SPS and PPS NAL units of an avcC record (AVCDecoderConfigurationRecord, ISO/IEC 14496-15). */
function avccParameterSets(description) {
  const d = u8(description);
  const sets = { sps: [], pps: [] };
  let p = 6;
  for (const [list, count] of [[sets.sps, d[5] & 0x1f], [sets.pps, null]]) {
    const n = count === null ? d[p++] : count;
    for (let i = 0; i < n; i++) {
      const len = (d[p] << 8) | d[p + 1];
      list.push(d.subarray(p + 2, p + 2 + len));
      p += 2 + len;
    }
  }
  return sets;
}

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
        const { sps, pps } = avccParameterSets(decoderConfig.description);
        for (const nal of [...sps, ...pps]) parts.push(START, nal);
      }
    }
    const b = bytesOf(chunk);
    if (!avc) { parts.push(b); continue; }
    for (const nal of lengthPrefixedNals(b)) parts.push(START, nal);
  }
  return Buffer.concat(parts);
}

/** The chunks as one Annex B stream under one description (the avcC for "avc", none for "annexb"). */
const annexbStreamOf = (chunks, description) =>
  annexbStream(chunks.map((chunk, i) => ({ chunk, decoderConfig: i === 0 ? { description } : null })));

// ---------------------------------------------------------------- decoding through the ffmpeg CLI
// (an independent reference decoder: per-frame-qp and videoFrame-inputs compare against it; the
// WPT decoding halves use VideoDecoder)

const available = new Map();
/** Whether the command (ffmpeg, ffprobe) runs here. */
function hasCommand(name) {
  if (!available.has(name)) available.set(name, spawnSync(name, ['-version']).status === 0);
  return available.get(name);
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

/** The first stream ffprobe finds in an Annex B stream. */
function ffprobeStream(stream) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-f', 'h264', '-show_streams', '-of', 'json', 'pipe:0'], { input: stream });
  assert.equal(r.status, 0, `ffprobe failed: ${r.stderr}`);
  return JSON.parse(r.stdout).streams[0];
}

/** Mean RGB of a w×h block of a decoded I420 picture (tightly packed planes, as VideoFrame.copyTo() or ffmpeg give them; BT.709, limited range: what the stream signals). */
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

/** Mean RGB of a w×h block of RGBX pixels (VideoFrame.copyTo() with format 'RGBX', as a canvas reads them back). */
function rgbxAt(pixels, width, height, x0, y0, w, h) {
  const sum = [0, 0, 0];
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) for (let k = 0; k < 3; k++) sum[k] += pixels[(y * width + x) * 4 + k];
  }
  return sum.map((v) => v / (w * h));
}

// ---------------------------------------------------------------- H.264 headers

/** Bit reader over a NAL unit's RBSP (header byte skipped, emulation prevention bytes removed). */
class Bits {
  constructor(nal, what = 'NAL unit') {
    const out = [];
    for (let i = 1; i < nal.length; i++) {
      if (i + 2 < nal.length && nal[i] === 0 && nal[i + 1] === 0 && nal[i + 2] === 3) { out.push(0, 0); i += 2; continue; }
      out.push(nal[i]);
    }
    this.b = out;
    this.p = 0;
    this.what = what;
  }
  u(n) {
    let v = 0;
    for (let i = 0; i < n; i++, this.p++) {
      if ((this.p >> 3) >= this.b.length) throw new Error(`${this.what} ends early`);
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

/**
 * An SPS (H.264 7.3.2.1.1, no scaling lists: libx264 writes none): profile_idc, level_idc, what a
 * slice header needs, and the cropped picture size. `expect.profile` (with `expect.message`) asserts
 * profile_idc before anything else is read.
 */
function parseSps(nal, expect = {}) {
  const r = new Bits(nal, 'SPS');
  const s = { profile: r.u(8) };
  if (expect.profile !== undefined) assert.equal(s.profile, expect.profile, expect.message);
  s.constraints = r.u(8);
  s.level = r.u(8);
  r.ue();
  let chroma = 1;
  if ([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].includes(s.profile)) {
    chroma = r.ue();
    if (chroma === 3) r.u(1);
    r.ue(); r.ue(); r.u(1);
    assert.equal(r.u(1), 0, 'seq_scaling_matrix_present_flag (not parsed here)');
  }
  s.log2MaxFrameNum = r.ue() + 4;
  s.pocType = r.ue();
  if (s.pocType === 0) s.log2MaxPocLsb = r.ue() + 4;
  else if (s.pocType === 1) { s.deltaPicOrderAlwaysZero = r.u(1); r.se(); r.se(); const n = r.ue(); for (let i = 0; i < n; i++) r.se(); }
  r.ue(); r.u(1);
  const wMbs = r.ue() + 1;
  const hUnits = r.ue() + 1;
  s.frameMbsOnly = r.u(1);
  if (!s.frameMbsOnly) r.u(1);
  r.u(1);
  const crop = r.u(1) ? [r.ue(), r.ue(), r.ue(), r.ue()] : [0, 0, 0, 0];
  const cx = chroma === 3 ? 1 : 2;
  const cy = (chroma === 1 ? 2 : 1) * (2 - s.frameMbsOnly);
  s.width = wMbs * 16 - cx * (crop[0] + crop[1]);
  s.height = hUnits * 16 * (2 - s.frameMbsOnly) - cy * (crop[2] + crop[3]);
  return s;
}

/** The PPS fields a Baseline slice header needs (no slice groups). */
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

module.exports = {
  // codecs, errors, waiting
  closeAfterEach,
  isTypeError,
  isDOMException,
  endAfterEventLoopTurn,
  sleep,
  stepWait,
  // frames
  quadrant,
  toYuv,
  i420Data,
  rgbxData,
  i420Frame,
  createQuadrantFrame,
  createRampFrame,
  createGradientFrame,
  createStripedFrame,
  // dotted frames
  YELLOW,
  RED,
  BLUE,
  GREEN,
  dotPositions,
  createDottedFrame,
  rgbxAt,
  hasBlackDots,
  // chunk bytes and Annex B streams
  bytesOf,
  u8,
  annexbNals,
  lengthPrefixedNals,
  avccParameterSets,
  annexbStream,
  annexbStreamOf,
  // decoding through the ffmpeg CLI
  hasCommand,
  ffmpegDecode,
  ffprobeStream,
  rgbAt,
  // H.264 headers
  Bits,
  parseSps,
  parsePps,
  sliceQp,
};
