'use strict';
// Benchmark (not a test): ImageDecoder images/s for 1920×1080 JPEG, PNG and WebP against the
// ffmpeg CLI decoding the same file the same number of times (`-loop 1 … -f null`), in one run.
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

async function ours(bytes, type) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const dec = new ImageDecoder({ data: bytes, type });
    const { image } = await dec.decode();
    image.close();
    dec.close();
  }
  return N / (Number(process.hrtime.bigint() - t0) / 1e9);
}

function cli(file) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-loglevel', 'error', '-loop', '1', '-i', file, '-frames:v', String(N), '-f', 'null', '-'], { encoding: 'utf8' });
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
      const a = await ours(bytes, f.type);
      const b = cli(file);
      console.log(`${f.ext.padEnd(4)} (${(bytes.length / 1024).toFixed(0)} KiB): ours ${a.toFixed(1)} images/s, ffmpeg CLI ${b.toFixed(1)} images/s, ratio ${(a / b).toFixed(2)}x`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e); process.exit(1); });
