'use strict';
// VideoEncoder: decoderConfig.colorSpace for RGB and YUV input, and the encode → decode →
// copyTo({format: 'RGBA'}) round trip it must keep right (README, "Colour of encoded frames").
// RGB frames (sRGB: matrix 'rgb') are
// converted to YUV with the BT.709 matrix, limited range, before encoding, so decoderConfig.colorSpace
// is that YUV space (bt709/bt709/bt709, fullRange false), as the bitstream signals where it can;
// never the input's sRGB (matrix 'rgb' would tell a decoder the planes are G, B, R). Chrome does
// the same kind of thing: it reports the YUV space it converted into. VP8 has no colour
// signalling in its bitstream, so there the decoderConfig is what carries it.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { VideoEncoder, VideoDecoder, VideoFrame } = require('../..');

const W = 64;
const H = 64;
// Saturated colours (where a wrong matrix or range shows most), one per quadrant.
const COLOURS = [[230, 30, 40], [30, 200, 60], [40, 50, 220], [245, 245, 245]];
const quadrant = (x, y) => (y >= H / 2 ? 2 : 0) + (x >= W / 2 ? 1 : 0);

function rgbaFrame(ts) {
  const data = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set([...COLOURS[quadrant(x, y)], 255], (y * W + x) * 4);
  return new VideoFrame(data, { format: 'RGBA', codedWidth: W, codedHeight: H, timestamp: ts });
}

for (const codec of ['avc1.42001E', 'hvc1.1.6.L93.B0', 'vp8', 'vp09.00.10.08', 'av01.0.04M.08']) {
  test(`RGBA input (${codec}): decoderConfig.colorSpace is BT.709 limited, and the round trip gives the colours back`, async () => {
    const chunks = [];
    const metas = [];
    const errors = [];
    const enc = new VideoEncoder({ output: (c, m) => { chunks.push(c); metas.push(m); }, error: (e) => errors.push(e.message) });
    enc.configure({ codec, width: W, height: H, bitrate: 2_000_000, framerate: 30 });
    for (let i = 0; i < 3; i++) {
      const f = rgbaFrame(i * 33333);
      assert.equal(f.colorSpace.matrix, 'rgb', 'an RGBA frame is sRGB');
      enc.encode(f);
      f.close();
    }
    await enc.flush();
    enc.close();
    assert.deepEqual(errors, []);
    const { decoderConfig } = metas[0];
    assert.deepEqual(decoderConfig.colorSpace, { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false });

    const frames = [];
    const dec = new VideoDecoder({ output: (f) => frames.push(f), error: (e) => errors.push(e.message) });
    dec.configure(decoderConfig);
    for (const c of chunks) dec.decode(c);
    await dec.flush();
    dec.close();
    assert.deepEqual(errors, []);
    assert.equal(frames.length, 3);
    const f = frames[0];
    try {
      assert.equal(f.colorSpace.matrix, 'bt709');
      assert.equal(f.colorSpace.fullRange, false);
      const rgba = new Uint8Array(W * H * 4);
      await f.copyTo(rgba, { format: 'RGBA' });
      for (const [q, colour] of COLOURS.entries()) {
        // The centre of each quadrant, away from chroma edges.
        const x = (q & 1 ? W * 3 / 4 : W / 4);
        const y = (q & 2 ? H * 3 / 4 : H / 4);
        const px = Array.from(rgba.subarray((y * W + x) * 4, (y * W + x) * 4 + 3));
        assert.ok(px.every((v, k) => Math.abs(v - colour[k]) <= 8), `quadrant ${q}: got ${px}, sent ${colour}`);
      }
    } finally {
      for (const fr of frames) fr.close();
    }
  });
}

// ---- YUV input: the stream keeps the frame's colour space ------------------------------------
// Chrome encodes a YUV frame as it is: the planes go to the encoder untouched (no matrix or range
// conversion), the bitstream signals the frame's primaries/transfer/matrix/range (H.264/HEVC VUI,
// AV1 colour config, VP9 colour space and range; VP8 has none) and decoderConfig.colorSpace is the
// frame's. The first frame of a configuration decides the stream's colour space; later frames in
// another colour space are converted into it.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { hasCommand, ffprobeStream, psnr } = require('../helpers/video-media');
const { bytesOf } = require('../conformance/wpt-utils');

const CODECS = ['avc1.42001E', 'hvc1.1.6.L93.B0', 'vp8', 'vp09.00.10.08', 'av01.0.04M.08'];
const SD_LIMITED = { primaries: 'smpte170m', transfer: 'smpte170m', matrix: 'smpte170m', fullRange: false };
const HD_FULL = { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: true };
const CW = W / 2;
const CH = H / 2;

