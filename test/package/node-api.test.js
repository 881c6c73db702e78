'use strict';
// Electron and every Node.js ≥ 18 load the addon without a rebuild only if it uses Node-API alone
// (no V8, libuv or node:: symbols) at a Node-API version they all have, and never creates an
// external ArrayBuffer (Electron's V8 memory cage forbids them). What can be checked here:
//  - cargo's resolved features for neon: Node-API 6 at most, `external-buffers` off (without it
//    Neon has no safe API that makes one), and no raw `neon::sys` / napi_* calls in our sources —
//    with one audited exception: native/src/ffi/external_memory.rs looks up and calls
//    `napi_adjust_external_memory` and the weak-reference trio `napi_create_reference`,
//    `napi_get_reference_value`, `napi_delete_reference` (Node-API 1; Neon 1.1 has no API for
//    either), with the env from `Context::to_raw` (neon's `sys` feature), so V8 knows the native
//    bytes behind VideoFrame and AudioData handles and collected ones are freed without waiting
//    for the event loop. None of them makes a JS value, so it cannot make an external ArrayBuffer;
//  - the built addon's undefined dynamic symbols: none from V8, libuv or node:: (Neon looks the
//    napi_* functions up at load time);
//  - this Node.js has that Node-API version, and the prebuilt's manifest says the same.
// Not checked here: loading it in an actual Electron (Electron's binary is not downloadable here),
// and no runtime probe tells an external ArrayBuffer from an ordinary one in Node.js; the
// compile-time facts above are the proof.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');

// The host's target triple (rustc -vV). `cargo metadata` without --filter-platform resolves the
// crates of every platform and, --offline, fails on a fresh cargo cache that never downloaded the
// crates only other platforms need (hermit-abi); the build downloads just the host's.
function hostTriple() {
  const r = spawnSync('rustc', ['-vV'], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  const m = /^host: (\S+)$/m.exec(r.stdout);
  assert.ok(m, `rustc -vV names the host: ${r.stdout}`);
  return m[1];
}

function neonFeatures() {
  const args = ['metadata', '--format-version', '1', '--offline', '--locked', '--filter-platform', hostTriple()];
  const r = spawnSync('cargo', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.strictEqual(r.status, 0, r.stderr);
  const meta = JSON.parse(r.stdout);
  const node = meta.resolve.nodes.find((n) => /[#/]neon@|^neon /.test(n.id));
  assert.ok(node, 'neon is a resolved dependency');
  return node.features;
}

test('neon is built for Node-API 6 with external-buffers off', () => {
  const features = neonFeatures();
  assert.ok(!features.includes('external-buffers'), `neon features: ${features}`);
  const napi = Math.max(...features.filter((f) => /^napi-\d+$/.test(f)).map((f) => Number(f.slice(5))));
  assert.strictEqual(napi, 6, `neon features: ${features}`);
  assert.ok(Number(process.versions.napi) >= napi, `this Node.js has Node-API ${process.versions.napi}`);
  const manifest = path.join(ROOT, 'prebuilds', 'linux-x64-gnu', 'manifest.json');
  if (fs.existsSync(manifest)) assert.strictEqual(JSON.parse(fs.readFileSync(manifest, 'utf8')).napi, napi);
});

test('our sources call no raw Node-API (neon::sys, napi_*) and no external buffer constructor', () => {
  // The one exception (see the top of this file): this file, this function, nothing else.
  const EXCEPTION_FILE = path.join('native', 'src', 'ffi', 'external_memory.rs');
  const EXCEPTION_NAPI = ['napi_adjust_external_memory', 'napi_create_reference', 'napi_get_reference_value', 'napi_delete_reference'];
  const offenders = [];
  const exceptionSeen = new Set();
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.rs')) {
        const rel = path.relative(ROOT, p);
        fs.readFileSync(p, 'utf8').split('\n').forEach((line, i) => {
          const where = `${rel}:${i + 1}: ${line.trim()}`;
          if (/neon::sys|Js(Array)?Buffer::external|external_arraybuffer/.test(line)) offenders.push(where);
          // The raw env (neon's `sys` feature) is taken in the exception file only.
          if (/\bto_raw\s*\(/.test(line) && rel !== EXCEPTION_FILE) offenders.push(where);
          for (const m of line.matchAll(/\bnapi_\w+/g)) {
            if (rel === EXCEPTION_FILE && (EXCEPTION_NAPI.includes(m[0]) || m[0] === 'napi_env' || m[0] === 'napi_status' || m[0] === 'napi_ref' || m[0] === 'napi_value')) {
              if (line.includes(`c"${m[0]}"`)) exceptionSeen.add(m[0]);
            } else if (/\bnapi_\w+\s*\(/.test(line.slice(m.index))) {
              offenders.push(where);
            }
          }
        });
      }
    }
  };
  walk(path.join(ROOT, 'native', 'src'));
  assert.deepStrictEqual(offenders, []);
  assert.deepStrictEqual([...exceptionSeen].sort(), [...EXCEPTION_NAPI].sort(), `${EXCEPTION_FILE} looks up ${EXCEPTION_NAPI.join(', ')} by name (the audited exception is where this test says)`);
});

test('the addon imports no V8, libuv or node:: symbols', () => {
  const file = path.join(ROOT, 'build', 'native_webcodecs.node');
  const r = spawnSync('nm', ['-D', '--undefined-only', file], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  const names = r.stdout.split('\n').map((l) => l.trim().split(/\s+/).pop()).filter(Boolean);
  assert.ok(names.length > 10, 'nm listed the imports');
  const internal = names.filter((n) => /^_ZN(2v8|4node)|^_ZNK(2v8|4node)|^uv_|^node_/.test(n));
  assert.deepStrictEqual(internal, []);
  // Everything it imports comes from libc and libgcc — and, in a build against the system's FFmpeg
  // (NATIVE_WEBCODECS_FFMPEG=system: no build/native_webcodecs.build.json beside it), from FFmpeg
  // and libwebp (the four calls bound in native/src/ffi/webp.rs); the self-contained build has
  // both inside. libjpeg-turbo's TurboJPEG (native/src/ffi/jpeg.rs) is loaded with dlopen at run
  // time, so it adds no import.
  const bundled = fs.existsSync(path.join(ROOT, 'build', 'native_webcodecs.build.json'));
  const other = names.filter((n) => !/@(GLIBC|GCC)_|^_ITM_|^__gmon_start__|^__cxa_finalize/.test(n));
  if (bundled) {
    assert.deepStrictEqual(other, [], 'the self-contained addon imports only from glibc and libgcc_s');
  } else {
    const nonFfmpeg = other.filter((n) => !/^(av|avcodec|avformat|avio|sws|swr)_/.test(n));
    assert.deepStrictEqual(nonFfmpeg.sort(), ['WebPDecode', 'WebPFreeDecBuffer', 'WebPGetInfo', 'WebPInitDecoderConfigInternal']);
  }
});
