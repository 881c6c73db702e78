'use strict';
// test/conformance: mirrors web-platform-tests webcodecs/video-encoder-rescaling.https.any.js,
// variant ?h264_annexb: a four-colour RGBX or I420 frame of one size, encoded with a config of
// another size, must decode to the same four colours at the configured size. As in WPT, our
// VideoDecoder decodes the chunk with the encoder's decoderConfig (the decoded frame's size must be
// the configured one); its I420 bytes are read with copyTo(). Differences from WPT: the I420 input is made with the BT.709 limited-range matrix (the colour space a VideoFrame
// of I420 data gets by default), not WPT's BT.601 full-range formula, so both formats must give
// back the same colours; and the check is per quadrant (its inner half, away from the edges that
// scaling and 4:2:0 blur) with a tolerance of 20/255 per RGB channel.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const api = require('../..');
const { VideoEncoder, VideoFrame } = api;
const {
  closeAfterEach, quadrant, toYuv, i420Data, rgbxData, rgbAt,
} = require('./wpt-utils');
const { videoDecoderOrFail } = require('../helpers/video-media');

const VideoDecoder = videoDecoderOrFail(api, __filename);
const BASECONFIG = { codec: 'avc1.42001E', avc: { format: 'annexb' }, framerate: 30, bitrate: 3000000 };

const open = closeAfterEach();

const FOUR_COLORS = [[255, 255, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255]]; // TL, TR, BL, BR (WPT's)

function fourColorFrame(format, w, h) {
  const init = { format, codedWidth: w, codedHeight: h, timestamp: 0 };
  if (format === 'RGBX') return new VideoFrame(rgbxData(w, h, (x, y) => FOUR_COLORS[quadrant(x, y, w, h)]), init);
  const yuv = FOUR_COLORS.map((c) => toYuv(c).map(Math.round)); // BT.709 limited range
  const data = i420Data(w, h, (x, y) => yuv[quadrant(x, y, w, h)][0], (x, y) => yuv[quadrant(x, y, w >> 1, h >> 1)].slice(1));
  return new VideoFrame(data, init);
}

/** scaleFrame(): encode one frame at `to`, return the decoded I420 picture and the decoderConfig. */
async function scaleFrame(frame, { w, h }) {
  const chunks = [];
  let decoderConfig = null;
  const errors = [];
  const encoder = new VideoEncoder({
    output: (chunk, metadata) => { chunks.push(chunk); if (metadata.decoderConfig) decoderConfig = metadata.decoderConfig; },
    error: (e) => errors.push(e),
  });
  open.add(encoder);
  encoder.configure({ ...BASECONFIG, width: w, height: h });
  encoder.encode(frame);
  await encoder.flush();
  encoder.close();
  assert.deepEqual(errors, []);
  assert.equal(chunks.length, 1);

  const frames = [];
  const decoder = new VideoDecoder({ output: (f) => frames.push(f), error: (e) => errors.push(e) });
  open.add(decoder);
  decoder.configure(decoderConfig);
  decoder.decode(chunks[0]);
  await decoder.flush();
  decoder.close();
  assert.deepEqual(errors, []);
  assert.equal(frames.length, 1);
  const [decoded] = frames;
  try {
    assert.deepEqual([decoded.format, decoded.displayWidth, decoded.displayHeight], ['I420', w, h], 'decoded format and size');
    assert.deepEqual([decoded.visibleRect.width, decoded.visibleRect.height], [w, h]);
    const picture = new Uint8Array(decoded.allocationSize());
    await decoded.copyTo(picture);
    return { picture, decoderConfig };
  } finally {
    decoded.close();
  }
}

const scaleTests = [
  { from: { w: 64, h: 64 }, to: { w: 128, h: 128 } }, // factor 2
  { from: { w: 128, h: 128 }, to: { w: 128, h: 128 } }, // factor 1
  { from: { w: 128, h: 128 }, to: { w: 64, h: 64 } }, // factor 0.5
  { from: { w: 32, h: 32 }, to: { w: 96, h: 96 } }, // factor 3
  { from: { w: 192, h: 192 }, to: { w: 64, h: 64 } }, // factor 1/3
  { from: { w: 64, h: 32 }, to: { w: 128, h: 64 } }, // factor 2
  { from: { w: 128, h: 256 }, to: { w: 64, h: 128 } }, // factor 0.5
  { from: { w: 64, h: 64 }, to: { w: 128, h: 192 } }, // factor 2 (w) and 3 (h)
  { from: { w: 128, h: 192 }, to: { w: 64, h: 64 } }, // factor 0.5 (w) and 1/3 (h)
];

for (const scale of scaleTests) {
  for (const format of ['RGBX', 'I420']) {
    const name = `Scaling Image in Encoding from ${scale.from.w} x ${scale.from.h} to ${scale.to.w} x ${scale.to.h} Format: ${format}`;
    test(name, async () => {
      const input = fourColorFrame(format, scale.from.w, scale.from.h);
      let result;
      try {
        result = await scaleFrame(input, scale.to);
      } finally {
        input.close();
      }
      const { w, h } = scale.to;
      assert.equal(result.decoderConfig.codedWidth, w);
      assert.equal(result.decoderConfig.codedHeight, h);
      for (let q = 0; q < 4; q++) {
        const x0 = (q & 1) * (w / 2) + w / 8;
        const y0 = (q >> 1) * (h / 2) + h / 8;
        const got = rgbAt(result.picture, w, h, x0, y0, w / 4, h / 4);
        got.forEach((c, k) => assert.ok(Math.abs(c - FOUR_COLORS[q][k]) <= 20,
          `quadrant ${q}: got ${got.map(Math.round)}, expected ${FOUR_COLORS[q]}`));
      }
    });
  }
}
