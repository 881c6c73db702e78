'use strict';
// The self-contained addon (scripts/bundle/build.sh): FFmpeg 7.1 and its codec libraries linked
// in, nothing of them visible outside the module. What is asserted, on build/native_webcodecs.node
// as scripts/build.sh made it (the bundled build unless NATIVE_WEBCODECS_FFMPEG=system):
//  - readelf: it names no shared library but glibc's and libgcc_s (no libav*, libsw*, libx26*,
//    libvpx, libwebp, libstdc++ …), asks for no GLIBCXX_/CXXABI_ version (libstdc++ is linked in),
//    exports nothing but the Node-API entry point and a few Rust crates' `#[no_mangle]` symbols
//    (scripts/bundle/inspect.js says which; none is FFmpeg's or a codec's, and none can be
//    interposed: the module is linked -Bsymbolic), and, built in the Debian 11 root, needs glibc
//    2.31 at most;
//  - Electron's case: a stand-in library that exports, without symbol versions, every FFmpeg and
//    codec function the module contains — each one ending the process with exit code 86 — is
//    preloaded (LD_PRELOAD) into a Node.js that then runs the compatibility smoke suite (every
//    codec of the README table encoded and decoded, every image type) on this addon: all of it
//    passes, so the addon only ever calls its own FFmpeg. The same stand-in, preloaded into the
//    system's `ffmpeg` CLI (dynamically linked FFmpeg), does end it with 86: the stand-in works.
// What this does not prove about Electron: its own binary (not downloadable here) and its V8
// memory cage (test/package/node-api.test.js covers the Node-API side).
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const bundle = require('../../scripts/bundle/inspect');
const { runSmoke } = require('../helpers/smoke');

const ROOT = path.join(__dirname, '..', '..');
const ADDON = path.join(ROOT, 'build', 'native_webcodecs.node');
const SIDE = path.join(ROOT, 'build', 'native_webcodecs.build.json');
const built = fs.existsSync(SIDE) ? JSON.parse(fs.readFileSync(SIDE, 'utf8')) : null;
const skip = process.platform !== 'linux' || process.arch !== 'x64' ? 'linux-x64 only'
  : !built ? 'build/ holds a system-FFmpeg build (NATIVE_WEBCODECS_FFMPEG=system): no bundle to check' : false;

test('the bundled addon needs nothing but glibc and libgcc_s, and exports no FFmpeg or codec symbol', { skip }, () => {
  const facts = bundle.inspect(ADDON);
  assert.deepStrictEqual(facts.foreignLibraries, [], `NEEDED: ${facts.needed.join(' ')}`);
  assert.ok(facts.needed.includes('libc.so.6'), facts.needed.join(' '));
  const versions = spawnSync('readelf', ['-V', '-W', ADDON], { encoding: 'utf8' }).stdout;
  assert.doesNotMatch(versions, /GLIBCXX_|CXXABI_/, 'libstdc++ is linked in, not needed');
  assert.ok(facts.exported.includes('napi_register_module_v1'), facts.exported.join(' '));
  assert.deepStrictEqual(facts.foreignExports, [], 'exports beyond the Node-API entry point and the known Rust symbols');
  assert.ok(facts.exported.length < 40, `${facts.exported.length} exports`);
  const codecImports = facts.imported.filter((s) => /^(av|avcodec|avformat|avio|sws|swr|x264|x265|vpx|aom|dav1d|opus|lame|vorbis|ogg|WebP|tj|jpeg)_|^tj[A-Z]/i.test(s));
  assert.deepStrictEqual(codecImports, [], 'FFmpeg or codec symbols left to the dynamic linker');
});

test('built in the Debian 11 root, the bundled addon needs glibc 2.31 at most', { skip: skip || (built.builtIn !== 'debian-11' && 'built on the host (NWC_BUNDLE_ON_HOST=1 or not root): its glibc floor is the host\'s') }, () => {
  const facts = bundle.inspect(ADDON);
  assert.ok(facts.glibc, 'it asks for some GLIBC_ version');
  assert.ok(bundle.versionKey(facts.glibc, '2.31') <= 0, `needs GLIBC_${facts.glibc}: ${facts.glibcVersions.join(' ')}`);
});

