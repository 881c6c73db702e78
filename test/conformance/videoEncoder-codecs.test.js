'use strict';
// test/conformance: the WPT VideoEncoder files, run for every codec variant this build encodes
// (VP8, VP9 profiles 0 and 2, AV1 8- and 10-bit, HEVC hvc1 and Annex B, H.264 avc). Mirrors, at
// small sizes:
//   video-encoder.https.any.js      configure → encode → flush: one chunk per frame, in order, the
//                                   first a key chunk with a decoderConfig (codec, size, description
//                                   only where the format has one)
//   full-cycle-test.https.any.js    our VideoDecoder decodes the chunks with that decoderConfig:
//                                   every frame shows its own number of black dots
//   video-encoder-flush             reset() during flush rejects it with AbortError
//   per-frame-qp-encoding           bitrateMode 'quantizer' with {vp9|av1|avc|hevc: {quantizer}}
//                                   per frame: every frame decodes, low QPs make bigger chunks
//   temporal-svc-encoding           L1T2/L1T3 (VP8/VP9): metadata.svc.temporalLayerId follows the
//                                   pattern and the base layer alone decodes; other codecs
//                                   report the modes unsupported
//   video-encoder-rescaling         a 4-colour frame of another size decodes to the configured
//                                   size with its colours
//   video-encoder-h26x-annexb       HEVC Annex B: start codes, no description (the full mirror,
//                                   NAL unit order per chunk, is videoEncoder-h26x-annexb.test.js)
//   video-encoder-orientation       the first frame's rotation/flip in decoderConfig; another
//                                   orientation is a DataError that does not close the encoder;
//                                   configure() accepts a new one
//   video-encoder-content-hint      isConfigSupported echoes contentHint; it encodes
//   reconfiguring-encoder           a new codec, size and bitrate mid-stream
// plus alpha 'keep' (VP8/VP9: metadata.alphaSideData is a decodable stream of the alpha plane),
// 10-bit input kept at 10 bits where the profile allows, and the B-frame opt-in.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const api = require('../..');
const { VideoEncoder, VideoFrame } = api;
const { closeAfterEach, isDOMException, createDottedFrame, dotPositions, YELLOW, RED, BLUE, GREEN, quadrant, rgbxData, bytesOf, annexbNals, lengthPrefixedNals } = require('./wpt-utils');
const { videoDecoderOrFail } = require('../helpers/video-media');

const VideoDecoder = videoDecoderOrFail(api, __filename);
const open = closeAfterEach();

const VARIANTS = {
  vp8: { codec: 'vp8' },
  vp9_p0: { codec: 'vp09.00.10.08' },
  vp9_p2: { codec: 'vp09.02.10.10' },
  av1: { codec: 'av01.0.04M.08' },
  av1_10bit: { codec: 'av01.0.04M.10' },
  hevc: { codec: 'hvc1.1.6.L93.B0' },
  hevc_annexb: { codec: 'hvc1.1.6.L93.B0', hevc: { format: 'annexb' } },
  h264_avc: { codec: 'avc1.42001E', avc: { format: 'avc' } },
};
const hasDescription = (v) => /^(hvc1|avc1)/.test(v.codec) && !(v.hevc && v.hevc.format === 'annexb');
const QP_MEMBER = { vp9_p0: 'vp9', vp9_p2: 'vp9', av1: 'av1', av1_10bit: 'av1', hevc: 'hevc', hevc_annexb: 'hevc', h264_avc: 'avc' };

/** Encode frames (made by make(i)) with per-frame options; returns {chunks, metas, errors}. */
async function encodeAll(config, count, make, opts = () => ({})) {
  const chunks = [];
  const metas = [];
  const errors = [];
  const enc = new VideoEncoder({ output: (c, m) => { chunks.push(c); metas.push(m); }, error: (e) => errors.push(e) });
  open.add(enc);
  enc.configure(config);
  for (let i = 0; i < count; i++) {
    const f = make(i);
    enc.encode(f, opts(i));
    f.close();
  }
  await enc.flush();
  enc.close();
  assert.deepEqual(errors.map((e) => `${e.name}: ${e.message}`), []);
  return { chunks, metas, decoderConfig: metas.find((m) => m.decoderConfig)?.decoderConfig };
}

