#!/usr/bin/env node
'use strict';
// Writes the compatibility suite's image fixtures (test/compat/fixtures/) with the `ffmpeg` CLI,
// once, on a development machine; they are committed so that the suite needs no ffmpeg where it
// runs (a bare Debian root, another runtime). Every file is WPT's four-colour pattern, 32×32:
// yellow top-left, red top-right, blue bottom-left, green bottom-right; an animation's second
// frame is the pattern turned one quadrant on (red, blue, green, yellow). The suite checks
// decoded pixels against these colours, so the pattern, not the bytes, is the reference.
//   node scripts/compat/make-fixtures.js
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const OUT = path.join(__dirname, '..', '..', 'test', 'compat', 'fixtures');
const QUADRANTS = [[255, 255, 0, 255], [255, 0, 0, 255], [0, 0, 255, 255], [0, 255, 0, 255]]; // TL, TR, BL, BR
const W = 32;
const H = 32;

function pattern(shift) {
  const b = Buffer.alloc(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) b.set(QUADRANTS[((y < H / 2 ? 0 : 2) + (x < W / 2 ? 0 : 1) + shift) % 4], (y * W + x) * 4);
  }
  return b;
}

function ffmpeg(args, input) {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...args], { input });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr}`);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-compat-fixtures-'));
fs.writeFileSync(path.join(tmp, 'a.rgba'), Buffer.concat([pattern(0), pattern(1)]));
const one = ['-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${W}x${H}`, '-framerate', '10', '-i', path.join(tmp, 'a.rgba'), '-frames:v', '1'];
const two = ['-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${W}x${H}`, '-framerate', '10', '-i', path.join(tmp, 'a.rgba'), '-frames:v', '2'];
const PALETTE = ['-filter_complex', 'split[a][b];[a]palettegen=reserve_transparent=0:stats_mode=full[q];[b][q]paletteuse=dither=none'];
fs.mkdirSync(OUT, { recursive: true });
const out = (name) => path.join(OUT, name);
ffmpeg([...one, '-pix_fmt', 'yuvj444p', '-q:v', '2', out('four-colors.jpg')]);
ffmpeg([...one, '-pix_fmt', 'rgba', out('four-colors.png')]);
ffmpeg([...two, '-c:v', 'apng', '-plays', '0', '-f', 'apng', out('two-frames.apng')]);
ffmpeg([...two, ...PALETTE, '-loop', '0', out('two-frames.gif')]);
ffmpeg([...one, '-c:v', 'libwebp', '-lossless', '1', out('four-colors-lossless.webp')]);
ffmpeg([...one, '-c:v', 'libwebp', '-quality', '95', out('four-colors-lossy.webp')]);
ffmpeg([...one, '-c:v', 'libaom-av1', '-still-picture', '1', '-crf', '10', '-cpu-used', '8', '-pix_fmt', 'yuv444p', '-f', 'avif', out('four-colors.avif')]);
ffmpeg([...one, '-pix_fmt', 'bgr24', out('four-colors.bmp')]);
ffmpeg([...one, '-c:v', 'png', out('four-colors.ico')]);
fs.rmSync(tmp, { recursive: true, force: true });
for (const f of fs.readdirSync(OUT).sort()) console.log(`${f} ${fs.statSync(out(f)).size} bytes`);