/**
 * I420 planes of a smooth moving gradient with strongly coloured chroma (where a matrix or range
 * conversion would move every sample): Y diagonal, U across, V down, all shifting with `t`.
 */
function i420Planes(t) {
  const y = new Uint8Array(W * H);
  const u = new Uint8Array(CW * CH);
  const v = new Uint8Array(CW * CH);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) y[r * W + c] = Math.round(40 + 150 * (c + r + 2 * t) / (W + H + 8));
  for (let r = 0; r < CH; r++) {
    for (let c = 0; c < CW; c++) {
      u[r * CW + c] = Math.round(60 + 130 * (c + t) / (CW + 4));
      v[r * CW + c] = Math.round(190 - 130 * (r + t) / (CH + 4));
    }
  }
  return [y, u, v];
}

function i420Frame(t, colorSpace, format = 'I420') {
  const [y, u, v] = i420Planes(t);
  let data;
  if (format === 'I420') {
    data = new Uint8Array(W * H * 3 / 2);
    data.set(y, 0);
    data.set(u, W * H);
    data.set(v, W * H + CW * CH);
  } else { // NV12: interleaved UV
    data = new Uint8Array(W * H * 3 / 2);
    data.set(y, 0);
    for (let i = 0; i < CW * CH; i++) { data[W * H + 2 * i] = u[i]; data[W * H + 2 * i + 1] = v[i]; }
  }
  return new VideoFrame(data, { format, codedWidth: W, codedHeight: H, timestamp: t * 33333, colorSpace });
}

/** Encode `frames` (VideoFrames, closed here) with `codec`; chunks and metadata. */
async function encodeAll(codec, frames, extra = {}) {
  const chunks = [];
  const metas = [];
  const errors = [];
  const enc = new VideoEncoder({ output: (c, m) => { chunks.push(c); metas.push(m); }, error: (e) => errors.push(e.message) });
  enc.configure({ codec, width: W, height: H, bitrate: 2_000_000, framerate: 30, ...extra });
  for (const f of frames) { enc.encode(f); f.close(); }
  await enc.flush();
  enc.close();
  assert.deepEqual(errors, []);
  return { chunks, metas };
}

/** Decode `chunks` with `config`; the decoded VideoFrames (caller closes). */
async function decodeAll(config, chunks) {
  const frames = [];
  const errors = [];
  const dec = new VideoDecoder({ output: (f) => frames.push(f), error: (e) => errors.push(e.message) });
  dec.configure(config);
  for (const c of chunks) dec.decode(c);
  await dec.flush();
  dec.close();
  assert.deepEqual(errors, []);
  return frames;
}

async function planesOf(frame) {
  assert.equal(frame.format, 'I420');
  const buf = new Uint8Array(frame.allocationSize());
  await frame.copyTo(buf);
  return [buf.subarray(0, W * H), buf.subarray(W * H, W * H + CW * CH), buf.subarray(W * H + CW * CH, W * H * 3 / 2)];
}

async function rgbaOf(frame) {
  const buf = new Uint8Array(W * H * 4);
  await frame.copyTo(buf, { format: 'RGBA' });
  return buf;
}

/** Mean and largest absolute difference of the R, G, B samples of two RGBA buffers. */
function rgbDiff(a, b) {
  let sum = 0;
  let max = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (i % 4 === 3) continue;
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    n++;
    if (d > max) max = d;
  }
  return { mean: sum / n, max };
}

/** The decoded frames' planes and RGBA against the sources they came from (frame t = index). */
async function assertSameAsSource(decoded, sources, label) {
  for (const [t, f] of decoded.entries()) {
    const src = sources[t];
    const got = await planesOf(f);
    const want = await planesOf(src);
    for (const [p, name] of ['Y', 'U', 'V'].entries()) {
      const db = psnr(got[p], want[p]);
      assert.ok(db > 35, `${label} frame ${t}: ${name} plane PSNR ${db.toFixed(1)} dB (the planes should be encoded as they are)`);
    }
    const d = rgbDiff(await rgbaOf(f), await rgbaOf(src));
    assert.ok(d.mean <= 3 && d.max <= 24, `${label} frame ${t}: RGBA differs from the source's by ${d.mean.toFixed(2)} on average, ${d.max} at most`);
  }
}

const withoutColorSpace = ({ colorSpace, ...rest }) => rest;

