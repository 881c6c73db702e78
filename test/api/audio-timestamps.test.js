'use strict';
// Audio timestamps as Chrome gives them (the spec leaves them to the implementation; clients such
// as muxers and conversion libraries assume Chrome's):
// - AudioEncoder (Chromium media/audio/audio_opus_encoder.cc): each chunk is stamped by an
//   AudioTimestampHelper whose base is the first input after configure() or flush(), counting
//   samples — so the first chunk is at the input's timestamp for every codec, never earlier (the
//   encoder delay is not a negative time).
// - AudioDecoder (Chromium media/base/audio_discard_helper.cc): the base is the first chunk's
//   timestamp after configure(), flush() (decoder_template.cc re-initializes the decoder after a
//   flush) or reset(), clamped to zero; every output is the base plus the samples output since.
//   Later chunk timestamps are not looked at.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { AudioEncoder, AudioDecoder, AudioData, EncodedAudioChunk } = require('../..');
const { RATE, sweepPlanar, makeAudio, demuxAudio } = require('../helpers/audio-media');

const CODECS = [
  { codec: 'opus' }, { codec: 'mp4a.40.2' }, { codec: 'mp3' }, { codec: 'vorbis' }, { codec: 'flac' },
  { codec: 'pcm-s16' }, { codec: 'ulaw' },
];

function sweepData(timestamp, frames, start) {
  return new AudioData({ format: 'f32-planar', sampleRate: RATE, numberOfChannels: 2, numberOfFrames: frames, timestamp, data: sweepPlanar(frames, start) });
}

/** Encode one run of 0.5 s per start timestamp, each followed by flush(): [{c: chunk, m: metadata}] per run. */
async function encodeRuns(config, starts) {
  const runs = [];
  let current;
  const errors = [];
  const e = new AudioEncoder({ output: (c, m) => current.push({ c, m }), error: (x) => errors.push(x) });
  e.configure({ sampleRate: RATE, numberOfChannels: 2, ...config });
  for (const t0 of starts) {
    current = [];
    runs.push(current);
    for (let i = 0; i < 5; i++) {
      const d = sweepData(t0 + i * 100_000, 4800, i * 4800);
      e.encode(d);
      d.close();
    }
    await e.flush();
  }
  e.close();
  assert.deepEqual(errors, []);
  return runs;
}

for (const { codec } of CODECS) {
  test(`AudioEncoder ${codec}: the first chunk is at the input timestamp, none earlier, again after flush`, async () => {
    const runs = await encodeRuns({ codec }, [0, 3_000_000, 10_000]);
    for (const [i, t0] of [0, 3_000_000, 10_000].entries()) {
      const chunks = runs[i].map((x) => x.c);
      assert.ok(chunks.length > 0, `run ${i}: chunks`);
      assert.equal(chunks[0].timestamp, t0, `run ${i}: first chunk`);
      for (let k = 1; k < chunks.length; k++) {
        assert.ok(chunks[k].timestamp > chunks[k - 1].timestamp, `run ${i}: increasing`);
        assert.ok(Math.abs(chunks[k].timestamp - (chunks[k - 1].timestamp + chunks[k - 1].duration)) <= 1, `run ${i}: chunk ${k} follows the last`);
      }
    }
  });
}

test('AudioEncoder Opus: the encoder delay travels as the OpusHead pre-skip, not as a negative time', async () => {
  const [[first]] = await encodeRuns({ codec: 'opus' }, [0]);
  const desc = new Uint8Array(first.m.decoderConfig.description);
  assert.equal(String.fromCharCode(...desc.subarray(0, 8)), 'OpusHead');
  assert.equal(desc[10] | (desc[11] << 8), 312, 'OpusHead pre-skip: libopus\'s 312-sample lookahead at 48 kHz');
});

async function decode(config, chunks, between) {
  const outputs = [];
  const errors = [];
  const d = new AudioDecoder({ output: (a) => outputs.push(a), error: (x) => errors.push(x) });
  d.configure(config);
  for (const c of chunks) d.decode(new EncodedAudioChunk(c));
  await d.flush();
  if (between) await between(d, outputs);
  d.close();
  assert.deepEqual(errors, []);
  const out = outputs.map((a) => ({ timestamp: a.timestamp, frames: a.numberOfFrames, rate: a.sampleRate }));
  for (const a of outputs) a.close();
  return out;
}

