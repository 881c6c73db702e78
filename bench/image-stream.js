'use strict';
// Benchmark (not a test): ImageDecoder streaming cost (issue 8). A large animated GIF (≈50 MB by
// default; BENCH_STREAM_MB to change) is decoded frame by frame twice, each in its own child
// process: from one buffer, and fed as a ReadableStream in 64 KiB chunks read from disk while the
// frames are decoded as they arrive. Prints both times (the goal: stream ≤ 1.5 × buffer) and, for
// the stream, the peak memory over the process's baseline next to file size + one decoded frame
// (the goal: ≤ that + a constant). Run alone if you can: on a shared CPU the times vary.
//   node bench/image-stream.js            both runs and the comparison
//   node bench/image-stream.js --child MODE FILE FRAMES   (internal)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync, execFileSync } = require('node:child_process');
const { Readable } = require('node:stream');

const CHUNK = 64 * 1024;
const W = 1280;
const H = 720;

function vm(field) {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

async function child(mode, file, frames) {
  const { ImageDecoder } = require('..');
  const type = 'image/gif';
  if (global.gc) global.gc();
  const base = vm('VmRSS');
  let peak = base;
  const sampler = setInterval(() => { peak = Math.max(peak, vm('VmRSS')); }, 5);
  const t0 = process.hrtime.bigint();
  let data;
  if (mode === 'buffer') {
    data = fs.readFileSync(file);
  } else if (mode === 'stream') {
    data = Readable.toWeb(fs.createReadStream(file, { highWaterMark: CHUNK }));
  } else {
    // 'stream-gc': the same chunks, with a full GC every 64 of them, so the JS chunks already
    // handed over (garbage V8 collects when it likes) do not count: what stays is the decoder's.
    const fd = fs.openSync(file, 'r');
    let n = 0;
    data = new ReadableStream({
      pull(c) {
        const b = new Uint8Array(CHUNK);
        const got = fs.readSync(fd, b, 0, CHUNK, null);
        if (got === 0) { fs.closeSync(fd); c.close(); return; }
        c.enqueue(got === CHUNK ? b : b.slice(0, got));
        if (++n % 64 === 0 && global.gc) global.gc();
      },
    });
  }
  const d = new ImageDecoder({ data, type });
  for (let i = 0; i < frames; i++) {
    const { image } = await d.decode({ frameIndex: i });
    image.close();
  }
  await d.completed;
  d.close();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(sampler);
  peak = Math.max(peak, vm('VmRSS'));
  process.stdout.write(JSON.stringify({ seconds, peakOverBase: peak - base, hwm: vm('VmHWM'), base }));
}

function makeGif(file, mb) {
  // Noise keeps LZW from compressing: ≈0.9 MB per 1280×720 frame.
  const frames = Math.max(2, Math.round(mb / 0.9));
  execFileSync('ffmpeg', ['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i',
    `testsrc2=s=${W}x${H}:r=10,noise=alls=100:allf=t+u`, '-frames:v', String(frames),
    '-pix_fmt', 'rgb8', '-loop', '0', file]);
  const probe = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0',
    '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return Number(probe.trim());
}

function main() {
  const mb = Number(process.env.BENCH_STREAM_MB || 50);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-stream-bench-'));
  try {
    const file = path.join(dir, 'big.gif');
    const frames = makeGif(file, mb);
    const size = fs.statSync(file).size;
    const run = (mode) => {
      const r = spawnSync(process.execPath, ['--expose-gc', __filename, '--child', mode, file, String(frames)], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (r.status !== 0) throw new Error(`${mode} run failed: ${r.stderr}`);
      return JSON.parse(r.stdout);
    };
    const buf = run('buffer');
    const str = run('stream');
    const mem = run('stream-gc');
    const frame = W * H * 4;
    const MB = (n) => `${(n / 1048576).toFixed(1)} MB`;
    console.log(`ImageDecoder streaming, animated GIF ${W}×${H}, ${frames} frames, ${MB(size)} (${os.cpus().length} CPUs, shared: times vary)`);
    console.log(`  one buffer:                 ${buf.seconds.toFixed(2)} s  (${(frames / buf.seconds).toFixed(1)} frames/s)`);
    console.log(`  stream, 64 KiB chunks:      ${str.seconds.toFixed(2)} s  (${(frames / str.seconds).toFixed(1)} frames/s)`);
    console.log(`  stream / buffer:            ${(str.seconds / buf.seconds).toFixed(2)}×  (goal ≤ 1.5×)`);
    console.log(`  stream peak RSS over start: ${MB(str.peakOverBase)}  (includes 64 KiB JS chunks V8 has not collected yet)`);
    console.log(`  the same with a GC every 4 MB: ${MB(mem.peakOverBase)}  vs file ${MB(size)} + one RGBA frame ${MB(frame)} = ${MB(size + frame)}: constant ${MB(mem.peakOverBase - size - frame)}`);
    console.log(`  buffer peak RSS over start: ${MB(buf.peakOverBase)}  (the file is also held in JS there)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4], Number(process.argv[5])).catch((e) => { console.error(e); process.exit(1); });
} else {
  main();
}
