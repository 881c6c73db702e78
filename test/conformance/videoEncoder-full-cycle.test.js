'use strict';
// test/conformance: mirrors web-platform-tests webcodecs/full-cycle-test.https.any.js, variants
// ?h264_avc and ?h264_annexb (VP8/VP9/AV1/HEVC: no encoder in this build), at 160×100 instead of
// 320×200. This build has no VideoDecoder yet, so the decoding half runs through the ffmpeg CLI
// (skipped when it is not installed): the chunks, with the decoderConfig's description for "avc",
// form an H.264 stream; every decoded frame must show its own number of black dots (WPT's
// validateBlackDots), and the stream's colour signalling must be the decoderConfig.colorSpace
// (WPT: "the decoder shouldn't change it"). The "w/ stripped color space" variant only changes the
// decoder's input, so it has no encoder half of its own here.

const { test, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { VideoEncoder, VideoFrame } = require('../..');

const HAS_FFMPEG = spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('ffprobe', ['-version']).status === 0;

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

/** The chunks as one Annex B stream: for "avc", parameter sets from the avcC, lengths → start codes. */
function annexbStream(chunks, description) {
  const parts = [];
  if (description) {
    const d = u8(description);
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
  for (const chunk of chunks) {
    const b = bytesOf(chunk);
    if (!description) { parts.push(b); continue; }
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

function ffprobeStream(stream) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-f', 'h264', '-show_streams', '-of', 'json', 'pipe:0'], { input: stream });
  assert.equal(r.status, 0, `ffprobe failed: ${r.stderr}`);
  return JSON.parse(r.stdout).streams[0];
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

    const stream = annexbStream(chunks, decoderConfig.description);
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
