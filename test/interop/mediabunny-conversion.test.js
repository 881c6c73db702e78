'use strict';
// Interop: a real WebCodecs client, unchanged. mediabunny's `Conversion` runs in Node with nothing
// but our polyfill on globalThis, in two releases: 1.25.8 (code written against Chrome a year ago)
// and the current one. Each converts an ffmpeg-made MP4 (H.264 + AAC) to WebM (VP9 + Opus) and that
// WebM back to MP4 (H.264 + AAC), and an ffmpeg-made WebM (VP8 + Vorbis) to MP4 with H.264 + AAC and
// with H.264 + MP3. The ffmpeg CLI is the judge: streams, frame counts, durations, every video
// timestamp, audio/video sync measured from the content (a chirp per channel, located by
// cross-correlation on the file's timeline), PSNR of the video and correlation of the audio against
// the source.
//
// Audio sync: our AudioEncoder stamps chunks as Chrome does — the first at the input timestamp,
// never negative (test/api/audio-timestamps.test.js) — so an AAC or MP3 track starts with the
// encoder's priming (1024 / 1105 samples at 48 kHz) at time zero, and a muxer that is not told the
// delay (neither registration has a field for it) plays it that much late: 21.3 / 23.0 ms, as a file
// Chrome encodes. Opus's delay travels as the OpusHead pre-skip.
//
// Globals: none beyond the polyfill's WebCodecs classes are provided; mediabunny needed none.
// One workaround, for mediabunny and not for us: its Matroska demuxer gives the last block of every
// cluster duration 0 unless the track has a DefaultDuration (durations are computed within a cluster
// only; see remotion-dev/remotion#8916), and Conversion drops zero-duration samples. So the WebM leg
// passes `frameRate: 30`, which makes mediabunny's muxer write DefaultDuration; without it the way
// back loses one frame per cluster (88 of 90 here). (Those chunks also showed that our VideoDecoder
// gave a chunk of duration 0 a frame of duration null; fixed, and tested in
// test/conformance/videoDecoder-codec-specific.test.js.)
// Exercised: VideoDecoder H.264 (avc1.64000d, avcC), VP9 and VP8; VideoEncoder VP9 and H.264 (avc,
// bitrateMode quantizer with per-frame avc.quantizer); AudioDecoder AAC (mp4a.40.2 + ASC), Opus
// (OpusHead) and Vorbis; AudioEncoder Opus, AAC and MP3; AudioData f32-planar (from AAC/Vorbis) and
// f32 (from Opus) into the encoders; isConfigSupported for all of them. The counts are printed.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { installed } = require('native-webcodecs/polyfill');

/** The installed version of module `id` (its package.json is not exported: found from its entry point). */
function versionOf(id) {
  for (let d = path.dirname(require.resolve(id)); d !== path.dirname(d); d = path.dirname(d)) {
    const f = path.join(d, 'package.json');
    if (fs.existsSync(f) && JSON.parse(fs.readFileSync(f, 'utf8')).name === 'mediabunny') return JSON.parse(fs.readFileSync(f, 'utf8')).version;
  }
  throw new Error(`no package.json above ${id}`);
}
/** The mediabunny releases driven: the devDependency `mediabunny-1.25` is an npm alias of 1.25.8. */
const RELEASES = ['mediabunny-1.25', 'mediabunny'].map((id) => ({ label: `mediabunny ${versionOf(id)}`, mb: require(id) }));
assert.ok(RELEASES[0].label.startsWith('mediabunny 1.25.'), RELEASES[0].label);
/** Priming (encoder delay) at 48 kHz that a muxer without the codec's delay plays late, in ms. */
const PRIMING_MS = { aac: (1024 * 1000) / 48000, mp3: (1105 * 1000) / 48000 };
const W = 320, H = 240, FPS = 30, N = 90, SECONDS = 3, RATE = 48000;
const FRAME = 1 / FPS;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-mediabunny-'));
test.after(() => { if (!process.env.KEEP_INTEROP) fs.rmSync(dir, { recursive: true, force: true }); });
const file = (name) => path.join(dir, name);

