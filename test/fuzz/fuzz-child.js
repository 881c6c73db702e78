'use strict';
// Child process of fuzz.test.js: runs one fuzz target in its own process, so that a crash (a
// signal, an abort) or a hang is the parent's failed test and never the test runner's death.
// argv[2]: JSON {target, name, ...params}. Prints one line `FUZZ-RESULT {json}` when done and
// then lets the process end on its own (the parent checks it does so promptly: nothing native
// may keep it alive). Exit code 0 unless the harness itself broke.
//
// Targets:
//   image          {type, file}: ImageDecoder over mutated bytes, as a buffer or as a stream
//                  split at random points; tracks.ready, decode() of the first frames and one
//                  past the end, reset()/close() at random moments.
//   codec-string   random Unicode strings and mutated valid codec strings through
//                  VideoEncoder/VideoDecoder.isConfigSupported() and configure().
//   video-decoder  {file}: VideoDecoder over an ffmpeg-made stream's chunks, mutated (bytes,
//                  duplicated / dropped / reordered chunks, key flags, a bad description).
const fs = require('node:fs');
const api = require('../..');
const F = require('./lib');

const { ImageDecoder, VideoDecoder, VideoEncoder, EncodedVideoChunk, AudioDecoder, EncodedAudioChunk, liveCounts } = api;
const params = JSON.parse(process.argv[2]);
const STEP_MS = 15_000;

// Unobserved rejections are the user's business in a browser (a console warning); here the test
// observes every promise it is given, so one reaching this handler is our promise leaking out.
const unhandled = [];
process.on('unhandledRejection', (e) => { unhandled.push(F.errorName(e) + ': ' + String(e && e.message).slice(0, 200)); });

// ---- image -----------------------------------------------------------------------------------

// ImageDecoder errors the spec allows: EncodingError (bad data; Chrome), InvalidStateError (closed),
// RangeError (frameIndex past the end), AbortError (reset/close while pending), NotSupportedError
// (a track the decoder cannot decode, e.g. a mutated header naming another codec).
const IMAGE_ALLOWED = ['EncodingError', 'InvalidStateError', 'RangeError', 'AbortError', 'NotSupportedError'];

function streamOf(parts) {
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (i < parts.length) c.enqueue(parts[i++]);
      else c.close();
    },
  });
}

async function imageIteration(bytes, rand, tally) {
  const clean = rand() < 0.1;
  const m = clean ? { bytes, what: 'clean' } : F.mutateBytes(bytes, rand);
  const asStream = rand() < 0.5;
  const what = `${m.what}${asStream ? ' (stream)' : ''}`;
  const data = asStream ? streamOf(F.splitRandomly(m.bytes, rand)) : m.bytes;
  let dec;
  try {
    dec = new ImageDecoder({ data, type: params.type });
  } catch (e) {
    // An empty BufferSource is not a valid ImageDecoderInit: TypeError (and only then).
    if (!asStream && m.bytes.length === 0 && e instanceof TypeError) tally.ok('TypeError (empty data)');
    else tally.error(e, `constructor, ${what}`);
    return;
  }
  // Observe completed now (or only after close, to check it never rejects unobserved … either way handled).
  const completed = dec.completed.then(() => 'completed', (e) => e);
  const abortAt = rand() < 0.2 ? rand.int(4) : -1;
  try {
    await F.within(dec.tracks.ready, STEP_MS, `tracks.ready (${what})`);
    const track = dec.tracks.selectedTrack;
    const frames = track ? track.frameCount : 0;
    const pending = [];
    for (let k = 0; k <= Math.min(frames, 3); k++) {
      if (k === abortAt) {
        if (rand() < 0.5) dec.reset(); else dec.close();
      }
      pending.push(dec.decode({ frameIndex: k }).then((r) => { r.image.close(); return 'decoded'; }));
    }
    for (const p of pending) {
      try {
        tally.ok(await F.within(p, STEP_MS, `decode (${what})`));
      } catch (e) {
        tally.error(e, `decode, ${what}`);
      }
    }
  } catch (e) {
    tally.error(e, `tracks.ready, ${what}`);
  } finally {
    dec.close();
  }
  const c = await F.within(completed, STEP_MS, `completed after close (${what})`).catch((e) => e);
  if (c !== 'completed') tally.error(c, `completed, ${what}`);
}

// ---- codec strings ---------------------------------------------------------------------------

const VALID = ['avc1.42001E', 'avc1.64001F', 'avc3.4D401E', 'hvc1.1.6.L93.B0', 'hev1.1.6.L93.B0', 'vp8', 'vp09.00.10.08',
  'vp09.02.10.10.01.09.16.09.01', 'av01.0.04M.08', 'av01.0.08M.10.0.110.09.16.09.0', 'mp4a.40.2', 'opus'];