/** A stand-in for Electron's libffmpeg.so: every FFmpeg/codec function the addon contains, unversioned, each exiting 86. */
function standIn(dir) {
  const unstripped = built.unstripped;
  assert.ok(fs.existsSync(unstripped), `the unstripped module ${unstripped} (scripts/bundle/build.sh leaves it in target/bundled)`);
  const nm = spawnSync('nm', ['--defined-only', unstripped], { encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.strictEqual(nm.status, 0, nm.stderr);
  const names = new Set();
  for (const line of nm.stdout.split('\n')) {
    const m = /^[0-9a-f]+ [Tt] ((?:av|avcodec|avformat|avio|avutil|sws|swr|swresample|swscale|x264|x265|vpx|aom|dav1d|opus|lame|vorbis|ogg|WebP|tj|jpeg_)\w*)$/.exec(line);
    if (m && !m[1].includes('.')) names.add(m[1]);
  }
  const fns = [...names];
  assert.ok(fns.includes('avcodec_find_encoder_by_name') && fns.includes('avcodec_send_packet') && fns.includes('WebPDecode')
    && fns.includes('tjDecompressToYUVPlanes'),
    `the stand-in covers the calls the addon makes (${fns.length} functions)`);
  const src = path.join(dir, 'standin.c');
  fs.writeFileSync(src, ['#include <unistd.h>', '#include <string.h>',
    'static void called(const char *n) { write(2, "stand-in called: ", 17); write(2, n, strlen(n)); write(2, "\\n", 1); _exit(86); }',
    ...fns.map((n) => `void ${n}(void) { called("${n}"); }`)].join('\n'));
  const so = path.join(dir, 'libstandin-ffmpeg.so');
  const cc = spawnSync('cc', ['-shared', '-fPIC', '-O0', '-w', '-o', so, src], { encoding: 'utf8' });
  assert.strictEqual(cc.status, 0, cc.stderr);
  return { so, count: fns.length };
}

test('Electron-safe: with unversioned FFmpeg symbols preloaded, every codec still encodes and decodes through our own FFmpeg', { skip, timeout: 300_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-standin-'));
  try {
    const { so, count } = standIn(dir);
    // The stand-in does take over a dynamically linked FFmpeg: the system's ffmpeg CLI.
    const cli = spawnSync('ffmpeg', ['-hide_banner', '-version'], { encoding: 'utf8', env: { ...process.env, LD_PRELOAD: so } });
    if (!cli.error) assert.strictEqual(cli.status, 86, `ffmpeg with the stand-in preloaded: ${cli.status} ${cli.stderr}`);
    const r = runSmoke(ADDON, { LD_PRELOAD: so });
    const out = `${r.stdout}\n${r.stderr}`;
    assert.doesNotMatch(out, /stand-in called/, 'the addon called a preloaded stand-in');
    assert.strictEqual(r.status, 0, `smoke suite under the stand-in (${count} functions preloaded):\n${out.slice(-3000)}`);
    const { json } = r;
    assert.ok(json.passed >= 30 && json.failed === 0, `${json.passed} passed, ${json.failed} failed`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Still JPEGs go to libjpeg-turbo's TurboJPEG (native/src/ffi/jpeg.rs): in the bundle it is linked
// in (scripts/ffmpeg-static/build.sh builds it), so a machine without Debian's libturbojpeg0 gets
// the same fast path — and the process maps no libturbojpeg.so after a JPEG decode.
test('the bundled addon decodes still JPEGs with its own libjpeg-turbo', { skip }, () => {
  const script = `
    const api = require(process.argv[1]);
    const fs = require('node:fs');
    (async () => {
      const d = new api.ImageDecoder({ data: fs.readFileSync(process.argv[2]), type: 'image/jpeg' });
      const { image } = await d.decode();
      const out = { jpeg: api.buildInfo().jpeg, format: image.format,
        mapped: fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').filter((l) => /turbojpeg|libjpeg/.test(l)) };
      image.close(); d.close();
      console.log(JSON.stringify(out));
    })();`;
  const r = spawnSync(process.execPath, ['-e', script, ROOT, path.join(ROOT, 'scripts', 'demo-images', 'mandelbrot.jpg')],
    { encoding: 'utf8', env: { ...process.env, NATIVE_WEBCODECS_ADDON: ADDON } });
  assert.strictEqual(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.strictEqual(out.jpeg, 'libjpeg-turbo 2.1 (built in)');
  assert.match(out.format, /^I4(20|22|44)$/, 'planar Y\'CbCr straight from the decoder');
  assert.deepStrictEqual(out.mapped, [], 'no shared libjpeg/libturbojpeg in the process');
});
