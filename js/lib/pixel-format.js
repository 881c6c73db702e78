'use strict';
// js/ layer: the spec's VideoPixelFormat table (plane count, bytes per sample,
// sub-sampling factors, alpha, equivalent opaque format) and the pure layout
// algorithms of WebCodecs §9.4.6: "Verify Rect Offset Alignment",
// "Parse Visible Rect" and "Compute Layout and Allocation Size".
// Everything here is pure arithmetic on plain objects: no native calls.

const { typeError, describe } = require('./errors');

const MAX_UNSIGNED_LONG = 0xFFFFFFFF;

// One plane: `bytes` per sample element, horizontal/vertical sub-sampling factor.
// An "element" is what one sample position holds: 4 bytes for a packed RGBA pixel,
// 2 bytes for an NV12 UV pair or for a 10/12-bit sample stored little-endian in 16 bits.
const plane = (bytes, sw, sh) => Object.freeze({ bytes, sampleWidth: sw, sampleHeight: sh });

function yuv(sw, sh, bytes, alpha) {
  const luma = plane(bytes, 1, 1);
  const chroma = plane(bytes, sw, sh);
  return alpha ? [luma, chroma, chroma, luma] : [luma, chroma, chroma];
}

/**
 * VideoPixelFormat → description. Order follows the WebIDL enum.
 * opaque: the spec's "equivalent opaque format"; rgb: the spec's "RGB format";
 * bitDepth: bits per sample (16-bit little-endian storage above 8).
 */
const FORMATS = Object.freeze({
  // 4:2:0 Y, U, V
  I420: { planes: yuv(2, 2, 1, false), alpha: false, opaque: 'I420', rgb: false, bitDepth: 8 },
  I420P10: { planes: yuv(2, 2, 2, false), alpha: false, opaque: 'I420P10', rgb: false, bitDepth: 10 },
  I420P12: { planes: yuv(2, 2, 2, false), alpha: false, opaque: 'I420P12', rgb: false, bitDepth: 12 },
  // 4:2:0 Y, U, V, A
  I420A: { planes: yuv(2, 2, 1, true), alpha: true, opaque: 'I420', rgb: false, bitDepth: 8 },
  I420AP10: { planes: yuv(2, 2, 2, true), alpha: true, opaque: 'I420P10', rgb: false, bitDepth: 10 },
  I420AP12: { planes: yuv(2, 2, 2, true), alpha: true, opaque: 'I420P12', rgb: false, bitDepth: 12 },
  // 4:2:2 Y, U, V
  I422: { planes: yuv(2, 1, 1, false), alpha: false, opaque: 'I422', rgb: false, bitDepth: 8 },
  I422P10: { planes: yuv(2, 1, 2, false), alpha: false, opaque: 'I422P10', rgb: false, bitDepth: 10 },
  I422P12: { planes: yuv(2, 1, 2, false), alpha: false, opaque: 'I422P12', rgb: false, bitDepth: 12 },
  // 4:2:2 Y, U, V, A
  I422A: { planes: yuv(2, 1, 1, true), alpha: true, opaque: 'I422', rgb: false, bitDepth: 8 },
  // The spec text says I422AP10's opaque format is I420P10: an editorial slip (the
  // planes are 4:2:2); we use I422P10 like the other alpha formats, as Chrome does.
  I422AP10: { planes: yuv(2, 1, 2, true), alpha: true, opaque: 'I422P10', rgb: false, bitDepth: 10 },
  I422AP12: { planes: yuv(2, 1, 2, true), alpha: true, opaque: 'I422P12', rgb: false, bitDepth: 12 },
  // 4:4:4 Y, U, V
  I444: { planes: yuv(1, 1, 1, false), alpha: false, opaque: 'I444', rgb: false, bitDepth: 8 },
  I444P10: { planes: yuv(1, 1, 2, false), alpha: false, opaque: 'I444P10', rgb: false, bitDepth: 10 },
  I444P12: { planes: yuv(1, 1, 2, false), alpha: false, opaque: 'I444P12', rgb: false, bitDepth: 12 },
  // 4:4:4 Y, U, V, A
  I444A: { planes: yuv(1, 1, 1, true), alpha: true, opaque: 'I444', rgb: false, bitDepth: 8 },
  I444AP10: { planes: yuv(1, 1, 2, true), alpha: true, opaque: 'I444P10', rgb: false, bitDepth: 10 },
  I444AP12: { planes: yuv(1, 1, 2, true), alpha: true, opaque: 'I444P12', rgb: false, bitDepth: 12 },
  // 4:2:0 Y, UV
  NV12: { planes: [plane(1, 1, 1), plane(2, 2, 2)], alpha: false, opaque: 'NV12', rgb: false, bitDepth: 8 },
  // 4:4:4 packed RGB
  RGBA: { planes: [plane(4, 1, 1)], alpha: true, opaque: 'RGBX', rgb: true, bitDepth: 8 },
  RGBX: { planes: [plane(4, 1, 1)], alpha: false, opaque: 'RGBX', rgb: true, bitDepth: 8 },
  BGRA: { planes: [plane(4, 1, 1)], alpha: true, opaque: 'BGRX', rgb: true, bitDepth: 8 },
  BGRX: { planes: [plane(4, 1, 1)], alpha: false, opaque: 'BGRX', rgb: true, bitDepth: 8 },
});
for (const f of Object.values(FORMATS)) { Object.freeze(f.planes); Object.freeze(f); }

