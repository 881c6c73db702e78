'use strict';
// js/ layer: WebIDL conversion and validity checks of AudioEncoderConfig and AudioDecoderConfig
// (WebCodecs §7.x, and the Opus, AAC and FLAC registrations' config extensions), shared by
// AudioEncoder and AudioDecoder. Returns clean dictionaries (recognised members only, defaults
// filled) or throws TypeError.

const { typeError, describe } = require('./errors');
const {
  isBufferSource, isDetached, underlyingBuffer, toUint8Array, toDictionary, toEnum, enforceRange,
  toDOMString, stripAsciiWhitespace, toUnsignedLong,
} = require('./webidl');

const BITRATE_MODES = ['constant', 'variable'];
const OPUS_FORMATS = ['opus', 'ogg'];
const OPUS_SIGNALS = ['auto', 'music', 'voice'];
const OPUS_APPLICATIONS = ['voip', 'audio', 'lowdelay'];
const AAC_FORMATS = ['aac', 'adts'];
/** Frame durations Opus has (µs): 2.5, 5, 10, 20, 40, 60, 80, 100 and 120 ms. */
const OPUS_FRAME_DURATIONS = [2500, 5000, 10000, 20000, 40000, 60000, 80000, 100000, 120000];
/** Chrome: a bitrate above INT32_MAX is invalid (TypeError). */
const MAX_BITRATE = 0x7FFFFFFF;
/**
 * Opus bitrates outside 6–510 kb/s are invalid (TypeError), as WPT audio-encoder-config "Bitrate
 * is too low for Opus" expects and WebKit's WebCodecsAudioEncoder.cpp does (6000 is also Chrome's
 * media::AudioOpusEncoder::kMinBitrate, there a NotSupportedError).
 */
const OPUS_BITRATE = [6000, 510000];
/** Codecs whose registrations require a description (w3c/webcodecs flac_ and vorbis_codec_registration). */
const DESCRIPTION_REQUIRED = { flac: 'the fLaC marker and STREAMINFO block', vorbis: 'the Xiph-laced identification, comment and setup headers' };

const unsignedLong = toUnsignedLong;
const unsignedLongLong = (v, what, member) => enforceRange(v, 0, Number.MAX_SAFE_INTEGER, `${what}: expected a non-negative integer ${member}`);

function common(c, what, out) {
  if (c.codec === undefined) throw typeError(`${what}: config.codec is required`);
  out.codec = toDOMString(c.codec, what, 'codec');
  if (c.numberOfChannels === undefined) throw typeError(`${what}: config.numberOfChannels is required`);
  out.numberOfChannels = unsignedLong(c.numberOfChannels, what, 'numberOfChannels');
  if (c.sampleRate === undefined) throw typeError(`${what}: config.sampleRate is required`);
  out.sampleRate = unsignedLong(c.sampleRate, what, 'sampleRate');
  // valid config: codec not empty after stripping whitespace; sampleRate and numberOfChannels above 0.
  if (stripAsciiWhitespace(out.codec) === '') throw typeError(`${what}: expected a non-empty codec string, got ${describe(out.codec)}`);
  if (out.sampleRate === 0) throw typeError(`${what}: expected a sampleRate of at least 1, got 0`);
  if (out.numberOfChannels === 0) throw typeError(`${what}: expected numberOfChannels of at least 1, got 0`);
}

