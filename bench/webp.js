'use strict';
// Benchmark (not a test): animated WebP, 1920×1080, 20 frames of moving testsrc2, lossy (q 80)
// and lossless, made by ffmpeg's libwebp_anim encoder. FFmpeg 5.1 cannot decode animated WebP,
// so there is no CLI side: the comparison is with the pure-Rust image-webp crate this project
// used before libwebp, on the same files in one run.
//   1. ours through the API: an ImageDecoder decoding every frame (frames/s, ms per frame, best
//      of 2), and the lossless file's frames against the source frames (must be exact);
//   2. the codec level, in one process (cargo's test harness, codecs::image::webp_anim's ignored
//      `bench_against_image_webp`): libwebp + our compositor against image-webp, best of 3,
//      and the largest difference between their outputs.
// Usage: node bench/webp.js [--quick] (quick: 8 frames). On a shared CPU the times vary.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync, execFileSync } = require('node:child_process');
const { ImageDecoder } = require('..');

const quick = process.argv.includes('--quick');
const FRAMES = quick ? 8 : 20;
const W = 1920, H = 1080;
// RGB from the start (format=bgra), so the lossless file holds exactly the raw frames compared with.
const SRC = ['-f', 'lavfi', '-i', `testsrc2=size=${W}x${H}:rate=25,format=bgra`, '-frames:v', String(FRAMES)];
const FILES = [
  { name: 'anim-lossy.webp', args: ['-c:v', 'libwebp_anim', '-quality', '80'] },
  { name: 'anim-lossless.webp', args: ['-c:v', 'libwebp_anim', '-lossless', '1', '-compression_level', '1'], lossless: true },
];

async function decodeAll(bytes, keep) {
  const dec = new ImageDecoder({ data: bytes, type: 'image/webp' });
  await dec.tracks.ready;
  const n = dec.tracks.selectedTrack.frameCount;
  const out = [];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const { image } = await dec.decode({ frameIndex: i });
    if (keep) {
      const px = new Uint8Array(W * H * 4);
      await image.copyTo(px, { format: 'RGBA' });
      out.push(px);
    }
    image.close();
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  dec.close();
  return { n, s, out };
}

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-bench-webp-'));
  try {
    console.log(`Animated WebP ${W}x${H}, ${FRAMES} frames: through ImageDecoder, then libwebp vs image-webp at the codec level`);
    for (const f of FILES) {
      f.file = path.join(dir, f.name);
      execFileSync('ffmpeg', ['-v', 'error', '-y', ...SRC, ...f.args, '-loop', '0', f.file]);
      const bytes = fs.readFileSync(f.file);
      let best = Infinity, n = 0;
      for (let r = 0; r < 2; r++) {
        const t = await decodeAll(bytes, false);
        best = Math.min(best, t.s);
        n = t.n;
      }
      let exact = '';
      if (f.lossless) {
        const src = execFileSync('ffmpeg', ['-v', 'error', ...SRC, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { maxBuffer: W * H * 4 * FRAMES + 1 });
        const { out } = await decodeAll(bytes, true);
        let max = 0;
        out.forEach((px, i) => {
          const ref = src.subarray(i * W * H * 4, (i + 1) * W * H * 4);
          for (let k = 0; k < px.length; k++) max = Math.max(max, Math.abs(px[k] - ref[k]));
        });
        exact = `; against the source frames: max difference ${max}`;
      }
      console.log(`${f.name} (${(bytes.length / 1024).toFixed(0)} KiB): ImageDecoder ${(n / best).toFixed(1)} frames/s (${(best * 1000 / n).toFixed(1)} ms/frame, best of 2)${exact}`);
    }
    // The codec level, both decoders in one process.
    const r = spawnSync('cargo', ['test', '--release', '--lib', '--quiet', 'webp_anim::tests::bench_against_image_webp', '--', '--ignored', '--nocapture'], {
      cwd: path.join(__dirname, '..'), encoding: 'utf8', env: { ...process.env, NWC_WEBP_BENCH: FILES.map((f) => f.file).join(':') },
    });
    if (r.status !== 0) throw new Error(`cargo test failed:\n${r.stdout}\n${r.stderr}`);
    for (const line of r.stdout.split('\n')) if (line.startsWith('BENCH ')) console.log(line.slice(6));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e); process.exit(1); });
