'use strict';
// js/ layer: VideoEncoder — config validation, frame hand-off and output wrapping on top of the
// shared codec state machine (codec-base.js). The frame's pixels are handed to the worker by
// reference at encode() time, so the caller may close() the frame right after.

const native = require('./native');
const { CodecBase, configureCodec, enqueueWork, queueSize } = require('./codec-base');
const { typeError, dataError, describe } = require('./errors');
const { frameHandle, isVideoFrame } = require('./video-frame');
const { wrapChunkBytes } = require('./encoded-video-chunk');
const {
  toDictionary, toEnum, toUnsignedLong, toDouble, enforceRange, toDOMString, stripAsciiWhitespace,
} = require('./webidl');

const WHAT = 'VideoEncoder';
const HARDWARE = ['no-preference', 'prefer-hardware', 'prefer-software'];
const ALPHA = ['keep', 'discard'];
const BITRATE_MODES = ['constant', 'variable', 'quantizer'];
const LATENCY_MODES = ['quality', 'realtime'];
const AVC_FORMATS = ['annexb', 'avc'];
const HEVC_FORMATS = ['annexb', 'hevc'];
/** Per-frame quantizer range of each codec's encode options (`avc`/`hevc` 0–51, `vp9`/`av1` 0–63). */
const QUANTIZER = { avc: 51, hevc: 51, vp9: 63, av1: 63 };

/** Which per-codec member of VideoEncoderEncodeOptions applies to a codec string. */
function encodeOptionsMember(codec) {
  const p = String(codec).split('.')[0];
  if (p === 'avc1' || p === 'avc3') return 'avc';
  if (p === 'hvc1' || p === 'hev1') return 'hevc';
  if (p === 'vp09') return 'vp9';
  if (p === 'av01') return 'av1';
  return null;
}

/**
 * WebIDL conversion of a VideoEncoderConfig, then "check if config is a valid VideoEncoderConfig".
 * Returns the clean dictionary (recognised members only, defaults filled) or throws TypeError.
 */
function validateConfig(input, what) {
  const c = toDictionary(input, what);
  const out = {};
  // Members in lexicographic order, as WebIDL reads them.
  if (c.alpha !== undefined) out.alpha = toEnum(c.alpha, ALPHA, what, 'alpha'); else out.alpha = 'discard';
  if (c.avc !== undefined) {
    const avc = toDictionary(c.avc, `${what}: avc`);
    out.avc = { format: avc.format === undefined ? 'avc' : toEnum(avc.format, AVC_FORMATS, what, 'avc.format') };
  }
  // Non-standard opt-in (H.264/HEVC): the most consecutive B-frames. Chunks then come in decode
  // order; the default 0 keeps presentation order, as Chrome's encoders do.
  if (c.bFrames !== undefined) out.bFrames = enforceRange(c.bFrames, 0, 16, `${what}: expected an integer bFrames between 0 and 16`);
  if (c.bitrate !== undefined) out.bitrate = enforceRange(c.bitrate, 0, Number.MAX_SAFE_INTEGER, `${what}: expected a non-negative integer bitrate (bits per second)`);
  out.bitrateMode = c.bitrateMode === undefined ? 'variable' : toEnum(c.bitrateMode, BITRATE_MODES, what, 'bitrateMode');
  if (c.codec === undefined) throw typeError(`${what}: config.codec is required`);
  out.codec = toDOMString(c.codec, what, 'codec');
  if (c.contentHint !== undefined) out.contentHint = toDOMString(c.contentHint, what, 'contentHint');
  if (c.displayHeight !== undefined) out.displayHeight = toUnsignedLong(c.displayHeight, what, 'displayHeight');
  if (c.displayWidth !== undefined) out.displayWidth = toUnsignedLong(c.displayWidth, what, 'displayWidth');
  if (c.framerate !== undefined) out.framerate = toDouble(c.framerate, what, 'framerate');
  if (c.hevc !== undefined) {
    const hevc = toDictionary(c.hevc, `${what}: hevc`);
    out.hevc = { format: hevc.format === undefined ? 'hevc' : toEnum(hevc.format, HEVC_FORMATS, what, 'hevc.format') };
  }
  out.hardwareAcceleration = c.hardwareAcceleration === undefined ? 'no-preference' : toEnum(c.hardwareAcceleration, HARDWARE, what, 'hardwareAcceleration');
  if (c.height === undefined) throw typeError(`${what}: config.height is required`);
  out.height = toUnsignedLong(c.height, what, 'height');
  out.latencyMode = c.latencyMode === undefined ? 'quality' : toEnum(c.latencyMode, LATENCY_MODES, what, 'latencyMode');
  // Non-standard opt-in (H.264/HEVC): frames of rate-control lookahead, with frame threads. The
  // default 0 holds at most one frame ('quality') or none ('realtime'), as Chrome's encoders.
  if (c.lookahead !== undefined) out.lookahead = enforceRange(c.lookahead, 0, 250, `${what}: expected an integer lookahead between 0 and 250`);
  if (c.scalabilityMode !== undefined) out.scalabilityMode = toDOMString(c.scalabilityMode, what, 'scalabilityMode');
  if (c.width === undefined) throw typeError(`${what}: config.width is required`);
  out.width = toUnsignedLong(c.width, what, 'width');

  // Check if config is a valid VideoEncoderConfig.
  // step 1: codec is empty after stripping whitespace → invalid.
  if (stripAsciiWhitespace(out.codec) === '') throw typeError(`${what}: expected a non-empty codec string, got ${describe(out.codec)}`);
  // step 2: width/height 0 → invalid.
  if (out.width === 0 || out.height === 0) throw typeError(`${what}: expected width and height of at least 1, got ${out.width}×${out.height}`);
  // step 3: displayWidth/displayHeight 0 → invalid.
  if (out.displayWidth === 0 || out.displayHeight === 0) throw typeError(`${what}: expected displayWidth and displayHeight of at least 1, got ${out.displayWidth}×${out.displayHeight}`);
  if ((out.displayWidth === undefined) !== (out.displayHeight === undefined)) {
    throw typeError(`${what}: expected displayWidth and displayHeight together, got only ${out.displayWidth === undefined ? 'displayHeight' : 'displayWidth'}`);
  }
  // A bitrate of 0 is invalid (WPT video-encoder-config; w3c/webcodecs#860).
  if (out.bitrate === 0) throw typeError(`${what}: expected a bitrate above 0 bits per second, got 0`);
  if (out.framerate !== undefined && !(out.framerate > 0)) throw typeError(`${what}: expected a framerate above 0, got ${out.framerate}`);
  // A width/height no encoder can produce is valid but unsupported (NotSupportedError / {supported: false}),
  // not a TypeError: WPT video-encoder-config "Width is too large" (1000000).
  return out;
}

