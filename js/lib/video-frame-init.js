'use strict';
// js/ layer: the VideoFrame dictionaries and the spec's helper algorithms — VideoFrameBufferInit,
// VideoFrameInit and VideoFrameCopyToOptions converted (WebIDL) and validated into plain objects,
// Parse Rotation, Add Rotations, Pick Color Space. Pure: no native calls, no VideoFrame state
// (js/lib/video-frame.js holds that).

const { typeError, describe } = require('./errors');
const {
  enforceRange, toLongLong, toUnsignedLongLong, toUnsignedLong, toDouble, toEnum, toDictionary, toSequence,
} = require('./webidl');
const pf = require('./pixel-format');
const { rectInit } = require('./dom-rect');
const { VideoColorSpace, colorSpaceInit, isVideoColorSpace, SRGB, REC709 } = require('./video-color-space');

const WHAT = 'VideoFrame';
/** Largest codedWidth/codedHeight accepted (Chrome's media::limits::kMaxDimension). */
const MAX_DIMENSION = 16384;
const ALPHA_OPTIONS = Object.freeze(['keep', 'discard']);
const PREDEFINED_COLOR_SPACES = Object.freeze(['srgb', 'display-p3']);

/** [EnforceRange] unsigned long coded dimension, 1..MAX_DIMENSION. */
function codedDimension(v, member) {
  if (v === undefined) {
    throw typeError(`${WHAT}: expected an integer ${member} between 1 and ${MAX_DIMENSION}, got undefined`);
  }
  return enforceRange(v, 1, MAX_DIMENSION, `${WHAT}: expected an integer ${member} between 1 and ${MAX_DIMENSION}`);
}

/** displayWidth/displayHeight: both or neither, neither zero (valid VideoFrameBufferInit / VideoFrameInit). */
function displaySize(d) {
  const dh = d.displayHeight === undefined ? undefined : toUnsignedLong(d.displayHeight, WHAT, 'displayHeight');
  const dw = d.displayWidth === undefined ? undefined : toUnsignedLong(d.displayWidth, WHAT, 'displayWidth');
  if ((dw === undefined) !== (dh === undefined)) {
    throw typeError(`${WHAT}: expected both displayWidth and displayHeight or neither, got only ` +
      `${dw === undefined ? 'displayHeight' : 'displayWidth'}`);
  }
  if (dw === 0 || dh === 0) {
    throw typeError(`${WHAT}: expected a non-zero displayWidth and displayHeight, got ${dw}x${dh}`);
  }
  return { displayWidth: dw, displayHeight: dh };
}

/** The visibleRect member: finite, non-negative, truncated, non-empty. */
function visibleRectMember(v) {
  if (v === undefined) return undefined;
  const r = rectInit(v, `${WHAT}: visibleRect`);
  const t = { x: Math.trunc(r.x), y: Math.trunc(r.y), width: Math.trunc(r.width), height: Math.trunc(r.height) };
  if (t.width === 0 || t.height === 0) {
    throw typeError(`${WHAT}: expected a visibleRect with a non-zero width and height, got ${t.width}x${t.height}`);
  }
  return t;
}

/** sequence<PlaneLayout> */
function planeLayouts(v, what) {
  if (v === undefined) return undefined;
  return toSequence(v, `${what}`).map((p, i) => {
    const d = toDictionary(p, `${what}[${i}]`);
    if (d.offset === undefined) throw typeError(`${what}[${i}]: expected an integer offset, got undefined`);
    const offset = toUnsignedLong(d.offset, `${what}[${i}]`, 'offset');
    if (d.stride === undefined) throw typeError(`${what}[${i}]: expected an integer stride, got undefined`);
    const stride = toUnsignedLong(d.stride, `${what}[${i}]`, 'stride');
    return { offset, stride };
  });
}

/** Copy VideoFrame metadata: StructuredSerialize + StructuredDeserialize of a dictionary. */
function copyMetadata(v) {
  if (v === undefined) return {};
  const d = toDictionary(v, `${WHAT}: metadata`);
  return structuredClone({ ...d });
}

/** VideoFrameBufferInit → validated plain object. */
function convertBufferInit(initArg) {
  if (initArg === null || typeof initArg !== 'object') {
    throw typeError(`${WHAT}: expected a VideoFrameBufferInit object, got ${describe(initArg)}`);
  }
  const d = initArg;
  if (d.format === undefined) {
    throw typeError(`${WHAT}: expected format to be a VideoPixelFormat (e.g. 'I420', 'RGBA'), got undefined`);
  }
  const format = toEnum(d.format, pf.VIDEO_PIXEL_FORMATS, WHAT, 'format');
  const codedWidth = codedDimension(d.codedWidth, 'codedWidth');
  const codedHeight = codedDimension(d.codedHeight, 'codedHeight');
  if (d.timestamp === undefined) throw typeError(`${WHAT}: expected an integer timestamp (microseconds), got undefined`);
  const timestamp = toLongLong(d.timestamp, WHAT, 'timestamp');
  const duration = d.duration === undefined ? undefined : toUnsignedLongLong(d.duration, WHAT, 'duration');
  const colorSpace = d.colorSpace === undefined ? undefined : colorSpaceInit(d.colorSpace, `${WHAT}: colorSpace`);
  const { displayWidth, displayHeight } = displaySize(d);
  return {
    format, codedWidth, codedHeight, timestamp, duration, colorSpace, displayWidth, displayHeight,
    layout: planeLayouts(d.layout, `${WHAT}: layout`),
    visibleRect: visibleRectMember(d.visibleRect),
    rotation: d.rotation === undefined ? 0 : toDouble(d.rotation, WHAT, 'rotation'),
    flip: Boolean(d.flip),
    transfer: d.transfer,
    metadata: copyMetadata(d.metadata),
  };
}

