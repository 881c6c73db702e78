'use strict';
// test/conformance: mirrors web-platform-tests webcodecs/video-encoder-h26x-annexb.https.any.js,
// its subtest "Verify stream compliance h26x annexb" for the variants ?h264_annexb_software
// (avc1.42001E), ?h265_annexb_software (hvc1.1.6.L123.00), and the two _hardware variants, which
// this build reports unsupported (no hardware encoders) and so skips, as WPT's
// checkEncoderSupport() does. 320×200, 1 Mbps, 30 fps, 16 dotted frames, keyFrame every 5th.
//
// checkNaluSyntax() follows WPT's (after Chromium's media/formats/mp4/avc.cc and hevc.cc): the NAL
// unit order of each access unit (AUD first, parameter sets and prefix SEI before the first VCL
// NAL unit, suffix SEI / filler after it, end of sequence / bitstream last) and the key flag. Two
// differences, both stricter: the HEVC NAL unit type is read as (byte >> 1) & 0x3f (WPT masks
// with 0x1f for both codecs, which makes its HEVC branch accept almost anything), and a key chunk
// must carry an IDR (H.264) / IRAP (HEVC) slice and its parameter sets in band (SPS and PPS, plus
// VPS for HEVC): an Annex B stream has no description to carry them.
// Beyond WPT: our VideoDecoder, configured with the decoderConfig (no description), decodes the
// 16 chunks to 16 frames with their timestamps, each showing its dots.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const api = require('../..');
const { VideoEncoder } = api;
const { closeAfterEach, createDottedFrame, dotPositions, bytesOf } = require('./wpt-utils');
const { videoDecoderOrFail } = require('../helpers/video-media');

const VideoDecoder = videoDecoderOrFail(api, __filename);
const open = closeAfterEach();

const VARIANTS = {
  h264_annexb_software: { codec: 'avc1.42001E', avc: { format: 'annexb' }, hardwareAcceleration: 'prefer-software' },
  h264_annexb_hardware: { codec: 'avc1.42001E', avc: { format: 'annexb' }, hardwareAcceleration: 'prefer-hardware' },
  h265_annexb_software: { codec: 'hvc1.1.6.L123.00', hevc: { format: 'annexb' }, hardwareAcceleration: 'prefer-software' },
  h265_annexb_hardware: { codec: 'hvc1.1.6.L123.00', hevc: { format: 'annexb' }, hardwareAcceleration: 'prefer-hardware' },
};

// Order states of an access unit (WPT's names).
const AUD_ALLOWED = 1;
const BEFORE_FIRST_VCL = 2;
const AFTER_FIRST_VCL = 3;
const EOS_ALLOWED = 4; // after an end of sequence: only an end of bitstream may follow
const NO_MORE_DATA = 5;

/** Each NAL unit's type, in order, of an Annex B chunk (start codes of 3 or 4 bytes). */
function nalTypes(buffer, codec) {
  const types = [];
  for (let pos = 3; pos < buffer.length; pos++) {
    if (buffer[pos - 3] === 0 && buffer[pos - 2] === 0 && buffer[pos - 1] === 1) {
      types.push(codec === 'h264' ? buffer[pos] & 0x1f : (buffer[pos] >> 1) & 0x3f);
    }
  }
  return types;
}

