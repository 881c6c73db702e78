'use strict';
// VideoEncoder: decoderConfig.colorSpace for RGB input, and the encode → decode →
// copyTo({format: 'RGBA'}) round trip it must keep right. RGB frames (sRGB: matrix 'rgb') are
// converted to YUV with the BT.709 matrix, limited range, before encoding, so decoderConfig.colorSpace
// is that YUV space (bt709/bt709/bt709, fullRange false), as the bitstream signals where it can;
// never the input's sRGB (matrix 'rgb' would tell a decoder the planes are G, B, R). Chrome does
// the same kind of thing: it reports the YUV space it converted into (see README, "Colour of
// encoded RGB frames"). VP8 has no colour signalling in its bitstream, so there the decoderConfig
// is what carries it.

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