/** The plain object the native session reads. */
function nativeConfig(cfg) {
  const family = encodeOptionsMember(cfg.codec);
  const annexb = (family === 'avc' && cfg.avc && cfg.avc.format === 'annexb') || (family === 'hevc' && cfg.hevc && cfg.hevc.format === 'annexb');
  return {
    codec: cfg.codec,
    width: cfg.width,
    height: cfg.height,
    displayWidth: cfg.displayWidth === undefined ? cfg.width : cfg.displayWidth,
    displayHeight: cfg.displayHeight === undefined ? cfg.height : cfg.displayHeight,
    bitrate: cfg.bitrate,
    framerate: cfg.framerate,
    bitrateMode: cfg.bitrateMode,
    latencyMode: cfg.latencyMode,
    bitstreamFormat: annexb ? 'annexb' : 'length-prefixed',
    contentHint: cfg.contentHint,
    bFrames: cfg.bFrames,
    lookahead: cfg.lookahead,
    alpha: cfg.alpha,
    scalabilityMode: cfg.scalabilityMode,
    hardwareAcceleration: cfg.hardwareAcceleration,
  };
}

const sameBytes = (a, b) => {
  if (a === b) return true;
  if (!a || !b || a.byteLength !== b.byteLength) return false;
  return Buffer.from(a).equals(Buffer.from(b));
};

const sameColorSpace = (a, b) => a.primaries === b.primaries && a.transfer === b.transfer &&
  a.matrix === b.matrix && a.fullRange === b.fullRange;

function sameDecoderConfig(a, b) {
  return !!a && !!b && a.codec === b.codec && a.codedWidth === b.codedWidth && a.codedHeight === b.codedHeight &&
    a.displayAspectWidth === b.displayAspectWidth && a.displayAspectHeight === b.displayAspectHeight &&
    a.rotation === b.rotation && a.flip === b.flip && sameColorSpace(a.colorSpace, b.colorSpace) &&
    sameBytes(a.description, b.description);
}

// Hooks into this class's private state, set in its static block, for CodecBase.
let wrapOutput;
let onReset;

class VideoEncoder extends CodecBase {
  /** [[active output config]]: the last decoderConfig given to the output callback. */
  #activeOutputConfig = null;
  /** [[active orientation]]: the first encoded frame's {rotation, flip} since configure(). */
  #activeOrientation = null;
  /** The per-codec encode options member ('avc', 'hevc', 'vp9', 'av1') of the configured codec. */
  #optionsMember = null;

  constructor(init) {
    super(init, { native, kind: 'video-encoder', name: 'VideoEncoder', wrapOutput, onReset });
  }

  get encodeQueueSize() { return queueSize(this); }

  configure(config) {
    // configure() step 1: if config is not a valid VideoEncoderConfig, throw a TypeError.
    const cfg = validateConfig(config, 'VideoEncoder.configure');
    // configure() steps 2–6 (closed → InvalidStateError; state; queue the message).
    configureCodec(this, nativeConfig(cfg));
    // A new configuration accepts a new orientation (WPT video-encoder-orientation).
    this.#activeOrientation = null;
    this.#optionsMember = encodeOptionsMember(cfg.codec);
  }

