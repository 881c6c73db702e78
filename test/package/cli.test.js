'use strict';
// `npx native-webcodecs …` (bin/native-webcodecs.js): help on stdout with exit 0, --version, an
// unknown command on stderr with exit 2, and `status` naming the addon's Node-API version (not
// Node's), the FFmpeg libraries this process mapped, and the codec table this build supports.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const CLI = path.join(__dirname, '..', '..', 'bin', 'native-webcodecs.js');
const { version } = require('../../package.json');
const cli = (...args) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });

test('help, --help, -h and no command: the usage on stdout, exit 0', () => {
  for (const args of [['help'], ['--help'], ['-h'], []]) {
    const r = cli(...args);
    assert.equal(r.status, 0, `${args}: ${r.stderr}`);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^native-webcodecs \d+\.\d+\.\d+ — /);
    assert.match(r.stdout, /^Usage: npx native-webcodecs <command>$/m);
    for (const c of ['status', 'build', '--version', 'help']) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
  }
});

test('--version prints the package version', () => {
  for (const flag of ['--version', '-v', 'version']) {
    const r = cli(flag);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `${version}\n`);
  }
});

test('an unknown command: named on stderr with the usage, exit 2', () => {
  const r = cli('stauts');
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^native-webcodecs: unknown command "stauts"\n\nnative-webcodecs .*\n\nUsage:/);
});

test("status: the addon's Node-API version, the FFmpeg libraries in use, the codec table", () => {
  const r = cli('status');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^native-webcodecs \d+\.\d+\.\d+: the addon loads: /);
  // The addon is built with Neon's napi-6 feature; Node's own level is reported separately.
  assert.match(r.stdout, new RegExp(`^Node-API: the addon needs version 6; this Node.js ${process.version.replace(/\./g, '\\.')} provides ${process.versions.napi}$`, 'm'));
  // The self-contained addon (the default build) carries FFmpeg; a system build names its libraries.
  assert.match(r.stdout, /^FFmpeg \d+\.\d+(\.\d+)? \(libavcodec \d+\.\d+\.\d+\), licence: .*GPL/m);
  assert.match(r.stdout, /^(FFmpeg is built into the addon \(no FFmpeg shared library loaded\)|FFmpeg shared libraries in use: .*libavcodec\.so\.\d+\.\d+\.\d+.*libavformat\.so\.\d+)$/m);
  assert.match(r.stdout, /^\| H\.264 Baseline \| `avc1\.42001E` \| yes \| yes \|$/m);
  assert.match(r.stdout, /^\| Opus \| `opus` \| yes \| yes \|$/m);
  assert.match(r.stdout, /^\| `image\/png` \| yes \|$/m);
  assert.doesNotMatch(r.stdout, /codec-table:(start|end)/);
});

test('status without a loadable addon: the reason on stderr, exit 1', () => {
  const r = spawnSync(process.execPath, [CLI, 'status'], { encoding: 'utf8', env: { ...process.env, NATIVE_WEBCODECS_ADDON: '/nonexistent/addon.node' } });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /NATIVE_WEBCODECS_ADDON=\/nonexistent\/addon\.node does not load/);
});
