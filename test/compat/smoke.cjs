'use strict';
// The compatibility smoke suite: one file that Node.js (18 and later), Bun and Deno all run
//   node --expose-gc test/compat/smoke.cjs | bun test/compat/smoke.cjs |
//   deno run --allow-ffi --allow-read --allow-env --v8-flags=--expose-gc test/compat/smoke.cjs
// (`.cjs` because Deno treats a `.js` file as an ES module; node:test is not used because Bun and
// Deno implement it only in part). Its own small runner prints one line per test and ends with
// `N passed, N failed` (exit code 1 on any failure); `--json` adds a last line `JSON {…}` with the
// results, which scripts/compat/run.js reads.
//
// What it checks, each against a reference made here by another path, never "it did not throw":
//   - isConfigSupported()/isTypeSupported() answer what README.md's codec table says;
//   - every video codec of the table: a generated clip encoded and decoded back, Y-plane PSNR
//     against the source above a per-codec floor, every frame out with its own timestamp;
//   - every audio codec: a generated sweep encoded and decoded back — PCM and FLAC sample-exact,
//     G.711 on the codec's own quantisation levels, lossy codecs by SNR at the codec's exact delay;
//     FLAC's and Vorbis's headers too (STREAMINFO and frame sync codes; the identification and
//     comment headers); HE-AAC (decode only) by the AAC-LC core through the mp4a.40.5 decoder;
//   - every ImageDecoder type: committed fixtures (scripts/compat/make-fixtures.js) of a known
//     four-colour pattern, lossless formats pixel-exact, lossy ones within a tolerance;
//   - VideoFrame and AudioData conversions with exactly known results;
//   - a Worker round trip: a VideoFrame and an AudioData handed to a worker_threads Worker and back;
//   - the ES module and polyfill entries, posting a VideoFrame as is (DataCloneError where the
//     runtime has markAsUncloneable), forgotten objects collected (FinalizationRegistry), and
//     every native live counter back to zero at the end.
// What a runtime does differently is reported as a note (README.md's "what differs" column).
// The package is the checkout (two directories up), or $NATIVE_WEBCODECS_COMPAT_PACKAGE.
const fs = require('node:fs');
const path = require('node:path');

const PKG = process.env.NATIVE_WEBCODECS_COMPAT_PACKAGE || path.join(__dirname, '..', '..');
const FIXTURES = path.join(__dirname, 'fixtures');
const TEST_TIMEOUT_MS = 60_000;

const runtime = process.versions.bun ? `bun ${process.versions.bun}`
  : globalThis.Deno ? `deno ${globalThis.Deno.version.deno}` : `node ${process.versions.node}`;

// ---------------------------------------------------------------------------------------------
// The runner

const tests = [];
const notes = [];
const test = (name, fn) => tests.push({ name, fn });
/** Thrown by a test that cannot run here; printed as `skip` with the reason, counted apart. */
class Skip extends Error {}
/** Something this runtime does differently that the suite saw (goes to the README's table). */
const note = (text) => { if (!notes.includes(text)) notes.push(text); };

function check(cond, message) {
  if (!cond) throw new Error(message);
}
function equal(actual, expected, what) {
  if (actual !== expected && !(Number.isNaN(actual) && Number.isNaN(expected))) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

function timeout(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  })]).finally(() => clearTimeout(timer));
}

