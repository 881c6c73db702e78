'use strict';
// What loading or building the addon needs on this machine, and the one message that says which
// command to run when something is missing. Used by js/lib/native.js (require() errors),
// scripts/install.js (the npm install step) and bin/native-webcodecs.js. Synchronous, no network;
// only ever run when no addon could be loaded or when building.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const PACKAGE_ROOT = path.join(__dirname, '..', '..');
/** This process's C library: 'glibc' (with its version), 'musl', or null (not Linux / unknown). */
function libc() {
  if (process.platform !== 'linux') return { name: null, version: null };
  /** @type {{ glibcVersionRuntime?: string } | null} */
  let header = null;
  try {
    header = /** @type {any} */ (process.report.getReport()).header; // Node.js, Bun and Deno all fill glibcVersionRuntime
  } catch { /* a runtime without process.report */ }
  if (header && header.glibcVersionRuntime) return { name: 'glibc', version: header.glibcVersionRuntime };
  try {
    if (fs.readdirSync('/lib').some((f) => f.startsWith('ld-musl-'))) return { name: 'musl', version: null };
  } catch { /* no /lib */ }
  return { name: 'glibc', version: null };
}
/**
 * The platform tag of prebuilt binaries: `<os>-<cpu>-<libc>` as sharp names them (linux-x64-gnu,
 * later linux-arm64-gnu, linux-x64-musl …). A binary is looked for in the optional package
 * `@native-webcodecs/<tag>` (the layout for shipping one package per platform, with `os`/`cpu`/
 * `libc` fields) and in this package's prebuilds/<tag>/.
 */
function platformTag() {
  const c = libc().name;
  return `${process.platform}-${process.arch}${c ? `-${c === 'glibc' ? 'gnu' : c}` : ''}`;
}
const PREBUILT_TAG = platformTag();
const PREBUILT_DIR = path.join(PACKAGE_ROOT, 'prebuilds', PREBUILT_TAG);
/** Where the per-platform optional package would put its binary, or null when it is not installed. */
function platformPackageDir() {
  try {
    return path.dirname(require.resolve(`@native-webcodecs/${PREBUILT_TAG}/package.json`, { paths: [PACKAGE_ROOT] }));
  } catch {
    return null;
  }
}
/** Where scripts/build.sh (a checkout) and the install step / `npx native-webcodecs build` put the addon. */
const BUILD_FILE = path.join(PACKAGE_ROOT, 'build', 'native_webcodecs.node');

/** FFmpeg libraries the addon links, by pkg-config module, with the Debian/Ubuntu -dev package. */
const FFMPEG_MODULES = ['libavcodec', 'libavformat', 'libavutil', 'libswscale', 'libswresample'];
/** Other C libraries the addon links, by pkg-config module (animated WebP frames: libwebp). */
const OTHER_MODULES = ['libwebp'];
/** Oldest rustc that builds Cargo.lock (image-webp 0.2.4, a dev-dependency, declares rust-version 1.80.1). */
const MIN_RUSTC = [1, 80, 1];
const RUSTUP = "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y && . \"$HOME/.cargo/env\"";

/** A source checkout (not an installed package): scripts/setup.sh is the installer there. */
function isCheckout() {
  return fs.existsSync(path.join(PACKAGE_ROOT, 'scripts', 'setup.sh'));
}

function run(cmd, args, env) {
  try {
    return spawnSync(cmd, args, { encoding: 'utf8', env: env || process.env, timeout: 20_000 });
  } catch (err) {
    return { status: null, error: err, stdout: '', stderr: '' };
  }
}

