'use strict';
// Benchmark (not a test): ImageDecoder images/s for 1920×1080 JPEG, PNG and WebP against the
// ffmpeg CLI decoding the same file the same number of times (`-loop 1 … -f null`), in one run.
// Like for like: the CLI decodes the looped images with frame threads (one per core), so ours
// runs one ImageDecoder loop per core at once; a single-threaded pair (-threads 1 vs one loop)
// is printed too.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync, execFileSync } = require('node:child_process');
const { ImageDecoder } = require('..');

const quick = process.argv.includes('--quick');
const N = quick ? 20 : 100;
const W = 1920, H = 1080;
const FORMATS = [
  { ext: 'jpg', type: 'image/jpeg', args: ['-q:v', '3'] },
  { ext: 'png', type: 'image/png', args: [] },
  { ext: 'webp', type: 'image/webp', args: ['-c:v', 'libwebp', '-quality', '80'] },
];

async function loop(bytes, type, n) {
  for (let i = 0; i < n; i++) {
    const dec = new ImageDecoder({ data: bytes, type });
    const { image } = await dec.decode();
    image.close();
    dec.close();
  }
}

async function ours(bytes, type, parallel) {
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: parallel }, () => loop(bytes, type, N / parallel)));
  return N / (Number(process.hrtime.bigint() - t0) / 1e9);
}

function cli(file, threads) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-loglevel', 'error', '-threads', String(threads), '-loop', '1', '-i', file, '-frames:v', String(N), '-f', 'null', '-'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return N / (Number(process.hrtime.bigint() - t0) / 1e9);
}

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-bench-img-'));
  try {
    console.log(`ImageDecoder vs ffmpeg CLI, ${W}x${H}, ${N} decodes each`);
    for (const f of FORMATS) {
      const file = path.join(dir, `img.${f.ext}`);
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${W}x${H}`, '-frames:v', '1', ...f.args, file]);
      const bytes = fs.readFileSync(file);
      const cores = Math.max(1, os.cpus().length);
      const a = await ours(bytes, f.type, cores);
      const b = cli(file, 0);
      const a1 = await ours(bytes, f.type, 1);
      const b1 = cli(file, 1);
      console.log(`${f.ext.padEnd(4)} (${(bytes.length / 1024).toFixed(0)} KiB): ours ${a.toFixed(1)} images/s (${cores} decoders at once), ffmpeg CLI ${b.toFixed(1)} images/s (threads auto), ratio ${(a / b).toFixed(2)}x; single-threaded: ours ${a1.toFixed(1)}, CLI ${b1.toFixed(1)}, ratio ${(a1 / b1).toFixed(2)}x`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e); process.exit(1); });
