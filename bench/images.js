'use strict';
// Benchmark (not a test): ImageDecoder on 1920×1080 images (testsrc2) against @napi-rs/webcodecs
// (the peer, installed by bench/peer.js) and against the command-line decoders at equal work, in
// one run, alternating ours / peer / CLIs, best of 3. Each side runs in its own child process, so
// CPU time (user + sys of the whole process, every thread) is its own; it is printed per image
// next to images/s.
//   - stills (JPEG 4:2:0 q3, PNG, lossy WebP q80): N times a new ImageDecoder, decode(), close —
//     as an application decoding N files; the CLIs: `djpeg` (libjpeg-turbo, RGB out) and `dwebp`
//     (libwebp, `-yuv`: no colour conversion, as our I420 output) once per image, process start
//     included; `ffmpeg -threads 1 -loop 1 -i F -frames:v N -f null -` (one process, N decodes).
//   - animations (GIF and lossy WebP, 10 frames): one ImageDecoder decoding every frame, frames/s;
//     `ffmpeg -threads 1 -i F -f null -` (FFmpeg 5.1 cannot decode animated WebP).
//   - the ceiling: the libraries alone — decoding the same file N times (at least 200) to planar
//     YUV into one buffer through our bindings (codecs::image::decoder::direct's ignored
//     `bench_library_ceiling` test: CPU ms per image, every thread, and wall ms; libwebp on one
//     thread and with its worker thread), in the same rounds as ours and the peer, best of 3, as
//     images/s and CPU per image, with its ratio to the peer (what ours would reach with nothing
//     around the library) and ours ÷ it; and in their own tools: `tjbench F -yuv`
//     (libjpeg-turbo to planar YUV) and `dwebp -v -yuv`'s "Time to decode picture" (wall time of
//     the decode call alone, in whole ms, best of 6).
// Usage: node bench/images.js [--quick] [--n N] (quick: N = 40). On a shared CPU the times vary:
// compare the columns of one run, and the CPU columns first.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync, execFileSync } = require('node:child_process');

const W = 1920, H = 1080;
const ROUNDS = 3;

function argValue(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

// ---- child: one timed loop ------------------------------------------------------------------------
async function child() {
  const [impl, file, type, nArg, mode] = process.argv.slice(3);
  const n = Number(nArg);
  const lib = impl === 'ours' ? require('..') : require(impl);
  const { ImageDecoder } = lib;
  const bytes = fs.readFileSync(file);
  const once = async () => {
    if (mode === 'all') {
      const d = new ImageDecoder({ data: bytes, type });
      await d.tracks.ready;
      const count = d.tracks.selectedTrack.frameCount;
      for (let i = 0; i < count; i++) {
        const { image } = await d.decode({ frameIndex: i });
        image.close();
      }
      d.close();
      return count;
    }
    const d = new ImageDecoder({ data: bytes, type });
    const { image } = await d.decode();
    image.close();
    d.close();
    return 1;
  };
  for (let i = 0; i < 3; i++) await once(); // warm-up (JIT, pools)
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let images = 0;
  for (let i = 0; i < n; i++) images += await once();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ images, secs, cpuMs: (cpu.user + cpu.system) / 1000 }));
}

// ---- parent ---------------------------------------------------------------------------------------
/** CPU seconds of this process's waited-for children (and theirs): /proc/self/stat cutime + cstime. */
function childCpu() {
  const f = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100; // USER_HZ is 100 on Linux
}

/** Run a command, timing it: {images, secs, cpuMs} (CPU of the whole process tree). */
function timed(cmd, args, images) {
  const c0 = childCpu();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) return { error: (r.stderr || `exit ${r.status}`).trim().split('\n').slice(-1)[0] };
  return { images, secs, cpuMs: (childCpu() - c0) * 1000, stdout: r.stdout };
}

function runImpl(impl, file, type, n, mode) {
  const r = timed(process.execPath, [__filename, '--child', impl, file, type, String(n), mode], 0);
  if (r.error) return { error: r.error };
  const out = JSON.parse(r.stdout);
  return out.images > 0 ? out : { error: 'decoded no frame' };
}

function have(cmd) {
  return spawnSync(cmd, ['-version'], { encoding: 'utf8' }).error === undefined;
}

const sh = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

function best(results) {
  const ok = results.filter((r) => r && !r.error);
  if (ok.length === 0) return results.find((r) => r && r.error) || null;
  return {
    rate: Math.max(...ok.map((r) => r.images / r.secs)),
    cpu: Math.min(...ok.map((r) => r.cpuMs / r.images)),
  };
}

