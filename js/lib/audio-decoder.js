'use strict';
// js/ layer: AudioDecoder (WebCodecs §3), a thin subclass of the shared codec state machine:
// config validation, chunk hand-off, output wrapping. Decoding runs on the native session's worker
// (kind 'audio-decoder'); each output arrives as a sample handle owned by exactly one AudioData.

const native = require('./native');
const { CodecBase, configureCodec, enqueueWork, queueSize } = require('./codec-base');
const { typeError, describe } = require('./errors');
const { wrapNativeAudio } = require('./audio-data');
const { chunkBytes, isEncodedAudioChunk } = require('./encoded-audio-chunk');
const { validateDecoderConfig, cloneDecoderConfig, nativeDecoderConfig } = require('./audio-config');

const WHAT = 'AudioDecoder';

let wrapOutput;
/** An output nobody will receive: its sample handle is closed now. */
const discardOutput = (out) => { if (out && out.data) native.audioClose(out.data); };

class AudioDecoder extends CodecBase {
  constructor(init) {
    super(init, { native, kind: 'audio-decoder', name: WHAT, requiresKeyChunk: true, wrapOutput, discardOutput });
  }

  get decodeQueueSize() { return queueSize(this); }

  configure(config) {
    // configure() step 1: if config is not a valid AudioDecoderConfig, throw a TypeError.
    const cfg = validateDecoderConfig(config, `${WHAT}.configure`, { configuring: true });
    // configure() steps 2–6.
    configureCodec(this, nativeDecoderConfig(cfg));
  }

  decode(chunk) {
    if (!isEncodedAudioChunk(chunk)) throw typeError(`${WHAT}.decode: expected an EncodedAudioChunk, got ${describe(chunk)}`);
    // decode() steps 1–5: state, [[key chunk required]] (DataError), queue size, the message.
    enqueueWork(this, /** @satisfies {import('./native').AudioDecodeItem} */ ({ data: chunkBytes(chunk), timestamp: chunk.timestamp }), { isKey: chunk.type === 'key' });
  }

  static {
    // Output AudioData: one per decoded frame of samples.
    wrapOutput = (_decoder, /** @type {import('./native').AudioDecoderOutput} */ out) => [wrapNativeAudio(out.data, {
      format: out.format, sampleRate: out.sampleRate, numberOfFrames: out.numberOfFrames,
      numberOfChannels: out.numberOfChannels, timestamp: out.timestamp,
    })];
  }

  static async isConfigSupported(config) {
    const cfg = validateDecoderConfig(config, `${WHAT}.isConfigSupported`);
    const r = await native.sessionSupport('audio-decoder', nativeDecoderConfig(cfg));
    return { supported: r.supported === true, config: cloneDecoderConfig(cfg) };
  }
}

Object.defineProperty(AudioDecoder.prototype, Symbol.toStringTag, { value: WHAT, configurable: true });

module.exports = { AudioDecoder };
