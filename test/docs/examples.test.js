'use strict';
// Doc test: every program in examples/ runs as a user would run it (`node examples/<file> …` in a
// project directory), and what it writes is checked: the ffmpeg CLI probes the MP4/WebM files, and
// the PNGs are decoded back and compared with the animation encode-mp4.mjs draws. A new file in
// examples/ without an entry in RUNS fails.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, makeProject, makeInputMp4, probe, runNode } = require('./project');
const { ImageDecoder } = require('../..');

/** An RGBA pixel of a PNG file, decoded by our ImageDecoder. */
async function pngPixel(file, x, y) {
  const dec = new ImageDecoder({ data: fs.readFileSync(file), type: 'image/png' });
  const { image } = await dec.decode();
  const rgba = new Uint8Array(image.displayWidth * image.displayHeight * 4);
  await image.copyTo(rgba, { format: 'RGBA' });
  const size = [image.displayWidth, image.displayHeight];
  image.close();
  dec.close();
  const p = (y * size[0] + x) * 4;
  return { size, pixel: [...rgba.subarray(p, p + 4)] };
}

const near = (got, want, tol, what) => got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= tol, `${what}: got ${got}, expected ${want} ± ${tol}`));

/** In order: file, arguments, and the check of what it wrote (in the project directory). */
const RUNS = [
  ['encode-mp4.mjs', ['animation.mp4'], async (dir, out) => {
    assert.match(out, /wrote animation\.mp4: 30 frames/);
    const { streams } = probe(path.join(dir, 'animation.mp4'));
    assert.equal(streams.length, 1);
    assert.equal(streams[0].codec_name, 'h264');
    assert.equal(`${streams[0].width}x${streams[0].height}`, '320x240');
    assert.equal(Number(streams[0].nb_read_frames), 30);
  }],
  ['mp4-to-png.mjs', ['animation.mp4', '3', 'frame'], async (dir, out) => {
    assert.match(out, /wrote frame-002\.png \(320×240, timestamp 6666[67] µs\)/);
    assert.ok(!fs.existsSync(path.join(dir, 'frame-003.png')), 'only the frames asked for');
    // The gradient encode-mp4.mjs draws: R = x·255/320, G = y·255/240, B = 128 …
    const corner = await pngPixel(path.join(dir, 'frame-000.png'), 300, 10);
    assert.deepEqual(corner.size, [320, 240]);
    near(corner.pixel, [239, 11, 128, 255], 12, 'frame 0 at (300, 10)');
    // … and the white square, centred at x = 10·frame, y = 120.
    near((await pngPixel(path.join(dir, 'frame-002.png'), 20, 120)).pixel, [255, 255, 255, 255], 12, 'frame 2 at (20, 120)');
    near((await pngPixel(path.join(dir, 'frame-000.png'), 40, 120)).pixel, [32, 128, 128, 255], 16, 'frame 0 at (40, 120)');
  }],
  ['transcode.mjs', ['input.mp4', 'transcoded.webm'], async (dir, out) => {
    assert.match(out, /wrote transcoded\.webm/);
    const { streams, format } = probe(path.join(dir, 'transcoded.webm'));
    assert.match(format.format_name, /webm/);
    const video = streams.find((s) => s.codec_type === 'video');
    const audio = streams.find((s) => s.codec_type === 'audio');
    assert.equal(video.codec_name, 'vp9');
    assert.equal(Number(video.nb_read_frames), 30);
    assert.equal(audio.codec_name, 'opus');
  }],
  ['record-audio-webm.mjs', ['tone.webm'], async (dir, out) => {
    assert.match(out, /wrote tone\.webm: 1 s of stereo Opus/);
    const { streams, format } = probe(path.join(dir, 'tone.webm'));
    assert.equal(streams.length, 1);
    assert.equal(streams[0].codec_name, 'opus');
    assert.equal(streams[0].channels, 2);
    assert.ok(Math.abs(Number(format.duration) - 1) < 0.1, `duration ${format.duration}`);
  }],
];

test('examples/: each program runs and writes a valid file', async (t) => {
  const files = fs.readdirSync(path.join(ROOT, 'examples')).sort();
  assert.deepEqual(files, RUNS.map(([f]) => f).sort(), 'every file in examples/ is run here');
  const dir = makeProject(t, 'nwc-examples-');
  makeInputMp4(dir);
  for (const [file, args, check] of RUNS) {
    await t.test(`node examples/${file} ${args.join(' ')}`, async () => {
      const r = runNode(path.join(ROOT, 'examples', file), args, dir);
      assert.equal(r.status, 0, `exit ${r.status} ${r.signal || ''}\n${r.stdout}\n${r.stderr}`);
      assert.equal(r.stderr, '', 'nothing on stderr');
      await check(dir, r.stdout);
    });
  }
});
