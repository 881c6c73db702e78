'use strict';
// js/ layer: AudioEncoder (WebCodecs §5), a thin subclass of the shared codec state machine:
// config validation, AudioData hand-off (the worker takes its own reference to the samples, so
// the caller may close() the AudioData at once) and output wrapping.

const native = require('./native');
const { CodecBase, configureCodec, enqueueWork, queueSize } = require('./codec-base');
const { typeError, describe } = require('./errors');
const { audioHandle, isAudioData } = require('./audio-data');
const { wrapChunkBytes } = require('./encoded-audio-chunk');
const { validateEncoderConfig, nativeEncoderConfig } = require('./audio-config');

const WHAT = 'AudioEncoder';

const sameBytes = (a, b) => {
  if (a === b) return true;
  if (!a || !b || a.byteLength !== b.byteLength) return false;
  return Buffer.from(a).equals(Buffer.from(b));
};
const sameDecoderConfig = (a, b) => !!a && !!b && a.codec === b.codec && a.sampleRate === b.sampleRate &&
  a.numberOfChannels === b.numberOfChannels && sameBytes(a.description, b.description);

let wrapOutput;
let onReset;

class AudioEncoder extends CodecBase {
  /** [[active output config]]: the last decoderConfig given to the output callback. */
  #activeOutputConfig = null;

  constructor(init) {
    super(init, { native, kind: 'audio-encoder', name: WHAT, wrapOutput, onReset });
  }

  get encodeQueueSize() { return queueSize(this); }

  configure(config) {
    // configure() step 1: if config is not a valid AudioEncoderConfig, throw a TypeError.
    const cfg = validateEncoderConfig(config, `${WHAT}.configure`);
    // configure() steps 2–6 (closed → InvalidStateError; state; queue the message).
    configureCodec(this, nativeEncoderConfig(cfg));
    // A new configuration announces its decoderConfig again with its first chunk (as Chrome; WPT
    // "Emit decoder config and extra data" expects it even when only the bitrate changed).
    this.#activeOutputConfig = null;
  }

  encode(data) {
    // encode() step 1: if data's [[Detached]] is true (or it is no AudioData), throw a TypeError.
    if (!isAudioData(data)) throw typeError(`${WHAT}.encode: expected an AudioData, got ${describe(data)}`);
    const handle = audioHandle(data);
    // encode() steps 2–6: state check, queue size, the control message (the worker holds its own
    // reference to the samples from now on).
    enqueueWork(this, /** @satisfies {import('./native').AudioEncodeItem} */ ({ data: handle, timestamp: data.timestamp }));
  }

  /**
   * Output EncodedAudioChunks: the chunk, and decoderConfig when it differs from the last one.
   * @param {import('./native').AudioEncoderOutput} out
   */
  #wrapOutput(out) {
    const chunk = wrapChunkBytes(out.data, { type: 'key', timestamp: out.timestamp, duration: out.duration });
    const metadata = {};
    const dc = out.decoderConfig;
    if (dc && !sameDecoderConfig(dc, this.#activeOutputConfig)) {
      this.#activeOutputConfig = dc;
      const decoderConfig = { codec: dc.codec, sampleRate: dc.sampleRate, numberOfChannels: dc.numberOfChannels };
      if (dc.description) decoderConfig.description = dc.description.slice(0);
      metadata.decoderConfig = decoderConfig;
    }
    return [chunk, metadata];
  }

  #onReset() {
    // Reset steps 3–4: [[active encoder config]] and [[active output config]] become null.
    this.#activeOutputConfig = null;
  }

  static {
    wrapOutput = (encoder, out) => encoder.#wrapOutput(out);
    onReset = (encoder) => encoder.#onReset();
  }

  static async isConfigSupported(config) {
    // step 1: an invalid config rejects with TypeError.
    const cfg = validateEncoderConfig(config, `${WHAT}.isConfigSupported`);
    // steps 2–3: check on the shared support thread; resolve with a clone of the config.
    const r = await native.sessionSupport('audio-encoder', nativeEncoderConfig(cfg));
    return { supported: r.supported === true, config: cfg };
  }
}

Object.defineProperty(AudioEncoder.prototype, Symbol.toStringTag, { value: WHAT, configurable: true });

module.exports = { AudioEncoder };
