'use strict';
// The main job, end to end: render an animation, encode it with VideoEncoder (H.264) exactly as a
// browser script would, mux the chunks into an MP4 with mp4-muxer, and say where the file is;
// then decode the sample images in scripts/demo-images with ImageDecoder (one of them streamed).
const fs = require('node:fs');
const path = require('node:path');
const { Muxer, ArrayBufferTarget } = require('mp4-muxer');
// The polyfill puts the classes on globalThis, as in a browser (mp4-muxer looks for EncodedVideoChunk there).
require('../js/polyfill');
const { liveCounts } = require('..');

const W = 1280, H = 720, FPS = 30, SECONDS = 5, FRAMES = FPS * SECONDS;
const outDir = path.resolve(process.cwd(), 'out');
const outFile = path.join(outDir, 'demo.mp4');

/** One RGBA frame: a scrolling hue gradient with a bouncing square. */
function render(i, rgba) {
  const px = new Uint32Array(rgba.buffer);
  const shift = i * 4;
  const row = new Uint32Array(W);
  for (let x = 0; x < W; x++) {
    const h = ((x + shift) % W) / W * 6;
    const k = Math.floor(h), f = h - k;
    const v = [[1, f, 0], [1 - f, 1, 0], [0, 1, f], [0, 1 - f, 1], [f, 0, 1], [1, 0, 1 - f]][k];
    row[x] = (255 << 24) | ((v[2] * 255) << 16) | ((v[1] * 255) << 8) | (v[0] * 255);
  }
  for (let y = 0; y < H; y++) {
    const shade = 0.55 + 0.45 * Math.sin((y + i * 3) / 40);
    for (let x = 0; x < W; x++) {
      const c = row[x];
      px[y * W + x] = (255 << 24) | ((((c >> 16) & 255) * shade) << 16) | ((((c >> 8) & 255) * shade) << 8) | ((c & 255) * shade);
    }
  }
  const t = i / FPS, s = 120;
  const bx = Math.round((W - s) * (0.5 + 0.5 * Math.sin(t * 2.1))), by = Math.round((H - s) * Math.abs(Math.sin(t * 3.3)));
  for (let y = by; y < by + s; y++) px.fill(0xffffffff, y * W + bx, y * W + bx + s);
}

async function main() {
  const t0 = process.hrtime.bigint();
  const muxer = new Muxer({ target: new ArrayBufferTarget(), video: { codec: 'avc', width: W, height: H, frameRate: FPS }, fastStart: 'in-memory' });
  let chunks = 0, bytes = 0;
  const encoder = new VideoEncoder({
    output: (chunk, meta) => { muxer.addVideoChunk(chunk, meta); chunks++; bytes += chunk.byteLength; },
    error: (e) => { console.error(`\nencoder error: ${e.name}: ${e.message}`); process.exit(1); },
  });
  // Constrained Baseline (no B-frames): chunk timestamps stay monotonic, as mp4-muxer expects.
  const config = { codec: 'avc1.42E01F', width: W, height: H, bitrate: 4_000_000, framerate: FPS };
  const support = await VideoEncoder.isConfigSupported(config);
  if (!support.supported) throw new Error(`${config.codec} ${W}x${H} is not supported here`);
  encoder.configure(config);

  const rgba = new Uint8Array(W * H * 4);
  for (let i = 0; i < FRAMES; i++) {
    render(i, rgba);
    const frame = new VideoFrame(rgba, { format: 'RGBA', codedWidth: W, codedHeight: H, timestamp: Math.round(i * 1e6 / FPS), duration: Math.round(1e6 / FPS) });
    encoder.encode(frame, { keyFrame: i % (FPS * 2) === 0 });
    frame.close();
    while (encoder.encodeQueueSize > 4) await new Promise((r) => encoder.addEventListener('dequeue', r, { once: true }));
    if (i % 5 === 0 || i === FRAMES - 1) {
      const pct = Math.round(((i + 1) / FRAMES) * 100);
      process.stdout.write(`\r\x1b[Kencoding ${W}x${H} H.264: frame ${i + 1}/${FRAMES} (${pct}%)   `);
    }
  }
  await encoder.flush();
  encoder.close();
  muxer.finalize();
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(outFile, Buffer.from(muxer.target.buffer));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write('\n');
  console.log(`wrote ${outFile}`);
  console.log(`  ${FRAMES} frames (${SECONDS} s at ${FPS} fps), ${chunks} chunks, ${(bytes / 1024).toFixed(0)} KiB of H.264 (${config.codec}), in ${secs.toFixed(2)} s (${(FRAMES / secs).toFixed(0)} frames/s including rendering)`);
  console.log(`  play it: ffplay ${path.relative(process.cwd(), outFile)}   inspect it: ffprobe ${path.relative(process.cwd(), outFile)}`);
  // Everything native is released once the encoder is closed.
  await new Promise((r) => setTimeout(r, 100));
  const live = Object.entries(liveCounts()).filter(([, v]) => v);
  if (live.length) console.log('  live native objects:', Object.fromEntries(live));
}

/** Decode every sample image (JPEG, PNG, animated GIF from a stream, animated WebP) and describe it. */
async function decodeImages() {
  const { Readable } = require('node:stream');
  const dir = path.join(__dirname, 'demo-images');
  const samples = [
    ['mandelbrot.jpg', 'image/jpeg'],
    ['gradient.png', 'image/png'],
    ['life.gif', 'image/gif', 'stream'],
    ['testsrc.webp', 'image/webp'],
  ];
  console.log('decoding images with ImageDecoder:');
  for (const [name, type, how] of samples) {
    const file = path.join(dir, name);
    const t0 = process.hrtime.bigint();
    const data = how === 'stream' ? Readable.toWeb(fs.createReadStream(file, { highWaterMark: 16 * 1024 })) : fs.readFileSync(file);
    const decoder = new ImageDecoder({ data, type });
    await decoder.tracks.ready;
    await decoder.completed;
    const track = decoder.tracks.selectedTrack;
    let first = '', total = 0;
    for (let i = 0; i < track.frameCount; i++) {
      const { image } = await decoder.decode({ frameIndex: i });
      if (i === 0) first = `${image.format} ${image.displayWidth}x${image.displayHeight}`;
      total += image.duration || 0;
      image.close();
    }
    decoder.close();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const anim = track.animated ? `, ${(total / 1e6).toFixed(2)} s long, repetitionCount ${track.repetitionCount}` : '';
    console.log(`  ${name}${how === 'stream' ? ' (streamed)' : ''}: ${first}, ${track.frameCount} frame${track.frameCount === 1 ? '' : 's'}${anim} — decoded in ${ms.toFixed(1)} ms`);
  }
}

main().then(decodeImages).catch((e) => { console.error(e); process.exit(1); });