/** Every VideoPixelFormat, in WebIDL enum order. */
const VIDEO_PIXEL_FORMATS = Object.freeze(Object.keys(FORMATS));
/** The formats VideoFrameCopyToOptions.format may name (RGB conversion targets). */
const RGB_COPY_FORMATS = Object.freeze(['RGBA', 'RGBX', 'BGRA', 'BGRX']);

const isVideoPixelFormat = (f) => typeof f === 'string' && Object.prototype.hasOwnProperty.call(FORMATS, f);
function info(format) {
  if (!isVideoPixelFormat(format)) throw typeError(`unknown VideoPixelFormat ${describe(format)}`);
  return FORMATS[format];
}
const numPlanes = (format) => info(format).planes.length;
const planeInfo = (format, i) => info(format).planes[i];
const isRgbFormat = (format) => info(format).rgb;
const hasAlpha = (format) => info(format).alpha;
const opaqueFormat = (format) => info(format).opaque;
const bitDepth = (format) => info(format).bitDepth;

/** Bytes per row and rows of plane `i` of a `codedWidth`×`codedHeight` frame (chroma rounds up). */
function planeSize(format, i, codedWidth, codedHeight) {
  const p = planeInfo(format, i);
  return {
    rowBytes: Math.ceil(codedWidth / p.sampleWidth) * p.bytes,
    rows: Math.ceil(codedHeight / p.sampleHeight),
  };
}

/**
 * Verify Rect Offset Alignment (with format and rect).
 * @returns {boolean}
 */
function verifyRectOffsetAlignment(format, rect) {
  // 1. If format is null, return true.
  if (format === null || format === undefined) return true;
  // 2.–4. For each plane, x and y must be multiples of the plane's sub-sampling factors.
  for (const p of info(format).planes) {
    if (rect.x % p.sampleWidth !== 0) return false;
    if (rect.y % p.sampleHeight !== 0) return false;
  }
  // 5. Return true.
  return true;
}

/**
 * Parse Visible Rect (with defaultRect, overrideRect, codedWidth, codedHeight, and format).
 * Rects are plain {x, y, width, height} whose members are already finite and
 * non-negative (see dom-rect.js rectInit()); the spec truncates DOMRectInit values,
 * done here. Throws TypeError (the spec's "return a TypeError").
 * `where` prefixes messages, e.g. "VideoFrame.copyTo".
 */
function parseVisibleRect(defaultRect, overrideRect, codedWidth, codedHeight, format, where) {
  // 1. Let sourceRect be defaultRect.
  let sourceRect = defaultRect;
  // 2. If overrideRect is not undefined:
  if (overrideRect !== undefined) {
    const r = {
      x: Math.trunc(overrideRect.x), y: Math.trunc(overrideRect.y),
      width: Math.trunc(overrideRect.width), height: Math.trunc(overrideRect.height),
    };
    // 2.1 If either of overrideRect.width or height is 0, return a TypeError.
    if (r.width === 0 || r.height === 0) {
      throw typeError(`${where}: expected a rect with a non-zero width and height, got ${r.width}x${r.height}`);
    }
    // 2.2 If x + width > codedWidth, return a TypeError.
    if (r.x + r.width > codedWidth) {
      throw typeError(`${where}: expected rect x + width <= codedWidth ${codedWidth}, got ${r.x} + ${r.width}`);
    }
    // 2.3 If y + height > codedHeight, return a TypeError.
    if (r.y + r.height > codedHeight) {
      throw typeError(`${where}: expected rect y + height <= codedHeight ${codedHeight}, got ${r.y} + ${r.height}`);
    }
    // 2.4 Assign overrideRect to sourceRect.
    sourceRect = r;
  }
  // 3.–4. Verify Rect Offset Alignment; if false, throw a TypeError.
  if (!verifyRectOffsetAlignment(format, sourceRect)) {
    const p = info(format).planes.reduce((a, b) => ({
      sampleWidth: Math.max(a.sampleWidth, b.sampleWidth), sampleHeight: Math.max(a.sampleHeight, b.sampleHeight),
    }));
    throw typeError(`${where}: expected a rect whose x is a multiple of ${p.sampleWidth} and y a multiple of ` +
      `${p.sampleHeight} for ${format} (sub-sampled planes), got x=${sourceRect.x}, y=${sourceRect.y}`);
  }
  // 5. Return sourceRect.
  return sourceRect;
}