function which(name, env = process.env) {
  for (const dir of String(env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch { /* not here */ }
  }
  return null;
}

/** cargo on PATH, else rustup's default place (npm's script PATH often lacks ~/.cargo/bin). */
function findCargo(env = process.env) {
  const onPath = which('cargo', env);
  if (onPath) return onPath;
  const home = env.CARGO_HOME || path.join(env.HOME || os.homedir(), '.cargo');
  const file = path.join(home, 'bin', 'cargo');
  return fs.existsSync(file) ? file : null;
}

function parseVersion(text) {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(text || '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}
function older(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/** libclang for bindgen (clang-sys looks in LIBCLANG_PATH, then the usual library directories). */
function findLibclang(env = process.env) {
  const dirs = [];
  if (env.LIBCLANG_PATH) dirs.push(env.LIBCLANG_PATH);
  try {
    for (const d of fs.readdirSync('/usr/lib')) if (/^llvm-\d+/.test(d)) dirs.push(path.join('/usr/lib', d, 'lib'));
  } catch { /* no /usr/lib */ }
  dirs.push('/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib');
  for (const dir of dirs) {
    try {
      if (fs.readdirSync(dir).some((f) => /^libclang(-\d+)?\.so/.test(f))) return dir;
    } catch { /* missing directory */ }
  }
  return null;
}

/**
 * What building from source needs and what is missing. Returns
 * { cargo, missing: [what], apt: [package], rust: 'install' | 'update' | null }.
 */
function probeBuild(env = process.env) {
  const missing = [];
  const apt = [];
  let rust = null;
  const cargo = findCargo(env);
  if (!cargo) {
    missing.push('Rust (cargo)');
    rust = 'install';
  } else {
    const rustc = path.join(path.dirname(cargo), 'rustc');
    const v = parseVersion(run(fs.existsSync(rustc) ? rustc : 'rustc', ['--version'], env).stdout);
    if (!v || older(v, MIN_RUSTC)) {
      missing.push(`Rust ${MIN_RUSTC.join('.')} or newer (found ${v ? v.join('.') : 'no rustc'})`);
      rust = fs.existsSync(path.join(path.dirname(cargo), 'rustup')) || which('rustup', env) ? 'update' : 'install';
    }
  }
  if (!which('cc', env)) {
    missing.push('a C compiler and linker (cc)');
    apt.push('build-essential');
  }
  const pkgConfig = which('pkg-config', env) || which('pkgconf', env);
  if (!pkgConfig) {
    missing.push('pkg-config');
    apt.push('pkg-config');
  }
  const absent = FFMPEG_MODULES.filter((m) => !pkgConfig || run(pkgConfig, ['--exists', m], env).status !== 0);
  if (absent.length) {
    missing.push(`FFmpeg's development files (${absent.join(', ')})`);
    apt.push(...absent.map((m) => `${m}-dev`));
  }
  const otherAbsent = OTHER_MODULES.filter((m) => !pkgConfig || run(pkgConfig, ['--exists', m], env).status !== 0);
  if (otherAbsent.length) {
    missing.push(`the development files of ${otherAbsent.join(', ')}`);
    apt.push(...otherAbsent.map((m) => `${m}-dev`));
  }
  if (!findLibclang(env)) {
    missing.push('libclang (for bindgen)');
    apt.push('libclang-dev');
  }
  return { cargo, missing, apt, rust };
}

/**
 * The shipped prebuilt's manifest (written by scripts/prebuild.js), or null when neither the
 * platform package nor prebuilds/<tag>/ carries one.
 */
function prebuiltManifest() {
  for (const dir of [platformPackageDir(), PREBUILT_DIR]) {
    if (!dir) continue;
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
      manifest.file = path.join(dir, manifest.file || 'native_webcodecs.node');
      if (fs.existsSync(manifest.file)) return manifest;
    } catch { /* not here */ }
  }
  return null;
}

function versionAtLeast(have, need) {
  const a = String(have).split('.').map(Number);
  const b = String(need).split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] || 0) !== (b[i] || 0)) return (a[i] || 0) > (b[i] || 0);
  return true;
}

/**
 * Does the prebuilt fit this machine? { ok, reason }. The prebuilt is self-contained (FFmpeg
 * inside): platform, C library, glibc version and Node-API decide; no system library is probed.
 */
function prebuiltFits(manifest) {
  if (!manifest) return { ok: false, reason: 'this package carries no prebuilt binary' };
  if (process.platform !== manifest.platform || process.arch !== manifest.arch) {
    return { ok: false, reason: `the prebuilt binary is for ${manifest.platform}-${manifest.arch}, this is ${process.platform}-${process.arch}` };
  }
  const c = libc();
  if (manifest.libc && c.name && c.name !== manifest.libc) {
    return { ok: false, reason: `the prebuilt binary is for ${manifest.libc}, this system's C library is ${c.name}` };
  }
  if (manifest.glibc && c.name === 'glibc' && c.version && !versionAtLeast(c.version, manifest.glibc)) {
    return { ok: false, reason: `the prebuilt binary needs glibc ${manifest.glibc} or newer, this system has ${c.version}` };
  }
  const napi = Number(process.versions.napi);
  if (napi < manifest.napi) {
    return { ok: false, reason: `Node-API ${manifest.napi} is needed, this Node.js has ${napi}` };
  }
  return { ok: true, reason: '' };
}

function sudo() {
  try {
    return typeof process.getuid === 'function' && process.getuid() === 0 ? '' : 'sudo ';
  } catch {
    return 'sudo '; // Deno without --allow-sys refuses getuid()
  }
}

/**
 * The one message for "no addon can be loaded and none can be built as things stand", naming
 * the exact commands to run. `probe` is probeBuild()'s result; `fit` prebuiltFits()'s.
 * Never names a path inside node_modules.
 */
function missingMessage({ probe, fit, headline }) {
  const steps = [];
  const reasons = [];
  if (fit && !fit.ok) reasons.push(fit.reason);
  if (probe.missing.length) reasons.push(`building it from source needs ${probe.missing.join(', ')}`);
  const why = reasons.join('; ');
  if (probe.apt.length) steps.push(`${sudo()}apt-get install -y ${[...new Set(probe.apt)].join(' ')}`);
  if (probe.rust === 'install') steps.push(RUSTUP);
  if (probe.rust === 'update') steps.push('rustup update stable');
  steps.push('npx native-webcodecs build');
  const c = libc();
  const where = `${process.platform}-${process.arch}, ${c.name ? `${c.name}${c.version ? ` ${c.version}` : ''}` : 'unknown C library'}, `
    + `Node.js ${process.versions.node} (Node-API ${process.versions.napi})`;
  const lines = [`native-webcodecs: ${headline || 'the native addon is not available'} on ${where}: ${why}.`, 'Run:'];
  for (const s of steps) lines.push(`  ${s}`);
  return lines.join('\n');
}

module.exports = {
  PACKAGE_ROOT,
  PREBUILT_TAG,
  PREBUILT_DIR,
  libc,
  platformTag,
  versionAtLeast,
  BUILD_FILE,
  FFMPEG_MODULES,
  OTHER_MODULES,
  MIN_RUSTC,
  RUSTUP,
  isCheckout,
  findCargo,
  probeBuild,
  prebuiltManifest,
  prebuiltFits,
  missingMessage,
};
