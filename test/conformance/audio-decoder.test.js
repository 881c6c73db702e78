'use strict';
// Mirrors WPT webcodecs/audio-decoder.https.any.js: invalid configs (TypeError), valid-but-
// unsupported configs (supported: false / NotSupportedError and closed), construction, and the
// unconfigured-codec rules. Newer WPT adds "Opus with >2 channels but no description" and a
// detached description to the invalid configs (Chrome's VerifyDescription in
// blink/renderer/modules/webcodecs/audio_decoder.cc).
// Beyond WPT: FLAC and Vorbis, whose registrations require a description. isConfigSupported()
// answers for the codec (supported: true without one, what clients probing for the codec ask,
// and what WPT audioDecoder-codec-specific's setup asks before it runs the ?flac and ?vorbis
// variants); configure() without one throws a TypeError, as Chrome's does.

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
  ['Opus with >2 channels but no description', { codec: 'opus', sampleRate: 48000, numberOfChannels: 6 }],
  ['Opus with 3 channels but no description', { codec: 'opus', sampleRate: 48000, numberOfChannels: 3 }],
  ['Valid configuration except detached description', (() => {
    const description = new ArrayBuffer(4);
    structuredClone(description, { transfer: [description] }); // detach it (Node 20 has no ArrayBuffer.prototype.transfer)
    return { codec: 'opus', sampleRate: 8000, numberOfChannels: 1, description };
  })()],
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
];
// WPT "supportedButErrorOnConfiguration": configure() closes with NotSupportedError. (WPT asks
// isConfigSupported() nothing about it; ours answers false, having opened the decoder.)
const supportedButErrorOnConfiguration = [
  ['Opus with more than two channels and with a description that is too short',
    { codec: 'opus', sampleRate: 48000, numberOfChannels: 3, description: new Uint8Array(9) }],
];
for (const [comment, config] of supportedButErrorOnConfiguration) {
  test(`Test that AudioDecoder.configure() doesn't support config: ${comment}`, async () => {
    let resolve;
    const error = new Promise((r) => { resolve = r; });
    const d = new AudioDecoder({ output: () => assert.fail('unexpected output'), error: resolve });
    open.add(d);
    d.configure(config);
    await assert.rejects(d.flush(), (e) => e.name === 'NotSupportedError');
    const e = await error;
    assert.ok(e instanceof DOMException);
    assert.equal(e.name, 'NotSupportedError');
    assert.equal(d.state, 'closed');
  });
}

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

for (const codec of ['flac', 'vorbis']) {
  const config = { codec, sampleRate: 48000, numberOfChannels: 2 };
  test(`AudioDecoder.isConfigSupported() answers for the codec: ${codec} without description is supported`, async () => {
    const support = await AudioDecoder.isConfigSupported(config);
    assert.equal(support.supported, true);
    assert.deepEqual(support.config, config);
  });
  test(`AudioDecoder.configure() requires the description of ${codec} (TypeError, state unchanged)`, () => {
    const d = new AudioDecoder({ output: () => assert.fail('unexpected output'), error: () => assert.fail('unexpected error') });
    open.add(d);
    assert.throws(() => d.configure(config), (e) => e instanceof TypeError && /needs a description/.test(e.message));
    assert.equal(d.state, 'unconfigured');
  });
}

test('FLAC with an empty description: supported codec, but configure() closes with NotSupportedError', async () => {
  const config = { codec: 'flac', sampleRate: 48000, numberOfChannels: 2, description: new Uint8Array(0) };
  assert.equal((await AudioDecoder.isConfigSupported(config)).supported, true);
  let resolve;
  const error = new Promise((r) => { resolve = r; });
  const d = new AudioDecoder({ output: () => assert.fail('unexpected output'), error: resolve });
  open.add(d);
  d.configure(config);
  const e = await error;
  assert.equal(e.name, 'NotSupportedError');
  assert.match(e.message, /needs a description/);
  assert.equal(d.state, 'closed');
});

test('Opus with 2 channels needs no description; more than 2 with one is valid', async () => {
  assert.equal((await AudioDecoder.isConfigSupported({ codec: 'opus', sampleRate: 48000, numberOfChannels: 2 })).supported, true);
  // An OpusHead with channel mapping family 1 (RFC 7845 §5.1.1): 3 channels, 2 streams, 1 coupled.
  const head = Uint8Array.of(...Buffer.from('OpusHead'), 1, 3, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, 1, 2, 1, 0, 2, 1);
  const support = await AudioDecoder.isConfigSupported({ codec: 'opus', sampleRate: 48000, numberOfChannels: 3, description: head });
  assert.equal(support.supported, true);
});

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
