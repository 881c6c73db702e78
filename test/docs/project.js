'use strict';
// For the doc tests: a throw-away project directory where `import … from 'native-webcodecs'` (and
// the muxers the examples use) resolve as in a user's project — node_modules/native-webcodecs is a
// link to this checkout — plus the input files the README and examples read, made with the ffmpeg CLI.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');
const DEPENDENCIES = ['mediabunny', 'mp4-muxer', 'webm-muxer'];

/** A new directory with node_modules links; removed when the test file ends unless KEEP_DOCS is set. */
function makeProject(test, prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'native-webcodecs'), 'dir');
  for (const name of DEPENDENCIES) fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(dir, 'node_modules', name), 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'docs-project', private: true }));
  test.after(() => { if (!process.env.KEEP_DOCS) fs.rmSync(dir, { recursive: true, force: true }); });
  return dir;
}

function ffmpeg(args, cwd) {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** input.mp4: 1 s of 320×240 H.264 at 30 fps with AAC audio. */
function makeInputMp4(dir) {
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:d=1:r=30', '-f', 'lavfi', '-i', 'sine=f=440:d=1', '-c:v', 'libx264',
    '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', 'input.mp4'], dir);
}

/** image.gif: 3 frames of 64×48. */
function makeImageGif(dir) {
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=64x48:d=0.3:r=10', 'image.gif'], dir);
}

/** ffprobe's streams (with counted frames) and format of a file. */
function probe(file) {
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8' }));
}

/** Run `node file args` in `cwd`; returns {status, stdout, stderr} with Node's own warnings removed from stderr. */
function runNode(file, args, cwd) {
  const r = spawnSync(process.execPath, [file, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  const stderr = (r.stderr || '').split('\n')
    .filter((l) => !/ExperimentalWarning|--trace-warnings|^\s*$/.test(l)).join('\n');
  return { status: r.status, signal: r.signal, stdout: r.stdout || '', stderr };
}

module.exports = { ROOT, makeProject, makeInputMp4, makeImageGif, probe, runNode };