async function runAll(wc) {
  const only = process.env.NATIVE_WEBCODECS_COMPAT_ONLY;
  const results = [];
  for (const t of tests) {
    if (only && !t.name.includes(only)) continue;
    const t0 = Date.now();
    try {
      const info = await timeout(Promise.resolve().then(() => t.fn(wc)), TEST_TIMEOUT_MS, t.name);
      results.push({ name: t.name, ok: true, ms: Date.now() - t0 });
      console.log(`ok   ${t.name} (${Date.now() - t0} ms${info ? `; ${info}` : ''})`);
    } catch (err) {
      if (err instanceof Skip) {
        results.push({ name: t.name, skipped: err.message });
        console.log(`skip ${t.name}: ${err.message}`);
        continue;
      }
      results.push({ name: t.name, ok: false, ms: Date.now() - t0, error: String(err && err.stack || err) });
      console.log(`FAIL ${t.name} (${Date.now() - t0} ms)\n     ${String(err && err.stack || err).split('\n').join('\n     ')}`);
    }
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// The README's codec table: the answers this build gives, and the codecs the suite must cover

function readmeTable() {
  const text = fs.readFileSync(path.join(PKG, 'README.md'), 'utf8');
  const start = text.indexOf('<!-- codec-table:start');
  const end = text.indexOf('<!-- codec-table:end -->');
  check(start >= 0 && end > start, 'README.md has no codec-table section');
  const rows = { video: [], audio: [], image: [] };
  for (const line of text.slice(start, end).split('\n')) {
    let m = line.match(/^\| ([^|]+) \| `([^`]+)` \| (yes|—|not in this build) \| (yes|—|not in this build) \|$/);
    if (m) {
      const kind = /^(avc|hvc|hev|vp8|vp09|av01)/.test(m[2]) ? 'video' : 'audio';
      rows[kind].push({ name: m[1], codec: m[2], encode: m[3] === 'yes', decode: m[4] === 'yes' });
      continue;
    }
    m = line.match(/^\| `(image\/[^`]+)` \| (yes|—|not in this build) \|$/);
    if (m) rows.image.push({ type: m[1], decode: m[2] === 'yes' });
  }
  check(rows.video.length > 0 && rows.audio.length > 0 && rows.image.length > 0, 'README.md codec table: no rows parsed');
  return rows;
}
let TABLE = { video: [], audio: [], image: [] };
let setupError = null; // reported by main(), with the JSON line, rather than thrown at load
try {
  TABLE = readmeTable();
  // The LGPL build (scripts/ffmpeg-static/build.sh with NWC_FFMPEG_LGPL=1: no x264, no x265)
  // encodes neither H.264 nor HEVC and keeps every decoder; test/package/lgpl.test.js runs this
  // suite on it with NATIVE_WEBCODECS_COMPAT_LGPL=1 and decodes those two codecs itself.
  if (process.env.NATIVE_WEBCODECS_COMPAT_LGPL === '1') for (const r of TABLE.video) if (/^(avc|hvc|hev)/.test(r.codec)) r.encode = false;
} catch (err) {
  setupError = err;
}

const VIDEO_W = 64;
const VIDEO_H = 64;
const FRAMES = 8;
const AUDIO_RATE = 48000;

test('isConfigSupported()/isTypeSupported() answer what README.md\'s codec table says', async (wc) => {
  const wrong = [];
  for (const row of TABLE.video) {
    const enc = (await wc.VideoEncoder.isConfigSupported({ codec: row.codec, width: 640, height: 480, bitrate: 1_000_000, framerate: 30 })).supported;
    const dec = (await wc.VideoDecoder.isConfigSupported({ codec: row.codec, codedWidth: 640, codedHeight: 480 })).supported;
    if (enc !== row.encode || dec !== row.decode) wrong.push(`${row.codec}: encode ${enc}, decode ${dec}`);
  }
  for (const row of TABLE.audio) {
    const enc = (await wc.AudioEncoder.isConfigSupported({ codec: row.codec, sampleRate: 48000, numberOfChannels: 2, bitrate: 128_000 })).supported;
    const dec = (await wc.AudioDecoder.isConfigSupported({ codec: row.codec, sampleRate: 48000, numberOfChannels: 2 })).supported;
    if (enc !== row.encode || dec !== row.decode) wrong.push(`${row.codec}: encode ${enc}, decode ${dec}`);
  }
  for (const row of TABLE.image) {
    const ok = await wc.ImageDecoder.isTypeSupported(row.type);
    if (ok !== row.decode) wrong.push(`${row.type}: ${ok}`);
  }
  // A config the spec calls invalid rejects (TypeError), and an unknown codec is unsupported.
  let threw = null;
  try { await wc.VideoEncoder.isConfigSupported({ codec: 'avc1.42001E', width: 0, height: 480 }); } catch (e) { threw = e; }
  check(threw instanceof TypeError, `isConfigSupported({width: 0}) should reject with TypeError, got ${threw}`);
  equal((await wc.VideoDecoder.isConfigSupported({ codec: 'notacodec' })).supported, false, 'VideoDecoder.isConfigSupported(notacodec)');
  check(wrong.length === 0, `answers that differ from README.md: ${wrong.join('; ')}`);
});

// ---------------------------------------------------------------------------------------------
// Video: a generated clip through every codec of the table, back through the decoder

const tenBit = (codec) => /^avc1\.6E|^hvc1\.2\.|^vp09\.02\.|^av01\.\d\.\d\dM\.10/.test(codec);

/** Frame i of the clip as I420 (or I420P10 ×4): a diagonal gradient and a bright square that moves. */
function sourcePlanes(i, bits) {
  const scale = bits === 10 ? 4 : 1;
  const Y = new Array(VIDEO_W * VIDEO_H);
  for (let y = 0; y < VIDEO_H; y++) {
    for (let x = 0; x < VIDEO_W; x++) {
      const inSquare = x >= 4 + 4 * i && x < 20 + 4 * i && y >= 8 + 2 * i && y < 24 + 2 * i;
      Y[y * VIDEO_W + x] = (inSquare ? 220 : 40 + x + y) * scale;
    }
  }
  const cw = VIDEO_W / 2;
  const ch = VIDEO_H / 2;
  const U = new Array(cw * ch);
  const V = new Array(cw * ch);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      U[y * cw + x] = (90 + 2 * x) * scale;
      V[y * cw + x] = (170 - 2 * y) * scale;
    }
  }
  return [Y, U, V];
}

function frameFromPlanes(wc, planes, bits, timestamp) {
  const all = [].concat(...planes);
  const data = bits === 10 ? new Uint16Array(all) : new Uint8Array(all);
  return new wc.VideoFrame(data, { format: bits === 10 ? 'I420P10' : 'I420', codedWidth: VIDEO_W, codedHeight: VIDEO_H, timestamp, duration: 33333 });
}

