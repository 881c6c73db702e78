'use strict';
// Interop: real files made by the ffmpeg CLI (test setup, test/helpers/video-media.js), demuxed in
// the test (mp4box for MP4, mediabunny for WebM) and decoded with our VideoDecoder, against ffmpeg's
// own decode of the same file (the reference):
// - H.264 High with B-frames (3, reordered) in MP4, HEVC with B-frames in MP4 (hvc1 + hvcC), VP8,
//   VP9 and AV1 in WebM, 320×240, 60 frames.
// - Frame count equals ffprobe's; timestamps are the chunks' presentation timestamps in order
//   (and ffprobe's frame pts within 1 ms); every frame's I420 planes equal
//   `ffmpeg -i f -f rawvideo -pix_fmt yuv420p -` — exact (software decoders are bit-exact), or PSNR
//   ≥ 50 dB if not.
// - Corrupt input: seeded truncations, bit flips, junk runs and a cut stream of those files'
//   chunks, decoded in a child process (video-decoder-corrupt-child.js) with a timeout: each
//   mutation ends with an EncodingError (error callback + rejected flush) or with frames and a
//   resolved flush — never a crash, a hang, another error name or more frames than chunks.
// - A delta chunk first → DataError; starting at the second key chunk works.
// Fails (does not skip) while the package has no VideoDecoder; skips only without the ffmpeg CLI.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const api = require('../..');
const media = require('../helpers/video-media');

const { EncodedVideoChunk } = api;
const VideoDecoder = media.videoDecoderOrFail(api, __filename);
const HAS_FFMPEG = media.hasCommand('ffmpeg') && media.hasCommand('ffprobe');
const skip = !HAS_FFMPEG && 'the ffmpeg CLI makes and decodes the reference files and is not installed';

const W = 320;
const H = 240;
const N = 60;
const FILES = {
  'H.264 High, B-frames, MP4': 'h264_bframes_mp4',
  'HEVC Main, B-frames, MP4': 'h265_bframes_mp4',
  'VP8, WebM': 'vp8_webm',
  'VP9 profile 0, WebM': 'vp9_p0_webm',
  'AV1, WebM': 'av1_webm',
};
const CHILD = path.join(__dirname, 'video-decoder-corrupt-child.js');

/** ffprobe's decoded frames' pts (µs), presentation order. */
function ffprobeFramePts(file) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_frames', '-show_entries', 'frame=best_effort_timestamp_time',
    '-of', 'json', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).frames.map((f) => Math.round(Number(f.best_effort_timestamp_time) * 1e6));
}

async function decodeFile(file) {
  const { config, chunks } = await media.demux(file);
  const frames = [];
  const errors = [];
  const decoder = new VideoDecoder({ output: (f) => frames.push(f), error: (e) => errors.push(e) });
  try {
    decoder.configure(config);
    for (const c of chunks) decoder.decode(new EncodedVideoChunk(c));
    await decoder.flush();
  } finally {
    if (decoder.state !== 'closed') decoder.close();
  }
  assert.deepEqual(errors, []);
  const out = [];
  for (const f of frames) {
    try {
      const bytes = new Uint8Array(f.allocationSize());
      await f.copyTo(bytes);
      out.push({ timestamp: f.timestamp, duration: f.duration, format: f.format, w: f.displayWidth, h: f.displayHeight, bytes });
    } finally {
      f.close();
    }
  }
  return { config, chunks, frames: out };
}

