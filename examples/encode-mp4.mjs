// Encode an animation drawn in JavaScript (no canvas) to an H.264 MP4 with mp4-muxer.
//   node examples/encode-mp4.mjs [out.mp4]
// Needs: npm install native-webcodecs mp4-muxer
import { writeFileSync } from 'node:fs';
import { VideoEncoder, VideoFrame } from 'native-webcodecs';
import 'native-webcodecs/polyfill'; // mp4-muxer checks chunks against the global EncodedVideoChunk
import { Muxer, ArrayBufferTarget } from 'mp4-muxer';

const out = process.argv[2] || 'animation.mp4';
const width = 320, height = 240, fps = 30, seconds = 1;

const muxer = new Muxer({ target: new ArrayBufferTarget(), video: { codec: 'avc', width, height }, fastStart: 'in-memory' });
const encoder = new VideoEncoder({
  output: (chunk, metadata) => muxer.addVideoChunk(chunk, metadata), // metadata carries the avcC on the first chunk
  error: (e) => { throw e; },
});
encoder.configure({ codec: 'avc1.42001F', width, height, bitrate: 1_000_000, framerate: fps });

// One RGBA picture per frame: a gradient with a white square moving across it.
const rgba = new Uint8Array(width * height * 4);
for (let i = 0; i < fps * seconds; i++) {
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      const inSquare = Math.abs(x - i * 10) < 20 && Math.abs(y - height / 2) < 20;
      rgba[p] = inSquare ? 255 : x * 255 / width;      // R
      rgba[p + 1] = inSquare ? 255 : y * 255 / height; // G
      rgba[p + 2] = inSquare ? 255 : 128;              // B
      rgba[p + 3] = 255;                               // A
    }
  }
  const frame = new VideoFrame(rgba, { format: 'RGBA', codedWidth: width, codedHeight: height, timestamp: i * 1_000_000 / fps, duration: 1_000_000 / fps });
  encoder.encode(frame, { keyFrame: i % 60 === 0 });
  frame.close(); // the encoder keeps its own reference
}
await encoder.flush(); // without this, the process may exit with frames still queued
encoder.close();
muxer.finalize();
writeFileSync(out, Buffer.from(muxer.target.buffer));
console.log(`wrote ${out}: ${fps * seconds} frames, ${muxer.target.buffer.byteLength} bytes`);
