'use strict';
// test/api: encoders must not hold frames back (docs/ENCODER-DEFAULTS.md). Chrome's
// encoders emit each chunk about one frame after its input, and libraries written for browsers
// apply back-pressure on encodeQueueSize and on outstanding outputs (one stops feeding while 10
// frames wait and gives up after 10 s), so lookahead and frame-threading delay must be opt-in.
// Chromium's software encoders take no lookahead: media/video/vpx_video_encoder.cc
// (`g_lag_in_frames = 0`, "libvpx encoding is performed synchronously") and
// media/video/av1_video_encoder.cc (`g_lag_in_frames = 0`).
//
// The measurement (bench/latency.js `framesHeld`) encodes one frame at a time and waits until the
// encode queue is empty: the worker delivers a frame's outputs in the same batch as its dequeue,
// so the count of frames without a chunk is what the encoder holds, whatever the machine's speed.

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const { CODECS, framesHeld } = require('../../bench/latency');

const N = 20;
// latencyMode → most frames an encoder may hold at the defaults.
const ALLOWED = { quality: 1, realtime: 0 };

// Each latencyMode with its default bitrateMode, and 'quality' with the other rate controls (x264
// counts its lookahead under VBV, i.e. 'constant', even without mbtree).
const CASES = [['quality', 'variable'], ['quality', 'constant'], ['quality', 'quantizer'], ['realtime', 'variable']];

describe('VideoEncoder holds at most one frame at the defaults', () => {
  for (const codec of CODECS) {
    for (const [mode, bitrateMode] of CASES) {
      test(`${codec} latencyMode '${mode}', bitrateMode '${bitrateMode}': at most ${ALLOWED[mode]} frame(s) without a chunk`, async () => {
        const r = await framesHeld(codec, mode, { n: N, extra: { bitrateMode } });
        assert.ok(r.held <= ALLOWED[mode], `${codec} ${mode} ${bitrateMode} held up to ${r.held} frames (after each frame: ${r.perFrame.join(',')})`);
        assert.equal(r.chunks, N, 'every frame has its chunk after flush');
      });
    }
  }
});

describe('the non-standard lookahead opts into delay (H.264/HEVC)', () => {
  for (const codec of ['avc1.42001E', 'avc1.64001F', 'hvc1.1.6.L93.B0']) {
    test(`${codec} lookahead: 10 holds more than 10 frames, and every chunk comes out`, async () => {
      const r = await framesHeld(codec, 'quality', { n: N, extra: { lookahead: 10 } });
      assert.ok(r.held > 10, `${codec} held at most ${r.held} (after each frame: ${r.perFrame.join(',')})`);
      assert.equal(r.chunks, N);
    });
  }
  test('lookahead is validated as an integer 0–250', async () => {
    const { VideoEncoder } = require('../..');
    for (const lookahead of [-1, 251, NaN]) {
      await assert.rejects(VideoEncoder.isConfigSupported({ codec: 'avc1.42001E', width: 64, height: 48, lookahead }), { name: 'TypeError' }, String(lookahead));
    }
    const s = await VideoEncoder.isConfigSupported({ codec: 'avc1.42001E', width: 64, height: 48, lookahead: 20 });
    assert.equal(s.supported, true);
    assert.equal(s.config.lookahead, 20);
  });
});
