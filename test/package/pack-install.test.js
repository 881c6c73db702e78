'use strict';
// The package as a user gets it: `npm pack` this repository (prepack makes the prebuilt), install
// the tarball into a project outside the repository, and run a small encode + image decode through
// `require`, `import` and the `/polyfill` entry. Then the same package without a matching prebuilt:
// the message `require()` gives, the install messages when cargo or FFmpeg's -dev packages are
// missing, and a build from source with `npx native-webcodecs build` / the install step.
// The source build keeps cargo's cache in <tmpdir>/native-webcodecs-install-test/cargo-target, so
// only the first run on a machine compiles the dependencies (a few minutes on 2 cores); later runs
// recompile only this crate.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');
const WORK = path.join(os.tmpdir(), 'native-webcodecs-install-test');
const CARGO_TARGET = path.join(WORK, 'cargo-target');
const PNG = path.join(ROOT, 'scripts', 'demo-images', 'gradient.png');
const NPM = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

function run(cmd, args, opts = {}) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, ...opts, env: { ...process.env, ...opts.env } });
  r.ms = Date.now() - t0;
  if (opts.check !== false && r.status !== 0) {
    assert.fail(`${cmd} ${args.join(' ')} exited ${r.status} ${r.error || ''}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

/** A consumer project: package.json, the sample programs, the PNG. */
function makeProject(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  fs.copyFileSync(PNG, path.join(dir, 'image.png'));
  // One body, run with the classes from require(), import, and the polyfill's globals.
  const body = (g) => `
    const chunks = [];
    const enc = new ${g}VideoEncoder({ output: (c) => chunks.push(c), error: (e) => { console.error(e); process.exit(3); } });
    enc.configure({ codec: 'avc1.42001E', width: 64, height: 48, bitrate: 200000, framerate: 30 });
    for (let i = 0; i < 5; i++) {
      const f = new ${g}VideoFrame(new Uint8Array(64 * 48 * 4).fill(i * 40), { format: 'RGBA', codedWidth: 64, codedHeight: 48, timestamp: i * 33333 });
      enc.encode(f, { keyFrame: i === 0 });
      f.close();
    }
    await enc.flush();
    enc.close();
    const dec = new ${g}ImageDecoder({ data: fs.readFileSync(new URL('./image.png', 'file://' + __dir + '/')), type: 'image/png' });
    const { image } = await dec.decode();
    console.log(JSON.stringify({ chunks: chunks.length, first: chunks[0].type, width: image.displayWidth, height: image.displayHeight, format: image.format }));
    image.close();
    dec.close();`;
  fs.writeFileSync(path.join(dir, 'require.cjs'),
    `const fs = require('node:fs'); const __dir = __dirname;\nconst wc = require('native-webcodecs');\n(async () => {${body('wc.')}\n})();\n`);
  fs.writeFileSync(path.join(dir, 'import.mjs'),
    `import fs from 'node:fs'; import { VideoEncoder, VideoFrame, ImageDecoder } from 'native-webcodecs';\nimport wcDefault from 'native-webcodecs';\n`
    + `const __dir = new URL('.', import.meta.url).pathname; const wc = { VideoEncoder, VideoFrame, ImageDecoder };\n`
    + `if (wcDefault.VideoEncoder !== VideoEncoder) throw new Error('default export differs');\n${body('wc.')}\n`);
  fs.writeFileSync(path.join(dir, 'polyfill.mjs'),
    `import fs from 'node:fs'; import 'native-webcodecs/polyfill';\nconst __dir = new URL('.', import.meta.url).pathname;\n${body('globalThis.')}\n`);
  fs.writeFileSync(path.join(dir, 'polyfill.cjs'),
    `const fs = require('node:fs'); const __dir = __dirname;\nrequire('native-webcodecs/polyfill');\n(async () => {${body('')}\n})();\n`);
  // Written for the browser's WebCodecs types; type-checked against the installed package.
  fs.writeFileSync(path.join(dir, 'program.ts'), [
    "import { VideoEncoder, VideoFrame, type VideoEncoderConfig, type EncodedVideoChunk } from 'native-webcodecs';",
    "import 'native-webcodecs/polyfill';",
    'export async function main(): Promise<number> {',
    "  const config: VideoEncoderConfig = { codec: 'avc1.42001E', width: 64, height: 48 };",
    '  const chunks: EncodedVideoChunk[] = [];',
    '  const enc = new VideoEncoder({ output: (c) => chunks.push(c), error: (e: DOMException) => console.error(e.message) });',
    '  enc.configure(config);',
    "  const frame = new VideoFrame(new Uint8Array(64 * 48 * 4), { format: 'RGBA', codedWidth: 64, codedHeight: 48, timestamp: 0 });",
    '  enc.encode(frame, { keyFrame: true });',
    '  frame.close();',
    '  await enc.flush();',
    "  const dec = new globalThis.ImageDecoder({ data: new Uint8Array(8), type: 'image/png' });",
    '  dec.close();',
    '  return chunks.length;',
    '}',
    '',
  ].join('\n'));
}

function runSamples(dir) {
  const outputs = {};
  for (const f of ['require.cjs', 'import.mjs', 'polyfill.mjs', 'polyfill.cjs']) {
    const r = run(process.execPath, [f], { cwd: dir, timeout: 60_000 });
    const out = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.deepStrictEqual(out, { chunks: 5, first: 'key', width: 256, height: 256, format: out.format }, f);
    assert.ok(out.format, `${f}: decoded image has a format`);
    outputs[f] = out;
  }
  return outputs;
}

let tarball;
test.before(() => {
  fs.mkdirSync(WORK, { recursive: true });
  for (const f of fs.readdirSync(WORK)) if (f.endsWith('.tgz')) fs.rmSync(path.join(WORK, f));
  // prepack (scripts/prebuild.js) builds the addon (warm: cargo no-op) and adds the prebuilt.
  const r = run('npm', ['pack', '--pack-destination', WORK, '--loglevel=error'], { cwd: ROOT, timeout: 600_000 });
  tarball = path.join(WORK, r.stdout.trim().split('\n').pop());
  assert.ok(fs.existsSync(tarball), tarball);
});

test('npm install <tarball> loads the shipped prebuilt; require, import and /polyfill encode and decode', () => {
  const list = run('tar', ['-tzf', tarball]).stdout.split('\n');
  assert.ok(list.includes('package/prebuilds/linux-x64-gnu/native_webcodecs.node'), 'the tarball carries the prebuilt');
  assert.ok(list.includes('package/bin/native-webcodecs.js'));
  assert.ok(!list.some((f) => f.startsWith('package/target/') || f.startsWith('package/build/') || f.startsWith('package/test/')), 'no build output or tests in the tarball');
  for (const f of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json']) assert.ok(list.includes(`package/${f}`), `the tarball carries ${f}`);
  const stray = list.filter((f) => f && !/^package\/(LICENSE|README\.md|CHANGELOG\.md|package\.json|Cargo\.(toml|lock)|bin\/|js\/|native\/(src\/|build\.rs$)|prebuilds\/linux-x64-gnu\/(native_webcodecs\.node|manifest\.json)$|scripts\/(install|codec-table)\.js$|scripts\/(bundle|ffmpeg-static|lib)\/|scripts\/compat\/(debian-root\.sh|runtimes\.js)$)/.test(f));
  assert.deepStrictEqual(stray, [], 'no stray files in the tarball');

  const dir = path.join(WORK, 'with-prebuilt');
  makeProject(dir);
  const r = run('npm', ['install', ...NPM, '--foreground-scripts', tarball], { cwd: dir });
  assert.match(r.stdout + r.stderr, /using the prebuilt addon for linux-x64-gnu \(FFmpeg 7\.1\.\d+ built in, GPL-2\.0-or-later; needs glibc 2\.\d+ or newer\)/);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'native-webcodecs', 'prebuilds', 'linux-x64-gnu', 'manifest.json'), 'utf8'));
  assert.strictEqual(manifest.selfContained, true);
  assert.deepStrictEqual(manifest.sonames, [], 'the prebuilt needs no FFmpeg library of the system');
  const pkg = path.join(dir, 'node_modules', 'native-webcodecs');
  assert.ok(!fs.existsSync(path.join(pkg, 'build')), 'nothing was built');
  runSamples(dir);
  const status = run(process.execPath, [path.join(pkg, 'bin', 'native-webcodecs.js'), 'status'], { cwd: dir });
  assert.match(status.stdout, /the addon loads: prebuilt linux-x64-gnu/);

  // The browser-typed program type-checks against the installed package's types.
  const tsc = require.resolve('typescript/bin/tsc');
  const t = run(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'ES2022', '--module', 'node16', '--moduleResolution', 'node16',
    '--lib', 'ES2022', '--typeRoots', path.join(ROOT, 'node_modules', '@types'), '--types', 'node', 'program.ts'], { cwd: dir, check: false });
  assert.strictEqual(t.status, 0, `tsc:\n${t.stdout}${t.stderr}`);
});

test('without a matching prebuilt: one message naming the command, from require() and from the build step', async (t) => {
  const dir = path.join(WORK, 'from-source'); // a fixed path, so cargo's cache fits the next run
  makeProject(dir);
  run('npm', ['install', ...NPM, '--ignore-scripts', tarball], { cwd: dir });
  const pkg = path.join(dir, 'node_modules', 'native-webcodecs');
  fs.rmSync(path.join(pkg, 'prebuilds'), { recursive: true }); // as on a machine it does not fit
  const cli = path.join(pkg, 'bin', 'native-webcodecs.js');
  const nodeDir = path.dirname(process.execPath);
  const noCargo = { PATH: [nodeDir, '/usr/bin', '/bin'].join(':'), HOME: path.join(WORK, 'empty-home'), CARGO_HOME: '', RUSTUP_HOME: '' };

  await t.test('require() without an addon names `npx native-webcodecs build`, no path', () => {
    const r = run(process.execPath, ['-e', "try { require('native-webcodecs') } catch (e) { console.log(e.message); process.exit(7) }"], { cwd: dir, check: false });
    assert.strictEqual(r.status, 7, r.stderr);
    assert.match(r.stdout, /^native-webcodecs: the native addon is not available on linux-x64, glibc [\d.]+, Node\.js [\d.]+ \(Node-API \d+\): this package carries no prebuilt binary\.\nRun:\n  npx native-webcodecs build\n$/);
    assert.doesNotMatch(r.stdout, /node_modules/);
  });

  await t.test('no cargo: require() and `npx native-webcodecs build` both name rustup', () => {
    const b = run(process.execPath, [cli, 'build'], { cwd: dir, env: noCargo, check: false });
    assert.strictEqual(b.status, 1);
    assert.match(b.stderr, /^native-webcodecs: cannot build the native addon on linux-x64, glibc [\d.]+, Node\.js [\d.]+ \(Node-API \d+\): building it from source needs Rust \(cargo\)\.\nRun:\n  curl --proto '=https' --tlsv1\.2 -sSf https:\/\/sh\.rustup\.rs \| sh -s -- -y && \. "\$HOME\/\.cargo\/env"\n  npx native-webcodecs build\n$/);
    const r = run(process.execPath, ['-e', "try { require('native-webcodecs') } catch (e) { console.log(e.message) }"], { cwd: dir, env: noCargo });
    assert.match(r.stdout, /needs Rust \(cargo\)\.\nRun:\n  curl .*sh\.rustup\.rs.*\n  npx native-webcodecs build/);
    assert.doesNotMatch(b.stderr + r.stdout, /node_modules/);
  });

  await t.test('no FFmpeg -dev packages: the apt-get line names them', () => {
    const empty = path.join(WORK, 'empty-pkgconfig');
    fs.mkdirSync(empty, { recursive: true });
    const noDev = { PKG_CONFIG_LIBDIR: empty, PKG_CONFIG_PATH: '' };
    const b = run(process.execPath, [cli, 'build'], { cwd: dir, env: noDev, check: false });
    assert.strictEqual(b.status, 1);
    const apt = /apt-get install -y libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev libwebp-dev\n  npx native-webcodecs build\n$/;
    assert.match(b.stderr, /^native-webcodecs: cannot build the native addon on linux-x64, [^:]+: building it from source needs FFmpeg's development files \(libavcodec, libavformat, libavutil, libswscale, libswresample\), the development files of libwebp\.\nRun:\n  (sudo )?apt-get/);
    assert.match(b.stderr, apt);
    const r = run(process.execPath, ['-e', "try { require('native-webcodecs') } catch (e) { console.log(e.message) }"], { cwd: dir, env: noDev });
    assert.match(r.stdout, apt);
  });

  await t.test('`npx native-webcodecs build` builds from the package sources; the install step rebuilds', () => {
    const env = { CARGO_TARGET_DIR: CARGO_TARGET };
    const b = run('npx', ['--no-install', 'native-webcodecs', 'build'], { cwd: dir, env, timeout: 1_200_000 });
    assert.match(b.stderr, /building the native addon from source with cargo \(libavcodec 59\.[\d.]+\)/);
    assert.match(b.stderr, /built the native addon in /);
    assert.ok(fs.existsSync(path.join(pkg, 'build', 'native_webcodecs.node')));
    assert.ok(!fs.existsSync(path.join(pkg, 'target')), 'cargo output stays in CARGO_TARGET_DIR');
    const status = run(process.execPath, [cli, 'status'], { cwd: dir });
    assert.match(status.stdout, /the addon loads: built from source/);
    runSamples(dir);
    // The npm install step (no prebuilt here): builds from source too (cargo: nothing to redo).
    const i = run('npm', ['rebuild', '--foreground-scripts', 'native-webcodecs'], { cwd: dir, env, timeout: 1_200_000 });
    assert.match(i.stdout + i.stderr, /built the native addon in /);
  });
});