for (const [label, encoding] of Object.entries(FILES)) {
  test(`${label}: frame count, timestamps and pixels match ffmpeg's decode`, { skip }, async (t) => {
    const file = media.makeEncoded(encoding, { frames: N });
    const { chunks, frames } = await decodeFile(file);
    const probe = media.ffprobeStream(file);
    assert.equal(frames.length, Number(probe.nb_read_frames), 'frame count (ffprobe)');
    assert.equal(frames.length, N);
    const expectedTs = chunks.map((c) => c.timestamp).sort((a, b) => a - b);
    assert.deepEqual(frames.map((f) => f.timestamp), expectedTs, 'timestamps: the chunks\' in presentation order');
    const probePts = ffprobeFramePts(file);
    frames.forEach((f, i) => assert.ok(Math.abs(f.timestamp - probePts[i]) <= 1000, `frame ${i}: ${f.timestamp} vs ffprobe ${probePts[i]}`));
    const reference = media.ffmpegFrames(file, 'yuv420p', W, H);
    assert.equal(reference.length, frames.length);
    let worst = Infinity;
    frames.forEach((f, i) => {
      assert.equal(f.format, 'I420', `frame ${i} format`);
      assert.deepEqual([f.w, f.h], [W, H]);
      const p = media.psnr(f.bytes, reference[i]);
      worst = Math.min(worst, p);
      assert.ok(p >= 50, `frame ${i}: PSNR ${p.toFixed(2)} dB against ffmpeg's decode (need ≥ 50)`);
    });
    t.diagnostic(`${label}: worst PSNR ${worst === Infinity ? 'identical' : `${worst.toFixed(2)} dB`}`);
  });
}

for (const [label, encoding] of Object.entries(FILES)) {
  test(`${label}: corrupt chunks end in EncodingError or fewer frames, never a crash or hang (child process)`, { skip, timeout: 120_000 }, () => {
    const file = media.makeEncoded(encoding, { frames: N });
    const count = 10;
    const r = spawnSync(process.execPath, [CHILD, file, '1234', String(count)], { encoding: 'utf8', timeout: 100_000, env: { ...process.env, NODE_TEST_CONTEXT: '' } });
    assert.equal(r.signal, null, `child killed by ${r.signal} (crash or timeout):\n${r.stdout}\n${r.stderr}`);
    assert.equal(r.status, 0, `child exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
    const results = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.equal(results.length, count, 'one result per mutation');
    for (const m of results) {
      const what = `mutation ${m.k} (${m.what}): ${JSON.stringify(m)}`;
      assert.equal(m.thrown, null, `decode() threw: ${what}`);
      assert.notEqual(m.flush, 'hang', `flush never settled: ${what}`);
      assert.ok(m.outputs <= m.chunks, `more frames than chunks: ${what}`);
      if (m.error !== null) {
        assert.equal(m.error, 'EncodingError', what);
        assert.ok(m.flush === 'rejected EncodingError' || m.flush === 'skipped', `flush after an EncodingError: ${what}`);
      } else {
        assert.equal(m.flush, 'resolved', what);
      }
    }
  });
}

for (const [label, encoding] of Object.entries(FILES)) {
  test(`${label}: a delta chunk first throws DataError; the second key chunk starts a decode`, { skip }, async () => {
    const file = media.makeEncoded(encoding, { frames: N });
    const { config, chunks } = await media.demux(file);
    const frames = [];
    const errors = [];
    const decoder = new VideoDecoder({ output: (f) => { frames.push(f.timestamp); f.close(); }, error: (e) => errors.push(e) });
    let secondKey = -1;
    try {
      decoder.configure(config);
      const firstDelta = chunks.findIndex((c) => c.type === 'delta');
      assert.throws(() => decoder.decode(new EncodedVideoChunk(chunks[firstDelta])), (e) => e instanceof DOMException && e.name === 'DataError');
      secondKey = chunks.findIndex((c, i) => i > 0 && c.type === 'key');
      assert.ok(secondKey > 0, 'the file has a second key chunk');
      for (const c of chunks.slice(secondKey)) decoder.decode(new EncodedVideoChunk(c));
      await decoder.flush();
    } finally {
      if (decoder.state !== 'closed') decoder.close();
    }
    assert.deepEqual(errors, []);
    // Frames that need references from before the key chunk (open-GOP leading pictures) may be
    // dropped; every frame that comes out is one of the decoded chunks', in order.
    const fed = new Set(chunks.slice(secondKey).map((c) => c.timestamp));
    assert.ok(frames.length >= fed.size - 3 && frames.length <= fed.size, `${frames.length} frames from ${fed.size} chunks`);
    frames.forEach((t, i) => { assert.ok(fed.has(t)); if (i) assert.ok(t > frames[i - 1]); });
  });
}