// Left: a chirp rising 200 → 2000 Hz; right: one falling 1000 → 304 Hz. A chirp has one best lag
// (a steady tone would match every period), and different channels catch a swap.
const LEFT = '0.4*sin(2*PI*(200*t+300*t*t))';
const RIGHT = '0.4*sin(2*PI*(1000*t-116*t*t))';

function ffmpeg(args) {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}
function probe(f) {
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-show_format', '-of', 'json', f], { encoding: 'utf8' }));
}
function videoPts(f) {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'frame=pts_time', '-of', 'json', f], { encoding: 'utf8' });
  return JSON.parse(out).frames.map((x) => Number(x.pts_time)).sort((a, b) => a - b);
}

/** The audio as ffmpeg plays it, on the file's own timeline: sample 0 is t = 0 (padded or trimmed there). */
function decodeAudio(f) {
  const raw = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-copyts', '-i', f, '-vn',
    '-af', 'aresample=async=1:first_pts=0', '-f', 'f32le', '-ac', '2', '-ar', String(RATE), '-'], { maxBuffer: 64 << 20 });
  const all = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const ch = [new Float32Array(all.length / 2), new Float32Array(all.length / 2)];
  for (let i = 0; i < ch[0].length; i++) { ch[0][i] = all[2 * i]; ch[1][i] = all[2 * i + 1]; }
  return ch;
}

/** Exact reference samples of a channel expression, sample i at t = i / RATE. */
function reference(expr) {
  const raw = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-f', 'lavfi', '-i',
    `aevalsrc=${expr}:s=${RATE}:d=${SECONDS}`, '-f', 'f32le', '-'], { maxBuffer: 64 << 20 });
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

/**
 * Where the reference's window [0.5 s, 1.0 s) sits in `got`: the lag in samples (positive = late)
 * with the best normalised correlation, searched over ±100 ms; and that correlation.
 */
function locate(got, ref) {
  const from = RATE / 2, len = RATE / 2, max = RATE / 10;
  let refEnergy = 0;
  for (let i = 0; i < len; i++) refEnergy += ref[from + i] ** 2;
  let best = { lag: 0, corr: -Infinity };
  for (let lag = -max; lag <= max; lag++) {
    let dot = 0, energy = 0;
    for (let i = 0; i < len; i++) {
      const g = got[from + lag + i] || 0;
      dot += g * ref[from + i];
      energy += g * g;
    }
    const corr = dot / Math.sqrt(refEnergy * energy || 1);
    if (corr > best.corr) best = { lag, corr };
  }
  return best;
}

function rms(x) {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / x.length);
}

/** ffmpeg's average PSNR of `f`'s video against the source MP4's, frames matched by index. */
function psnr(f, source) {
  const r = require('node:child_process').spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-nostdin', '-i', f, '-i', source,
    '-lavfi', '[0:v]settb=1/30,setpts=N[a];[1:v]settb=1/30,setpts=N[b];[a][b]psnr', '-f', 'null', '-'], { encoding: 'utf8' });
  const m = /PSNR y:\S+ u:\S+ v:\S+ average:([\d.]+|inf)/.exec(r.stderr);
  assert.ok(m, `ffmpeg printed no PSNR:\n${r.stderr}`);
  return m[1] === 'inf' ? Infinity : Number(m[1]);
}

/** Every WebCodecs call mediabunny makes through the globals, counted (the classes stay ours). */
const calls = {};
function count(key) { calls[key] = (calls[key] || 0) + 1; }
for (const name of ['VideoDecoder', 'VideoEncoder', 'AudioDecoder', 'AudioEncoder']) {
  const Base = globalThis[name];
  const spy = (fn, key) => function (...args) { count(key(args)); return fn.apply(this, args); };
  const isConfigSupported = Base.isConfigSupported;
  Base.isConfigSupported = async function (config) {
    const r = await isConfigSupported.call(this, config);
    count(`${name}.isConfigSupported(${config.codec}) → ${r.supported}`);
    return r;
  };
  const proto = Base.prototype;
  const configure = proto.configure;
  proto.configure = spy(configure, ([c]) => `${name}.configure(${c.codec})`);
  if (proto.encode) proto.encode = spy(proto.encode, ([x]) => `${name}.encode(${x.format})`);
  if (proto.decode) proto.decode = spy(proto.decode, ([x]) => `${name}.decode(${x.type})`);
}

