'use strict';
// test/conformance: mirrors web-platform-tests webcodecs/video-encoder-config.https.any.js.
// WPT's lists use 'vp8', which this build cannot encode, so every "valid but unsupported" entry is
// also run with an H.264 codec string, where only the named reason makes it unsupported. The
// validConfigs WPT marks optional (assert_implements_optional) are skipped when unsupported.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { VideoEncoder } = require('../..');
const { closeAfterEach, isTypeError, isDOMException } = require('./wpt-utils');

const open = closeAfterEach();

const h264 = (config) => ({ ...config, codec: 'avc1.42001E' });
const invalidConfigs = [
  { comment: 'Missing codec', config: { width: 640, height: 480 } },
  { comment: 'Empty codec', config: { codec: '', width: 640, height: 480 } },
  { comment: 'Width is 0', config: { codec: 'vp8', width: 0, height: 480 } },
  { comment: 'Height is 0', config: { codec: 'vp8', width: 640, height: 0 } },
  { comment: 'displayWidth is 0', config: { codec: 'vp8', displayWidth: 0, width: 640, height: 480 } },
  { comment: 'displayHeight is 0', config: { codec: 'vp8', width: 640, displayHeight: 0, height: 480 } },
  // Newer WPT (w3c/webcodecs#860): a bitrate of 0 is invalid.
  { comment: 'Bitrate is present but zero', config: { codec: 'vp8', width: 640, height: 480, bitrate: 0 } },
  { comment: 'Bitrate is present but zero (H.264)', config: h264({ width: 640, height: 480, bitrate: 0 }) },
];

test('A bitrate that is not a number: the TypeError names bits per second', async () => {
  await assert.rejects(VideoEncoder.isConfigSupported({ codec: 'vp8', width: 640, height: 480, bitrate: '1M' }), (e) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /bitrate \(bits per second\)/);
    assert.doesNotMatch(e.message, /microseconds/);
    return true;
  });
});

for (const entry of invalidConfigs) {
  test(`Test that VideoEncoder.isConfigSupported() rejects invalid config: ${entry.comment}`, async () => {
    await assert.rejects(VideoEncoder.isConfigSupported(entry.config), isTypeError);
  });
}

for (const entry of invalidConfigs) {
  test(`Test that VideoEncoder.configure() rejects invalid config: ${entry.comment}`, () => {
    const errors = [];
    const codec = new VideoEncoder({ output: () => errors.push('output'), error: (e) => errors.push(e) });
    open.add(codec);
    assert.throws(() => codec.configure(entry.config), isTypeError);
    assert.equal(codec.state, 'unconfigured');
  });
}

const validButUnsupportedConfigs = [
  { comment: 'Invalid scalability mode', config: { codec: 'vp8', width: 640, height: 480, scalabilityMode: 'ABC' } },
  { comment: 'Invalid scalability mode (H.264)', config: h264({ width: 640, height: 480, scalabilityMode: 'ABC' }) },
  { comment: 'Unrecognized codec', config: { codec: 'bogus', width: 640, height: 480 } },
  { comment: 'Codec with bad casing', config: { codec: 'vP8', width: 640, height: 480 } },
  { comment: 'Codec with bad casing (H.264)', config: { codec: 'AVC1.42001E', width: 640, height: 480 } },
  { comment: 'Width is too large', config: { codec: 'vp8', width: 1000000, height: 480 } },
  { comment: 'Width is too large (H.264)', config: h264({ width: 1000000, height: 480 }) },
  { comment: 'Height is too large', config: { codec: 'vp8', width: 640, height: 1000000 } },
  { comment: 'Height is too large (H.264)', config: h264({ width: 640, height: 1000000 }) },
  {
    comment: 'Too strenuous accelerated encoding parameters',
    config: { codec: 'vp8', hardwareAcceleration: 'prefer-hardware', width: 20000, height: 20000, bitrate: 1, framerate: 240 },
  },
  {
    comment: 'Too strenuous accelerated encoding parameters (H.264)',
    config: h264({ hardwareAcceleration: 'prefer-hardware', width: 20000, height: 20000, bitrate: 1, framerate: 240 }),
  },
  { comment: 'Odd sized frames for H264', config: { codec: 'avc1.42001E', width: 641, height: 480, bitrate: 1000000, framerate: 24 } },
  { comment: 'Possible future H264 codec string', config: { codec: 'avc1.FF000b', width: 640, height: 480 } },
  { comment: 'Possible future HEVC codec string', config: { codec: 'hvc1.C99.6FFFFFF.L93', width: 640, height: 480 } },
  { comment: 'Possible future VP9 codec string', config: { codec: 'vp09.99.99.08', width: 640, height: 480 } },
  { comment: 'Possible future AV1 codec string', config: { codec: 'av01.9.99M.08', width: 640, height: 480 } },
];

