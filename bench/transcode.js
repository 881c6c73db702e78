'use strict';
// Benchmark (not a test): transcode a 6 s 1080p H.264 file (testsrc2, 30 fps, libx264 veryfast,
// made here with the ffmpeg CLI) through VideoDecoder → VideoEncoder to each of H.264, HEVC, VP8,
// VP9 and AV1 with default encoder settings (default latencyMode, ~5 Mbps), and print the wall
// seconds and CPU seconds of each. Issue 10's target: each < 10 s on 2 cores.
// Backpressure on both decodeQueueSize and encodeQueueSize; every frame is closed once encoded.
// Usage: node bench/transcode.js [--quick]   (--quick: 2 s instead of 6 s)
const fs = require('node:fs');
const media = require('../test/helpers/video-media');
const { VideoDecoder, VideoEncoder, EncodedVideoChunk } = require('..');

const quick = process.argv.includes('--quick');
const SECONDS = quick ? 2 : 6;
const FPS = 30;
const BITRATE = 5_000_000;
const QUEUE = 8; // most chunks/frames in flight in each queue
const TARGETS = [
  { name: 'H.264 (High, avc1.640028)', codec: 'avc1.640028' },
  { name: 'HEVC (Main, hvc1.1.6.L120.90)', codec: 'hvc1.1.6.L120.90' },
  { name: 'VP8', codec: 'vp8' },
  { name: 'VP9 (profile 0)', codec: 'vp09.00.40.08' },
  { name: 'AV1 (main)', codec: 'av01.0.08M.08' },
];

/** CPU seconds (user + system) of this process, from /proc. */
function cpuSeconds() {
  const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // USER_HZ
}

const waitDequeue = (codec) => new Promise((r) => codec.addEventListener('dequeue', r, { once: true }));

async function transcode(track, codec) {
  let failure = null;
  let chunks = 0;
  let bytes = 0;
  const encoder = new VideoEncoder({
    output(chunk) { chunks++; bytes += chunk.byteLength; },
    error(e) { failure = failure || e; },
  });
  encoder.configure({ codec, width: track.config.codedWidth, height: track.config.codedHeight, bitrate: BITRATE, framerate: FPS });
  const decoder = new VideoDecoder({
    output(frame) {
      // The frame goes straight to the encoder, which holds its own reference; close ours now.
      try { if (encoder.state === 'configured') encoder.encode(frame); } finally { frame.close(); }
    },
    error(e) { failure = failure || e; },
  });
  decoder.configure(track.config);

  const c0 = cpuSeconds();
  const t0 = process.hrtime.bigint();
  for (const c of track.chunks) {
    if (failure) break;
    decoder.decode(new EncodedVideoChunk(c));
    // Backpressure on both queues: the decoder's output feeds the encoder, so wait on whichever
    // is full before handing the decoder more work.
    while (!failure && (decoder.decodeQueueSize > QUEUE || encoder.encodeQueueSize > QUEUE)) {
      await (encoder.encodeQueueSize > QUEUE ? waitDequeue(encoder) : waitDequeue(decoder));
    }
  }
  await decoder.flush();
  await encoder.flush();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds() - c0;
  decoder.close();
  encoder.close();
  if (failure) throw failure;
  if (chunks !== track.chunks.length) throw new Error(`${codec}: ${chunks} chunks out for ${track.chunks.length} frames in`);
  return { seconds, cpu, kbps: (bytes * 8) / SECONDS / 1000 };
}

async function main() {
  const file = media.makeMedia({
    size: '1920x1080', rate: FPS, frames: SECONDS * FPS, ext: 'mp4',
    args: ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'],
  });
  const track = await media.demux(file);
  console.log(`transcode: ${SECONDS} s of 1920x1080 ${FPS} fps H.264 (testsrc2, libx264 veryfast, ${track.chunks.length} frames)`
    + ` → VideoEncoder defaults at ${BITRATE / 1e6} Mbps, ${require('node:os').availableParallelism?.() ?? require('node:os').cpus().length} cores`);
  console.log('| target | wall s | CPU s | realtime × | kb/s |');
  console.log('|---|---|---|---|---|');
  for (const t of TARGETS) {
    const r = await transcode(track, t.codec);
    console.log(`| ${t.name} | ${r.seconds.toFixed(2)} | ${r.cpu.toFixed(2)} | ${(SECONDS / r.seconds).toFixed(2)} | ${r.kbps.toFixed(0)} |`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