/**
 * Decode chunks with our VideoDecoder (configured with decoderConfig, and again whenever
 * metas[i].decoderConfig brings a new one, as a client must); returns the frames as RGBX bytes
 * plus their timestamps and formats.
 */
async function decodeAll(decoderConfig, chunks, w, h, metas = []) {
  const frames = [];
  const errors = [];
  const dec = new VideoDecoder({ output: (f) => frames.push(f), error: (e) => errors.push(e) });
  open.add(dec);
  dec.configure(decoderConfig);
  for (const [i, c] of chunks.entries()) {
    if (i > 0 && metas[i] && metas[i].decoderConfig) dec.configure(metas[i].decoderConfig);
    dec.decode(c);
  }
  await dec.flush();
  dec.close();
  assert.deepEqual(errors.map((e) => `${e.name}: ${e.message}`), []);
  const out = [];
  for (const f of frames) {
    try {
      assert.deepEqual([f.displayWidth, f.displayHeight], [w, h]);
      const rgb = new Uint8Array(w * h * 4);
      await f.copyTo(rgb, { format: 'RGBX' });
      out.push({ timestamp: f.timestamp, format: f.format, rgb });
    } finally {
      f.close();
    }
  }
  return out;
}

const DOT = 8;
const meanRgb = (rgb, w, x0, y0, bw, bh) => {
  const s = [0, 0, 0];
  for (let y = y0; y < y0 + bh; y++) for (let x = x0; x < x0 + bw; x++) for (let k = 0; k < 3; k++) s[k] += rgb[(y * w + x) * 4 + k];
  return s.map((v) => v / (bw * bh));
};
/** validateBlackDots() on RGBX bytes: the centre of each of the `count` dots of createDottedFrame is dark. */
function dotsOk(rgb, w, h, count) {
  return dotPositions(w, count).every(([x, y]) => y + DOT > h || meanRgb(rgb, w, x + 2, y + 2, 4, 4).every((c) => c <= 70));
}

