'use strict';
// What a built addon needs from the system, read from its ELF headers with readelf (binutils):
// the shared libraries it names (NEEDED), the newest GLIBC_ symbol version it asks for, and the
// symbols it exports. Used by scripts/prebuild.js (the manifest) and test/package/bundle.test.js
// (the assertions). Also: the FFmpeg release and the licence scripts/ffmpeg-static/build.sh builds.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

/**
 * Libraries a self-contained addon may name: glibc's own (libmvec is glibc's vector maths, used by
 * gcc's vectorised loops), and libgcc_s (Rust's unwinder; every Node.js, Bun and Deno binary for
 * glibc links it too, so it is always in the process).
 */
const SYSTEM_LIBRARIES = new Set(['libc.so.6', 'libm.so.6', 'libmvec.so.1', 'libpthread.so.0', 'libdl.so.2', 'librt.so.1',
  'ld-linux-x86-64.so.2', 'libgcc_s.so.1']);
/** The Node-API entry points a module exports (Neon's `#[neon::main]`). */
const NODE_API_EXPORTS = new Set(['napi_register_module_v1', 'node_api_module_get_api_version_v1']);
/**
 * What else rustc's cdylib version script exports: `#[no_mangle]` functions of the qcms crate (ICC
 * colour transforms) and linkme's section bounds (Neon's export registry). Not FFmpeg, not a codec
 * library, and not interposable: the module is linked -Bsymbolic (native/build.rs).
 */
const RUST_EXPORTS = /^(qcms_|lut_|__start_link|__stop_link)/;

/** Orders dotted versions numerically ("2.3.4" < "2.17" < "2.31"). */
function versionKey(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) - (y[i] || 0);
  return 0;
}

function inspect(file) {
  const dynamic = execFileSync('readelf', ['-d', '-W', file], { encoding: 'utf8' });
  const needed = [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
  const versions = execFileSync('readelf', ['-V', '-W', file], { encoding: 'utf8' });
  const glibcVersions = [...new Set([...versions.matchAll(/Name: GLIBC_(\d+(?:\.\d+)+)/g)].map((m) => m[1]))]
    .sort(versionKey);
  const symbols = execFileSync('readelf', ['--dyn-syms', '-W', file], { encoding: 'utf8' });
  const exported = [];
  const imported = [];
  for (const line of symbols.split('\n')) {
    // Num: Value Size Type Bind Vis Ndx Name
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || !/^\d+:$/.test(f[0]) || f[3] === 'SECTION' || f[3] === 'FILE') continue;
    const name = f[7].replace(/@.*$/, '');
    if (!name) continue;
    if (f[6] === 'UND') imported.push(name);
    else if (f[4] === 'GLOBAL' || f[4] === 'WEAK') exported.push(name);
  }
  return {
    needed,
    glibc: glibcVersions[glibcVersions.length - 1] || null,
    glibcVersions,
    exported,
    imported,
    foreignLibraries: needed.filter((n) => !SYSTEM_LIBRARIES.has(n)),
    foreignExports: exported.filter((n) => !NODE_API_EXPORTS.has(n) && !RUST_EXPORTS.test(n)),
  };
}

const BUILD_SCRIPT = path.join(__dirname, '..', 'ffmpeg-static', 'build.sh');

/** The FFmpeg release scripts/ffmpeg-static/build.sh builds (its Debian version's upstream part). */
function ffmpegVersion() {
  const m = /"ffmpeg\|ffmpeg\|(?:\d+:)?([0-9.]+)-/.exec(fs.readFileSync(BUILD_SCRIPT, 'utf8'));
  return m ? m[1] : null;
}

/** The bundle's licence: GPL with x264/x265 (the default), LGPL with NWC_FFMPEG_LGPL=1. */
function license(env = process.env) {
  return env.NWC_FFMPEG_LGPL === '1' ? 'LGPL-2.1-or-later' : 'GPL-2.0-or-later';
}

module.exports = { inspect, ffmpegVersion, license, SYSTEM_LIBRARIES, NODE_API_EXPORTS, RUST_EXPORTS, versionKey };
