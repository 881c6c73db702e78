'use strict';
// js/ layer: VideoDecoder (W3C WebCodecs §4), a thin subclass of the shared codec state machine:
// config validation and cloning, chunk hand-off, output wrapping. Decoding runs on the native
// session's worker (kind 'video-decoder'); each decoded picture arrives as a frame handle that
// references the decoder's own buffer (zero copy) and is owned by exactly one VideoFrame.

const native = require('./native');
const { CodecBase, configureCodec, enqueueWork, queueSize } = require('./codec-base');
const { typeError, describe } = require('./errors');
const { wrapNativeFrame } = require('./video-frame');
const { parseRotation } = require('./video-frame-init');
const { chunkBytes, isEncodedVideoChunk } = require('./encoded-video-chunk');
const { colorSpaceInit } = require('./video-color-space');
const {
  isBufferSource, isDetached, underlyingBuffer, toUint8Array, toDictionary, toEnum, toDouble,
  toDOMString, stripAsciiWhitespace, toUnsignedLong,
} = require('./webidl');

const WHAT = 'VideoDecoder';
const HARDWARE = ['no-preference', 'prefer-hardware', 'prefer-software'];

const unsignedLong = toUnsignedLong;

/**
 * WebIDL conversion of a VideoDecoderConfig (members in lexicographic order), then "check if a
 * VideoDecoderConfig is a valid VideoDecoderConfig". Returns the clean dictionary (recognised
 * members only; `description` still the caller's buffer) or throws TypeError.
 */
function validateConfig(input, what) {
  if (input === undefined || input === null) throw typeError(`${what}: expected a VideoDecoderConfig dictionary, got ${describe(input)}`);
  const c = toDictionary(input, what);
  const out = {};
  if (c.codec === undefined) throw typeError(`${what}: config.codec is required`);
  out.codec = toDOMString(c.codec, what, 'codec');
  if (c.codedHeight !== undefined) out.codedHeight = unsignedLong(c.codedHeight, what, 'codedHeight');
  if (c.codedWidth !== undefined) out.codedWidth = unsignedLong(c.codedWidth, what, 'codedWidth');
  if (c.colorSpace !== undefined && c.colorSpace !== null) out.colorSpace = colorSpaceInit(c.colorSpace, `${what}: colorSpace`);
  if (c.description !== undefined) {
    if (!isBufferSource(c.description)) {
      throw typeError(`${what}: expected description to be an ArrayBuffer, TypedArray or DataView, got ${describe(c.description)}`);
    }
    out.description = c.description;
  }
  if (c.displayAspectHeight !== undefined) out.displayAspectHeight = unsignedLong(c.displayAspectHeight, what, 'displayAspectHeight');
  if (c.displayAspectWidth !== undefined) out.displayAspectWidth = unsignedLong(c.displayAspectWidth, what, 'displayAspectWidth');
  out.flip = c.flip === undefined ? false : Boolean(c.flip);
  out.hardwareAcceleration = c.hardwareAcceleration === undefined ? 'no-preference' : toEnum(c.hardwareAcceleration, HARDWARE, what, 'hardwareAcceleration');
  if (c.optimizeForLatency !== undefined) out.optimizeForLatency = Boolean(c.optimizeForLatency);
  out.rotation = c.rotation === undefined ? 0 : toDouble(c.rotation, what, 'rotation');

  // valid VideoDecoderConfig step 1: codec is empty after stripping ASCII whitespace → invalid.
  if (stripAsciiWhitespace(out.codec) === '') throw typeError(`${what}: expected a non-empty codec string, got ${describe(out.codec)}`);
  // steps 2–3: codedWidth and codedHeight together, neither 0.
  if ((out.codedWidth === undefined) !== (out.codedHeight === undefined)) {
    throw typeError(`${what}: expected codedWidth and codedHeight together, got only ${out.codedWidth === undefined ? 'codedHeight' : 'codedWidth'}`);
  }
  if (out.codedWidth === 0 || out.codedHeight === 0) throw typeError(`${what}: expected codedWidth and codedHeight of at least 1, got ${out.codedWidth}×${out.codedHeight}`);
  // steps 4–5: displayAspectWidth and displayAspectHeight together, neither 0.
  if ((out.displayAspectWidth === undefined) !== (out.displayAspectHeight === undefined)) {
    throw typeError(`${what}: expected displayAspectWidth and displayAspectHeight together, got only ${out.displayAspectWidth === undefined ? 'displayAspectHeight' : 'displayAspectWidth'}`);
  }
  if (out.displayAspectWidth === 0 || out.displayAspectHeight === 0) {
    throw typeError(`${what}: expected displayAspectWidth and displayAspectHeight of at least 1, got ${out.displayAspectWidth}:${out.displayAspectHeight}`);
  }
  // step 6: a detached description → invalid.
  if (out.description !== undefined && isDetached(underlyingBuffer(out.description))) {
    throw typeError(`${what}: config.description is detached`);
  }
  return out;
}