const ALPHABET = ['.', '0', '1', '9', 'A', 'F', 'L', 'M', 'a', 'f', 'x', ' ', '\t', '\n', '\0', '-', '+', ',', 'é', '€',
  '😀', '\u0301', '\u200b', '\ufeff', '\ud800', '\udfff', 'Ａ', '٣', 'ß', '\u{10ffff}'];

function randomCodec(rand) {
  const r = rand();
  if (r < 0.3) { // random Unicode code points
    let s = '';
    for (let n = rand.int(24); n > 0; n--) {
      const cp = rand() < 0.5 ? rand.int(0x80) : rand.int(0x110000);
      s += (cp >= 0xd800 && cp <= 0xdfff) ? String.fromCharCode(cp) : String.fromCodePoint(cp);
    }
    return s;
  }
  let s = rand.pick(VALID);
  if (r < 0.4) return s;
  for (let n = 1 + rand.int(4); n > 0; n--) {
    const at = rand.int(s.length + 1);
    const op = rand.int(3);
    const ch = rand.pick(ALPHABET);
    if (op === 0) s = s.slice(0, at) + ch + s.slice(at);
    else if (op === 1) s = s.slice(0, at) + s.slice(at + 1);
    else s = s.slice(0, at) + ch + s.slice(at + 1);
  }
  return s;
}

function checkSupport(result, codec, tally, who) {
  if (!result || typeof result.supported !== 'boolean' || !result.config || result.config.codec !== codec) {
    tally.error(new Error(`${who}.isConfigSupported resolved with ${JSON.stringify(result)}`), JSON.stringify(codec));
  } else {
    tally.ok(`${who} supported:${result.supported}`);
  }
}

async function codecIteration(rand, tally) {
  const codec = randomCodec(rand);
  const ctx = JSON.stringify(codec);
  for (const [who, config] of [['VideoEncoder', { codec, width: 64, height: 48 }], ['VideoDecoder', { codec }]]) {
    const Cls = who === 'VideoEncoder' ? VideoEncoder : VideoDecoder;
    try {
      checkSupport(await F.within(Cls.isConfigSupported(config), STEP_MS, `${who}.isConfigSupported(${ctx})`), codec, tally, who);
    } catch (e) {
      tally.error(e, `${who}.isConfigSupported ${ctx}`);
    }
    if (rand() < 0.3) {
      // configure(): TypeError (not a valid config), or NotSupportedError through the error callback.
      let errored;
      const done = new Promise((resolve) => { errored = resolve; });
      const c = new Cls({ output: (o) => { if (o && o.close) o.close(); }, error: (e) => errored(e) });
      try {
        c.configure(config);
        const e = await F.within(Promise.race([done, c.flush().then(() => 'configured', (err) => err)]), STEP_MS, `${who}.configure(${ctx})`);
        if (e === 'configured') tally.ok(`${who} configured`);
        else tally.error(e, `${who}.configure ${ctx}`);
      } catch (e) {
        tally.error(e, `${who}.configure ${ctx}`);
      } finally {
        if (c.state !== 'closed') c.close();
      }
    }
  }
}

// ---- video decoder ---------------------------------------------------------------------------

// VideoDecoder errors the spec allows here: EncodingError (error callback, and the flush it
// rejects), DataError (decode() of a delta chunk while a key chunk is required), NotSupportedError
// (configure() with a description the decoder refuses), InvalidStateError (decode() after the
// decoder closed itself on an error: the loop stops there; counted to keep it honest).
const VIDEO_ALLOWED = ['EncodingError', 'DataError', 'NotSupportedError'];

function mutateChunks(chunks, config, rand) {
  const out = chunks.map((c) => ({ ...c }));
  let cfg = config;
  const what = [];
  for (let n = 1 + rand.int(3); n > 0; n--) {
    const kind = rand.int(8);
    const i = rand.int(out.length);
    if (kind <= 2) {
      const m = F.mutateBytes(out[i].data, rand);
      out[i] = { ...out[i], data: m.bytes };
      what.push(`chunk ${i} ${m.what}`);
    } else if (kind === 3) {
      out.splice(rand.int(out.length + 1), 0, { ...out[i] });
      what.push(`chunk ${i} duplicated`);
    } else if (kind === 4 && out.length > 1) {
      out.splice(i, 1);
      what.push(`chunk ${i} dropped`);
    } else if (kind === 5 && out.length > 1) {
      const j = rand.int(out.length);
      [out[i], out[j]] = [out[j], out[i]];
      what.push(`chunks ${i}<->${j}`);
    } else if (kind === 6) {
      out[i] = { ...out[i], type: out[i].type === 'key' ? 'delta' : 'key' };
      what.push(`chunk ${i} type flipped`);
    } else if (cfg.description) {
      cfg = { ...cfg, description: F.mutateBytes(new Uint8Array(cfg.description), rand).bytes };
      what.push('description mutated');
    } else {
      out.length = Math.max(1, i);
      what.push(`cut at ${out.length}`);
    }
  }
  return { chunks: out, config: cfg, what: what.join(', ') };
}

