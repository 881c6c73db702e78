'use strict';
// The LGPL build of the self-contained addon: `NWC_FFMPEG_LGPL=1 bash scripts/bundle/build.sh
// build/lgpl/native_webcodecs.node` (CI's .ci/run makes it before `npm test`). FFmpeg without
// --enable-gpl, no x264, no x265: H.264 and HEVC encoding unavailable, every decoder kept.
//  - its licence (buildInfo()) is LGPL and no x264/x265 code is inside;
//  - the compatibility smoke suite passes on it (H.264/HEVC encoding skipped);
//  - it decodes H.264 and HEVC streams made by the `ffmpeg` CLI, frame for frame identical to the
//    CLI's own decode (both decoders are bit-exact);
//  - VideoEncoder.isConfigSupported says no to H.264 and HEVC, with a reason.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { runSmoke } = require('../helpers/smoke');

const ROOT = path.join(__dirname, '..', '..');
const ADDON = path.join(ROOT, 'build', 'lgpl', 'native_webcodecs.node');
const present = fs.existsSync(ADDON);
// In CI the LGPL build must be there: a missing build is a failure, not a skip.
const skip = process.platform !== 'linux' || process.arch !== 'x64' ? 'linux-x64 only'
  : !present && process.env.CI !== 'true' ? `no LGPL build (make it with NWC_FFMPEG_LGPL=1 bash scripts/bundle/build.sh ${path.relative(ROOT, ADDON)})` : false;

/** Runs `code` in a Node.js whose native-webcodecs loads the LGPL addon; returns its stdout. */
function withLgpl(code, args = []) {
  const r = spawnSync(process.execPath, ['-e', code, ROOT, ...args], {
    encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20, env: { ...process.env, NATIVE_WEBCODECS_ADDON: ADDON },
  });
  assert.strictEqual(r.status, 0, `${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test('the LGPL build says LGPL and carries no x264 or x265', { skip }, () => {
  assert.ok(present, `${ADDON} is missing`);
  const info = JSON.parse(withLgpl('console.log(JSON.stringify(require(process.argv[1]).buildInfo()))'));
  assert.match(info.license, /LGPL|Lesser/i, info.license);
  assert.doesNotMatch(info.configuration, /--enable-gpl|libx264|libx265/, info.configuration);
  const side = JSON.parse(fs.readFileSync(ADDON.replace(/\.node$/, '.build.json'), 'utf8'));
  const nm = spawnSync('nm', ['--defined-only', side.unstripped], { encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.strictEqual(nm.status, 0, nm.stderr);
  assert.doesNotMatch(nm.stdout, / [Tt] x26[45]_/, 'x264/x265 code inside');
});

test('the LGPL build refuses H.264 and HEVC encoding with a reason, and keeps their decoders', { skip }, () => {
  const out = JSON.parse(withLgpl(`(async () => {
    const wc = require(process.argv[1]);
    const r = {};
    for (const codec of ['avc1.42001E', 'hvc1.1.6.L93.B0', 'vp09.00.10.08', 'av01.0.04M.08']) {
      r[codec] = { encode: (await wc.VideoEncoder.isConfigSupported({ codec, width: 64, height: 64 })).supported,
        decode: (await wc.VideoDecoder.isConfigSupported({ codec })).supported };
    }
    let message = null;
    const enc = new wc.VideoEncoder({ output() {}, error(e) { message = e.name + ': ' + e.message; } });
    try { enc.configure({ codec: 'avc1.42001E', width: 64, height: 64 }); await enc.flush(); } catch (e) { message = message || e.name + ': ' + e.message; }
    r.message = message;
    console.log(JSON.stringify(r));
  })()`));
  assert.deepStrictEqual(out['avc1.42001E'], { encode: false, decode: true });
  assert.deepStrictEqual(out['hvc1.1.6.L93.B0'], { encode: false, decode: true });
  assert.deepStrictEqual(out['vp09.00.10.08'], { encode: true, decode: true });
  assert.deepStrictEqual(out['av01.0.04M.08'], { encode: true, decode: true });
  assert.match(out.message, /NotSupportedError: .*(x264|H\.264|encoder)/i, out.message);
});

test('the compatibility smoke suite passes on the LGPL build (H.264/HEVC encoding skipped)', { skip, timeout: 300_000 }, () => {
  const r = runSmoke(ADDON, { NATIVE_WEBCODECS_COMPAT_LGPL: '1' });
  assert.strictEqual(r.status, 0, `${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
  const { json } = r;
  assert.strictEqual(json.failed, 0);
  assert.ok(json.passed >= 30, `${json.passed} passed`);
  // Skipped: exactly the H.264 and HEVC rows of the README's table (5 + 3), nothing else.
  assert.ok(json.skipped.length === 8 && json.skipped.every((x) => /^video (avc[13]|hvc1|hev1)\./.test(x)), `skipped: ${json.skipped.join('; ')}`);
});

for (const [name, codec, args] of [
  ['H.264', 'avc1.42001E', ['-c:v', 'libx264', '-profile:v', 'baseline', '-f', 'h264']],
  ['HEVC', 'hev1.1.6.L93.B0', ['-c:v', 'libx265', '-x265-params', 'log-level=error', '-f', 'hevc']],
]) {
  test(`the LGPL build decodes ${name} exactly as the ffmpeg CLI does`, { skip, timeout: 120_000 }, () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'nwc-lgpl-'));
    try {
      const stream = path.join(dir, 'clip.bin');
      const gen = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=128x96:rate=30', '-frames:v', '12', '-pix_fmt', 'yuv420p',
        '-bf', '0', ...args, stream], { encoding: 'utf8' });
      assert.strictEqual(gen.status, 0, gen.stderr);
      const ref = spawnSync('ffmpeg', ['-v', 'error', '-i', stream, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-'], { maxBuffer: 64 << 20 });
      assert.strictEqual(ref.status, 0, String(ref.stderr));
      const out = withLgpl(`(async () => {
        const wc = require(process.argv[1]);
        const data = require('node:fs').readFileSync(process.argv[2]);
        const frames = [];
        const dec = new wc.VideoDecoder({ output: (f) => frames.push(f), error: (e) => { console.error(e); process.exit(2); } });
        dec.configure({ codec: process.argv[3] });
        // Annex B, one chunk per access unit, cut where ffprobe cuts the stream.
        const sizes = JSON.parse(process.argv[4]);
        let off = 0;
        sizes.forEach((n, i) => { dec.decode(new wc.EncodedVideoChunk({ type: i === 0 ? 'key' : 'delta', timestamp: i * 33333, data: data.subarray(off, off + n) })); off += n; });
        await dec.flush();
        const all = [];
        for (const f of frames) {
          if (f.format !== 'I420') throw new Error('decoded as ' + f.format);
          const b = new Uint8Array(f.allocationSize());
          await f.copyTo(b);
          all.push(Buffer.from(b));
          f.close();
        }
        process.stdout.write(JSON.stringify({ count: frames.length, hex: Buffer.concat(all).toString('base64') }));
      })()`, [stream, codec, JSON.stringify(packetSizes(stream))]);
      const got = JSON.parse(out);
      assert.strictEqual(got.count, 12);
      const bytes = Buffer.from(got.hex, 'base64');
      assert.strictEqual(bytes.length, ref.stdout.length);
      assert.ok(bytes.equals(ref.stdout), `${name}: decoded pixels differ from the ffmpeg CLI's`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** The byte size of each access unit of an Annex B stream, as ffprobe splits it. */
function packetSizes(file) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'packet=size', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map(Number);
}
