'use strict';
// js/ layer: VideoColorSpace (WebCodecs §9.9) and its enums, plus the two
// named color spaces VideoFrame's "Pick Color Space" uses. Immutable value object.

const { toEnum, toDictionary } = require('./webidl');

const VIDEO_COLOR_PRIMARIES = Object.freeze(['bt709', 'bt470bg', 'smpte170m', 'bt2020', 'smpte432']);
const VIDEO_TRANSFER_CHARACTERISTICS = Object.freeze(['bt709', 'smpte170m', 'iec61966-2-1', 'linear', 'pq', 'hlg']);
const VIDEO_MATRIX_COEFFICIENTS = Object.freeze(['rgb', 'bt709', 'bt470bg', 'smpte170m', 'bt2020-ncl']);

const WHAT = 'VideoColorSpace';

/** A nullable enum member with default null: undefined/null → null, else a valid enum value. */
function nullableEnum(v, values, member, what) {
  if (v === undefined || v === null) return null;
  return toEnum(v, values, what, member);
}

/**
 * Convert a VideoColorSpaceInit dictionary (also accepts a VideoColorSpace, whose getters
 * read as the dictionary's members). Returns {primaries, transfer, matrix, fullRange}.
 */
function colorSpaceInit(init, what = WHAT) {
  const d = toDictionary(init, what);
  // WebIDL converts dictionary members in lexicographic order.
  const fullRange = d.fullRange === undefined || d.fullRange === null ? null : Boolean(d.fullRange);
  const matrix = nullableEnum(d.matrix, VIDEO_MATRIX_COEFFICIENTS, 'matrix', what);
  const primaries = nullableEnum(d.primaries, VIDEO_COLOR_PRIMARIES, 'primaries', what);
  const transfer = nullableEnum(d.transfer, VIDEO_TRANSFER_CHARACTERISTICS, 'transfer', what);
  return { primaries, transfer, matrix, fullRange };
}

let brand;

class VideoColorSpace {
  #primaries;
  #transfer;
  #matrix;
  #fullRange;

  /** VideoColorSpace(init) */
  constructor(init = {}) {
    const c = colorSpaceInit(init);
    // 1.1–1.4 Assign init's members to the internal slots.
    this.#primaries = c.primaries;
    this.#transfer = c.transfer;
    this.#matrix = c.matrix;
    this.#fullRange = c.fullRange;
  }

  get primaries() { return this.#primaries; }
  get transfer() { return this.#transfer; }
  get matrix() { return this.#matrix; }
  get fullRange() { return this.#fullRange; }

  /** [Default] toJSON(): the four attributes as a VideoColorSpaceInit. */
  toJSON() {
    return { primaries: this.#primaries, transfer: this.#transfer, matrix: this.#matrix, fullRange: this.#fullRange };
  }

  get [Symbol.toStringTag]() { return 'VideoColorSpace'; }

  [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
    return `VideoColorSpace ${inspect(this.toJSON(), options)}`;
  }

  static {
    brand = (v) => v !== null && typeof v === 'object' && #primaries in v;
  }
}
// Attributes are accessors on the prototype, enumerable like WebIDL attributes.
for (const k of ['primaries', 'transfer', 'matrix', 'fullRange']) {
  Object.defineProperty(VideoColorSpace.prototype, k, {
    ...Object.getOwnPropertyDescriptor(VideoColorSpace.prototype, k), enumerable: true,
  });
}

/** The spec's "sRGB Color Space". */
const SRGB = Object.freeze({ primaries: 'bt709', transfer: 'iec61966-2-1', matrix: 'rgb', fullRange: true });
/** The spec's "REC709 Color Space". */
const REC709 = Object.freeze({ primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false });

function isVideoColorSpace(v) {
  return brand(v);
}

module.exports = {
  VideoColorSpace, colorSpaceInit, isVideoColorSpace,
  VIDEO_COLOR_PRIMARIES, VIDEO_TRANSFER_CHARACTERISTICS, VIDEO_MATRIX_COEFFICIENTS, SRGB, REC709,
};
