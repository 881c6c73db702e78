'use strict';
// Mirrors WPT webcodecs/audio-encoder-config.https.any.js: invalid configs (TypeError from
// isConfigSupported and configure), valid-but-unsupported configs (supported: false; configure →
// NotSupportedError and closed), valid configs (supported, with the Opus defaults filled in).
// WPT's newer lists make a bitrate of 0 and an Opus bitrate below 6000 invalid (TypeError; see
// w3c/webcodecs#860 and WebKit's WebCodecsAudioEncoder.cpp), where older ones had "Bitrate is too
// low" (1) as valid but unsupported: 1 is now an invalid Opus bitrate.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { AudioEncoder } = require('../..');
const { closeAfterEach } = require('./wpt-utils');

const open = closeAfterEach();

const invalidConfigs = [
  ['Missing codec', { sampleRate: 48000, numberOfChannels: 2 }],
  ['Empty codec', { codec: '', sampleRate: 48000, numberOfChannels: 2 }],
  ['Missing sampleRate', { codec: 'opus', numberOfChannels: 2 }],
  ['Missing numberOfChannels', { codec: 'opus', sampleRate: 48000 }],
  ['Zero sampleRate', { codec: 'opus', sampleRate: 0, numberOfChannels: 2 }],
  ['Zero channels', { codec: 'opus', sampleRate: 8000, numberOfChannels: 0 }],
  ['Bit rate too big', { codec: 'opus', sampleRate: 8000, numberOfChannels: 2, bitrate: 6e9 }],
  ['Bit rate present but equal to zero', { codec: 'opus', sampleRate: 8000, numberOfChannels: 2, bitrate: 0 }],
  ['Bitrate is too low for Opus', { codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate: 1 }],
  ['Opus bitrate just below 6000', { codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate: 5999 }],
  ['Opus bitrate above 510000', { codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate: 510001 }],
  ['Bit rate equal to zero (AAC)', { codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2, bitrate: 0 }],
  ['Opus complexity too big', { codec: 'opus', sampleRate: 8000, numberOfChannels: 2, opus: { complexity: 11 } }],
  ['Opus packetlossperc too big', { codec: 'opus', sampleRate: 8000, numberOfChannels: 2, opus: { packetlossperc: 101 } }],
  ['Opus frame duration too small', { codec: 'opus', sampleRate: 8000, numberOfChannels: 2, opus: { frameDuration: 0 } }],
  ['Opus frame duration too big', { codec: 'opus', sampleRate: 8000, numberOfChannels: 2, opus: { frameDuration: 120 * 1000 + 1 } }],
  ['Invalid Opus frameDuration', { codec: 'opus', sampleRate: 8000, numberOfChannels: 2, opus: { frameDuration: 2501 } }],
];

for (const [comment, config] of invalidConfigs) {
  test(`Test that AudioEncoder.isConfigSupported() rejects invalid config: ${comment}`, async () => {
    await assert.rejects(AudioEncoder.isConfigSupported(config), TypeError);
  });
  test(`Test that AudioEncoder.configure() rejects invalid config: ${comment}`, () => {
    const e = new AudioEncoder({ output: () => {}, error: () => {} });
    open.add(e);
    assert.throws(() => e.configure(config), TypeError);
  });
}

test('The Opus bitrate limits themselves are valid (6000 and 510000 bits per second)', async () => {
  for (const bitrate of [6000, 510000]) {
    const support = await AudioEncoder.isConfigSupported({ codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate });
    assert.equal(support.supported, true, String(bitrate));
    assert.equal(support.config.bitrate, bitrate);
  }
  // Only Opus has that floor.
  assert.equal((await AudioEncoder.isConfigSupported({ codec: 'mp4a.40.2', sampleRate: 48000, numberOfChannels: 2, bitrate: 5000 })).supported, true);
});

test('A bitrate that is not a number: the TypeError names bits per second', async () => {
  await assert.rejects(AudioEncoder.isConfigSupported({ codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate: '1M' }), (e) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /bitrate \(bits per second\)/);
    assert.doesNotMatch(e.message, /microseconds/);
    return true;
  });
});