async function lumaOf(frame) {
  const size = frame.allocationSize();
  const buf = new Uint8Array(size);
  const layout = await frame.copyTo(buf);
  const bits = frame.format === 'I420P10' ? 10 : 8;
  const bpp = bits === 10 ? 2 : 1;
  const { offset, stride } = layout[0];
  const Y = new Array(VIDEO_W * VIDEO_H);
  const view = new DataView(buf.buffer);
  for (let y = 0; y < VIDEO_H; y++) {
    for (let x = 0; x < VIDEO_W; x++) {
      const at = offset + y * stride + x * bpp;
      Y[y * VIDEO_W + x] = bpp === 2 ? view.getUint16(at, true) : buf[at];
    }
  }
  return Y;
}

function psnr(a, b, peak) {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  if (se === 0) return Infinity;
  return 10 * Math.log10((peak * peak) / (se / a.length));
}

/** Lowest Y-plane PSNR (dB) each codec family must reach on the 64×64 clip at 1 Mbit/s. */
const PSNR_FLOOR = { avc: 45, hevc: 45, vp8: 42, vp9: 40, av1: 36 }; // seen: 59, 56, 51, 47, 41 (FFmpeg 5.1)
const family = (codec) => (/^avc/.test(codec) ? 'avc' : /^h(vc|ev)/.test(codec) ? 'hevc' : codec === 'vp8' ? 'vp8' : /^vp09/.test(codec) ? 'vp9' : 'av1');

for (const row of TABLE.video) {
  if (!row.encode && !row.decode) continue;
  test(`video ${row.codec} (${row.name}): encode and decode a clip, PSNR against the source`, async (wc) => {
    if (!row.encode && process.env.NATIVE_WEBCODECS_COMPAT_LGPL === '1') throw new Skip('no encoder in the LGPL build (decoding: test/package/lgpl.test.js)');
    check(row.encode && row.decode, `the README says encode ${row.encode}, decode ${row.decode}: a one-way codec needs a fixture this suite does not have`);
    const bits = tenBit(row.codec) ? 10 : 8;
    const chunks = [];
    let decoderConfig = null;
    let failure = null;
    const encoder = new wc.VideoEncoder({
      output: (chunk, meta) => { chunks.push(chunk); if (meta && meta.decoderConfig) decoderConfig = meta.decoderConfig; },
      error: (e) => { failure = e; },
    });
    encoder.configure({ codec: row.codec, width: VIDEO_W, height: VIDEO_H, bitrate: 1_000_000, framerate: 30 });
    const sources = [];
    for (let i = 0; i < FRAMES; i++) {
      const planes = sourcePlanes(i, bits);
      sources.push(planes[0]);
      const frame = frameFromPlanes(wc, planes, bits, i * 33333);
      encoder.encode(frame, { keyFrame: i === 0 });
      frame.close();
    }
    await encoder.flush();
    encoder.close();
    if (failure) throw failure;
    equal(chunks.length, FRAMES, 'encoded chunks');
    equal(chunks[0].type, 'key', 'first chunk type');
    check(decoderConfig !== null, 'no decoderConfig in the first output metadata');
    equal(decoderConfig.codedWidth, VIDEO_W, 'decoderConfig.codedWidth');

    const frames = [];
    const decoder = new wc.VideoDecoder({ output: (f) => frames.push(f), error: (e) => { failure = e; } });
    decoder.configure(decoderConfig);
    for (const chunk of chunks) decoder.decode(chunk);
    await decoder.flush();
    decoder.close();
    if (failure) throw failure;
    equal(frames.length, FRAMES, 'decoded frames');
    let worst = Infinity;
    for (let i = 0; i < FRAMES; i++) {
      const f = frames[i];
      equal(f.timestamp, i * 33333, `frame ${i} timestamp`);
      equal(f.codedWidth >= VIDEO_W && f.displayWidth === VIDEO_W && f.displayHeight === VIDEO_H, true, `frame ${i} size ${f.codedWidth}×${f.codedHeight} shown ${f.displayWidth}×${f.displayHeight}`);
      equal(f.format, bits === 10 ? 'I420P10' : 'I420', `frame ${i} format`);
      worst = Math.min(worst, psnr(await lumaOf(f), sources[i], bits === 10 ? 1023 : 255));
      f.close();
    }
    const floor = PSNR_FLOOR[family(row.codec)];
    check(worst >= floor, `lowest Y PSNR ${worst.toFixed(1)} dB, below ${floor} dB`);
    return `Y PSNR ≥ ${worst.toFixed(1)} dB`;
  });
}

// ---------------------------------------------------------------------------------------------
// Audio: a generated tone through every codec of the table

const AUDIO_FRAMES = 24000; // 0.5 s at 48 kHz
/** The source: a sweep per channel (100 Hz → 4.1 kHz left, 200 Hz → 6.2 kHz right over a second,
 *  amplitude 0.5; not periodic, so a codec's delay is found without ambiguity), as s16 planar. */
function sweep() {
  const out = new Int16Array(AUDIO_FRAMES * 2);
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < AUDIO_FRAMES; i++) {
      const t = i / AUDIO_RATE;
      out[c * AUDIO_FRAMES + i] = Math.round(16384 * Math.sin(2 * Math.PI * (c ? 200 + 3000 * t : 100 + 2000 * t) * t));
    }
  }
  return out;
}
const SOURCE_S16 = sweep();
// The same samples as f32 at Chrome's integer → float scale (negative by 2^15, positive by
// 2^15 − 1: Chromium media/base/audio_sample_types.h, FixedSampleTypeTraits), which the package uses.
const SOURCE_F32 = Float32Array.from(SOURCE_S16, (k) => (k < 0 ? k / 32768 : k / 32767));
/** Codecs fed s16 (their native format, so the round trip is exact); the others get f32-planar. */
const S16_INPUT = new Set(['pcm-s16', 'ulaw', 'alaw', 'flac']);