  encode(frame, options) {
    // encode() step 1: a detached (closed) frame → TypeError.
    if (!isVideoFrame(frame)) throw typeError(`VideoEncoder.encode: expected a VideoFrame, got ${describe(frame)}`);
    const opts = toDictionary(options, 'VideoEncoder.encode: options');
    const keyFrame = opts.keyFrame === undefined ? false : Boolean(opts.keyFrame);
    // Per-frame quantizer: the member for the configured codec ({avc|hevc|vp9|av1}: {quantizer}).
    let quantizer;
    for (const m of ['av1', 'avc', 'hevc', 'vp9']) {
      if (opts[m] === undefined) continue;
      const o = toDictionary(opts[m], `VideoEncoder.encode: options.${m}`);
      if (o.quantizer === undefined || o.quantizer === null) continue;
      const q = enforceRange(o.quantizer, 0, QUANTIZER[m], `VideoEncoder.encode: expected an integer ${m}.quantizer between 0 and ${QUANTIZER[m]}`);
      if (m === this.#optionsMember) quantizer = q;
    }
    const handle = frameHandle(frame); // TypeError if closed
    // A frame whose orientation differs from the first one since configure() is rejected
    // without closing the encoder (WPT video-encoder-orientation: DataError, non-fatal).
    if (this.state === 'configured') {
      const o = this.#activeOrientation;
      if (o && (o.rotation !== frame.rotation || o.flip !== frame.flip)) {
        throw dataError(`VideoEncoder.encode: expected a frame with rotation ${o.rotation} and flip ${o.flip} (the first frame's), got rotation ${frame.rotation} and flip ${frame.flip}`);
      }
    }
    const v = frame.visibleRect;
    const cs = frame.colorSpace;
    /** @type {import('./native').VideoEncodeItem} */
    const item = {
      frame: handle,
      visible: { x: v.x, y: v.y, width: v.width, height: v.height },
      timestamp: frame.timestamp,
      duration: frame.duration === null ? undefined : frame.duration,
      keyFrame,
      quantizer,
      color: { primaries: cs.primaries, transfer: cs.transfer, matrix: cs.matrix, fullRange: cs.fullRange },
      rotation: frame.rotation,
      flip: frame.flip,
    };
    // encode() steps 2–6: state check, queue size, the control message (the worker takes its own
    // reference to the pixels now, so the caller may close the frame at once).
    enqueueWork(this, item);
    if (this.#activeOrientation === null) this.#activeOrientation = { rotation: frame.rotation, flip: frame.flip };
  }

  /**
   * The output callback's arguments for one native chunk payload.
   * @param {import('./native').VideoEncoderOutput} out
   */
  #wrapOutput(out) {
    const chunk = wrapChunkBytes(out.data, { type: out.type, timestamp: out.timestamp, duration: out.duration });
    const metadata = {};
    const dc = out.decoderConfig;
    // Output EncodedVideoChunks step: include decoderConfig when it differs from [[active output config]].
    if (dc && !sameDecoderConfig(dc, this.#activeOutputConfig)) {
      this.#activeOutputConfig = dc;
      const decoderConfig = {
        codec: dc.codec,
        codedWidth: dc.codedWidth,
        codedHeight: dc.codedHeight,
        displayAspectWidth: dc.displayAspectWidth,
        displayAspectHeight: dc.displayAspectHeight,
        // The stream's colour space (what the bitstream signals where it can): a YUV first
        // frame's own, BT.709 limited for RGB input (README, "Colour of encoded frames").
        colorSpace: { ...dc.colorSpace },
      };
      // VideoDecoderConfig rotation/flip: the first frame's orientation (0/false by default).
      decoderConfig.rotation = dc.rotation;
      decoderConfig.flip = dc.flip;
      if (dc.description) decoderConfig.description = dc.description.slice(0);
      metadata.decoderConfig = decoderConfig;
    }
    if (out.temporalLayerId !== undefined) metadata.svc = { temporalLayerId: out.temporalLayerId };
    if (out.alphaSideData !== undefined) metadata.alphaSideData = out.alphaSideData;
    return [chunk, metadata];
  }

  #onReset() {
    // Reset steps 3–4: [[active encoder config]] and [[active output config]] become null.
    this.#activeOutputConfig = null;
    this.#activeOrientation = null;
  }

  static {
    wrapOutput = (encoder, out) => encoder.#wrapOutput(out);
    onReset = (encoder) => encoder.#onReset();
  }

  static async isConfigSupported(config) {
    // isConfigSupported() step 1: an invalid config rejects with TypeError.
    const cfg = validateConfig(config, 'VideoEncoder.isConfigSupported');
    // steps 2–3: check support on a helper thread (opens and closes the encoder once).
    const r = await native.sessionSupport('video-encoder', nativeConfig(cfg));
    return { supported: r.supported, config: cfg };
  }
}

Object.defineProperty(VideoEncoder.prototype, Symbol.toStringTag, { value: 'VideoEncoder', configurable: true });

module.exports = { VideoEncoder, validateVideoEncoderConfig: validateConfig };