/** Convert file `from` to file `to` with mediabunny `mb`. In memory (BufferSource/BufferTarget):
 * 1.25.8's CommonJS bundle cannot open files (its FilePathSource finds no `fs`). */
async function convert(mb, from, to, format, video, audio) {
  const { Input, Output, Conversion, ALL_FORMATS, BufferSource, BufferTarget } = mb;
  const input = new Input({ source: new BufferSource(fs.readFileSync(from)), formats: ALL_FORMATS });
  const target = new BufferTarget();
  const output = new Output({ format, target });
  const conversion = await Conversion.init({ input, output, video, audio, showWarnings: false });
  assert.deepStrictEqual(conversion.discardedTracks.map((d) => d.reason), [], 'no track discarded');
  assert.strictEqual(conversion.isValid, true);
  assert.strictEqual(conversion.utilizedTracks.length, 2);
  await conversion.execute();
  input.dispose?.();
  fs.writeFileSync(to, Buffer.from(target.buffer));
}

/** The checks both outputs must pass. */
function check(f, expect, source) {
  const p = probe(f);
  const v = p.streams.find((s) => s.codec_type === 'video');
  const a = p.streams.find((s) => s.codec_type === 'audio');
  assert.strictEqual(p.streams.length, 2, 'one video and one audio stream');
  assert.strictEqual(v.codec_name, expect.video);
  assert.strictEqual(a.codec_name, expect.audio);
  assert.strictEqual(v.width, W);
  assert.strictEqual(v.height, H);
  assert.strictEqual(Number(a.sample_rate), RATE);
  assert.strictEqual(a.channels, 2);
  assert.strictEqual(Number(v.nb_read_frames), N, 'video frame count');

  // Duration within one frame of the source's.
  const duration = Number(p.format.duration);
  assert.ok(duration >= SECONDS - FRAME && duration <= SECONDS + FRAME + (expect.priming || 0) / 1000, `duration ${duration} s, source ${SECONDS} s`);
  const vStart = Number(v.start_time), aStart = Number(a.start_time);
  // The source's own video start (ffmpeg shifts a WebM with Vorbis by its −2.67 ms first packet).
  assert.ok(Math.abs(vStart - (expect.vStart || 0)) < 1e-3, `video starts at ${vStart} s, expected ${expect.vStart || 0} s`);

  // Every frame where the source had it (WebM timestamps are whole milliseconds).
  const pts = videoPts(f);
  assert.strictEqual(pts.length, N);
  pts.forEach((t, i) => assert.ok(Math.abs(t - vStart - i * FRAME) <= 1e-3, `frame ${i} at ${t} s, expected ${vStart + i * FRAME}`));
  const lastEnd = pts[N - 1] + FRAME;

  // Audio: not silent, each channel where the source put it relative to the video, and similar.
  const [l, r] = decodeAudio(f);
  const audioSeconds = l.length / RATE;
  assert.ok(rms(l) > 0.2 && rms(r) > 0.2, `audio RMS ${rms(l).toFixed(3)} / ${rms(r).toFixed(3)} (source 0.283)`);
  const left = locate(l, source.left), right = locate(r, source.right);
  const db = psnr(f, source.file);
  const m = { duration, vStart, aStart, audioSeconds, lastEnd, lagMs: (left.lag * 1000) / RATE, lagRightMs: (right.lag * 1000) / RATE,
    corrLeft: left.corr, corrRight: right.corr, psnr: db };
  console.log(`# ${path.basename(f)}: ${JSON.stringify(m, (k, x) => (typeof x === 'number' ? (Number.isFinite(x) ? Number(x.toFixed(4)) : String(x)) : x))}`);
  assert.ok(aStart >= 0, `audio starts at ${aStart} s: not negative`);
  assert.ok(Math.abs(aStart - vStart) <= 1 / 48 + FRAME, `start times: audio ${aStart} s, video ${vStart} s`);
  // The decoded audio may also hold our encoder's priming (expect.priming ms) and the last codec frame's padding.
  const slack = FRAME + (expect.priming || 0) / 1000;
  assert.ok(audioSeconds >= SECONDS - FRAME && audioSeconds <= SECONDS + slack, `decoded audio lasts ${audioSeconds} s`);
  assert.ok(left.corr > 0.9 && right.corr > 0.9, `audio correlates with the source: L ${left.corr}, R ${right.corr}`);
  assert.strictEqual(left.lag, right.lag, 'both channels at the same offset');
  assert.ok(Math.abs(m.lagMs - expect.lagMs) <= 1, `audio is ${m.lagMs} ms off the video timeline, expected ${expect.lagMs} ± 1 ms`);
  assert.ok(Math.abs(m.lagMs - (expect.priming || 0)) <= 1000 / 48, `audio is ${m.lagMs} ms off the video timeline: more than one audio frame beyond our encoder's priming`);
  assert.ok(db > 25, `PSNR ${db} dB against the source`);
  return m;
}