async function encodeAudio(wc, codec, configCodec = codec) {
  const chunks = [];
  let decoderConfig = null;
  let failure = null;
  const encoder = new wc.AudioEncoder({
    output: (chunk, meta) => { chunks.push(chunk); if (meta && meta.decoderConfig) decoderConfig = meta.decoderConfig; },
    error: (e) => { failure = e; },
  });
  encoder.configure({ codec, sampleRate: AUDIO_RATE, numberOfChannels: 2, bitrate: 128_000 });
  // In four pieces of 6000 frames: the encoder buffers to its own frame size.
  const s16 = S16_INPUT.has(codec);
  for (let p = 0; p < 4; p++) {
    const part = s16 ? new Int16Array(6000 * 2) : new Float32Array(6000 * 2);
    const src = s16 ? SOURCE_S16 : SOURCE_F32;
    for (let c = 0; c < 2; c++) part.set(src.subarray(c * AUDIO_FRAMES + p * 6000, c * AUDIO_FRAMES + (p + 1) * 6000), c * 6000);
    const data = new wc.AudioData({ format: s16 ? 's16-planar' : 'f32-planar', sampleRate: AUDIO_RATE, numberOfFrames: 6000, numberOfChannels: 2, timestamp: p * 125000, data: part });
    encoder.encode(data);
    data.close();
  }
  await encoder.flush();
  encoder.close();
  if (failure) throw failure;
  check(chunks.length > 0, 'no encoded chunks');
  equal(chunks[0].timestamp, 0, 'first chunk timestamp');
  check(decoderConfig !== null, 'no decoderConfig in the output metadata');
  return { chunks, decoderConfig: { ...decoderConfig, codec: configCodec } };
}

/** Decodes `chunks`; returns the two channels in `format` ('s16-planar' or 'f32-planar'). */
async function decodeAudio(wc, decoderConfig, chunks, format) {
  const outputs = [];
  let failure = null;
  const decoder = new wc.AudioDecoder({ output: (d) => outputs.push(d), error: (e) => { failure = e; } });
  decoder.configure(decoderConfig);
  for (const c of chunks) decoder.decode(c);
  await decoder.flush();
  decoder.close();
  if (failure) throw failure;
  const total = outputs.reduce((n, d) => n + d.numberOfFrames, 0);
  const Type = format === 's16-planar' ? Int16Array : Float32Array;
  const channels = [new Type(total), new Type(total)];
  let at = 0;
  for (const d of outputs) {
    equal(d.sampleRate, AUDIO_RATE, 'decoded sampleRate');
    equal(d.numberOfChannels, 2, 'decoded numberOfChannels');
    for (let c = 0; c < 2; c++) d.copyTo(channels[c].subarray(at, at + d.numberOfFrames), { planeIndex: c, format });
    at += d.numberOfFrames;
    d.close();
  }
  return channels;
}

/** SNR (dB) of `decoded` against source channel `c` at the delay (0…4096 samples) that fits best. */
function alignedSnr(decoded, c) {
  const src = SOURCE_F32.subarray(c * AUDIO_FRAMES, (c + 1) * AUDIO_FRAMES);
  const from = 2400; // skip the first 50 ms (codec start-up) and compare 0.3 s
  const n = 14400;
  let best = { snr: -Infinity, lag: -1 };
  for (let lag = 0; lag <= 4096; lag++) {
    if (from + lag + n > decoded.length) break;
    let sig = 0;
    let err = 0;
    for (let i = from; i < from + n; i++) {
      sig += src[i] * src[i];
      err += (decoded[i + lag] - src[i]) ** 2;
    }
    const snr = 10 * Math.log10(sig / Math.max(err, 1e-20));
    if (snr > best.snr) best = { snr, lag };
  }
  return best;
}

// G.711 (ITU-T G.711, the classic Sun reference): every 16-bit value a µ-law or A-law code decodes to.
function ulawLevels() {
  const levels = new Set();
  for (let u = 0; u < 256; u++) {
    const v = ~u & 0xff;
    let t = ((v & 0x0f) << 3) + 0x84;
    t <<= (v & 0x70) >> 4;
    levels.add((v & 0x80) ? 0x84 - t : t - 0x84);
  }
  return [...levels].sort((a, b) => a - b);
}
function alawLevels() {
  const levels = new Set();
  for (let a = 0; a < 256; a++) {
    const v = a ^ 0x55;
    let t = (v & 0x0f) << 4;
    const seg = (v & 0x70) >> 4;
    if (seg === 0) t += 8; else if (seg === 1) t += 0x108; else t = (t + 0x108) << (seg - 1);
    levels.add((v & 0x80) ? t : -t);
  }
  return [...levels].sort((a, b) => a - b);
}
const G711 = { ulaw: ulawLevels(), alaw: alawLevels() };

/** Lossy codecs: the lowest SNR (dB) at 128 kbit/s, and the delay the decoded audio starts with
 *  (README: Opus's pre-skip is applied; AAC's 1024 and MP3's 1105 priming samples are decoded as
 *  the first samples). */