/**
 * Compute Layout and Allocation Size (with parsedRect, format, and layout).
 * `layout` is undefined or an array of validated {offset, stride}.
 * Returns {allocationSize, computedLayouts: [{destinationOffset, destinationStride,
 * sourceTop, sourceHeight, sourceLeftBytes, sourceWidthBytes}]}.
 *
 * Widths round up like heights (ceil(width / sampleWidth) elements), as Chrome does and
 * WPT's videoFrame-odd-size test expects: a 3-pixel-wide I420 row has 2 chroma samples.
 * (The spec text says "integer division" for the width; with an odd width that would drop
 * the last chroma column.)
 */
function computeLayoutAndAllocationSize(parsedRect, format, layout, where) {
  const planes = info(format).planes;
  // 1. Let numPlanes be the number of planes as defined by format.
  const nPlanes = planes.length;
  // 2. If layout is not undefined and its length does not equal numPlanes, throw a TypeError.
  if (layout !== undefined && layout.length !== nPlanes) {
    throw typeError(`${where}: expected a layout of ${nPlanes} plane${nPlanes > 1 ? 's' : ''} for ${format}, ` +
      `got ${layout.length}`);
  }
  // 3. Let minAllocationSize be 0.
  let minAllocationSize = 0;
  // 4.–5. computedLayouts and endOffsets.
  const computedLayouts = [];
  const endOffsets = [];
  const x = Math.trunc(parsedRect.x);
  const y = Math.trunc(parsedRect.y);
  const width = Math.trunc(parsedRect.width);
  const height = Math.trunc(parsedRect.height);
  // 6.–7. For each plane:
  for (let planeIndex = 0; planeIndex < nPlanes; planeIndex++) {
    const p = planes[planeIndex];
    // 7.1–7.5 sampleBytes, sampleWidth, sampleHeight.
    const computed = {
      destinationOffset: 0,
      destinationStride: 0,
      // 7.6 sourceTop = ceil(y / sampleHeight).
      sourceTop: Math.ceil(y / p.sampleHeight),
      // 7.7 sourceHeight = ceil(height / sampleHeight).
      sourceHeight: Math.ceil(height / p.sampleHeight),
      // 7.8 sourceLeftBytes = floor(x / sampleWidth) * sampleBytes.
      sourceLeftBytes: Math.floor(x / p.sampleWidth) * p.bytes,
      // 7.9 sourceWidthBytes = ceil(width / sampleWidth) * sampleBytes (see above).
      sourceWidthBytes: Math.ceil(width / p.sampleWidth) * p.bytes,
    };
    if (layout !== undefined) {
      // 7.10 Use the given PlaneLayout; its stride must hold a row.
      const planeLayout = layout[planeIndex];
      if (planeLayout.stride < computed.sourceWidthBytes) {
        throw typeError(`${where}: expected layout[${planeIndex}].stride >= ${computed.sourceWidthBytes} ` +
          `(bytes in one row of plane ${planeIndex}), got ${planeLayout.stride}`);
      }
      computed.destinationOffset = planeLayout.offset;
      computed.destinationStride = planeLayout.stride;
    } else {
      // 7.11 Tight packing.
      computed.destinationOffset = minAllocationSize;
      computed.destinationStride = computed.sourceWidthBytes;
    }
    // 7.12–7.13 planeSize and planeEnd.
    const planeSizeBytes = computed.destinationStride * computed.sourceHeight;
    const planeEnd = planeSizeBytes + computed.destinationOffset;
    // 7.14 If planeSize or planeEnd is greater than the range of unsigned long, TypeError.
    if (planeSizeBytes > MAX_UNSIGNED_LONG || planeEnd > MAX_UNSIGNED_LONG) {
      throw typeError(`${where}: plane ${planeIndex} would end at byte ${planeEnd}, past the 4 GiB limit of ` +
        'an unsigned long offset');
    }
    // 7.15 Append planeEnd to endOffsets.
    endOffsets.push(planeEnd);
    // 7.16 minAllocationSize = max(minAllocationSize, planeEnd).
    minAllocationSize = Math.max(minAllocationSize, planeEnd);
    // 7.17–7.18 Planes must not overlap an earlier plane.
    for (let earlier = 0; earlier < planeIndex; earlier++) {
      const earlierLayout = computedLayouts[earlier];
      if (endOffsets[planeIndex] <= earlierLayout.destinationOffset ||
          endOffsets[earlier] <= computed.destinationOffset) {
        continue;
      }
      throw typeError(`${where}: expected non-overlapping planes, got plane ${planeIndex} ` +
        `[${computed.destinationOffset}, ${planeEnd}) overlapping plane ${earlier} ` +
        `[${earlierLayout.destinationOffset}, ${endOffsets[earlier]})`);
    }
    // 7.19 Append computedLayout to computedLayouts.
    computedLayouts.push(computed);
  }
  // 8.–9. Return the combined buffer layout.
  return { allocationSize: minAllocationSize, computedLayouts };
}

module.exports = {
  VIDEO_PIXEL_FORMATS, RGB_COPY_FORMATS, FORMATS,
  isVideoPixelFormat, numPlanes, planeInfo, planeSize, isRgbFormat, hasAlpha, opaqueFormat, bitDepth,
  verifyRectOffsetAlignment, parseVisibleRect, computeLayoutAndAllocationSize,
};