/** Clone Configuration: a copy with only the recognised members; description's bytes copied. */
function cloneConfig(cfg) {
  const out = { codec: cfg.codec };
  if (cfg.codedWidth !== undefined) { out.codedWidth = cfg.codedWidth; out.codedHeight = cfg.codedHeight; }
  if (cfg.colorSpace !== undefined) out.colorSpace = { ...cfg.colorSpace };
  if (cfg.description !== undefined) out.description = toUint8Array(cfg.description, WHAT).slice().buffer;
  if (cfg.displayAspectWidth !== undefined) { out.displayAspectWidth = cfg.displayAspectWidth; out.displayAspectHeight = cfg.displayAspectHeight; }
  out.flip = cfg.flip;
  out.hardwareAcceleration = cfg.hardwareAcceleration;
  if (cfg.optimizeForLatency !== undefined) out.optimizeForLatency = cfg.optimizeForLatency;
  out.rotation = cfg.rotation;
  return out;
}

/** The plain object the native session reads (description copied once, natively). */
function nativeConfig(cfg) {
  const o = {
    codec: cfg.codec,
    hardwareAcceleration: cfg.hardwareAcceleration,
    optimizeForLatency: cfg.optimizeForLatency === true,
    rotation: parseRotation(cfg.rotation),
    flip: cfg.flip,
  };
  if (cfg.description !== undefined) o.description = toUint8Array(cfg.description, WHAT);
  if (cfg.codedWidth !== undefined) { o.codedWidth = cfg.codedWidth; o.codedHeight = cfg.codedHeight; }
  if (cfg.displayAspectWidth !== undefined) { o.displayAspectWidth = cfg.displayAspectWidth; o.displayAspectHeight = cfg.displayAspectHeight; }
  if (cfg.colorSpace !== undefined) o.colorSpace = cfg.colorSpace;
  return o;
}

// Hooks into this class's private state, set in its static block, for CodecBase.
let wrapOutput;
/** An output nobody will receive: its frame handle is closed now. */
const discardOutput = (out) => { if (out && out.frame) native.frameClose(out.frame); };

class VideoDecoder extends CodecBase {
  constructor(init) {
    super(init, { native, kind: 'video-decoder', name: WHAT, requiresKeyChunk: true, wrapOutput, discardOutput });
  }

  get decodeQueueSize() { return queueSize(this); }

  configure(config) {
    // configure() step 1: if config is not a valid VideoDecoderConfig, throw a TypeError.
    const cfg = validateConfig(config, `${WHAT}.configure`);
    // configure() steps 2–6 (closed → InvalidStateError; state; key chunk required; the message).
    configureCodec(this, nativeConfig(cfg));
  }

  decode(chunk) {
    if (!isEncodedVideoChunk(chunk)) throw typeError(`${WHAT}.decode: expected an EncodedVideoChunk, got ${describe(chunk)}`);
    // decode() steps 1–5: state, [[key chunk required]] (DataError), queue size, the control
    // message. The bytes are copied natively when the message is queued.
    enqueueWork(this, /** @satisfies {import('./native').VideoDecodeItem} */ ({
      data: chunkBytes(chunk),
      type: chunk.type,
      timestamp: chunk.timestamp,
      duration: chunk.duration === null ? undefined : chunk.duration,
    }), { isKey: chunk.type === 'key' });
  }

  /**
   * Output VideoFrames: one frame per decoded picture, in presentation order.
   * @param {import('./native').VideoDecoderOutput} out
   */
  static #wrapOutput(out) {
    const quarter = out.rotation === 90 || out.rotation === 270;
    const frame = wrapNativeFrame(out.frame, {
      timestamp: out.timestamp,
      duration: out.duration,
      visibleRect: out.visibleRect,
      // The display size is computed upright natively; a quarter turn swaps it, as VideoFrame does.
      displayWidth: quarter ? out.displayHeight : out.displayWidth,
      displayHeight: quarter ? out.displayWidth : out.displayHeight,
      rotation: out.rotation,
      flip: out.flip,
      colorSpace: out.colorSpace,
    });
    return [frame];
  }

  static {
    wrapOutput = (_decoder, out) => VideoDecoder.#wrapOutput(out);
  }

  static async isConfigSupported(config) {
    // isConfigSupported() step 1: an invalid config rejects with TypeError.
    const cfg = validateConfig(config, `${WHAT}.isConfigSupported`);
    // steps 2–3: check on the shared support thread; resolve with a clone of the config.
    const r = await native.sessionSupport('video-decoder', nativeConfig(cfg));
    return { supported: r.supported === true, config: cloneConfig(cfg) };
  }
}

Object.defineProperty(VideoDecoder.prototype, Symbol.toStringTag, { value: WHAT, configurable: true });

module.exports = { VideoDecoder, validateVideoDecoderConfig: validateConfig };
