#!/usr/bin/env node
'use strict';
// The package's command line (`npx native-webcodecs …`):
//   status     which addon loads (or why none does), its Node-API version, the FFmpeg libraries it
//              uses, and the codecs this build supports;
//   build      build the addon from the package's sources (after `npm install --ignore-scripts`, or
//              to replace the prebuilt);
//   --version  the package version;  help | --help | -h  this usage, on stdout.
// An unknown command prints the usage on stderr and exits 2.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const { version } = require('../package.json');

const USAGE = `native-webcodecs ${version} — the WebCodecs API for Node.js and Electron

Usage: npx native-webcodecs <command>

Commands:
  status      which native addon loads, its Node-API version, the FFmpeg it uses and the
              codecs it supports (exit 1 when no addon loads, with the commands to fix it)
  build       build the native addon from the package's sources with cargo
  --version   print the package version
  help        print this help
`;

/** The Node-API version the addon was built for: the prebuilt's manifest, else the crate's Neon feature. */
function addonNapi(manifest) {
  if (manifest && manifest.napi) return manifest.napi;
  try {
    const m = /features\s*=\s*\[[^\]]*"napi-(\d+)"/.exec(fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** The FFmpeg (and libwebp) shared libraries mapped into this process once the addon is loaded. */
function loadedLibraries() {
  let maps;
  try {
    maps = fs.readFileSync('/proc/self/maps', 'utf8');
  } catch {
    return [];
  }
  const files = new Set(maps.split('\n').map((l) => l.slice(l.indexOf('/'))).filter((f) => /\/lib(avcodec|avformat|avutil|swscale|swresample|webp)[^/]*\.so/.test(f)));
  return [...files].map((f) => {
    try {
      return fs.realpathSync(f); // the versioned file: libavcodec.so.59.37.100
    } catch {
      return f;
    }
  }).sort();
}

async function status() {
  const req = require('../js/lib/build-requirements');
  let native;
  try {
    native = require('../js/lib/native.js');
  } catch (err) {
    console.error(err.message);
    return 1;
  }
  const manifest = req.prebuiltManifest();
  const which = process.env.NATIVE_WEBCODECS_ADDON ? `NATIVE_WEBCODECS_ADDON (${process.env.NATIVE_WEBCODECS_ADDON})`
    : fs.existsSync(req.BUILD_FILE) ? 'built from source (build/)'
      : `prebuilt ${req.PREBUILT_TAG}${manifest ? ` (FFmpeg ${manifest.ffmpeg})` : ''}`;
  const napi = addonNapi(manifest);
  const libs = loadedLibraries();
  const info = native.buildInfo();
  const lines = [
    `native-webcodecs ${version}: the addon loads: ${which}; exports ${Object.keys(native).length} functions`,
    `Node-API: the addon needs version ${napi ?? 'unknown'}; this Node.js ${process.version} provides ${process.versions.napi}`,
    `FFmpeg ${info.ffmpeg} (libavcodec ${info.libavcodec}), licence: ${info.license}`,
    libs.length ? `FFmpeg shared libraries in use: ${libs.map((f) => path.basename(f)).join(', ')}` : 'FFmpeg is built into the addon (no FFmpeg shared library loaded)',
  ];
  if (libs.length) lines.push(`  from ${[...new Set(libs.map((f) => path.dirname(f)))].join(', ')}`);
  console.log(lines.join('\n'));
  // The same tables as README.md's "Supported codecs and formats", asked of this build.
  const { section, START, END } = require('../scripts/codec-table.js');
  const table = (await section()).split('\n').filter((l) => l !== START && l !== END && !l.startsWith('On '));
  console.log(`\nSupported on this machine (isConfigSupported / isTypeSupported):\n${table.join('\n').trim()}`);
  return 0;
}

async function main(command) {
  switch (command) {
    case 'status':
      return status();
    case 'build':
      return require('../scripts/install.js').buildFromSource();
    case '--version':
    case '-v':
    case 'version':
      console.log(version);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`native-webcodecs: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv[2]).then((code) => { process.exitCode = code; }, (err) => {
  console.error(err);
  process.exitCode = 1;
});