for (const entry of validButUnsupportedConfigs) {
  const { config } = entry;
  test(`Test that VideoEncoder.isConfigSupported() doesn't support config: ${entry.comment}`, async () => {
    const support = await VideoEncoder.isConfigSupported(config);
    assert.equal(support.supported, false);
    const newConfig = support.config;
    assert.equal(newConfig.codec, config.codec);
    assert.equal(newConfig.width, config.width);
    assert.equal(newConfig.height, config.height);
    if (config.bitrate) assert.equal(newConfig.bitrate, config.bitrate);
    if (config.framerate) assert.equal(newConfig.framerate, config.framerate);
  });
}

for (const entry of validButUnsupportedConfigs) {
  test(`Test that VideoEncoder.configure() doesn't support config: ${entry.comment}`, async () => {
    let codec;
    const outputs = [];
    const errored = new Promise((resolve) => {
      codec = new VideoEncoder({ output: () => outputs.push(1), error: resolve });
    });
    open.add(codec);
    codec.configure(entry.config);
    const flushed = codec.flush();
    const e = await errored;
    isDOMException('NotSupportedError')(e);
    assert.equal(codec.state, 'closed', 'state');
    // The pending flush is rejected with the same exception (Reset step 8 with NotSupportedError).
    await assert.rejects(flushed, (err) => {
      isDOMException('NotSupportedError')(err);
      assert.equal(codec.state, 'closed', 'state');
      return true;
    });
    assert.equal(outputs.length, 0);
  });
}

const validConfigs = [
  {
    codec: 'avc1.42001E', hardwareAcceleration: 'no-preference', width: 640, height: 480, bitrate: 5000000,
    framerate: 24, avc: { format: 'annexb' }, futureConfigFeature: 'foo',
  },
  {
    codec: 'vp8', hardwareAcceleration: 'no-preference', width: 800, height: 600, bitrate: 7000000,
    bitrateMode: 'variable', framerate: 60, scalabilityMode: 'L1T2', futureConfigFeature: 'foo',
    latencyMode: 'quality', avc: { format: 'annexb' },
  },
  {
    codec: 'vp09.00.10.08', hardwareAcceleration: 'no-preference', width: 1280, height: 720, bitrate: 7000000,
    bitrateMode: 'constant', framerate: 25, futureConfigFeature: 'foo', latencyMode: 'realtime', alpha: 'discard',
  },
];

for (const config of validConfigs) {
  test(`VideoEncoder.isConfigSupported() supports:${JSON.stringify(config)}`, async (t) => {
    const support = await VideoEncoder.isConfigSupported(config);
    if (!support.supported) {
      t.skip(`optional: ${config.codec} is not supported by this build`);
      return;
    }
    const newConfig = support.config;
    assert.equal(Object.prototype.hasOwnProperty.call(newConfig, 'futureConfigFeature'), false);
    assert.equal(newConfig.codec, config.codec);
    assert.equal(newConfig.width, config.width);
    assert.equal(newConfig.height, config.height);
    if (config.bitrate) assert.equal(newConfig.bitrate, config.bitrate);
    if (config.framerate) assert.equal(newConfig.framerate, config.framerate);
    if (config.bitrateMode) assert.equal(newConfig.bitrateMode, config.bitrateMode);
    if (config.latencyMode) assert.equal(newConfig.latencyMode, config.latencyMode);
    if (config.alpha) assert.equal(newConfig.alpha, config.alpha);
    if (config.avc) assert.equal(newConfig.avc.format, config.avc.format);
  });
}

test('The H.264 valid config is supported by this build (not only optionally)', async () => {
  const support = await VideoEncoder.isConfigSupported(validConfigs[0]);
  assert.equal(support.supported, true);
});