/** H.264 7.4.1.2.3: NAL unit order within an access unit; IDR slices if and only if key. */
function checkH264(types, key, where) {
  let state = AUD_ALLOWED;
  let last = -1;
  let idr = false;
  for (const t of types) {
    const at = `${where}: NAL type ${t} in state ${state} (types ${types})`;
    switch (t) {
      case 9: // AUD
        assert.ok(state <= AUD_ALLOWED, `unexpected AUD, ${at}`);
        state = BEFORE_FIRST_VCL;
        break;
      case 6: case 14: case 15: case 16: case 17: case 18: case 8: case 7: // SEI, prefix, subset SPS, DPS, reserved, PPS, SPS
        assert.ok(state <= BEFORE_FIRST_VCL, `unexpected non-VCL NAL unit after the first VCL, ${at}`);
        state = BEFORE_FIRST_VCL;
        break;
      case 13: // SPS extension
        assert.equal(last, 7, `SPS extension does not follow an SPS, ${at}`);
        break;
      case 1: case 2: case 3: case 4: case 5: // slices
        assert.ok(state <= AFTER_FIRST_VCL, `unexpected VCL, ${at}`);
        assert.equal(t === 5, key, `key flag ${key} but slice type ${t}, ${at}`);
        idr ||= t === 5;
        state = AFTER_FIRST_VCL;
        break;
      case 19: // auxiliary coded picture
        assert.equal(state, AFTER_FIRST_VCL, `unexpected auxiliary slice, ${at}`);
        break;
      case 10: // end of sequence
        assert.equal(state, AFTER_FIRST_VCL, `unexpected end of sequence, ${at}`);
        state = EOS_ALLOWED;
        break;
      case 11: // end of stream
        assert.ok(state >= AFTER_FIRST_VCL, `unexpected end of stream, ${at}`);
        state = NO_MORE_DATA;
        break;
      case 12: case 0: // filler, unspecified: ignored (7.4.2.7)
        break;
      default:
        assert.ok(t > 19, `unknown NAL unit type, ${at}`);
    }
    last = t;
  }
  assert.ok(state >= AFTER_FIRST_VCL, `${where}: no slice (types ${types})`);
  if (key) {
    assert.ok(idr, `${where}: key chunk without an IDR slice`);
    for (const [t, name] of [[7, 'SPS'], [8, 'PPS']]) assert.ok(types.includes(t), `${where}: key chunk without an in-band ${name} (types ${types})`);
  }
}

/** H.265 7.4.2.4.4: NAL unit order within an access unit; IRAP slices only in key chunks. */
function checkH265(types, key, where) {
  let state = AUD_ALLOWED;
  let irap = false;
  const inRange = (t, a, b) => t >= a && t <= b;
  for (const t of types) {
    const at = `${where}: NAL type ${t} in state ${state} (types ${types})`;
    if (t === 35) { // AUD_NUT
      assert.ok(state <= AUD_ALLOWED, `unexpected AUD, ${at}`);
      state = BEFORE_FIRST_VCL;
    } else if ([32, 33, 34, 39].includes(t) || inRange(t, 41, 44) || inRange(t, 48, 55)) {
      // VPS, SPS, PPS, prefix SEI, RSV_NVCL41..44, UNSPEC48..55: not after the last VCL NAL unit.
      assert.ok(state <= BEFORE_FIRST_VCL, `non-VCL NAL unit after the first VCL, ${at}`);
      state = BEFORE_FIRST_VCL;
    } else if ([38, 40].includes(t) || inRange(t, 45, 47) || inRange(t, 56, 63)) {
      // FD_NUT, suffix SEI, RSV_NVCL45..47, UNSPEC56..63: not before the first VCL NAL unit.
      assert.equal(state, AFTER_FIRST_VCL, `suffix NAL unit before the first VCL, ${at}`);
    } else if (t === 36) { // EOS_NUT
      assert.equal(state, AFTER_FIRST_VCL, `unexpected end of sequence, ${at}`);
      state = EOS_ALLOWED;
    } else if (t === 37) { // EOB_NUT
      assert.ok(state >= AFTER_FIRST_VCL, `unexpected end of bitstream, ${at}`);
      state = NO_MORE_DATA;
    } else if (inRange(t, 16, 23)) { // IRAP VCL (BLA, IDR, CRA, reserved IRAP)
      assert.ok(state <= AFTER_FIRST_VCL, `unexpected VCL, ${at}`);
      assert.equal(key, true, `IRAP slice in a delta chunk, ${at}`);
      irap = true;
      state = AFTER_FIRST_VCL;
    } else if (inRange(t, 0, 15) || inRange(t, 24, 31)) { // non-IRAP VCL
      assert.ok(state <= AFTER_FIRST_VCL, `unexpected VCL, ${at}`);
      state = AFTER_FIRST_VCL;
    } else {
      assert.fail(`unsupported NAL unit type, ${at}`);
    }
  }
  assert.ok(state >= AFTER_FIRST_VCL, `${where}: no slice (types ${types})`);
  if (key) {
    assert.ok(irap, `${where}: key chunk without an IRAP slice`);
    for (const [t, name] of [[32, 'VPS'], [33, 'SPS'], [34, 'PPS']]) assert.ok(types.includes(t), `${where}: key chunk without an in-band ${name} (types ${types})`);
  }
}