/** Each output at base + the samples output before it (±1 µs rounding). */
function assertCounted(out, base, label) {
  let frames = 0;
  for (const [i, o] of out.entries()) {
    const expected = base + Math.round(frames * 1e6 / o.rate);
    assert.ok(Math.abs(o.timestamp - expected) <= 1, `${label}: output ${i} at ${o.timestamp}, expected ${expected}`);
    frames += o.frames;
  }
}

test('AudioDecoder: an ffmpeg MP4 with AAC (edit list → first chunk negative) decodes from timestamp 0', async () => {
  const file = makeAudio('edit-list.m4a', ['-c:a', 'aac', '-b:a', '128k']);
  const { config, chunks } = await demuxAudio(file);
  assert.ok(chunks[0].timestamp < 0, `the demuxer applies the edit list: first chunk at ${chunks[0].timestamp} µs`);
  const out = await decode(config, chunks);
  assert.equal(out[0].timestamp, 0, 'clamped to zero');
  assertCounted(out, 0, 'AAC');
  assert.ok(out.every((o) => o.timestamp >= 0));
});

test('AudioDecoder: later chunk timestamps are not looked at (a gap does not move outputs); flush and reset start a new base', async () => {
  const file = makeAudio('plain.m4a', ['-c:a', 'aac', '-b:a', '128k']);
  const { config, chunks } = await demuxAudio(file);
  // A 1 s jump in the middle of the chunks: Chrome keeps counting samples.
  const gapped = chunks.map((c, i) => ({ ...c, timestamp: c.timestamp + 100_000 + (i >= 10 ? 1_000_000 : 0) }));
  assertCounted(await decode(config, gapped), gapped[0].timestamp, 'gap');

  // After flush: the next chunk's timestamp is the new base; after reset + configure, too (clamped).
  let afterFlush, afterReset;
  await decode(config, chunks.slice(0, 5), async (d, outputs) => {
    const before = outputs.length;
    for (const c of chunks.slice(0, 5)) d.decode(new EncodedAudioChunk({ ...c, timestamp: c.timestamp + 7_000_000 }));
    await d.flush();
    afterFlush = outputs.slice(before).map((a) => ({ timestamp: a.timestamp, frames: a.numberOfFrames, rate: a.sampleRate }));
    d.reset();
    d.configure(config);
    const mark = outputs.length;
    for (const c of chunks.slice(0, 5)) d.decode(new EncodedAudioChunk({ ...c, timestamp: c.timestamp - 500_000 }));
    await d.flush();
    afterReset = outputs.slice(mark).map((a) => ({ timestamp: a.timestamp, frames: a.numberOfFrames, rate: a.sampleRate }));
  });
  assert.ok(afterFlush.length > 0 && afterReset.length > 0);
  assertCounted(afterFlush, chunks[0].timestamp + 7_000_000, 'after flush');
  assertCounted(afterReset, 0, 'after reset (negative first chunk clamped)');
});

test('AudioDecoder → AudioEncoder: a negative first chunk gives non-negative chunks for every encoder', async () => {
  const file = makeAudio('edit-list.m4a', ['-c:a', 'aac', '-b:a', '128k']);
  const { config, chunks } = await demuxAudio(file);
  for (const { codec } of CODECS) {
    const out = [];
    const e = new AudioEncoder({ output: (c) => out.push(c.timestamp), error: (x) => assert.fail(x) });
    e.configure({ codec, sampleRate: RATE, numberOfChannels: 2 });
    const d = new AudioDecoder({ output: (a) => { e.encode(a); a.close(); }, error: (x) => assert.fail(x) });
    d.configure(config);
    for (const c of chunks) d.decode(new EncodedAudioChunk(c));
    await d.flush();
    await e.flush();
    d.close();
    e.close();
    assert.equal(out[0], 0, `${codec}: first chunk`);
    assert.ok(out.every((t) => t >= 0), `${codec}: no negative chunk`);
  }
});