for (const [variant, base] of Object.entries(VARIANTS)) {
  const W = 160;
  const H = 100;
  const config = { ...base, width: W, height: H, bitrate: 1_000_000, framerate: 30 };

  test(`video-encoder + full-cycle: encode 16 frames and decode them with VideoDecoder (?${variant})`, async () => {
    assert.equal((await VideoEncoder.isConfigSupported(config)).supported, true);
    const { chunks, decoderConfig } = await encodeAll(config, 16, (i) => createDottedFrame(W, H, i, i * 33333), (i) => ({ keyFrame: i % 5 === 0 }));
    assert.equal(chunks.length, 16);
    assert.deepEqual(chunks.map((c) => c.timestamp), Array.from({ length: 16 }, (_, i) => i * 33333), 'presentation order');
    for (const i of [0, 5, 10, 15]) assert.equal(chunks[i].type, 'key', `keyFrame at ${i}`);
    assert.ok(decoderConfig);
    assert.equal(decoderConfig.codec, base.codec);
    assert.deepEqual([decoderConfig.codedWidth, decoderConfig.codedHeight], [W, H]);
    assert.equal(!!decoderConfig.description, hasDescription(base), 'description where the format needs one');
    assert.deepEqual(decoderConfig.colorSpace, { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false });
    if (base.hevc && base.hevc.format === 'annexb') {
      // video-encoder-h26x-annexb: chunks start with a start code, the key chunk carries VPS/SPS/PPS.
      const b = bytesOf(chunks[0]);
      assert.ok(b[0] === 0 && b[1] === 0 && (b[2] === 1 || (b[2] === 0 && b[3] === 1)), 'Annex B start code');
      const types = [];
      for (let i = 0; i + 3 < b.length; i++) if (b[i] === 0 && b[i + 1] === 0 && b[i + 2] === 1) types.push((b[i + 3] >> 1) & 0x3f);
      for (const t of [32, 33, 34]) assert.ok(types.includes(t), `NAL type ${t} in the key chunk (got ${types})`);
    }
    const frames = await decodeAll(decoderConfig, chunks, W, H);
    assert.equal(frames.length, 16, 'frames decoded');
    frames.forEach((f, i) => {
      assert.equal(f.timestamp, i * 33333);
      assert.ok(dotsOk(f.rgb, W, H, i), `frame ${i} lacks one of its ${i} dots`);
      if (i < 15) assert.ok(!dotsOk(f.rgb, W, H, i + 1), `frame ${i} has a dot too many`);
      for (const [rgb, x, y] of [[YELLOW, 60, 2], [RED, 140, 2], [BLUE, 10, 80], [GREEN, 130, 80]]) {
        const got = meanRgb(f.rgb, W, x, y, 8, 8);
        got.forEach((c, k) => assert.ok(Math.abs(c - rgb[k]) <= 30, `frame ${i} at ${x},${y}: ${got.map(Math.round)} vs ${rgb}`));
      }
    });
    if (/^(vp09\.02|av01\.0\.04M\.10)/.test(base.codec)) assert.equal(frames[0].format, 'I420P10', '10-bit profile decodes to 10 bits');
  });

  test(`video-encoder-flush: reset() during flush rejects it with AbortError (?${variant})`, async () => {
    const enc = new VideoEncoder({ output: () => {}, error: (e) => assert.fail(`error callback: ${e.message}`) });
    open.add(enc);
    enc.configure(config);
    for (let i = 0; i < 4; i++) { const f = createDottedFrame(W, H, i); enc.encode(f); f.close(); }
    const p = enc.flush();
    enc.reset();
    await assert.rejects(p, isDOMException('AbortError'));
    assert.equal(enc.state, 'unconfigured');
    enc.configure(config);
    const f = createDottedFrame(W, H, 0);
    enc.encode(f);
    f.close();
    await enc.flush();
  });

  test(`video-encoder-orientation: the first frame's rotation/flip, DataError for another, reset by configure (?${variant})`, async () => {
    let decoderConfig = null;
    let outputs = 0;
    const errors = [];
    const enc = new VideoEncoder({ output: (c, m) => { outputs++; if (m.decoderConfig) decoderConfig = m.decoderConfig; }, error: (e) => errors.push(e) });
    open.add(enc);
    enc.configure(config);
    const frame = (ts, rotation, flip) => new VideoFrame(rgbxData(W, H, () => [90, 120, 150]), { format: 'RGBX', codedWidth: W, codedHeight: H, timestamp: ts, rotation, flip });
    const f1 = frame(0, 90, true);
    const f2 = frame(33333, 90, false);
    const f3 = frame(66666, 180, true);
    const f4 = frame(99999, 90, true);
    enc.encode(f1);
    assert.throws(() => enc.encode(f2), isDOMException('DataError'));
    assert.throws(() => enc.encode(f3), isDOMException('DataError'));
    enc.encode(f4);
    [f1, f2, f3, f4].forEach((f) => f.close());
    await enc.flush();
    assert.equal(outputs, 2);
    assert.equal(decoderConfig.rotation, 90);
    assert.equal(decoderConfig.flip, true);
    enc.configure(config);
    const f5 = frame(0, 270, false);
    enc.encode(f5);
    f5.close();
    await enc.flush();
    assert.equal(outputs, 3);
    assert.equal(decoderConfig.rotation, 270);
    assert.equal(decoderConfig.flip, false);
    assert.deepEqual(errors, []);
  });

  test(`video-encoder-content-hint: isConfigSupported echoes contentHint and it encodes (?${variant})`, async () => {
    for (const contentHint of ['motion', 'detail', 'text']) {
      const s = await VideoEncoder.isConfigSupported({ ...config, contentHint });
      assert.equal(s.supported, true, contentHint);
      assert.equal(s.config.contentHint, contentHint);
      const { chunks } = await encodeAll({ ...config, contentHint }, 2, (i) => createDottedFrame(W, H, i, i));
      assert.equal(chunks.length, 2);
    }
  });

  test(`video-encoder-rescaling: a 320×200 four-colour RGBX frame encoded at 160×100 (?${variant})`, async () => {
    const COLORS = [[255, 255, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255]];
    const src = () => new VideoFrame(rgbxData(320, 200, (x, y) => COLORS[quadrant(x, y, 320, 200)]), { format: 'RGBX', codedWidth: 320, codedHeight: 200, timestamp: 0 });
    const { chunks, decoderConfig } = await encodeAll(config, 1, src);
    const [f] = await decodeAll(decoderConfig, chunks, W, H);
    COLORS.forEach((c, q) => {
      const got = meanRgb(f.rgb, W, (q & 1) * 80 + 20, (q >> 1) * 50 + 12, 40, 25);
      got.forEach((v, k) => assert.ok(Math.abs(v - c[k]) <= 25, `quadrant ${q}: ${got.map(Math.round)} vs ${c}`));
    });
  });

  const member = QP_MEMBER[variant];
  if (member) {
    test(`per-frame-qp-encoding: bitrateMode 'quantizer' with ${member}.quantizer per frame (?${variant})`, async () => {
      const max = member === 'vp9' || member === 'av1' ? 63 : 51;
      const qps = [max - 4, 2, max - 10, 10, Math.round(max / 2), 0];
      const qconfig = { ...config, bitrateMode: 'quantizer' };
      delete qconfig.bitrate;
      assert.equal((await VideoEncoder.isConfigSupported(qconfig)).supported, true);
      const { chunks, metas, decoderConfig } = await encodeAll(qconfig, qps.length, (i) => createDottedFrame(W, H, i, i * 33333), (i) => ({ [member]: { quantizer: qps[i] } }));
      assert.equal(chunks.length, qps.length);
      const size = (i) => chunks[i].byteLength;
      assert.ok(size(1) > size(0) && size(3) > size(2), `low QP chunks are bigger: ${chunks.map((c) => c.byteLength)}`);
      const frames = await decodeAll(decoderConfig, chunks, W, H, metas);
      assert.equal(frames.length, qps.length);
      frames.forEach((f, i) => assert.ok(dotsOk(f.rgb, W, H, i), `frame ${i} (QP ${qps[i]}) lacks a dot`));
      // Out of range for this codec: TypeError, the encoder stays usable.
      const enc = new VideoEncoder({ output: () => {}, error: () => {} });
      open.add(enc);
      enc.configure(qconfig);
      const f = createDottedFrame(W, H, 0);
      assert.throws(() => enc.encode(f, { [member]: { quantizer: max + 1 } }), TypeError);
      f.close();
    });
  }

  const svc = /^(vp8|vp09)/.test(base.codec);
  for (const mode of ['L1T2', 'L1T3']) {
    test(`temporal-svc-encoding ${mode} (?${variant})`, async () => {
      const c = { ...config, scalabilityMode: mode };
      const s = await VideoEncoder.isConfigSupported(c);
      if (!svc) {
        assert.equal(s.supported, false, `${mode} is reported unsupported for ${base.codec}`);
        return;
      }
      assert.equal(s.supported, true);
      const pattern = mode === 'L1T2' ? [0, 1] : [0, 2, 1, 2];
      const n = 12;
      const { chunks, metas, decoderConfig } = await encodeAll(c, n, (i) => createDottedFrame(W, H, i, i * 33333));
      assert.equal(chunks.length, n);
      assert.deepEqual(metas.map((m) => m.svc && m.svc.temporalLayerId), Array.from({ length: n }, (_, i) => pattern[i % pattern.length]));
      // The base layer alone decodes, each frame to the same picture as in the full decode.
      const base0 = chunks.filter((_, i) => pattern[i % pattern.length] === 0);
      const frames = await decodeAll(decoderConfig, base0, W, H);
      assert.equal(frames.length, base0.length);
      frames.forEach((f, k) => {
        const i = k * pattern.length;
        assert.equal(f.timestamp, i * 33333);
        assert.ok(dotsOk(f.rgb, W, H, i), `base-layer frame ${i} lacks a dot`);
      });
    });
  }
}

