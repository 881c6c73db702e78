'use strict';
// js/ layer: DOMRectReadOnly / DOMRect (W3C Geometry Interfaces). Uses the
// global ones when the host has them (Electron renderer, Deno, polyfills),
// else a minimal implementation of the spec: x, y, width, height, top, right,
// bottom, left, toJSON(), static fromRect(). Also DOMRectInit conversion.

const { typeError, describe } = require('./errors');
const { toUnrestrictedDouble, toDictionary } = require('./webidl');

let setMember;

class DOMRectReadOnlyImpl {
  #x; #y; #width; #height;

  constructor(x = 0, y = 0, width = 0, height = 0) {
    this.#x = +x;
    this.#y = +y;
    this.#width = +width;
    this.#height = +height;
  }

  static fromRect(other) {
    const r = rectInitMembers(other, 'DOMRectReadOnly.fromRect');
    return new this(r.x, r.y, r.width, r.height);
  }

  get x() { return this.#x; }
  get y() { return this.#y; }
  get width() { return this.#width; }
  get height() { return this.#height; }
  // NaN-safe min/max as the Geometry spec defines them.
  get top() { return nanSafeMin(this.#y, this.#y + this.#height); }
  get right() { return nanSafeMax(this.#x, this.#x + this.#width); }
  get bottom() { return nanSafeMax(this.#y, this.#y + this.#height); }
  get left() { return nanSafeMin(this.#x, this.#x + this.#width); }

  toJSON() {
    return {
      x: this.x, y: this.y, width: this.width, height: this.height,
      top: this.top, right: this.right, bottom: this.bottom, left: this.left,
    };
  }

  static {
    // The only writer of the private members besides the constructor: DOMRect's setters.
    setMember = (rect, key, v) => {
      switch (key) {
        case 'x': rect.#x = +v; break;
        case 'y': rect.#y = +v; break;
        case 'width': rect.#width = +v; break;
        default: rect.#height = +v;
      }
    };
  }

  get [Symbol.toStringTag]() { return 'DOMRectReadOnly'; }

  [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
    const { x, y, width, height } = this;
    return `${this[Symbol.toStringTag]} ${inspect({ x, y, width, height }, options)}`;
  }
}

function nanSafeMin(a, b) { return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b); }
function nanSafeMax(a, b) { return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b); }

class DOMRectImpl extends DOMRectReadOnlyImpl {
  get x() { return super.x; }
  set x(v) { setMember(this, 'x', v); }
  get y() { return super.y; }
  set y(v) { setMember(this, 'y', v); }
  get width() { return super.width; }
  set width(v) { setMember(this, 'width', v); }
  get height() { return super.height; }
  set height(v) { setMember(this, 'height', v); }
  get [Symbol.toStringTag]() { return 'DOMRect'; }
}
Object.defineProperty(DOMRectReadOnlyImpl, 'name', { value: 'DOMRectReadOnly' });
Object.defineProperty(DOMRectImpl, 'name', { value: 'DOMRect' });

const DOMRectReadOnly = typeof globalThis.DOMRectReadOnly === 'function' ? globalThis.DOMRectReadOnly : DOMRectReadOnlyImpl;
const DOMRect = typeof globalThis.DOMRect === 'function' ? globalThis.DOMRect : DOMRectImpl;

/** DOMRectInit → {x, y, width, height} (unrestricted doubles, default 0). */
function rectInitMembers(v, what) {
  const d = toDictionary(v, what);
  return {
    height: d.height === undefined ? 0 : toUnrestrictedDouble(d.height, what, 'rect height'),
    width: d.width === undefined ? 0 : toUnrestrictedDouble(d.width, what, 'rect width'),
    x: d.x === undefined ? 0 : toUnrestrictedDouble(d.x, what, 'rect x'),
    y: d.y === undefined ? 0 : toUnrestrictedDouble(d.y, what, 'rect y'),
  };
}

/**
 * DOMRectInit as VideoFrame uses it: every member finite and non-negative
 * ("If any attribute of visibleRect is negative or not finite, return false"),
 * else TypeError naming `what` (e.g. "VideoFrame: visibleRect").
 */
function rectInit(v, what) {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) {
    throw typeError(`${what}: expected a DOMRectInit {x, y, width, height}, got ${describe(v)}`);
  }
  const r = rectInitMembers(v, what);
  for (const k of ['x', 'y', 'width', 'height']) {
    if (!Number.isFinite(r[k]) || r[k] < 0) {
      throw typeError(`${what}: expected ${k} to be a finite number >= 0, got ${describe(r[k])}`);
    }
  }
  return r;
}

module.exports = { DOMRectReadOnly, DOMRect, DOMRectReadOnlyImpl, DOMRectImpl, rectInit, rectInitMembers };