/** AudioEncoderConfig (members in lexicographic order), then "valid AudioEncoderConfig". */
function validateEncoderConfig(input, what) {
  if (input === undefined || input === null) throw typeError(`${what}: expected an AudioEncoderConfig dictionary, got ${describe(input)}`);
  const c = toDictionary(input, what);
  const out = {};
  if (c.aac !== undefined) {
    const a = toDictionary(c.aac, `${what}: aac`);
    out.aac = { format: a.format === undefined ? 'aac' : toEnum(a.format, AAC_FORMATS, what, 'aac.format') };
  }
  if (c.bitrate !== undefined) out.bitrate = unsignedLongLong(c.bitrate, what, 'bitrate (bits per second)');
  out.bitrateMode = c.bitrateMode === undefined ? 'variable' : toEnum(c.bitrateMode, BITRATE_MODES, what, 'bitrateMode');
  if (c.flac !== undefined) {
    const f = toDictionary(c.flac, `${what}: flac`);
    out.flac = {
      blockSize: f.blockSize === undefined ? 0 : unsignedLong(f.blockSize, what, 'flac.blockSize'),
      compressLevel: f.compressLevel === undefined ? 5 : unsignedLong(f.compressLevel, what, 'flac.compressLevel'),
    };
    if (out.flac.compressLevel > 8) throw typeError(`${what}: expected a flac.compressLevel between 0 and 8, got ${out.flac.compressLevel}`);
  }
  if (c.opus !== undefined) {
    const o = toDictionary(c.opus, `${what}: opus`);
    const opus = {};
    opus.application = o.application === undefined ? 'audio' : toEnum(o.application, OPUS_APPLICATIONS, what, 'opus.application');
    // Chrome's default complexity off mobile is 9.
    opus.complexity = o.complexity === undefined ? 9 : unsignedLong(o.complexity, what, 'opus.complexity');
    opus.format = o.format === undefined ? 'opus' : toEnum(o.format, OPUS_FORMATS, what, 'opus.format');
    opus.frameDuration = o.frameDuration === undefined ? 20000 : unsignedLongLong(o.frameDuration, what, 'opus.frameDuration');
    opus.packetlossperc = o.packetlossperc === undefined ? 0 : unsignedLong(o.packetlossperc, what, 'opus.packetlossperc');
    opus.signal = o.signal === undefined ? 'auto' : toEnum(o.signal, OPUS_SIGNALS, what, 'opus.signal');
    opus.usedtx = o.usedtx === undefined ? false : Boolean(o.usedtx);
    opus.useinbandfec = o.useinbandfec === undefined ? false : Boolean(o.useinbandfec);
    if (opus.complexity > 10) throw typeError(`${what}: expected an opus.complexity between 0 and 10, got ${opus.complexity}`);
    if (opus.packetlossperc > 100) throw typeError(`${what}: expected an opus.packetlossperc between 0 and 100, got ${opus.packetlossperc}`);
    if (!OPUS_FRAME_DURATIONS.includes(opus.frameDuration)) {
      throw typeError(`${what}: expected an opus.frameDuration of ${OPUS_FRAME_DURATIONS.join(', ')} µs, got ${opus.frameDuration}`);
    }
    out.opus = opus;
  }
  common(c, what, out);
  if (out.bitrate !== undefined) {
    // A bitrate of 0 is invalid (WPT "Bit rate present but equal to zero"; w3c/webcodecs#860).
    if (out.bitrate === 0) throw typeError(`${what}: expected a bitrate above 0 bits per second, got 0`);
    if (out.bitrate > MAX_BITRATE) throw typeError(`${what}: expected a bitrate of at most ${MAX_BITRATE} bits per second, got ${out.bitrate}`);
    if (out.codec === 'opus' && (out.bitrate < OPUS_BITRATE[0] || out.bitrate > OPUS_BITRATE[1])) {
      throw typeError(`${what}: expected an Opus bitrate between ${OPUS_BITRATE[0]} and ${OPUS_BITRATE[1]} bits per second, got ${out.bitrate}`);
    }
  }
  return out;
}

/** The plain object the native encoder session reads. */
function nativeEncoderConfig(cfg) {
  return {
    codec: cfg.codec,
    sampleRate: cfg.sampleRate,
    numberOfChannels: cfg.numberOfChannels,
    bitrate: cfg.bitrate,
    bitrateMode: cfg.bitrateMode,
    opus: cfg.opus,
    aacFormat: cfg.aac ? cfg.aac.format : 'aac',
    flac: cfg.flac,
  };
}

/**
 * AudioDecoderConfig, then "valid AudioDecoderConfig". `description` stays the caller's buffer.
 * As Chrome's VerifyDescription (blink/renderer/modules/webcodecs/audio_decoder.cc), Opus with more
 * than 2 channels needs a description (its channel mapping) or the config is invalid: WPT
 * audio-decoder "Opus with >2 channels but no description". With `configuring`, so is FLAC or
 * Vorbis without one (their registrations require it); isConfigSupported() leaves that out and
 * answers for the codec, which is what clients probing support before they have the
 * description ask.
 */
function validateDecoderConfig(input, what, { configuring = false } = {}) {
  if (input === undefined || input === null) throw typeError(`${what}: expected an AudioDecoderConfig dictionary, got ${describe(input)}`);
  const c = toDictionary(input, what);
  const out = {};
  if (c.description !== undefined) {
    if (!isBufferSource(c.description)) throw typeError(`${what}: expected description to be an ArrayBuffer, TypedArray or DataView, got ${describe(c.description)}`);
    out.description = c.description;
  }
  common(c, what, out);
  if (out.description !== undefined && isDetached(underlyingBuffer(out.description))) throw typeError(`${what}: config.description is detached`);
  if (out.description === undefined) {
    if (out.codec === 'opus' && out.numberOfChannels > 2) {
      throw typeError(`${what}: Opus with ${out.numberOfChannels} channels needs a description (the OpusHead with its channel mapping)`);
    }
    if (configuring && Object.hasOwn(DESCRIPTION_REQUIRED, out.codec)) {
      throw typeError(`${what}: ${out.codec} needs a description (${DESCRIPTION_REQUIRED[out.codec]})`);
    }
  }
  return out;
}

/** Clone Configuration of an AudioDecoderConfig (description bytes copied). */
function cloneDecoderConfig(cfg) {
  const out = { codec: cfg.codec, sampleRate: cfg.sampleRate, numberOfChannels: cfg.numberOfChannels };
  if (cfg.description !== undefined) out.description = toUint8Array(cfg.description, what()).slice().buffer;
  return out;
}
const what = () => 'AudioDecoderConfig';

function nativeDecoderConfig(cfg) {
  const o = { codec: cfg.codec, sampleRate: cfg.sampleRate, numberOfChannels: cfg.numberOfChannels };
  if (cfg.description !== undefined) o.description = toUint8Array(cfg.description, 'AudioDecoderConfig: description');
  return o;
}

module.exports = { validateEncoderConfig, nativeEncoderConfig, validateDecoderConfig, cloneDecoderConfig, nativeDecoderConfig };