test('reconfiguring-encoder: a new codec, size and bitrate mid-stream (every codec in turn)', async () => {
  const seq = [['vp8', 160, 120], ['vp09.00.10.08', 128, 96], ['av01.0.04M.08', 160, 120], ['hvc1.1.6.L93.B0', 128, 96], ['avc1.42001E', 160, 120]];
  const outs = [];
  const errors = [];
  const enc = new VideoEncoder({ output: (c, m) => outs.push([c, m]), error: (e) => errors.push(e) });
  open.add(enc);
  let ts = 0;
  for (const [k, [codec, w, h]] of seq.entries()) {
    enc.configure({ codec, width: w, height: h, bitrate: 300_000 + k * 200_000, framerate: 30 });
    for (let i = 0; i < 4; i++) { const f = createDottedFrame(w, h, i, ts); ts += 33333; enc.encode(f); f.close(); }
  }
  await enc.flush();
  assert.deepEqual(errors, []);
  assert.equal(outs.length, seq.length * 4);
  for (const [k, [codec, w, h]] of seq.entries()) {
    const group = outs.slice(k * 4, k * 4 + 4);
    const [chunk, meta] = group[0];
    assert.equal(chunk.type, 'key', `first chunk of ${codec} is key`);
    assert.equal(meta.decoderConfig.codec, codec);
    assert.deepEqual([meta.decoderConfig.codedWidth, meta.decoderConfig.codedHeight], [w, h]);
    const frames = await decodeAll(meta.decoderConfig, group.map(([c]) => c), w, h);
    assert.equal(frames.length, 4, codec);
    frames.forEach((f, i) => assert.ok(dotsOk(f.rgb, w, h, i), `${codec} frame ${i}`));
  }
});

