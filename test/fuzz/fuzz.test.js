'use strict';
// test/fuzz: seeded mutation fuzzing of every decoder entry point and of the codec-string parser,
// each target in its own child process (fuzz-child.js) so that a crash or a hang fails the test
// instead of killing the runner. Targets: ImageDecoder for every image type the fixtures make
// (stills and animations; as a buffer and as a stream split at random points), the codec-string
// parser (VideoEncoder/VideoDecoder.isConfigSupported and configure with random Unicode), and
// VideoDecoder for every codec (H.264 Annex B and avcC, HEVC, VP8, VP9, AV1 streams made by ffmpeg),
// and AudioDecoder for every codec (Opus, AAC, FLAC, MP3, Vorbis, PCM files made by ffmpeg).
//
// Each target must: not crash (exit status 0, no signal), not hang (every step settles within
// 15 s; the whole run within its time limit), raise no error other than the spec's for that
// interface, leave no unhandled rejection, bring every native live counter back to zero, and let
// its process exit on its own within 5 s of its last call.
//
// CI runs a short deterministic pass (the same inputs every time: seed 1). A long run:
//   FUZZ_SECONDS=600 node --test test/fuzz/fuzz.test.js     (each target for 10 minutes)
//   FUZZ_ITERATIONS=5000 FUZZ_SEED=7 node --test test/fuzz/ (a fixed count, another seed)
// A failure prints the seed, the target and the mutation that broke it; FUZZ_SEED replays it.

const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { runChild } = require('./lib');
const media = require('../helpers/video-media');

const CHILD = path.join(__dirname, 'fuzz-child.js');
const HAS_FFMPEG = media.hasCommand('ffmpeg');
const skip = !HAS_FFMPEG && 'the ffmpeg CLI makes the media to mutate and is not installed';
const SECONDS = Number(process.env.FUZZ_SECONDS) || 0;
const EXIT_GRACE_MS = 5000;

async function fuzz(params, ciIterations) {
  const limitMs = (SECONDS ? SECONDS * 1000 : 0) + 120_000;
  const r = await runChild(CHILD, { ...params, iterations: ciIterations }, { marker: 'FUZZ-RESULT ', limitMs });
  const where = `${params.name} (FUZZ_SEED=${process.env.FUZZ_SEED || 1})`;
  assert.ok(!r.killed, `${where}: the child did not finish within ${limitMs} ms (a hang). stderr:\n${r.stderr}`);
  assert.equal(r.signal, null, `${where}: the child died of ${r.signal} (a crash). stderr:\n${r.stderr}`);
  assert.ok(r.result, `${where}: no result line (exit ${r.code}). stderr:\n${r.stderr}`);
  assert.equal(r.result.harnessError, undefined, `${where}: ${r.result.harnessError}`);
  assert.equal(r.code, 0, `${where}: exit code ${r.code}. stderr:\n${r.stderr}`);
  assert.deepEqual(r.result.violations, [], `${where}: errors outside the spec's: ${JSON.stringify(r.result.violations, null, 1)}`);
  assert.deepEqual(r.result.unhandled, [], `${where}: unhandled rejections`);
  assert.deepEqual(Object.entries(r.result.live).filter(([, v]) => v !== 0), [], `${where}: live counts ${JSON.stringify(r.result.live)}`);
  assert.ok(r.exitAfterMs < EXIT_GRACE_MS, `${where}: the process took ${r.exitAfterMs} ms to exit after its last call`);
  assert.ok(r.result.iterations >= Math.min(ciIterations, 1), `${where}: ran ${r.result.iterations} iterations`);
  return r.result;
}

describe('fuzz: ImageDecoder, every type, buffer and stream', { skip }, () => {
  const fx = skip ? null : require('../fixtures/make-images').makeImages();
  const images = [];
  if (fx) {
    for (const [key, im] of Object.entries(fx.still)) if (im) images.push([`still ${key}`, im]);
    for (const [key, im] of Object.entries(fx.anim)) if (im) images.push([`animated ${key}`, im]);
  }
  for (const [name, im] of images) {
    test(`${name} (${im.type})`, { timeout: 300_000 + SECONDS * 1000 }, async () => {
      const r = await fuzz({ target: 'image', name: `image ${name}`, type: im.type, file: im.file }, 300);
      // The mutations must reach the decoder, not only the sniffing: some inputs decode.
      assert.ok((r.counts.decoded || 0) > 0, `${name}: no mutated input decoded at all: ${JSON.stringify(r.counts)}`);
    });
  }
});

test('fuzz: codec strings (isConfigSupported / configure of VideoEncoder and VideoDecoder)', { timeout: 300_000 + SECONDS * 1000 }, async () => {
  const r = await fuzz({ target: 'codec-string', name: 'codec-string' }, 2000);
  assert.ok(r.counts['VideoDecoder supported:true'] > 0 && r.counts['VideoDecoder supported:false'] > 0, JSON.stringify(r.counts));
});

describe('fuzz: VideoDecoder, every codec', { skip }, () => {
  const FILES = {
    'H.264 Annex B': 'h264_main_annexb',
    'H.264 avcC (MP4)': 'h264_high_mp4',
    'HEVC hvcC (MP4)': 'h265_main_mp4',
    'HEVC Annex B': 'h265_main_annexb',
    'VP8': 'vp8_webm',
    'VP9 profile 0': 'vp9_p0_webm',
    'VP9 profile 2 (10-bit)': 'vp9_p2_webm',
    'AV1': 'av1_webm',
  };
  for (const [name, key] of Object.entries(FILES)) {
    test(name, { timeout: 300_000 + SECONDS * 1000 }, async () => {
      const file = media.makeEncoded(key, { frames: 12, size: '160x120' });
      const r = await fuzz({ target: 'video-decoder', name: `video-decoder ${name}`, file }, 60);
      assert.ok(r.counts.flushed > 0, `${name}: no iteration flushed: ${JSON.stringify(r.counts)}`);
    });
  }
});

describe('fuzz: AudioDecoder, every codec', { skip }, () => {
  const audio = require('../helpers/audio-media');
  const FILES = {
    'Opus (Ogg)': ['fuzz.opus', ['-c:a', 'libopus', '-b:a', '64k']],
    'AAC (MP4)': ['fuzz-aac.m4a', ['-c:a', 'aac', '-b:a', '96k']],
    'AAC (ADTS)': ['fuzz.aac', ['-c:a', 'aac', '-b:a', '96k', '-f', 'adts']],
    'FLAC': ['fuzz.flac', ['-c:a', 'flac']],
    'MP3': ['fuzz.mp3', ['-c:a', 'libmp3lame', '-b:a', '96k']],
    'Vorbis (Ogg)': ['fuzz.ogg', ['-c:a', 'libvorbis']],
    'PCM s16 (WAV)': ['fuzz.wav', ['-c:a', 'pcm_s16le']],
  };
  for (const [name, [file, args]] of Object.entries(FILES)) {
    test(name, { timeout: 300_000 + SECONDS * 1000 }, async () => {
      const r = await fuzz({ target: 'audio-decoder', name: `audio-decoder ${name}`, file: audio.makeAudio(file, args, 0.5) }, 60);
      assert.ok(r.counts.flushed > 0, `${name}: no iteration flushed: ${JSON.stringify(r.counts)}`);
    });
  }
});