/** The sources, made once by the ffmpeg CLI: MP4 (H.264 + AAC) and WebM (VP8 + Vorbis), same content. */
function sources() {
  const lavfi = ['-f', 'lavfi', '-i', `testsrc2=size=${W}x${H}:rate=${FPS}:duration=${SECONDS}`,
    '-f', 'lavfi', '-i', `aevalsrc=${LEFT}|${RIGHT}:s=${RATE}:d=${SECONDS}:c=stereo`];
  const mp4 = file('source.mp4');
  ffmpeg([...lavfi, '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '192k', '-movflags', '+faststart', mp4]);
  const webm = file('source.webm');
  ffmpeg([...lavfi, '-c:v', 'libvpx', '-b:v', '1M', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libvorbis', '-q:a', '6', webm]);
  const webmVStart = Number(probe(webm).streams.find((x) => x.codec_type === 'video').start_time);
  return { mp4, webm, webmVStart, left: reference(LEFT), right: reference(RIGHT) };
}
let made;
const source = () => made || (made = sources());

test('the measurements can fail: the sources themselves, and a copy with the audio 40 ms late', () => {
  const src = source();
  const own = check(src.mp4, { video: 'h264', audio: 'aac', lagMs: 0 }, { ...src, file: src.mp4 });
  assert.strictEqual(own.lagMs, 0);
  assert.strictEqual(own.psnr, Infinity);
  assert.ok(src.webmVStart >= 0 && src.webmVStart < 0.005, `the WebM source's video starts at ${src.webmVStart} s`);
  // Its audio is shifted with its video (ffmpeg's decode of it lines up with the video).
  check(src.webm, { video: 'vp8', audio: 'vorbis', lagMs: Math.round(src.webmVStart * 1000), vStart: src.webmVStart }, { ...src, file: src.mp4 });
  const late = file('late.mp4');
  ffmpeg(['-i', src.mp4, '-itsoffset', '0.040', '-i', src.mp4, '-map', '0:v', '-map', '1:a', '-c', 'copy', late]);
  const [l] = decodeAudio(late);
  const lag = (locate(l, src.left).lag * 1000) / RATE;
  assert.ok(Math.abs(lag - 40) <= 1, `a 40 ms shift measures ${lag} ms`);
});

for (const { label, mb } of RELEASES) {
  test(`${label} Conversion with only the polyfill: MP4 (H.264 + AAC) → WebM (VP9 + Opus) → MP4 (H.264 + AAC); WebM (VP8 + Vorbis) → MP4 (H.264 + AAC | MP3)`, async (t) => {
    assert.ok(['VideoDecoder', 'VideoEncoder', 'AudioDecoder', 'AudioEncoder', 'VideoFrame', 'AudioData'].every((n) => installed.includes(n)),
      'the WebCodecs classes on globalThis are ours');
    for (const k of Object.keys(calls)) delete calls[k];
    const src = source();
    const ref = { ...src, file: src.mp4 };
    const tag = label.replace(/\W+/g, '-');
    const webm = file(`${tag}-converted.webm`);
    const back = file(`${tag}-converted.mp4`);
    const started = performance.now();
    await convert(mb, src.mp4, webm, new mb.WebMOutputFormat(),
      { codec: 'vp9', forceTranscode: true, frameRate: FPS }, { codec: 'opus', forceTranscode: true });
    const webmMs = performance.now() - started;
    await convert(mb, webm, back, new mb.Mp4OutputFormat({ fastStart: 'in-memory' }),
      { codec: 'avc', forceTranscode: true }, { codec: 'aac', forceTranscode: true });
    const fromVorbis = { aac: file(`${tag}-vorbis-aac.mp4`), mp3: file(`${tag}-vorbis-mp3.mp4`) };
    for (const [codec, out] of Object.entries(fromVorbis)) {
      await convert(mb, src.webm, out, new mb.Mp4OutputFormat({ fastStart: 'in-memory' }),
        { codec: 'avc', forceTranscode: true }, { codec, forceTranscode: true });
    }
    console.log(`# ${label}: conversions took ${(performance.now() - started).toFixed(0)} ms (${webmMs.toFixed(0)} ms to WebM)`);
    console.log(`# ${label}: WebCodecs calls: ${JSON.stringify(calls)}`);

    for (const key of ['VideoDecoder.configure(avc1', 'VideoEncoder.configure(vp09', 'AudioDecoder.configure(mp4a.40.2)',
      'AudioEncoder.configure(opus)', 'VideoDecoder.configure(vp09', 'VideoEncoder.configure(avc1', 'AudioDecoder.configure(opus)',
      'AudioEncoder.configure(mp4a.40.2)', 'VideoDecoder.configure(vp8)', 'AudioDecoder.configure(vorbis)', 'AudioEncoder.configure(mp3)']) {
      assert.ok(Object.keys(calls).some((k) => k.startsWith(key)), `mediabunny called ${key}…`);
    }
    assert.ok(!Object.keys(calls).some((k) => k.endsWith('→ false')), 'no isConfigSupported said no');

    await t.test('WebM: VP9 + Opus', () => {
      // mediabunny's Matroska muxer writes the OpusHead pre-skip as SeekPreRoll and no CodecDelay, so
      // ffmpeg (which subtracts CodecDelay from block times and then drops pre-skip samples, moving the
      // first frame's pts by them) plays this file's audio pre-skip late, at ms resolution. An
      // ffmpeg-muxed WebM of the same audio has CodecDelay (audio start_time -0.007) and measures 0 here.
      const bytes = fs.readFileSync(webm);
      const head = bytes.indexOf('OpusHead');
      assert.ok(head > 0, 'OpusHead in CodecPrivate');
      const preSkip = bytes.readUInt16LE(head + 10);
      const aStart = Number(probe(webm).streams.find((s) => s.codec_type === 'audio').start_time);
      const lagMs = Math.round((preSkip / RATE + aStart) * 1000);
      console.log(`# ${label} WebM: pre-skip ${preSkip} samples, audio start_time ${aStart} s → expected lag ${lagMs} ms`);
      check(webm, { video: 'vp9', audio: 'opus', lagMs }, ref);
    });
    // Read back by mediabunny and decoded by our AudioDecoder (which honours the pre-skip), the audio
    // is where the source had it; the AAC encoder's priming then plays 21.3 ms late, as Chrome's.
    await t.test('back to MP4: H.264 + AAC', () => { check(back, { video: 'h264', audio: 'aac', lagMs: PRIMING_MS.aac, priming: PRIMING_MS.aac }, ref); });
    await t.test('WebM (VP8 + Vorbis) → MP4: H.264 + AAC', () => { check(fromVorbis.aac, { video: 'h264', audio: 'aac', lagMs: PRIMING_MS.aac, priming: PRIMING_MS.aac, vStart: src.webmVStart }, ref); });
    await t.test('WebM (VP8 + Vorbis) → MP4: H.264 + MP3', () => { check(fromVorbis.mp3, { video: 'h264', audio: 'mp3', lagMs: PRIMING_MS.mp3, priming: PRIMING_MS.mp3, vStart: src.webmVStart }, ref); });
  });
}