const LOSSY = { opus: { floor: 20, delay: 0 }, 'mp4a.40.2': { floor: 20, delay: 1024 }, mp3: { floor: 20, delay: 1105 }, vorbis: { floor: 20, delay: 0 } };

for (const row of TABLE.audio) {
  if (!row.encode && !row.decode) continue;
  test(`audio ${row.codec} (${row.name}): encode${row.decode ? ' and decode' : ''} a sweep, compared with the source`, async (wc) => {
    // HE-AAC (decode only): no encoder here makes SBR, so the AAC-LC core goes to the mp4a.40.5
    // decoder — it configures and decodes AAC, but SBR itself is not exercised.
    const heAac = row.codec === 'mp4a.40.5' && TABLE.audio.some((r) => r.codec === 'mp4a.40.2' && r.encode);
    if (!row.encode && !heAac) throw new Skip(`the README says ${row.codec} only decodes, and this suite has no encoded fixture for it`);
    const { chunks, decoderConfig } = await encodeAudio(wc, heAac ? 'mp4a.40.2' : row.codec, row.codec);
    equal(decoderConfig.sampleRate, AUDIO_RATE, 'decoderConfig.sampleRate');
    equal(decoderConfig.numberOfChannels, 2, 'decoderConfig.numberOfChannels');
    if (row.codec === 'flac') {
      // description = "fLaC" + the STREAMINFO block (RFC 9639 §8.2): rate, channels, bits.
      const d = new Uint8Array(decoderConfig.description);
      equal(String.fromCharCode(...d.subarray(0, 4)), 'fLaC', 'FLAC description magic');
      equal(d[4] & 0x7f, 0, 'first metadata block type (STREAMINFO)');
      const si = d.subarray(8);
      const rate = (si[10] << 12) | (si[11] << 4) | (si[12] >> 4);
      equal(rate, AUDIO_RATE, 'STREAMINFO sample rate');
      equal(((si[12] >> 1) & 7) + 1, 2, 'STREAMINFO channels');
      const bits = (((si[12] & 1) << 4) | (si[13] >> 4)) + 1;
      check(bits === 16 || bits === 24 || bits === 32, `STREAMINFO bits per sample ${bits}`);
      // Every FLAC frame starts with the sync code 0xFFF8 (fixed blocksize).
      for (const c of chunks) {
        const b = new Uint8Array(c.byteLength);
        c.copyTo(b);
        check(b[0] === 0xff && (b[1] & 0xfe) === 0xf8, `FLAC frame without sync code at ${c.timestamp}`);
      }
    } else if (row.codec === 'vorbis') {
      // description = Xiph lacing of the three headers; the first is the identification header.
      const d = new Uint8Array(decoderConfig.description);
      equal(d[0], 2, 'Vorbis description: number of headers - 1');
      let at = 1;
      const sizes = [];
      for (let k = 0; k < 2; k++) {
        let s = 0;
        while (d[at] === 255) { s += 255; at++; }
        s += d[at++];
        sizes.push(s);
      }
      const id = d.subarray(at, at + sizes[0]);
      equal(String.fromCharCode(...id.subarray(0, 7)), '\x01vorbis', 'Vorbis identification header');
      equal(id[11], 2, 'Vorbis audio_channels');
      equal(id[12] | (id[13] << 8) | (id[14] << 16) | (id[15] << 24), AUDIO_RATE, 'Vorbis audio_sample_rate');
      equal(String.fromCharCode(...d.subarray(at + sizes[0], at + sizes[0] + 7)), '\x03vorbis', 'Vorbis comment header');
    }
    if (!row.decode) return `${chunks.length} chunks, headers checked (no decoder in this build)`;
    if (row.codec === 'pcm-f32' || S16_INPUT.has(row.codec)) {
      // Lossless (PCM, FLAC) or sample by sample (G.711): compared in the input's own format.
      const format = row.codec === 'pcm-f32' ? 'f32-planar' : 's16-planar';
      const source = format === 'f32-planar' ? SOURCE_F32 : SOURCE_S16;
      const decoded = await decodeAudio(wc, decoderConfig, chunks, format);
      equal(decoded[0].length, AUDIO_FRAMES, 'decoded frames');
      const levels = G711[row.codec];
      for (let c = 0; c < 2; c++) {
        for (let i = 0; i < AUDIO_FRAMES; i++) {
          const got = decoded[c][i];
          const want = source[c * AUDIO_FRAMES + i];
          if (!levels) {
            if (got !== want) throw new Error(`channel ${c} sample ${i}: ${got} ≠ ${want}`);
            continue;
          }
          // G.711: each sample decodes to a level of the codec, one of the two around the source.
          const k = levels.indexOf(got);
          check(k >= 0, `channel ${c} sample ${i}: ${got} is not a ${row.codec} level`);
          const lo = levels[Math.max(0, k - 1)];
          const hi = levels[Math.min(levels.length - 1, k + 1)];
          check(want >= lo && want <= hi, `channel ${c} sample ${i}: ${want} coded as ${got}, not a neighbouring level`);
        }
      }
      return levels ? `every sample a ${row.codec} level next to the source` : 'every sample exact';
    }
    const decoded = await decodeAudio(wc, decoderConfig, chunks, 'f32-planar');
    check(LOSSY[heAac ? 'mp4a.40.2' : row.codec], `no SNR floor and delay for ${row.codec} in LOSSY`);
    const { floor, delay } = LOSSY[heAac ? 'mp4a.40.2' : row.codec];
    const seen = [];
    for (let c = 0; c < 2; c++) {
      const { snr, lag } = alignedSnr(decoded[c], c);
      check(snr >= floor, `channel ${c}: SNR ${snr.toFixed(1)} dB (at delay ${lag}), below ${floor} dB`);
      equal(lag, delay, `channel ${c}: codec delay in samples`);
      seen.push(`${snr.toFixed(1)} dB`);
    }
    return `SNR ${seen.join(', ')} at delay ${delay}${heAac ? ' (AAC-LC core only)' : ''}`;
  });
}