const cell = (b) => (!b ? 'n/a' : b.error ? `fails: ${b.error}`.slice(0, 28) : `${b.rate.toFixed(1).padStart(6)} ${b.cpu.toFixed(2).padStart(6)}`);
const ratio = (a, b) => (a && b && !a.error && !b.error ? `${(a.rate / b.rate).toFixed(2)}× ${(b.cpu / a.cpu).toFixed(2)}×` : '  —');

async function main() {
  const quick = process.argv.includes('--quick');
  const N = Number(argValue('--n', quick ? '40' : '200'));
  const FRAMES = 10;
  const { ensurePeer, PEER, PEER_VERSION } = require('./peer');
  const peer = ensurePeer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-bench-img-'));
  // A bounded source: palettegen waits for the end of its input.
  const src = ['-f', 'lavfi', '-i', `testsrc2=size=${W}x${H}:rate=25:duration=${FRAMES / 25}`];
  const ff = (args) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...src, ...args]);
  const formats = [
    { name: 'JPEG', file: 'img.jpg', type: 'image/jpeg', args: ['-frames:v', '1', '-pix_fmt', 'yuvj420p', '-q:v', '3'], cli: 'djpeg', ceiling: 'NWC_CEILING_JPEG' },
    { name: 'PNG', file: 'img.png', type: 'image/png', args: ['-frames:v', '1'] },
    { name: 'WebP', file: 'img.webp', type: 'image/webp', args: ['-frames:v', '1', '-c:v', 'libwebp', '-quality', '80'], cli: 'dwebp', ceiling: 'NWC_CEILING_WEBP' },
    { name: 'GIF anim', file: 'anim.gif', type: 'image/gif', args: ['-frames:v', String(FRAMES), '-filter_complex', 'split[a][b];[a]palettegen[p];[b][p]paletteuse'], anim: true },
    { name: 'WebP anim', file: 'anim.webp', type: 'image/webp', args: ['-frames:v', String(FRAMES), '-c:v', 'libwebp_anim', '-quality', '80'], anim: true, noFfmpeg: true },
  ];
  const tools = { djpeg: have('djpeg'), dwebp: have('dwebp'), tjbench: have('tjbench') };
  // The ceiling: the library alone through our bindings (CPU time of every thread and wall time,
  // in one process), one run per round; f.ceilings maps each variant to its best {rate, cpu}.
  const NC = Math.max(N, 200); // CPU time comes in 10 ms ticks: at least 1 s of decoding
  const ceiling = (f) => {
    const lib = spawnSync('cargo', ['test', '--release', '--lib', '--quiet', 'bench_library_ceiling', '--', '--ignored', '--nocapture'], {
      cwd: path.join(__dirname, '..'), encoding: 'utf8', env: { ...process.env, [f.ceiling]: f.path, NWC_CEILING_N: String(NC) },
    });
    f.ceilings = f.ceilings || new Map();
    for (const m of `${lib.stdout}`.matchAll(/^CEILING (.*): ([\d.]+) ms CPU, ([\d.]+) ms wall per image$/gm)) {
      const b = f.ceilings.get(m[1]) || { rate: 0, cpu: Infinity };
      f.ceilings.set(m[1], { rate: Math.max(b.rate, 1000 / Number(m[3])), cpu: Math.min(b.cpu, Number(m[2])) });
    }
  };
  try {
    for (const f of formats) {
      f.path = path.join(dir, f.file);
      ff([...f.args, f.path]);
      f.bytes = fs.statSync(f.path).size;
    }
    // Build the ceiling test once, outside the timed rounds.
    spawnSync('cargo', ['test', '--release', '--lib', '--quiet', '--no-run'], { cwd: path.join(__dirname, '..'), stdio: 'ignore' });
    console.log(`ImageDecoder, ${W}×${H} testsrc2: ours vs ${peer ? `${PEER} ${PEER_VERSION}` : 'no peer (install failed)'} vs CLIs; stills ${N} decodes (a new decoder each), animations ${Math.max(1, Math.round(N / FRAMES))}× every frame; best of ${ROUNDS}, alternating; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
    console.log('cells: images/s (frames/s for animations) and CPU ms per image; ratios: ours/x in images/s, then in CPU per image');
    console.log(`${'format'.padEnd(10)} ${'KiB'.padStart(5)} | ${'ours'.padEnd(13)} | ${'peer'.padEnd(13)} ${'ratio'.padEnd(12)} | ${'djpeg/dwebp'.padEnd(13)} ${'ratio'.padEnd(12)} | ${'ffmpeg -threads 1'.padEnd(17)} ${'ratio'.padEnd(12)}`);
    for (const f of formats) {
      const reps = f.anim ? Math.max(1, Math.round(N / FRAMES)) : N;
      const mode = f.anim ? 'all' : 'one';
      const runs = { ours: [], peer: [], cli: [], ffmpeg: [] };
      for (let round = 0; round < ROUNDS; round++) {
        runs.ours.push(runImpl('ours', f.path, f.type, reps, mode));
        if (peer) runs.peer.push(runImpl(peer, f.path, f.type, reps, mode));
        if (f.ceiling) ceiling(f);
        if (f.cli && tools[f.cli]) {
          const one = f.cli === 'djpeg' ? `djpeg -outfile /dev/null ${sh(f.path)}` : `dwebp -quiet -yuv ${sh(f.path)} -o /dev/null`;
          runs.cli.push(timed('bash', ['-c', `for i in $(seq ${reps}); do ${one} || exit 1; done`], reps));
        }
        if (!f.noFfmpeg) {
          const args = f.anim
            ? ['-hide_banner', '-nostats', '-loglevel', 'error', '-threads', '1', '-stream_loop', String(reps - 1), '-i', f.path, '-f', 'null', '-']
            : ['-hide_banner', '-nostats', '-loglevel', 'error', '-threads', '1', '-loop', '1', '-i', f.path, '-frames:v', String(reps), '-f', 'null', '-'];
          runs.ffmpeg.push(timed('ffmpeg', args, f.anim ? reps * FRAMES : reps));
        }
      }
      const [o, p, c, x] = [best(runs.ours), peer ? best(runs.peer) : null, best(runs.cli), best(runs.ffmpeg)];
      Object.assign(f, { ours: o, peer: p });
      console.log(`${f.name.padEnd(10)} ${(f.bytes / 1024).toFixed(0).padStart(5)} | ${cell(o).padEnd(13)} | ${cell(p).padEnd(13)} ${ratio(o, p).padEnd(12)} | ${cell(c).padEnd(13)} ${ratio(o, c).padEnd(12)} | ${cell(x).padEnd(17)} ${ratio(o, x).padEnd(12)}`);
    }
    if (formats.some((f) => f.ceiling)) console.log(`ceiling: the library alone through our bindings, ${NC} decodes into one buffer, in the same rounds, best of ${ROUNDS} (cargo test --release --lib bench_library_ceiling -- --ignored); ratios as above: images/s, then CPU per image`);
    for (const f of formats) {
      for (const [what, lib] of f.ceilings || []) {
        console.log(`  ${what.padEnd(45)} ${cell(lib).padEnd(13)} | ÷ peer ${ratio(lib, f.peer).padEnd(12)} | ours ÷ this ${ratio(f.ours, lib)}`);
      }
    }
    // The libraries in their own tools (wall time of the decode alone).
    const jpeg = formats[0].path;
    const webp = formats[2].path;
    if (tools.tjbench) {
      const ms = [];
      for (let round = 0; round < ROUNDS; round++) {
        const r = spawnSync('tjbench', [jpeg, '-yuv', '-benchtime', '1', '-warmup', '0', '-quiet'], { encoding: 'utf8' });
        // The last line: … Decomp Perf (Mpixels/s) … Decode Perf: decompression to YUV is the first.
        const m = /4:2:0\s+\d+\s+\d+\s+\S+\s+\S+\s+([\d.]+)/.exec(r.stdout || '');
        if (m) ms.push((W * H) / (Number(m[1]) * 1e6) * 1000);
      }
      if (ms.length) console.log(`ceiling JPEG: libjpeg-turbo alone (tjbench -yuv, to planar YUV) ${Math.min(...ms).toFixed(2)} ms per image = ${(1000 / Math.min(...ms)).toFixed(0)} images/s`);
    }
    if (tools.dwebp) {
      for (const mt of [false, true]) {
        const ms = [];
        for (let round = 0; round < 2 * ROUNDS; round++) {
          const r = spawnSync('dwebp', ['-v', ...(mt ? ['-mt'] : []), '-yuv', webp, '-o', '/dev/null'], { encoding: 'utf8' });
          const m = /Time to decode picture: ([\d.]+)s/.exec(`${r.stdout}${r.stderr}`);
          if (m) ms.push(Number(m[1]) * 1000);
        }
        if (ms.length) console.log(`ceiling WebP: libwebp alone (dwebp -v -yuv${mt ? ' -mt, its worker thread' : ''}) ${Math.min(...ms).toFixed(2)} ms per image = ${(1000 / Math.min(...ms)).toFixed(0)} images/s`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  child().catch((e) => { console.error(e && e.stack ? e.stack : e); process.exit(1); });
} else {
  main().catch((e) => { console.error(e); process.exit(1); });
}
