#!/usr/bin/env node
'use strict';
// `npm run prebuild` (also run by `npm pack` / `npm publish` through `prepack`): builds the
// self-contained addon (scripts/bundle/build.sh: FFmpeg 7.1 and its codec libraries linked in,
// compiled in a Debian 11 root so that glibc 2.31 is enough) and stores it as
// prebuilds/<tag>/native_webcodecs.node (tag: linux-x64-gnu) with a manifest of what it needs
// from the system: the C library and its oldest version (from the binary's GLIBC_ symbol
// versions), the Node-API version, the FFmpeg release inside and the licence of the bundle. The
// same directory is what a per-platform optional package (`@native-webcodecs/<tag>`) would carry.
// NATIVE_WEBCODECS_SKIP_PREBUILD=1 packs without one.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const req = require('../js/lib/build-requirements');
const bundle = require('./bundle/inspect');

const ROOT = path.join(__dirname, '..');
const say = (m) => process.stderr.write(`[prebuild] ${m}\n`);

fs.rmSync(path.join(ROOT, 'prebuilds'), { recursive: true, force: true });
if (process.env.NATIVE_WEBCODECS_SKIP_PREBUILD === '1') {
  say('NATIVE_WEBCODECS_SKIP_PREBUILD=1: no prebuilt binary in this package');
  process.exit(0);
}
if (req.PREBUILT_TAG !== 'linux-x64-gnu') {
  say(`prebuilt binaries are made on linux-x64-gnu only (this is ${req.PREBUILT_TAG}): no prebuilt binary`);
  process.exit(0);
}

const dir = req.PREBUILT_DIR;
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, 'native_webcodecs.node');
execFileSync('bash', [path.join(ROOT, 'scripts', 'bundle', 'build.sh'), file], { stdio: ['ignore', 2, 2] });
fs.rmSync(path.join(dir, 'native_webcodecs.build.json'), { force: true }); // build-machine paths: not shipped
const facts = bundle.inspect(file);
if (facts.foreignLibraries.length) throw new Error(`prebuild: ${file} links ${facts.foreignLibraries.join(', ')}: not self-contained`);
const cargoToml = fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8');
const napi = Number((/features\s*=\s*\[[^\]]*"napi-(\d+)"/.exec(cargoToml) || [])[1]);
const manifest = {
  file: 'native_webcodecs.node',
  platform: 'linux',
  arch: 'x64',
  libc: 'glibc',
  glibc: facts.glibc,
  napi,
  ffmpeg: bundle.ffmpegVersion(),
  selfContained: true,
  license: bundle.license(),
  needed: facts.needed,
  sonames: [],
};
fs.writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
say(`prebuilds/${req.PREBUILT_TAG}: ${(fs.statSync(file).size / 1e6).toFixed(1)} MB, FFmpeg ${manifest.ffmpeg} inside (${manifest.license}), `
  + `needs ${facts.needed.join(' ')}, glibc ≥ ${facts.glibc}, Node-API ${napi}`);