// ---------------------------------------------------------------------------------------------
// ImageDecoder: every type of the table, from the committed four-colour fixtures

const YELLOW = [255, 255, 0, 255];
const RED = [255, 0, 0, 255];
const BLUE = [0, 0, 255, 255];
const GREEN = [0, 255, 0, 255];
const QUADS = [YELLOW, RED, BLUE, GREEN];
/** type → fixtures, with the tolerance per channel (0 = exact) and the frame count. */
const IMAGES = {
  'image/jpeg': [['four-colors.jpg', 12, 1]],
  'image/png': [['four-colors.png', 0, 1]],
  'image/apng': [['two-frames.apng', 0, 2]],
  'image/gif': [['two-frames.gif', 0, 2]],
  'image/webp': [['four-colors-lossless.webp', 0, 1], ['four-colors-lossy.webp', 12, 1]],
  'image/avif': [['four-colors.avif', 12, 1]],
  'image/bmp': [['four-colors.bmp', 0, 1]],
  'image/x-icon': [['four-colors.ico', 0, 1]],
  'image/vnd.microsoft.icon': [['four-colors.ico', 0, 1]],
};

for (const row of TABLE.image) {
  if (!row.decode) continue;
  test(`image ${row.type}: decode the four-colour fixture${IMAGES[row.type] && IMAGES[row.type].length > 1 ? 's' : ''}, pixels against the pattern`, async (wc) => {
    const fixtures = IMAGES[row.type];
    const seen = [];
    check(fixtures, `no fixture for ${row.type}: add one to scripts/compat/make-fixtures.js`);
    for (const [file, tolerance, frameCount] of fixtures) {
      const decoder = new wc.ImageDecoder({ data: fs.readFileSync(path.join(FIXTURES, file)), type: row.type });
      await decoder.tracks.ready;
      equal(decoder.tracks.selectedTrack.frameCount, frameCount, `${file} frameCount`);
      for (let k = 0; k < frameCount; k++) {
        const { image } = await decoder.decode({ frameIndex: k });
        equal(image.displayWidth, 32, `${file} width`);
        equal(image.displayHeight, 32, `${file} height`);
        const rgba = new Uint8Array(32 * 32 * 4);
        await image.copyTo(rgba, { format: 'RGBA' });
        image.close();
        let worst = 0;
        for (let y = 0; y < 32; y++) {
          for (let x = 0; x < 32; x++) {
            // Lossy formats blur the quadrant edges: compare their interiors (2 px in) only.
            const edge = Math.min(Math.abs(x - 15.5), Math.abs(y - 15.5)) < 2.5;
            if (tolerance && edge) continue;
            const want = QUADS[((y < 16 ? 0 : 2) + (x < 16 ? 0 : 1) + k) % 4];
            for (let ch = 0; ch < 4; ch++) worst = Math.max(worst, Math.abs(rgba[(y * 32 + x) * 4 + ch] - want[ch]));
          }
        }
        check(worst <= tolerance, `${file} frame ${k}: a channel is off by ${worst}, more than ${tolerance}`);
        seen.push(`${file}#${k} ±${worst}`);
      }
      decoder.close();
    }
    return seen.join(', ');
  });
}

// ---------------------------------------------------------------------------------------------
// VideoFrame and AudioData conversions with exactly known results

test('VideoFrame: RGBA → BGRA and a cropped copy, I420 white/black → RGBA, clone and close', async (wc) => {
  const rgba = new Uint8Array(4 * 2 * 4);
  for (let i = 0; i < 8; i++) rgba.set([i * 10, i * 10 + 1, i * 10 + 2, 255], i * 4);
  const frame = new wc.VideoFrame(rgba, { format: 'RGBA', codedWidth: 4, codedHeight: 2, timestamp: 7 });
  const bgra = new Uint8Array(32);
  await frame.copyTo(bgra, { format: 'BGRA' });
  for (let i = 0; i < 8; i++) equal([...bgra.subarray(i * 4, i * 4 + 4)].join(), [i * 10 + 2, i * 10 + 1, i * 10, 255].join(), `BGRA pixel ${i}`);
  const crop = new Uint8Array(2 * 4);
  await frame.copyTo(crop, { rect: { x: 1, y: 1, width: 2, height: 1 } });
  equal([...crop].join(), [50, 51, 52, 255, 60, 61, 62, 255].join(), 'cropped copy of (1,1) 2×1');
  const clone = frame.clone();
  frame.close();
  equal(frame.format, null, 'closed frame format');
  equal(clone.timestamp, 7, 'clone timestamp');
  clone.close();

  // Limited-range BT.709: Y 235 / U,V 128 is white, Y 16 is black (exact after rounding).
  const w = 16;
  const planes = new Uint8Array(w * w + 2 * (w / 2) * (w / 2));
  for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) planes[y * w + x] = x < 8 ? 235 : 16;
  planes.fill(128, w * w);
  const yuv = new wc.VideoFrame(planes, { format: 'I420', codedWidth: w, codedHeight: w, timestamp: 0,
    colorSpace: { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false } });
  const out = new Uint8Array(w * w * 4);
  await yuv.copyTo(out, { format: 'RGBA' });
  yuv.close();
  equal([...out.subarray(0, 4)].join(), '255,255,255,255', 'Y 235 → RGBA');
  equal([...out.subarray(15 * 4, 16 * 4)].join(), '0,0,0,255', 'Y 16 → RGBA');
});