for (const codec of ['vp8', 'vp09.00.10.08']) {
  test(`alpha 'keep' (${codec}): metadata.alphaSideData decodes to the frame's alpha plane`, async () => {
    const W = 96;
    const H = 64;
    const frame = (i) => {
      const px = new Uint8Array(W * H * 4);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) px.set([200, 60, 40, x < W / 2 ? 255 : 64], (y * W + x) * 4);
      return new VideoFrame(px, { format: 'RGBA', codedWidth: W, codedHeight: H, timestamp: i * 33333 });
    };
    const { chunks, metas, decoderConfig } = await encodeAll({ codec, width: W, height: H, bitrate: 500_000, alpha: 'keep' }, 3, frame);
    assert.equal(chunks.length, 3);
    for (const m of metas) assert.ok(m.alphaSideData && m.alphaSideData.byteLength > 0, 'alphaSideData on every chunk');
    // The side data is a stream of its own (alpha as luma); decode it.
    const EncodedVideoChunk = api.EncodedVideoChunk;
    const alphaChunks = metas.map((m, i) => new EncodedVideoChunk({ type: chunks[i].type, timestamp: chunks[i].timestamp, data: m.alphaSideData }));
    const frames = await decodeAll({ codec, codedWidth: W, codedHeight: H }, alphaChunks, W, H);
    assert.equal(frames.length, 3);
    const left = meanRgb(frames[0].rgb, W, 4, 4, 16, 16)[0];
    const right = meanRgb(frames[0].rgb, W, W - 20, 4, 16, 16)[0];
    assert.ok(left > 230 && right < 90, `alpha plane decodes to the alpha values (left ${left}, right ${right})`);
    // Without 'keep' there is no side data.
    const plain = await encodeAll({ codec, width: W, height: H, bitrate: 500_000 }, 1, frame);
    assert.equal(plain.metas[0].alphaSideData, undefined);
  });
}

