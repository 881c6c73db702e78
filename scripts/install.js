#!/usr/bin/env node
'use strict';
// The npm `install` step of native-webcodecs (and `npx native-webcodecs build`):
//   - in a source checkout: nothing (scripts/setup.sh is the installer there);
//   - a shipped prebuilt that loads here (same platform, FFmpeg sonames present): use it;
//   - else build the addon from the package's own sources with cargo (FFmpeg's -dev packages
//     found by pkg-config) into build/native_webcodecs.node, with a progress line;
//   - anything missing: fail with one message naming the exact command to run.
// Environment: NATIVE_WEBCODECS_BUILD_FROM_SOURCE=1 (or `npm install --build-from-source`) skips
// the prebuilt; CARGO_TARGET_DIR keeps cargo's build cache outside the package (otherwise the
// package's own target/ is removed after a successful build).
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const req = require('../js/lib/build-requirements');

const ROOT = req.PACKAGE_ROOT;

function say(msg) {
  process.stderr.write(`native-webcodecs: ${msg}\n`);
}

/** Does this addon file load in a fresh Node.js? Returns null, or the first line of the error. */
function loadError(file) {
  const r = spawnSync(process.execPath, ['-e', 'require(process.argv[1])', file], { encoding: 'utf8', timeout: 60_000 });
  if (r.status === 0) return null;
  const lines = String(r.stderr || r.error || 'unknown error').split('\n');
  const err = lines.find((l) => /^Error|cannot open|not found|undefined symbol/.test(l)) || lines[0];
  return err.replace(/^Error: /, '').replace(/^.*?\.node: /, '').replace(/ \(required by [^)]*\)/, '').trim();
}

function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

function elapsed(t0) {
  const s = Math.round((Date.now() - t0) / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/**
 * Build build/native_webcodecs.node from the package's sources. Returns 0, or 1 after printing
 * one message.
 */
function buildFromSource() {
  if (process.env.NATIVE_WEBCODECS_FFMPEG === 'bundled') return buildBundled();
  const probe = req.probeBuild();
  if (probe.missing.length) {
    process.stderr.write(`${req.missingMessage({ probe, fit: null, headline: 'cannot build the native addon' })}\n`);
    return 1;
  }
  const env = { ...process.env };
  const cargoBin = path.dirname(probe.cargo);
  env.PATH = [cargoBin, env.PATH || ''].join(path.delimiter);
  const ownTarget = !env.CARGO_TARGET_DIR;
  const targetDir = env.CARGO_TARGET_DIR || path.join(ROOT, 'target');
  // npm extracts every file with one fixed 1985 mtime; cargo decides freshness by mtime, so a
  // shared CARGO_TARGET_DIR would otherwise keep a stale build of older sources. Stamp them now
  // (once: a second build of the same extracted sources is then a cargo no-op).
  const now = new Date();
  for (const f of [...walk(path.join(ROOT, 'native')), path.join(ROOT, 'Cargo.toml'), path.join(ROOT, 'Cargo.lock')]) {
    try {
      if (fs.statSync(f).mtimeMs < Date.UTC(1990, 0, 1)) fs.utimesSync(f, now, now);
    } catch { /* read-only install: cargo rebuilds anyway when the target dir is new */ }
  }
  const ffmpeg = spawnSync('pkg-config', ['--modversion', 'libavcodec'], { encoding: 'utf8', env }).stdout.trim();
  say(`building the native addon from source with cargo (libavcodec ${ffmpeg}); the first build takes a few minutes…`);
  const t0 = Date.now();
  const r = spawnSync(probe.cargo, ['build', '--release', '--lib', '--locked', '--manifest-path', path.join(ROOT, 'Cargo.toml')], {
    cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) {
    say(`building the native addon from source failed (cargo ${r.error ? r.error.message : `exited with code ${r.status}`}; its output is above).\n`
      + `It needs FFmpeg 5.1 or newer (tested with 5.1 and 7.1); pkg-config found libavcodec ${ffmpeg || 'nowhere'}.\n`
      + 'To build FFmpeg from source into the addon instead: NATIVE_WEBCODECS_FFMPEG=bundled npx native-webcodecs build\n'
      + 'Run, once the cause is fixed:\n  npx native-webcodecs build');
    return 1;
  }
  const artifact = path.join(targetDir, 'release', 'libnative_webcodecs.so');
  const dest = req.BUILD_FILE;
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(artifact, `${dest}.tmp`);
  fs.renameSync(`${dest}.tmp`, dest);
  const err = loadError(dest);
  if (err) {
    say(`the addon built but does not load: ${err}\nRun, once the cause is fixed:\n  npx native-webcodecs build`);
    return 1;
  }
  if (ownTarget && !req.isCheckout()) fs.rmSync(targetDir, { recursive: true, force: true });
  say(`built the native addon in ${elapsed(t0)}`);
  return 0;
}

/**
 * The self-contained build on request (NATIVE_WEBCODECS_FFMPEG=bundled): FFmpeg and its codec
 * libraries built from source by the package's scripts/bundle/build.sh. Returns 0, or 1.
 */
function buildBundled() {
  say('building FFmpeg 7.1, its codec libraries and the addon from source (scripts/bundle/build.sh); the first build takes about 20 min on 2 cores…');
  const t0 = Date.now();
  const r = spawnSync('bash', [path.join(ROOT, 'scripts', 'bundle', 'build.sh'), req.BUILD_FILE], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    say(`the bundled build failed (${r.error ? r.error.message : `exit code ${r.status}`}; its output is above). Run, once the cause is fixed:\n  NATIVE_WEBCODECS_FFMPEG=bundled npx native-webcodecs build`);
    return 1;
  }
  const err = loadError(req.BUILD_FILE);
  if (err) {
    say(`the addon built but does not load: ${err}`);
    return 1;
  }
  say(`built the self-contained addon in ${elapsed(t0)}`);
  return 0;
}

/** The npm install step. Returns the exit code. */
function install() {
  if (req.isCheckout()) {
    say('a source checkout: `npm run setup` (scripts/setup.sh) builds the addon here; nothing to do at install');
    return 0;
  }
  if (process.env.NATIVE_WEBCODECS_ADDON) {
    say(`NATIVE_WEBCODECS_ADDON is set (${process.env.NATIVE_WEBCODECS_ADDON}): nothing to build`);
    return 0;
  }
  const force = process.env.NATIVE_WEBCODECS_BUILD_FROM_SOURCE === '1' || process.env.npm_config_build_from_source === 'true';
  if (!force) {
    const manifest = req.prebuiltManifest();
    const fit = req.prebuiltFits(manifest);
    if (fit.ok) {
      const err = loadError(manifest.file);
      if (!err) {
        say(`using the prebuilt addon for ${req.PREBUILT_TAG} (FFmpeg ${manifest.ffmpeg} built in, ${manifest.license || 'licence unknown'}; needs glibc ${manifest.glibc} or newer)`);
        return 0;
      }
      fit.ok = false;
      fit.reason = `the prebuilt binary does not load here (${err})`;
    }
    const probe = req.probeBuild();
    if (probe.missing.length) {
      process.stderr.write(`${req.missingMessage({ probe, fit, headline: 'cannot install the native addon' })}\n`);
      return 1;
    }
    if (manifest) say(`${fit.reason}: building from source instead`);
  }
  return buildFromSource();
}

module.exports = { install, buildFromSource };

if (require.main === module) process.exitCode = install();
