'use strict';
// A floating-point model of what a canvas of colour space 'srgb' or 'display-p3' holds after
// drawing a VideoFrame pixel (WPT videoFrame-copyTo-rgb compares copyTo() with a canvas; Node.js
// has none). Written from first principles, independently of the native code: YUV → non-linear
// RGB with the frame's matrix and range; the transfer curve decoded (SDR curves — bt709,
// smpte170m, iec61966-2-1 — as sRGB, which is how Chromium renders SDR video; 'linear' as is);
// linear RGB taken from the frame's primaries to the target's through CIE XYZ (D65), clipped,
// and encoded with the sRGB curve that both sRGB and Display P3 use.

const CHROMATICITIES = {
  bt709: [[0.64, 0.33], [0.30, 0.60], [0.15, 0.06]],
  bt470bg: [[0.64, 0.33], [0.29, 0.60], [0.15, 0.06]],
  smpte170m: [[0.630, 0.340], [0.310, 0.595], [0.155, 0.070]],
  bt2020: [[0.708, 0.292], [0.170, 0.797], [0.131, 0.046]],
  smpte432: [[0.680, 0.320], [0.265, 0.690], [0.150, 0.060]],
};
const D65 = [0.3127, 0.3290];
const MATRIX_K = { bt709: [0.2126, 0.0722], smpte170m: [0.299, 0.114], bt470bg: [0.299, 0.114], 'bt2020-ncl': [0.2627, 0.0593] };

const det3 = (m) => m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
  m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
/** Solve m · x = v (Cramer's rule). */
function solve(m, v) {
  const d = det3(m);
  return [0, 1, 2].map((c) => det3(m.map((row, r) => row.map((x, j) => (j === c ? v[r] : x)))) / d);
}
const xyz = ([x, y]) => [x / y, 1, (1 - x - y) / y];
/** Linear RGB of `primaries` → XYZ, as a function. */
function toXyz(primaries) {
  const cols = CHROMATICITIES[primaries].map(xyz);
  const m = [0, 1, 2].map((r) => cols.map((c) => c[r]));
  const s = solve(m, xyz(D65));
  return (rgb) => [0, 1, 2].map((r) => m[r].reduce((acc, v, j) => acc + v * s[j] * rgb[j], 0));
}
function fromXyz(primaries) {
  const cols = CHROMATICITIES[primaries].map(xyz);
  const m = [0, 1, 2].map((r) => cols.map((c) => c[r]));
  const s = solve(m, xyz(D65));
  const ms = m.map((row) => row.map((v, j) => v * s[j]));
  return (XYZ) => solve(ms, XYZ);
}
const srgbDecode = (v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
const srgbEncode = (l) => (l <= 0.0031308 ? l * 12.92 : 1.055 * l ** (1 / 2.4) - 0.055);
const clamp01 = (v) => Math.min(1, Math.max(0, v));

/**
 * What a canvas of colour space `target` holds after drawing a pixel: `rgb` non-linear [0, 1] in
 * the frame's colour space `cs` (a VideoColorSpace), returned as 8-bit [r, g, b].
 */
function canvasPixel(rgb, cs, target) {
  const decode = cs.transfer === 'linear' ? (v) => v : srgbDecode;
  const linear = rgb.map((v) => decode(clamp01(v)));
  const out = fromXyz(target === 'display-p3' ? 'smpte432' : 'bt709')(toXyz(cs.primaries || 'bt709')(linear));
  return out.map((v) => Math.round(255 * srgbEncode(clamp01(v))));
}

/** Non-linear RGB of 8-bit YUV with the frame's matrix and range (null: REC709, limited). */
function yuvToRgb([Y, U, V], cs) {
  const [kr, kb] = MATRIX_K[cs.matrix || 'bt709'];
  const full = cs.fullRange === true;
  const y = full ? Y / 255 : (Y - 16) / 219;
  const cb = full ? (U - 128) / 255 : (U - 128) / 224;
  const cr = full ? (V - 128) / 255 : (V - 128) / 224;
  const r = y + 2 * (1 - kr) * cr;
  const b = y + 2 * (1 - kb) * cb;
  const g = (y - kr * r - kb * b) / (1 - kr - kb);
  return [r, g, b];
}

module.exports = { canvasPixel, yuvToRgb, toXyz, fromXyz, MATRIX_K };
