#!/usr/bin/env node
'use strict';
// `npm run prebuild` (also run by `npm pack` / `npm publish` through `prepack`): builds the addon
// (scripts/build.sh) and stores it as prebuilds/linux-x64-gnu/native_webcodecs.node with a
// manifest of what it links: the FFmpeg sonames (from its ELF NEEDED entries), the Debian packages
// that provide them, the Node-API version and the OS it was built on. Only made on Linux x64 with
// glibc against FFmpeg 5.1 (libavcodec 59); anywhere else the package ships without a prebuilt.
// NATIVE_WEBCODECS_SKIP_PREBUILD=1 packs without one.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const req = require('../js/lib/build-requirements');

const ROOT = path.join(__dirname, '..');
const say = (m) => process.stderr.write(`[prebuild] ${m}\n`);

fs.rmSync(path.join(ROOT, 'prebuilds'), { recursive: true, force: true });
if (process.env.NATIVE_WEBCODECS_SKIP_PREBUILD === '1') {
  say('NATIVE_WEBCODECS_SKIP_PREBUILD=1: no prebuilt binary in this package');
  process.exit(0);
}
const glibc = process.report.getReport().header.glibcVersionRuntime;
const avcodec = spawnSync('pkg-config', ['--modversion', 'libavcodec'], { encoding: 'utf8' }).stdout.trim();
if (process.platform !== 'linux' || process.arch !== 'x64' || !glibc || !avcodec.startsWith('59.')) {
  say(`not linux-x64-gnu with FFmpeg 5.1 (libavcodec 59) here (${process.platform}-${process.arch}, libavcodec ${avcodec || 'absent'}): no prebuilt binary`);
  process.exit(0);
}

execFileSync('bash', [path.join(ROOT, 'scripts', 'build.sh')], { stdio: ['ignore', 2, 2] });
const dir = req.PREBUILT_DIR;
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, 'native_webcodecs.node');
fs.copyFileSync(req.BUILD_FILE, file);
spawnSync('strip', ['--strip-unneeded', file]); // symbols only; harmless if strip is absent

const dynamic = execFileSync('readelf', ['-d', '-V', file], { encoding: 'utf8' });
const needed = [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
const sonames = needed.filter((s) => /^lib(av|sw|webp)/.test(s));
const glibcNeeded = [...dynamic.matchAll(/GLIBC_(\d+\.\d+)/g)].map((m) => m[1])
  .sort((a, b) => a.split('.')[1] - b.split('.')[1]).pop();
const packages = {};
for (const s of sonames) {
  const r = spawnSync('dpkg', ['-S', s], { encoding: 'utf8' });
  const m = /^([^:\s]+)(:\w+)?: /m.exec(r.stdout || '');
  if (m) packages[s] = m[1];
}
const os = req.osRelease();
const cargoToml = fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8');
const napi = Number((/features\s*=\s*\[[^\]]*"napi-(\d+)"/.exec(cargoToml) || [])[1]);
const version = (m) => spawnSync('pkg-config', ['--modversion', m], { encoding: 'utf8' }).stdout.trim();
const manifest = {
  file: 'native_webcodecs.node',
  platform: 'linux',
  arch: 'x64',
  libc: 'glibc',
  glibc: glibcNeeded,
  napi,
  ffmpeg: '5.1',
  libraries: Object.fromEntries(req.FFMPEG_MODULES.map((m) => [m, version(m)])),
  sonames,
  packages,
  os: { id: os.ID, versionId: os.VERSION_ID, name: os.PRETTY_NAME },
};
fs.writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
say(`prebuilds/${req.PREBUILT_TAG}: ${(fs.statSync(file).size / 1e6).toFixed(1)} MB, links ${sonames.join(' ')}, glibc ≥ ${glibcNeeded}, Node-API ${napi}`);