for (const codec of CODECS) {
  for (const [name, cs] of [['smpte170m limited', SD_LIMITED], ['bt709 full range', HD_FULL]]) {
    test(`I420 input tagged ${name} (${codec}): encoded as it is, decoderConfig.colorSpace is the frame's`, async () => {
      const N = 3;
      const { chunks, metas } = await encodeAll(codec, Array.from({ length: N }, (_, t) => i420Frame(t, cs)));
      const { decoderConfig } = metas[0];
      assert.deepEqual(decoderConfig.colorSpace, cs);
      const sources = Array.from({ length: N }, (_, t) => i420Frame(t, cs));
      const decoded = await decodeAll(decoderConfig, chunks);
      try {
        assert.equal(decoded.length, N);
        for (const f of decoded) assert.deepEqual(f.colorSpace.toJSON(), cs);
        await assertSameAsSource(decoded, sources, codec);
      } finally {
        for (const f of decoded) f.close();
      }
      // What the bitstream itself signals (the decoder told nothing by the config): all four in
      // H.264/HEVC/AV1, matrix and range in VP9, nothing in VP8.
      const inBand = await decodeAll(withoutColorSpace(decoderConfig), chunks);
      try {
        const got = inBand[0].colorSpace.toJSON();
        if (codec === 'vp8') {
          // Nothing to check: VP8's one colour-space bit only ever means BT.601 (FFmpeg reports
          // bt470bg whatever was encoded), so the decoderConfig alone carries the colour.
        } else if (codec.startsWith('vp09')) {
          assert.deepEqual({ matrix: got.matrix, fullRange: got.fullRange }, { matrix: cs.matrix, fullRange: cs.fullRange });
        } else {
          assert.deepEqual(got, cs);
        }
      } finally {
        for (const f of inBand) f.close();
        for (const f of sources) f.close();
      }
    });
  }
}

/** An IVF file of VP8/VP9/AV1 chunks. */
function ivf(fourcc, chunks) {
  const head = Buffer.alloc(32);
  head.write('DKIF', 0);
  head.writeUInt16LE(0, 4);
  head.writeUInt16LE(32, 6);
  head.write(fourcc, 8);
  head.writeUInt16LE(W, 12);
  head.writeUInt16LE(H, 14);
  head.writeUInt32LE(30, 16);
  head.writeUInt32LE(1, 20);
  head.writeUInt32LE(chunks.length, 24);
  const parts = [head];
  chunks.forEach((c, i) => {
    const h = Buffer.alloc(12);
    h.writeUInt32LE(c.byteLength, 0);
    h.writeBigUInt64LE(BigInt(i), 4);
    parts.push(h, bytesOf(c));
  });
  return Buffer.concat(parts);
}

const annexb = (chunks) => Buffer.concat(chunks.map(bytesOf));

