'use strict';
// Benchmark content: every frame distinct, with motion an encoder can find — a camera pan (2–3 px
// per frame right, 1–2 px down) across a large textured landscape (multi-octave value noise with
// sharp-edged blocks) and a textured disc crossing it on its own path. Deterministic (seeded).
// No cycle of a few frames: an encoder sees what it would see in real footage.
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const { rng } = require('../test/fuzz/lib'); // mulberry32, the fuzzers' seeded PRNG

// Smooth noise in 0..1 over W×H: bilinear interpolation of a random grid with `cell` spacing.
function valueNoise(W, H, cell, rand) {
  const gw = Math.ceil(W / cell) + 2;
  const gh = Math.ceil(H / cell) + 2;
  const g = new Float32Array(gw * gh).map(() => rand());
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    const gy = Math.floor(y / cell);
    const fy = y / cell - gy;
    for (let x = 0; x < W; x++) {
      const gx = Math.floor(x / cell);
      const fx = x / cell - gx;
      const a = g[gy * gw + gx];
      const b = g[gy * gw + gx + 1];
      const c = g[(gy + 1) * gw + gx];
      const d = g[(gy + 1) * gw + gx + 1];
      out[y * W + x] = (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
    }
  }
  return out;
}

// An RGBA texture W×H: luminance detail in four octaves (down to 2-pixel grain, like foliage or
// gravel), colour from slowly varying tints (chroma smoother than luma, as in camera footage),
// plus flat-shaded blocks with hard edges.
function texture(W, H, seed) {
  const rand = rng(seed);
  const scale = Math.max(1, W / 1200);
  const lum = [valueNoise(W, H, 96 * scale, rand), valueNoise(W, H, 24 * scale, rand), valueNoise(W, H, 6 * scale, rand), valueNoise(W, H, 2, rand)];
  const tint = [valueNoise(W, H, 160 * scale, rand), valueNoise(W, H, 160 * scale, rand), valueNoise(W, H, 160 * scale, rand)];
  const px = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) {
    const l = 0.45 * lum[0][i] + 0.25 * lum[1][i] + 0.18 * lum[2][i] + 0.12 * lum[3][i];
    for (let c = 0; c < 3; c++) px[i * 4 + c] = Math.max(0, Math.min(255, Math.round(255 * l * (0.5 + 1.0 * tint[c][i]))));
    px[i * 4 + 3] = 255;
  }
  const blocks = Math.round((W * H) / 20000);
  for (let k = 0; k < blocks; k++) {
    const bw = Math.round((8 + rand() * 60) * scale);
    const bh = Math.round((8 + rand() * 60) * scale);
    const x0 = Math.floor(rand() * (W - bw));
    const y0 = Math.floor(rand() * (H - bh));
    const col = [rand() * 255, rand() * 255, rand() * 255];
    for (let y = y0; y < y0 + bh; y++) {
      for (let x = x0; x < x0 + bw; x++) {
        const i = (y * W + x) * 4;
        const shade = 0.8 + 0.2 * ((x - x0) / bw);
        for (let c = 0; c < 3; c++) px[i + c] = Math.round(col[c] * shade);
      }
    }
  }
  return px;
}

/** `n` frames of w×h RGBA (one Buffer, frame i at i*w*h*4), each distinct, moving. */
function movingRgba(w, h, n) {
  const panX = (i) => Math.round(i * 2.6);
  const panY = (i) => Math.round(i * 1.4);
  const W = w + panX(n) + 1;
  const H = h + panY(n) + 1;
  const bg = texture(W, H, 1);
  const r = Math.round(h / 6);
  const disc = texture(2 * r, 2 * r, 2);
  const size = w * h * 4;
  const out = Buffer.alloc(size * n);
  for (let i = 0; i < n; i++) {
    const base = i * size;
    const ox = panX(i);
    const oy = panY(i);
    for (let y = 0; y < h; y++) {
      const src = Buffer.from(bg.buffer, ((y + oy) * W + ox) * 4, w * 4);
      src.copy(out, base + y * w * 4);
    }
    // The disc: a Lissajous path against the pan, its texture sliding inside it.
    const cx = Math.round(w / 2 + (w / 2 - r) * Math.sin(i / 23));
    const cy = Math.round(h / 2 + (h / 2 - r) * Math.sin(i / 17 + 1));
    const shift = i % r;
    for (let dy = -r; dy < r; dy++) {
      const y = cy + dy;
      if (y < 0 || y >= h) continue;
      for (let dx = -r; dx < r; dx++) {
        const x = cx + dx;
        if (x < 0 || x >= w || dx * dx + dy * dy >= r * r) continue;
        const s = ((dy + r) * 2 * r + ((dx + r + shift) % (2 * r))) * 4;
        const d = base + (y * w + x) * 4;
        out[d] = disc[s];
        out[d + 1] = disc[s + 1];
        out[d + 2] = disc[s + 2];
      }
    }
  }
  return out;
}

/** The CLI's conversion of RGBA to what our encoder feeds its codec: BT.709 limited range, 4:2:0. */
const CLI_BT709_FILTER = 'scale=out_color_matrix=bt709:out_range=tv,format=yuv420p';

/** Convert a raw RGBA file to raw I420 (BT.709 limited) with the ffmpeg CLI. */
function rgbaFileToI420(rgbaFile, w, h, i420File) {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${w}x${h}`, '-i', rgbaFile,
    '-vf', CLI_BT709_FILTER, '-f', 'rawvideo', i420File], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
  return fs.readFileSync(i420File);
}

module.exports = { movingRgba, rgbaFileToI420, CLI_BT709_FILTER };

// CLI: node bench/content.js W H N out.yuv — writes N frames as raw I420 (BT.709 limited), for
// bench/defaults.sh.
if (require.main === module) {
  const [w, h, n, out] = process.argv.slice(2);
  const rgbaFile = `${out}.rgba`;
  fs.writeFileSync(rgbaFile, movingRgba(Number(w), Number(h), Number(n)));
  rgbaFileToI420(rgbaFile, Number(w), Number(h), out);
  fs.rmSync(rgbaFile);
}