test('AudioData: s16 interleaved ↔ f32-planar, u8, clone and close, exact', async (wc) => {
  const s16 = new Int16Array([-32768, 32767, 0, -1, 16384, -16384]); // 3 frames × 2 channels
  const data = new wc.AudioData({ format: 's16', sampleRate: 8000, numberOfFrames: 3, numberOfChannels: 2, timestamp: 1000, data: s16 });
  equal(data.duration, 375, 'duration of 3 frames at 8 kHz (µs)');
  const right = new Float32Array(3);
  data.copyTo(right, { planeIndex: 1, format: 'f32-planar' });
  equal([...right].join(), [1, -1 / 32768, -0.5].join(), 'right channel as f32 (32767 → 1: Chrome\'s scale)');
  const u8 = new Uint8Array(6);
  data.copyTo(u8, { planeIndex: 0, format: 'u8' });
  equal([...u8].join(), [0, 255, 128, 127, 192, 64].join(), 'as u8');
  const clone = data.clone();
  data.close();
  equal(data.format, null, 'closed AudioData format');
  const back = new Int16Array(3);
  clone.copyTo(back, { planeIndex: 0, format: 's16-planar' });
  equal([...back].join(), '-32768,0,16384', 'left channel as s16-planar');
  clone.close();
  const f32 = new wc.AudioData({ format: 'f32-planar', sampleRate: 48000, numberOfFrames: 2, numberOfChannels: 1, timestamp: 0, data: new Float32Array([0.5, -0.25]) });
  const asS16 = new Int16Array(2);
  f32.copyTo(asS16, { planeIndex: 0, format: 's16' });
  f32.close();
  equal([...asS16].join(), '16384,-8192', 'f32 → s16');
});

// ---------------------------------------------------------------------------------------------
// Worker round trip: a frame to a worker_threads Worker, an AudioData made there comes back

test('Worker round trip: a VideoFrame in, an AudioData out, through worker_threads', async (wc) => {
  const { Worker } = require('node:worker_threads');
  const worker = new Worker(path.join(__dirname, 'worker.cjs'), { workerData: { pkg: PKG } });
  try {
    const reply = new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`worker exited (${code}) before replying`)));
    });
    const pixels = new Uint8Array(8 * 4 * 4);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7) & 0xff;
    const frame = new wc.VideoFrame(pixels, { format: 'RGBA', codedWidth: 8, codedHeight: 4, timestamp: 42 });
    worker.postMessage(wc.serializeVideoFrame(frame, { transfer: true }));
    equal(frame.format, null, 'transferred frame is closed');
    const message = await reply;
    check(!message.error, `worker: ${message.error}`);
    const data = wc.deserializeAudioData(message.audio);
    try {
      const samples = new Float32Array(4);
      data.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
      equal([...samples].join(), '0.5,-0.5,0.25,-0.25', 'samples made in the worker');
      equal(data.timestamp, 99, 'AudioData timestamp from the worker');
      equal(message.sum, pixels.reduce((a, b) => a + b, 0), 'pixel sum seen in the worker');
      equal(message.timestamp, 42, 'timestamp seen in the worker');
    } finally {
      data.close();
    }
  } finally {
    await worker.terminate();
  }
});

test('the ES module entry and the polyfill give the same classes as require()', async (wc) => {
  const { pathToFileURL } = require('node:url');
  const esm = await import(pathToFileURL(path.join(PKG, 'js', 'index.mjs')).href);
  for (const k of Object.keys(wc)) equal(esm[k], wc[k], `import { ${k} }`);
  equal(esm.default, wc, 'the default export');
  // The polyfill never replaces a global the runtime already has: say which ones it found.
  const own = Object.keys(wc).filter((k) => /^[A-Z]/.test(k) && k !== 'ImageTrackList' && typeof globalThis[k] !== 'undefined');
  const { installed } = require(path.join(PKG, 'js', 'polyfill.js'));
  for (const k of installed) equal(globalThis[k], wc[k], `globalThis.${k} after the polyfill`);
  check(installed.includes('VideoEncoder') || own.includes('VideoEncoder'), 'the polyfill installed no VideoEncoder');
  if (own.length) note(`has its own ${own.join(', ')}: the polyfill leaves ${own.length === 1 ? 'it' : 'them'} in place`);
  return `polyfill installed ${installed.length}${own.length ? `, the runtime's own: ${own.join(', ')}` : ''}`;
});