const validButUnsupported = [
  ['Unrecognized codec', { codec: 'bogus', sampleRate: 48000, numberOfChannels: 2 }],
  ['Sample rate is too small', { codec: 'opus', sampleRate: 1, numberOfChannels: 2 }],
  ['Sample rate is too large', { codec: 'opus', sampleRate: 10000000, numberOfChannels: 2 }],
  ['Way too many channels', { codec: 'opus', sampleRate: 8000, numberOfChannels: 1024, bitrate: 128000 }],
  ['Possible future opus codec string', { codec: 'opus.123', sampleRate: 48000, numberOfChannels: 2 }],
  ['Possible future aac codec string', { codec: 'mp4a.FF.9', sampleRate: 48000, numberOfChannels: 2 }],
];

for (const [comment, config] of validButUnsupported) {
  test(`Test that AudioEncoder.isConfigSupported() doesn't support config: ${comment}`, async () => {
    const support = await AudioEncoder.isConfigSupported(config);
    assert.equal(support.supported, false);
    assert.equal(support.config.codec, config.codec);
    assert.equal(support.config.sampleRate, config.sampleRate);
    assert.equal(support.config.numberOfChannels, config.numberOfChannels);
  });
  test(`Test that AudioEncoder.configure() doesn't support config: ${comment}`, async () => {
    let resolve;
    const error = new Promise((r) => { resolve = r; });
    const e = new AudioEncoder({ output: () => assert.fail('unexpected output'), error: resolve });
    open.add(e);
    e.configure(config);
    const err = await error;
    assert.ok(err instanceof DOMException);
    assert.equal(err.name, 'NotSupportedError');
    assert.equal(e.state, 'closed');
  });
}

const validConfigs = [
  { codec: 'opus', sampleRate: 8000, numberOfChannels: 1 },
  { codec: 'opus', sampleRate: 48000, numberOfChannels: 2 },
  { codec: 'opus', sampleRate: 48000, numberOfChannels: 2, bitrate: 128000, bogus: 123 },
  { codec: 'opus', sampleRate: 48000, numberOfChannels: 2, opus: { complexity: 5, frameDuration: 20000, packetlossperc: 10, useinbandfec: true } },
  { codec: 'opus', sampleRate: 48000, numberOfChannels: 2, opus: { format: 'opus', complexity: 10, frameDuration: 60000, packetlossperc: 20, usedtx: true, bogus: 456 } },
  { codec: 'opus', sampleRate: 48000, numberOfChannels: 2, opus: {} },
  // Beyond WPT: every codec this package encodes.
  { codec: 'mp4a.40.2', sampleRate: 44100, numberOfChannels: 2, aac: { format: 'adts' } },
  { codec: 'flac', sampleRate: 96000, numberOfChannels: 2, flac: { blockSize: 4096, compressLevel: 8 } },
  { codec: 'mp3', sampleRate: 44100, numberOfChannels: 2, bitrate: 192000 },
  { codec: 'vorbis', sampleRate: 48000, numberOfChannels: 2 },
  { codec: 'pcm-s24', sampleRate: 48000, numberOfChannels: 6 },
  { codec: 'ulaw', sampleRate: 8000, numberOfChannels: 1 },
];

for (const config of validConfigs) {
  test(`AudioEncoder.isConfigSupported() supports: ${JSON.stringify(config)}`, async () => {
    const support = await AudioEncoder.isConfigSupported(config);
    assert.equal(support.supported, true);
    const c = support.config;
    assert.equal(c.codec, config.codec);
    assert.equal(c.sampleRate, config.sampleRate);
    assert.equal(c.numberOfChannels, config.numberOfChannels);
    if (config.bitrate) assert.equal(c.bitrate, config.bitrate);
    if (config.opus) {
      const o = config.opus;
      assert.equal(c.opus.format, o.format ?? 'opus');
      assert.equal(c.opus.frameDuration, o.frameDuration ?? 20000);
      assert.equal(c.opus.packetlossperc, o.packetlossperc ?? 0);
      assert.equal(c.opus.useinbandfec, o.useinbandfec ?? false);
      assert.equal(c.opus.usedtx, o.usedtx ?? false);
      assert.equal(Object.hasOwn(c.opus, 'bogus'), false);
      if (o.complexity) assert.equal(c.opus.complexity, o.complexity);
      else assert.ok(c.opus.complexity === 5 || c.opus.complexity === 9);
    } else {
      assert.equal(Object.hasOwn(c, 'opus'), false);
    }
    assert.equal(Object.hasOwn(c, 'bogus'), false);
  });
}