/** VideoFrameInit → validated plain object (members absent stay undefined). */
function convertFrameInit(initArg) {
  const d = toDictionary(initArg, `${WHAT}: init`);
  const { displayWidth, displayHeight } = displaySize(d);
  return {
    alpha: d.alpha === undefined ? 'keep' : toEnum(d.alpha, ALPHA_OPTIONS, WHAT, 'alpha'),
    displayWidth, displayHeight,
    duration: d.duration === undefined ? undefined : toUnsignedLongLong(d.duration, WHAT, 'duration'),
    flip: Boolean(d.flip),
    metadata: copyMetadata(d.metadata),
    rotation: d.rotation === undefined ? 0 : toDouble(d.rotation, WHAT, 'rotation'),
    timestamp: d.timestamp === undefined ? undefined : toLongLong(d.timestamp, WHAT, 'timestamp'),
    visibleRect: visibleRectMember(d.visibleRect),
  };
}

/** VideoFrameCopyToOptions → {rect?, layout?, format?, colorSpace?}. */
function convertCopyToOptions(optionsArg, where) {
  const d = toDictionary(optionsArg, `${where}: options`);
  let rect;
  if (d.rect !== undefined) rect = rectInit(d.rect, `${where}: rect`);
  return {
    colorSpace: d.colorSpace === undefined ? undefined : toEnum(d.colorSpace, PREDEFINED_COLOR_SPACES, where, 'colorSpace'),
    format: d.format === undefined ? undefined : toEnum(d.format, pf.VIDEO_PIXEL_FORMATS, where, 'format'),
    layout: planeLayouts(d.layout, `${where}: layout`),
    rect,
  };
}

/** Validate VideoFrameInit (with format, codedWidth, and codedHeight); throws TypeError. */
function validateFrameInit(init, format, codedWidth, codedHeight) {
  // 1. If visibleRect exists:
  const r = init.visibleRect;
  if (r !== undefined) {
    // 1.1–1.2 Verify Rect Offset Alignment.
    if (!pf.verifyRectOffsetAlignment(format, r)) {
      throw typeError(`${WHAT}: expected a visibleRect whose x and y are multiples of the ${format} ` +
        `sub-sampling factors, got x=${r.x}, y=${r.y}`);
    }
    // 1.3–1.4 (negative / non-finite / zero size: checked while converting.)
    // 1.5 y + height > codedHeight → false.
    if (r.y + r.height > codedHeight) {
      throw typeError(`${WHAT}: expected visibleRect y + height <= codedHeight ${codedHeight}, got ${r.y} + ${r.height}`);
    }
    // 1.6 x + width > codedWidth → false.
    if (r.x + r.width > codedWidth) {
      throw typeError(`${WHAT}: expected visibleRect x + width <= codedWidth ${codedWidth}, got ${r.x} + ${r.width}`);
    }
  }
  // 2. codedWidth = 0 or codedHeight = 0 → false (cannot happen for an open frame).
  if (codedWidth === 0 || codedHeight === 0) throw typeError(`${WHAT}: the source frame has an empty coded size`);
  // 3.–4. Display size rules: checked while converting.
}

/** Parse Rotation: nearest multiple of 90 (ties toward +∞), reduced to [0, 360). */
function parseRotation(rotation) {
  const aligned = Math.floor(rotation / 90 + 0.5) * 90;
  const fullTurns = Math.floor(aligned / 360) * 360;
  return (aligned - fullTurns) + 0; // + 0: no -0
}

/** Add Rotations (with baseRotation, baseFlip, and rotation). */
function addRotations(baseRotation, baseFlip, rotation) {
  const combined = baseFlip ? baseRotation - rotation : baseRotation + rotation;
  const fullTurns = Math.floor(combined / 360) * 360;
  return (combined - fullTurns) + 0;
}

/** Pick Color Space (with overrideColorSpace and format). */
function pickColorSpace(overrideColorSpace, format) {
  // 1. If overrideColorSpace is provided, a new VideoColorSpace constructed with it.
  if (overrideColorSpace !== undefined && overrideColorSpace !== null) {
    return isVideoColorSpace(overrideColorSpace) ? overrideColorSpace : new VideoColorSpace(overrideColorSpace);
  }
  // 2. An RGB format: the sRGB Color Space. 3. Otherwise the REC709 Color Space.
  if (format !== null && pf.isVideoPixelFormat(format) && pf.isRgbFormat(format)) return new VideoColorSpace(SRGB);
  return new VideoColorSpace(REC709);
}

module.exports = {
  convertBufferInit, convertFrameInit, convertCopyToOptions, validateFrameInit, copyMetadata,
  parseRotation, addRotations, pickColorSpace, MAX_DIMENSION,
};