test('10-bit I420P10 input: kept at 10 bits by vp09.02 and av01 …10, down-converted by 8-bit profiles', async () => {
  const W = 64;
  const H = 48;
  const frame = (i) => {
    const d = new Uint16Array(W * H * 3 / 2);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) d[y * W + x] = 64 + ((x * 12 + i * 4) % 876);
    d.fill(512, W * H);
    return new VideoFrame(d, { format: 'I420P10', codedWidth: W, codedHeight: H, timestamp: i * 33333 });
  };
  for (const [codec, depth] of [['vp09.02.10.10', 10], ['av01.0.04M.10', 10], ['hvc1.2.4.L93.B0', 10], ['vp09.00.10.08', 8], ['avc1.42001E', 8]]) {
    const { chunks, decoderConfig } = await encodeAll({ codec, width: W, height: H, bitrate: 1_000_000 }, 2, frame);
    const dec = [];
    const d = new VideoDecoder({ output: (f) => dec.push(f), error: (e) => assert.fail(e.message) });
    open.add(d);
    d.configure(decoderConfig);
    for (const c of chunks) d.decode(c);
    await d.flush();
    assert.equal(dec.length, 2, codec);
    assert.equal(dec[0].format, depth === 10 ? 'I420P10' : 'I420', codec);
    dec.forEach((f) => f.close());
  }
});

test('B-frames: none by default (presentation order); the non-standard bFrames opt-in reorders', async () => {
  const cfg = { codec: 'avc1.64001F', width: 160, height: 100, bitrate: 500_000, framerate: 30 };
  const make = (i) => createDottedFrame(160, 100, i % 12, i * 33333);
  const plain = await encodeAll(cfg, 30, make);
  assert.deepEqual(plain.chunks.map((c) => c.timestamp), Array.from({ length: 30 }, (_, i) => i * 33333));
  const reordered = await encodeAll({ ...cfg, bFrames: 3 }, 30, make);
  const ts = reordered.chunks.map((c) => c.timestamp);
  assert.equal(ts.length, 30);
  assert.ok(ts.some((t, i) => i > 0 && t < ts[i - 1]), 'decode order differs from presentation order');
  await assert.rejects(VideoEncoder.isConfigSupported({ ...cfg, bFrames: 17 }), TypeError);
});

// A key chunk decodes on its own: a fresh decoder given the chunks from a requested key frame on
// (here the 13th) outputs every one of them, also with B-frames. x265 turns a forced key frame
// into a CRA under its default open GOP, whose leading (RASL) pictures refer to the previous GOP
// and are dropped when decoding starts there; HEVC is encoded with closed GOPs (IDR key frames).
for (const [name, extra] of [['H.264', { codec: 'avc1.64001F' }], ['HEVC', { codec: 'hvc1.1.6.L93.B0' }], ['HEVC Annex B', { codec: 'hvc1.1.6.L93.B0', hevc: { format: 'annexb' } }]]) {
  for (const bFrames of [0, 3]) {
    test(`a requested key chunk decodes on its own (${name}, bFrames ${bFrames})`, async () => {
      const W = 160;
      const H = 100;
      const cfg = { ...extra, width: W, height: H, bitrate: 500_000, framerate: 30, bFrames };
      const { chunks, metas, decoderConfig } = await encodeAll(cfg, 24, (i) => createDottedFrame(W, H, i % 12, i * 33333), (i) => ({ keyFrame: i === 0 || i === 12 }));
      const at = chunks.findIndex((c) => c.timestamp === 12 * 33333);
      assert.equal(chunks[at].type, 'key', 'the requested key frame is a key chunk');
      assert.ok(chunks.slice(at + 1).every((c) => c.timestamp > chunks[at].timestamp), 'no chunk after the key chunk shows an earlier frame');
      if (name.startsWith('HEVC')) {
        const b = bytesOf(chunks[at]);
        const types = (extra.hevc ? annexbNals(b) : lengthPrefixedNals(b)).map((n) => (n[0] >> 1) & 0x3f);
        assert.ok(types.some((t) => t === 19 || t === 20), `an IDR slice in the key chunk (NAL types ${types})`);
      }
      const frames = await decodeAll(decoderConfig, chunks.slice(at), W, H, metas.slice(at));
      assert.deepEqual(frames.map((f) => f.timestamp).sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => (12 + i) * 33333));
    });
  }
}