function checkNaluSyntax(codec, chunk) {
  const buffer = bytesOf(chunk);
  assert.ok(buffer[0] === 0 && buffer[1] === 0 && (buffer[2] === 1 || (buffer[2] === 0 && buffer[3] === 1)),
    `chunk ${chunk.timestamp} starts with a start code`);
  const check = codec === 'h264' ? checkH264 : checkH265;
  check(nalTypes(buffer, codec), chunk.type === 'key', `chunk ${chunk.timestamp} (${chunk.type})`);
}

/** The centre of each of the `count` dots is dark in RGBX bytes. */
function dotsOk(rgb, w, h, count) {
  return dotPositions(w, count).every(([x, y]) => {
    if (y + 8 > h) return true;
    let s = 0;
    for (let yy = y + 2; yy < y + 6; yy++) for (let xx = x + 2; xx < x + 6; xx++) for (let k = 0; k < 3; k++) s += rgb[(yy * w + xx) * 4 + k];
    return s / 48 <= 70;
  });
}

for (const [variant, base] of Object.entries(VARIANTS)) {
  test(`Verify stream compliance h26x annexb (?${variant})`, async (t) => {
    // promise_setup
    const ENCODER_CONFIG = { ...base, width: 320, height: 200, bitrate: 1_000_000, framerate: 30 };
    const ANNEXB_CODEC = base.avc ? 'h264' : 'h265';

    // runAnnexBTest()
    const encoderConfig = { ...ENCODER_CONFIG };
    const w = encoderConfig.width;
    const h = encoderConfig.height;
    const framesToEncode = 16;
    // checkEncoderSupport(): an unsupported config is an optional feature (the test is skipped).
    const support = await VideoEncoder.isConfigSupported(encoderConfig);
    if (!support.supported) {
      assert.equal(base.hardwareAcceleration, 'prefer-hardware', 'every software variant is supported');
      t.skip(`${encoderConfig.codec} with ${base.hardwareAcceleration} is unsupported (no hardware encoder)`);
      return;
    }

    const encodedResults = [];
    const metas = [];
    const errors = [];
    const encoder = new VideoEncoder({
      output(chunk, metadata) { encodedResults.push(chunk); metas.push(metadata); },
      error(e) { errors.push(`${e.name}: ${e.message}`); },
    });
    open.add(encoder);
    encoder.configure(encoderConfig);
    for (let i = 0; i < framesToEncode; i++) {
      const frame = createDottedFrame(w, h, i, i * 33333);
      encoder.encode(frame, { keyFrame: i % 5 === 0 });
      frame.close();
    }
    await encoder.flush();
    encoder.close();
    assert.deepEqual(errors, []);

    for (const chunk of encodedResults) checkNaluSyntax(ANNEXB_CODEC, chunk);
    assert.ok(encodedResults.length > 0, 'frames_encoded');

    // Beyond WPT: every frame came out, the requested key frames are key chunks, and our
    // VideoDecoder decodes the stream with the decoderConfig alone (no description: Annex B).
    assert.equal(encodedResults.length, framesToEncode);
    for (const i of [0, 5, 10, 15]) assert.equal(encodedResults[i].type, 'key', `keyFrame at ${i}`);
    const decoderConfig = metas[0] && metas[0].decoderConfig;
    assert.ok(decoderConfig, 'decoderConfig on the first chunk');
    assert.equal(decoderConfig.codec, base.codec);
    assert.equal(decoderConfig.description, undefined, 'no description for Annex B');
    const frames = [];
    const decErrors = [];
    const decoder = new VideoDecoder({ output: (f) => frames.push(f), error: (e) => decErrors.push(`${e.name}: ${e.message}`) });
    open.add(decoder);
    decoder.configure(decoderConfig);
    for (const c of encodedResults) decoder.decode(c);
    await decoder.flush();
    decoder.close();
    assert.deepEqual(decErrors, []);
    assert.equal(frames.length, framesToEncode);
    for (const [i, f] of frames.entries()) {
      try {
        assert.equal(f.timestamp, i * 33333);
        assert.deepEqual([f.displayWidth, f.displayHeight], [w, h]);
        const rgb = new Uint8Array(w * h * 4);
        await f.copyTo(rgb, { format: 'RGBX' });
        assert.ok(dotsOk(rgb, w, h, i), `decoded frame ${i} shows its ${i} dots`);
      } finally {
        f.close();
      }
    }
  });
}
