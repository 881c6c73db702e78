'use strict';
// test/helpers: audio test media made AT TEST TIME with the ffmpeg CLI (a 2-channel 48 kHz sweep,
// no binary fixtures), demuxed with mediabunny (MP4, ADTS, MP3, Ogg, WebM, FLAC, WAVE readers) and
// decoded by the ffmpeg CLI for comparison. Also the sweep itself as AudioData input. Not a test
// file (the runner only runs *.test.js).

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const RATE = 48000;
/** Left: 100 Hz → 4.1 kHz sweep; right: 200 Hz → 6.2 kHz; amplitude 0.5. */
const SWEEP = ['0.5*sin(2*PI*(100+2000*t)*t)', '0.5*sin(2*PI*(200+3000*t)*t)'];
const sweepAt = (c, i, rate = RATE) => {
  const t = i / rate;
  return 0.5 * Math.sin(2 * Math.PI * (c === 0 ? 100 + 2000 * t : 200 + 3000 * t) * t);
};

/** The sweep as planar f32, `frames` long, from sample `start`. */
function sweepPlanar(frames, start = 0, channels = 2, rate = RATE) {
  const out = new Float32Array(frames * channels);
  for (let c = 0; c < channels; c++) for (let i = 0; i < frames; i++) out[c * frames + i] = sweepAt(c % 2, start + i, rate);
  return out;
}

let dir;
function tmpDir() {
  if (!dir) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-audio-'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return dir;
}

const made = new Map();
/** Encode `seconds` of the sweep with `args` into `name` (extension picks the container); cached. */
function makeAudio(name, args, seconds = 1) {
  const key = `${name} ${args.join(' ')} ${seconds}`;
  if (made.has(key)) return made.get(key);
  const file = path.join(tmpDir(), name);
  const src = `aevalsrc=${SWEEP.join('|')}:s=${RATE}:d=${seconds}`;
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', src, ...args, file]);
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} ${name} failed: ${r.stderr}`);
  made.set(key, file);
  return file;
}

/** ffmpeg's own decode of `file` as interleaved f32 (with `decoder` forced when given). */
function ffmpegDecode(file, decoder) {
  const pre = decoder ? ['-c:a', decoder] : [];
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...pre, '-i', file, '-f', 'f32le', '-'], { maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`ffmpeg decode of ${file} failed: ${r.stderr}`);
  return new Float32Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength / 4);
}

/** Demux the first audio track: {config, chunks: [{type, timestamp, duration, data}]} (µs). */
async function demuxAudio(file) {
  const { Input, BufferSource, ALL_FORMATS, EncodedPacketSink } = require('mediabunny');
  const input = new Input({ formats: ALL_FORMATS, source: new BufferSource(fs.readFileSync(file)) });
  const track = await input.getPrimaryAudioTrack();
  if (!track) throw new Error(`${file}: no audio track`);
  const config = await track.getDecoderConfig();
  const chunks = [];
  for await (const p of new EncodedPacketSink(track).packets()) {
    chunks.push({ type: p.type, timestamp: Math.round(p.timestamp * 1e6), duration: Math.round(p.duration * 1e6), data: p.data });
  }
  return { config, chunks };
}

const TYPED = { u8: Uint8Array, s16: Int16Array, s32: Int32Array, f32: Float32Array };

/** Decoded AudioData → interleaved `format` samples from timestamp `from` µs on (earlier dropped). */
function interleavedFrom(datas, from = 0, format = 'f32') {
  const T = TYPED[format];
  const parts = [];
  let total = 0;
  for (const d of datas) {
    const n = d.numberOfFrames;
    const ch = d.numberOfChannels;
    const buf = new T(n * ch);
    d.copyTo(buf, { planeIndex: 0, format });
    const skip = Math.max(0, Math.min(n, Math.round((from - d.timestamp) * d.sampleRate / 1e6)));
    parts.push(buf.subarray(skip * ch));
    total += (n - skip) * ch;
  }
  const out = new T(total);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** SNR (dB) of `got` against `ref` over their common length. */
function snr(ref, got) {
  const n = Math.min(ref.length, got.length);
  let s = 0; let e = 0;
  for (let i = 0; i < n; i++) { s += ref[i] * ref[i]; e += (ref[i] - got[i]) ** 2; }
  return 10 * Math.log10(s / Math.max(e, 1e-30));
}

const hasEncoder = (() => {
  let list;
  return (name) => {
    if (list === undefined) list = String(spawnSync('ffmpeg', ['-hide_banner', '-encoders']).stdout);
    return list.includes(` ${name} `);
  };
})();

module.exports = { TYPED, RATE, sweepAt, sweepPlanar, makeAudio, ffmpegDecode, demuxAudio, interleavedFrom, snr, hasEncoder };
