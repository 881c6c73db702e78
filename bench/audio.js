'use strict';
// Benchmark (not a test): AudioEncoder / AudioDecoder speed (× realtime) against the ffmpeg CLI on
// the same PCM in one run, same encoder and bitrate on both sides, single-threaded codecs both
// sides (audio codecs have no threading). Input: 60 s (20 s with --quick) of a 2-channel 48 kHz
// sweep, fed to AudioEncoder in 20 ms f32-planar AudioData; the CLI reads the same samples as raw
// f32le. Decode: our chunks vs the CLI decoding the file it made. Prints one line per case.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { AudioEncoder, AudioDecoder, AudioData, EncodedAudioChunk } = require('..');

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 20 : 60;
const RATE = 48000;
const FRAMES = SECONDS * RATE;
const CASES = [
  { codec: 'opus', ffmpeg: ['-c:a', 'libopus', '-b:a', '128k'], ext: 'ogg', dec: ['-c:a', 'libopus'] },
  { codec: 'mp4a.40.2', ffmpeg: ['-c:a', 'aac', '-b:a', '128k'], ext: 'aac', dec: [] },
  { codec: 'mp3', ffmpeg: ['-c:a', 'libmp3lame', '-b:a', '128k'], ext: 'mp3', dec: [] },
];

const planar = new Float32Array(FRAMES * 2);
const interleaved = new Float32Array(FRAMES * 2);
for (let i = 0; i < FRAMES; i++) {
  const t = i / RATE;
  const l = 0.5 * Math.sin(2 * Math.PI * (100 + 100 * t) * t);
  const r = 0.5 * Math.sin(2 * Math.PI * (200 + 150 * t) * t);
  planar[i] = l; planar[FRAMES + i] = r;
  interleaved[2 * i] = l; interleaved[2 * i + 1] = r;
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-bench-audio-'));
const raw = path.join(dir, 'in.f32');
fs.writeFileSync(raw, Buffer.from(interleaved.buffer));

async function encodeOurs(c) {
  const chunks = [];
  let config;
  const enc = new AudioEncoder({ output: (ch, m) => { if (m.decoderConfig) config = m.decoderConfig; chunks.push(ch); }, error: (e) => { throw e; } });
  enc.configure({ codec: c.codec, sampleRate: RATE, numberOfChannels: 2, bitrate: 128000 });
  const PIECE = 960;
  const piece = new Float32Array(PIECE * 2);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i + PIECE <= FRAMES; i += PIECE) {
    piece.set(planar.subarray(i, i + PIECE), 0);
    piece.set(planar.subarray(FRAMES + i, FRAMES + i + PIECE), PIECE);
    const a = new AudioData({ format: 'f32-planar', sampleRate: RATE, numberOfFrames: PIECE, numberOfChannels: 2, timestamp: Math.round(i * 1e6 / RATE), data: piece });
    enc.encode(a);
    a.close();
    if (enc.encodeQueueSize > 32) await new Promise((r) => enc.addEventListener('dequeue', r, { once: true }));
  }
  await enc.flush();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  enc.close();
  return { s, chunks, config };
}

async function decodeOurs(chunks, config) {
  let frames = 0;
  const dec = new AudioDecoder({ output: (a) => { frames += a.numberOfFrames; a.close(); }, error: (e) => { throw e; } });
  dec.configure(config);
  const t0 = process.hrtime.bigint();
  for (const c of chunks) {
    dec.decode(c);
    if (dec.decodeQueueSize > 64) await new Promise((r) => dec.addEventListener('dequeue', r, { once: true }));
  }
  await dec.flush();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  dec.close();
  return { s, frames };
}

function cli(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
  if (r.status !== 0) throw new Error(String(r.stderr));
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

(async () => {
  console.log(`# audio: ${SECONDS} s of 2-channel 48 kHz, 128 kb/s; × realtime (higher is faster); ratio = ours / ffmpeg CLI`);
  for (const c of CASES) {
    const file = path.join(dir, `out.${c.ext}`);
    const cliEnc = cli(['-f', 'f32le', '-ar', String(RATE), '-ac', '2', '-i', raw, ...c.ffmpeg, '-threads', '1', file]);
    const ours = await encodeOurs(c);
    const cliDec = cli([...c.dec, '-i', file, '-f', 'null', '-']);
    const d = await decodeOurs(ours.chunks, ours.config);
    const x = (s) => (SECONDS / s).toFixed(0);
    console.log(`${c.codec.padEnd(10)} encode ${x(ours.s)}× (ffmpeg ${x(cliEnc)}×, ratio ${(cliEnc / ours.s).toFixed(2)})   decode ${x(d.s)}× (ffmpeg ${x(cliDec)}×, ratio ${(cliDec / d.s).toFixed(2)})`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
})();
