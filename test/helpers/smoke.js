'use strict';
// Runs the compatibility smoke suite (test/compat/smoke.cjs) in a child Node.js on a given addon
// file, this checkout's JS, plus `env`; returns spawnSync's result with `json`, the suite's
// closing JSON line (null when it did not get that far). Used by test/package/bundle.test.js
// (under a preloaded stand-in FFmpeg) and lgpl.test.js (on the LGPL build).
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');

function runSmoke(addon, env = {}) {
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(ROOT, 'test', 'compat', 'smoke.cjs'), '--json'], {
    encoding: 'utf8', timeout: 280_000, maxBuffer: 64 << 20,
    env: { ...process.env, NATIVE_WEBCODECS_ADDON: addon, NATIVE_WEBCODECS_COMPAT_PACKAGE: ROOT, ...env },
  });
  const line = /^JSON (.*)$/m.exec(r.stdout || '');
  r.json = line ? JSON.parse(line[1]) : null;
  return r;
}

module.exports = { runSmoke };