const FFPROBE_CASES = [
  ['avc1.42001E', { avc: { format: 'annexb' } }, 'h264', annexb],
  ['hvc1.1.6.L93.B0', { hevc: { format: 'annexb' } }, 'hevc', annexb],
  ['vp09.00.10.08', {}, 'ivf', (c) => ivf('VP90', c)],
  ['av01.0.04M.08', {}, 'ivf', (c) => ivf('AV01', c)],
];
for (const [codec, extra, ext, mux] of FFPROBE_CASES) {
  for (const [name, cs] of [['smpte170m limited', SD_LIMITED], ['bt709 full range', HD_FULL]]) {
    test(`ffprobe reads the frame's colour (${name}) in the ${codec} bitstream`, { skip: !hasCommand('ffprobe') && 'no ffprobe' }, async () => {
      const { chunks } = await encodeAll(codec, [0, 1].map((t) => i420Frame(t, cs)), extra);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-color-'));
      const file = path.join(dir, `out.${ext}`);
      try {
        fs.writeFileSync(file, mux(chunks));
        const s = ffprobeStream(file);
        assert.equal(s.color_range, cs.fullRange ? 'pc' : 'tv');
        assert.equal(s.color_space, cs.matrix);
        if (!codec.startsWith('vp09')) {
          assert.equal(s.color_primaries, cs.primaries);
          assert.equal(s.color_transfer, cs.transfer);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}

// Frame 0 decides the stream's colour space; frames 1–2 are bt709 full range and must come back in
// the stream's space with their own colours: another matrix and range, or the range alone (which
// swscale's unscaled same-format copy ignores unless the context is made with the ranges).
const HD_LIMITED = { ...HD_FULL, fullRange: false };
for (const [first, codec] of [[SD_LIMITED, 'avc1.42001E'], [SD_LIMITED, 'vp09.00.10.08'], [HD_LIMITED, 'avc1.42001E']]) {
  test(`later frames in another colour space are converted into the stream's (first frame ${first.matrix} limited decides, ${codec})`, async () => {
    const tags = [first, HD_FULL, HD_FULL];
    const { chunks, metas } = await encodeAll(codec, tags.map((cs, t) => i420Frame(t, cs)));
    assert.deepEqual(metas[0].decoderConfig.colorSpace, first);
    assert.equal(metas.filter((m) => m.decoderConfig).length, 1, 'one decoderConfig');
    const decoded = await decodeAll(metas[0].decoderConfig, chunks);
    const sources = tags.map((cs, t) => i420Frame(t, cs));
    try {
      for (const [t, f] of decoded.entries()) {
        assert.deepEqual(f.colorSpace.toJSON(), first);
        const d = rgbDiff(await rgbaOf(f), await rgbaOf(sources[t]));
        // bt709 → smpte170m primaries are not converted (only matrix and range), hence the margin.
        assert.ok(d.mean <= 4, `${codec} frame ${t}: RGBA differs from the source's by ${d.mean.toFixed(2)} on average`);
      }
      // The converted frame's luma is not the source's: with the same matrix it is the source's
      // luma in limited range (16 + Y·219/255), with another matrix it moves further.
      const y1 = (await planesOf(decoded[1]))[0];
      const src1 = (await planesOf(sources[1]))[0];
      const db = psnr(y1, src1);
      if (first.matrix === 'bt709') {
        const ldb = psnr(y1, src1.map((v) => Math.round(16 + v * 219 / 255)));
        assert.ok(ldb > 40 && ldb > db + 3, `frame 1's Y is the source's in limited range (${ldb.toFixed(1)} dB; ${db.toFixed(1)} dB against the source as is)`);
      } else {
        assert.ok(db < 30, `frame 1 was converted (Y PSNR against the source ${db.toFixed(1)} dB)`);
      }
    } finally {
      for (const f of decoded) f.close();
      for (const f of sources) f.close();
    }
  });
}

test('a flush keeps the stream\'s colour space; a reconfigure lets the next first frame decide again', async () => {
  const metas = [];
  const errors = [];
  const enc = new VideoEncoder({ output: (c, m) => metas.push(m), error: (e) => errors.push(e.message) });
  const config = { codec: 'vp09.00.10.08', width: W, height: H, bitrate: 1_000_000, framerate: 30 };
  enc.configure(config);
  let f = i420Frame(0, SD_LIMITED);
  enc.encode(f);
  f.close();
  await enc.flush();
  // libvpx is reopened after a flush: still the configuration's colour space (no new decoderConfig).
  f = i420Frame(1, HD_FULL);
  enc.encode(f);
  f.close();
  await enc.flush();
  enc.configure(config);
  f = i420Frame(1, HD_FULL);
  enc.encode(f);
  f.close();
  await enc.flush();
  enc.close();
  assert.deepEqual(errors, []);
  const configs = metas.filter((m) => m.decoderConfig).map((m) => m.decoderConfig.colorSpace);
  assert.deepEqual(configs, [SD_LIMITED, HD_FULL]);
});

test('null members of the frame\'s colorSpace are filled in from its matrix (REC709 when none)', async () => {
  const cases = [
    [{}, { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false }],
    [{ matrix: 'smpte170m' }, { primaries: 'smpte170m', transfer: 'smpte170m', matrix: 'smpte170m', fullRange: false }],
    [{ matrix: 'bt470bg', fullRange: true }, { primaries: 'bt470bg', transfer: 'smpte170m', matrix: 'bt470bg', fullRange: true }],
  ];
  for (const [given, want] of cases) {
    const { metas } = await encodeAll('avc1.42001E', [i420Frame(0, given)]);
    assert.deepEqual(metas[0].decoderConfig.colorSpace, want, JSON.stringify(given));
  }
});

test('NV12 input tagged smpte170m full range: repacked to I420 without a matrix or range conversion', async () => {
  const cs = { ...SD_LIMITED, fullRange: true };
  const { chunks, metas } = await encodeAll('avc1.42001E', [0, 1].map((t) => i420Frame(t, cs, 'NV12')));
  assert.deepEqual(metas[0].decoderConfig.colorSpace, cs);
  const decoded = await decodeAll(metas[0].decoderConfig, chunks);
  const sources = [0, 1].map((t) => i420Frame(t, cs));
  try {
    await assertSameAsSource(decoded, sources, 'NV12');
  } finally {
    for (const f of decoded) f.close();
    for (const f of sources) f.close();
  }
});