test('posting a VideoFrame itself: DataCloneError where the runtime can refuse a clone, else an empty object', async (wc) => {
  const wt = require('node:worker_threads');
  const { port1, port2 } = new wt.MessageChannel();
  const frame = new wc.VideoFrame(new Uint8Array(16), { format: 'RGBA', codedWidth: 2, codedHeight: 2, timestamp: 0 });
  try {
    if (typeof wt.markAsUncloneable === 'function') {
      let threw = null;
      try { port1.postMessage(frame); } catch (e) { threw = e; }
      equal(threw && threw.name, 'DataCloneError', 'postMessage(VideoFrame) error');
      return 'DataCloneError (worker_threads.markAsUncloneable)';
    }
    // No markAsUncloneable (Node.js < 22.10): nothing lets a JS class refuse structured cloning.
    const got = new Promise((resolve) => port2.once('message', resolve));
    port1.postMessage(frame);
    const message = await got;
    equal(JSON.stringify(message), '{}', 'the posted frame as received');
    note('no worker_threads.markAsUncloneable: a VideoFrame posted as is arrives as an empty object (use serializeVideoFrame)');
    return 'arrives as {} (no markAsUncloneable)';
  } finally {
    frame.close();
    port1.close();
    port2.close();
  }
});

/** Forces a full garbage collection where the runtime offers one (node/deno --expose-gc, Bun.gc). */
function forceGc() {
  if (typeof globalThis.gc === 'function') { globalThis.gc(); return true; }
  if (globalThis.Bun && typeof globalThis.Bun.gc === 'function') { globalThis.Bun.gc(true); return true; }
  return false;
}

async function liveCountsSettle(wc, pred, ms) {
  const end = Date.now() + ms;
  for (;;) {
    forceGc();
    await new Promise((r) => setTimeout(r, 20));
    const c = wc.liveCounts();
    if (pred(c) || Date.now() > end) return c;
  }
}

test('forgotten VideoFrames and a VideoEncoder are collected with their native memory (FinalizationRegistry)', async (wc) => {
  if (!forceGc()) throw new Skip('no way to force a garbage collection (run node/deno with --expose-gc)');
  const before = await liveCountsSettle(wc, () => false, 0);
  const forget = () => {
    for (let i = 0; i < 50; i++) new wc.VideoFrame(new Uint8Array(64 * 64 * 4), { format: 'RGBA', codedWidth: 64, codedHeight: 64, timestamp: i });
    const encoder = new wc.VideoEncoder({ output: () => {}, error: () => {} });
    encoder.configure({ codec: 'vp8', width: 64, height: 64, bitrate: 100_000 });
  };
  forget();
  const held = wc.liveCounts();
  check(held.frames >= before.frames + 50, `50 open frames should be counted: ${JSON.stringify(held)}`);
  const after = await liveCountsSettle(wc, (c) => c.frames <= before.frames && c.sessions <= before.sessions, 10_000);
  check(after.frames <= before.frames && after.sessions <= before.sessions,
    `not collected within 10 s: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`);
  return `frames ${held.frames} → ${after.frames}, sessions ${held.sessions} → ${after.sessions}`;
});

// swsContexts is left out: each thread keeps its last swscale context cached (by design).
const counted = (c) => Object.entries(c).filter(([k]) => k !== 'swsContexts');
test('everything closed: every native live counter is back to zero', async (wc) => {
  const c = await liveCountsSettle(wc, (x) => counted(x).every(([, v]) => v === 0), 5000);
  const open = counted(c).filter(([, v]) => v !== 0);
  check(open.length === 0, `still live: ${open.map(([k, v]) => `${k} ${v}`).join(', ')}`);
});

// ---------------------------------------------------------------------------------------------

async function main() {
  const t0 = Date.now();
  console.log(`# native-webcodecs compatibility smoke suite under ${runtime} (${process.platform}-${process.arch})`);
  let wc;
  try {
    if (setupError) throw setupError;
    wc = require(PKG);
  } catch (err) {
    console.log(`FAIL the package could not be loaded: ${err && err.stack || err}`);
    console.log('0 passed, 1 failed');
    if (process.argv.includes('--json')) {
      console.log(`JSON ${JSON.stringify({ runtime, passed: 0, failed: 1, skipped: [], notes, failures: [{ name: 'require() of the package', error: String(err && err.stack || err) }] })}`);
    }
    process.exitCode = 1;
    return;
  }
  if (typeof FinalizationRegistry !== 'function') note('no FinalizationRegistry: forgotten codecs and frames are not collected');
  const results = await runAll(wc);
  const passed = results.filter((r) => r.ok).length;
  const skipped = results.filter((r) => r.skipped).map((r) => `${r.name}: ${r.skipped}`);
  const failed = results.length - passed - skipped.length;
  console.log(`# ${skipped.length} skipped, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  if (process.argv.includes('--json')) {
    console.log(`JSON ${JSON.stringify({ runtime, passed, failed, skipped, seconds: (Date.now() - t0) / 1000, notes, failures: results.filter((r) => r.ok === false) })}`);
  }
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((err) => {
  console.log(`FAIL the suite could not run: ${err && err.stack || err}`);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