/** One decode of a (mutated) track with `Decoder` (VideoDecoder or AudioDecoder) and its chunk class. */
async function decoderIteration(Decoder, Chunk, track, rand, tally, { anyTimestamp = false } = {}) {
  const m = rand() < 0.1 ? { ...track, what: 'clean' } : mutateChunks(track.chunks, track.config, rand);
  // Every output carries the timestamp of a chunk it was given (a corrupt chunk may yield more than
  // one picture, e.g. an AV1 temporal unit with repeated frame OBUs, but never an invented time).
  const timestamps = new Set(m.chunks.map((c) => c.timestamp));
  let strangers = 0;
  let callbackError = null;
  const dec = new Decoder({
    output: (f) => { if (!anyTimestamp && !timestamps.has(f.timestamp)) strangers++; f.close(); },
    error: (e) => { callbackError = e; },
  });
  try {
    dec.configure(m.config);
  } catch (e) {
    tally.error(e, `configure, ${m.what}`);
    dec.close();
    return;
  }
  let decoded = 0;
  for (const c of m.chunks) {
    if (dec.state !== 'configured') break;
    try {
      dec.decode(new Chunk(c));
      decoded++;
    } catch (e) {
      tally.error(e, `decode, ${m.what}`);
      break;
    }
  }
  if (dec.state === 'configured') {
    try {
      await F.within(dec.flush(), STEP_MS, `flush (${m.what})`);
      tally.ok('flushed');
    } catch (e) {
      tally.error(e, `flush, ${m.what}`);
    }
  }
  if (callbackError) tally.error(callbackError, `error callback, ${m.what}`);
  if (strangers) tally.error(new Error(`${strangers} frames with a timestamp no chunk had (${decoded} chunks)`), m.what);
  if (dec.state !== 'closed') dec.close();
}

// ---- driver ----------------------------------------------------------------------------------

(async () => {
  const b = F.budget(params.iterations);
  let tally;
  let step;
  if (params.target === 'image') {
    const bytes = new Uint8Array(fs.readFileSync(params.file));
    tally = new F.Tally(IMAGE_ALLOWED);
    step = (rand) => imageIteration(bytes, rand, tally);
  } else if (params.target === 'codec-string') {
    tally = new F.Tally(['TypeError', 'NotSupportedError']);
    step = (rand) => codecIteration(rand, tally);
  } else if (params.target === 'video-decoder') {
    const media = require('../helpers/video-media');
    const track = await media.demux(params.file);
    tally = new F.Tally(VIDEO_ALLOWED);
    step = (rand) => decoderIteration(VideoDecoder, EncodedVideoChunk, track, rand, tally);
  } else if (params.target === 'audio-decoder') {
    // Audio decoders number their outputs from the chunks' timestamps by sample count, so an
    // output may carry a time no chunk had: only crashes, hangs, non-spec errors and leaks count.
    const track = await require('../helpers/audio-media').demuxAudio(params.file);
    tally = new F.Tally(VIDEO_ALLOWED);
    step = (rand) => decoderIteration(AudioDecoder, EncodedAudioChunk, track, rand, tally, { anyTimestamp: true });
  } else {
    throw new Error(`unknown target ${params.target}`);
  }
  const start = Date.now();
  let i = 0;
  for (; i < b.iterations && (b.seconds === 0 || Date.now() - start < b.seconds * 1000); i++) {
    try {
      await step(F.rng(F.seedFor(b.seed, params.name, i)));
    } catch (e) {
      tally.error(e, `iteration ${i} (harness)`);
      if (e instanceof F.Hang) break;
    }
  }
  const live = await F.settledCounts(liveCounts);
  const result = { name: params.name, seed: b.seed, iterations: i, ms: Date.now() - start, counts: tally.counts,
    violations: tally.violations, unhandled: unhandled.slice(0, 10), live };
  process.stdout.write(`FUZZ-RESULT ${JSON.stringify(result)}\n`);
})().catch((e) => {
  process.stdout.write(`FUZZ-RESULT ${JSON.stringify({ name: params.name, harnessError: String(e && e.stack) })}\n`);
  process.exitCode = 2;
});
