'use strict';
// Mirrors WPT webcodecs/audio-decoder.https.any.js: invalid configs (TypeError), valid-but-
// unsupported configs (supported: false / NotSupportedError and closed), construction, and the
// unconfigured-codec rules.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { AudioDecoder, EncodedAudioChunk } = require('../..');
const { closeAfterEach, isDOMException } = require('./wpt-utils');

const open = closeAfterEach();

const invalidConfigs = [
  ['Missing codec', { sampleRate: 48000, numberOfChannels: 2 }],
  ['Empty codec', { codec: '', sampleRate: 48000, numberOfChannels: 2 }],
  ['Missing sampleRate', { codec: 'opus', numberOfChannels: 2 }],
  ['Missing numberOfChannels', { codec: 'opus', sampleRate: 48000 }],
  ['Zero sampleRate', { codec: 'opus', sampleRate: 0, numberOfChannels: 2 }],
  ['Zero channels', { codec: 'opus', sampleRate: 8000, numberOfChannels: 0 }],
];
for (const [comment, config] of invalidConfigs) {
  test(`Test that AudioDecoder.isConfigSupported() rejects invalid config: ${comment}`, async () => {
    await assert.rejects(AudioDecoder.isConfigSupported(config), TypeError);
  });
  test(`Test that AudioDecoder.configure() rejects invalid config: ${comment}`, () => {
    const d = new AudioDecoder({ output: () => {}, error: () => {} });
    open.add(d);
    assert.throws(() => d.configure(config), TypeError);
  });
}

const validButUnsupported = [
  ['Unrecognized codec', { codec: 'bogus', sampleRate: 48000, numberOfChannels: 2 }],
  ['Video codec', { codec: 'vp8', sampleRate: 48000, numberOfChannels: 2 }],
  ['Ambiguous codec', { codec: 'vp9', sampleRate: 48000, numberOfChannels: 2 }],
  ['Codec with MIME type', { codec: 'audio/webm; codecs="opus"', sampleRate: 48000, numberOfChannels: 2 }],
  ['Possible future opus codec string', { codec: 'opus.123', sampleRate: 48000, numberOfChannels: 2 }],
  ['Possible future aac codec string', { codec: 'mp4a.FF.9', sampleRate: 48000, numberOfChannels: 2 }],
  // Beyond WPT: FLAC and Vorbis cannot be decoded without their description.
  ['FLAC without description', { codec: 'flac', sampleRate: 48000, numberOfChannels: 2 }],
  ['Vorbis without description', { codec: 'vorbis', sampleRate: 48000, numberOfChannels: 2 }],
];
for (const [comment, config] of validButUnsupported) {
  test(`Test that AudioDecoder.isConfigSupported() doesn't support config: ${comment}`, async () => {
    const support = await AudioDecoder.isConfigSupported(config);
    assert.equal(support.supported, false);
  });
  test(`Test that AudioDecoder.configure() doesn't support config: ${comment}`, async () => {
    let resolve;
    const error = new Promise((r) => { resolve = r; });
    const d = new AudioDecoder({ output: () => assert.fail('unexpected output'), error: resolve });
    open.add(d);
    d.configure(config);
    const e = await error;
    assert.ok(e instanceof DOMException);
    assert.equal(e.name, 'NotSupportedError');
    assert.equal(d.state, 'closed');
  });
}

const fakeChunk = () => new EncodedAudioChunk({ type: 'key', timestamp: 0, data: Uint8Array.of(0) });

test('Test AudioDecoder construction', async () => {
  assert.throws(() => new AudioDecoder({}), TypeError);
  const d = new AudioDecoder({ output: () => {}, error: () => {} });
  assert.equal(d.state, 'unconfigured');
  d.close();
});

test('Verify unconfigured AudioDecoder operations', async () => {
  const d = new AudioDecoder({ output: () => {}, error: () => {} });
  open.add(d);
  assert.equal(d.state, 'unconfigured');
  d.reset();
  assert.equal(d.state, 'unconfigured');
  assert.throws(() => d.decode(fakeChunk()), isDOMException('InvalidStateError'));
  await assert.rejects(d.flush(), isDOMException('InvalidStateError'));
  d.close();
  assert.equal(d.state, 'closed');
});

test('A corrupt chunk closes the decoder with EncodingError', async () => {
  let resolve;
  const error = new Promise((r) => { resolve = r; });
  const d = new AudioDecoder({ output: (a) => a.close(), error: resolve });
  open.add(d);
  d.configure({ codec: 'mp3', sampleRate: 48000, numberOfChannels: 2 });
  d.decode(new EncodedAudioChunk({ type: 'key', timestamp: 0, data: new Uint8Array(0) }));
  const e = await error;
  assert.equal(e.name, 'EncodingError');
  assert.equal(d.state, 'closed');
});
