// Record audio to WebM/Opus: a generated tone (stand-in for a microphone) → AudioData →
// AudioEncoder (Opus) → webm-muxer.
//   node examples/record-audio-webm.mjs [out.webm]
// Needs: npm install native-webcodecs webm-muxer
import { writeFileSync } from 'node:fs';
import { AudioEncoder, AudioData } from 'native-webcodecs';
import 'native-webcodecs/polyfill'; // webm-muxer checks chunks against the global EncodedAudioChunk
import { Muxer, ArrayBufferTarget } from 'webm-muxer';

const out = process.argv[2] || 'tone.webm';
const sampleRate = 48000, numberOfChannels = 2, seconds = 1;

const muxer = new Muxer({ target: new ArrayBufferTarget(), audio: { codec: 'A_OPUS', sampleRate, numberOfChannels } });
const encoder = new AudioEncoder({
  output: (chunk, metadata) => muxer.addAudioChunk(chunk, metadata),
  error: (e) => { throw e; },
});
encoder.configure({ codec: 'opus', sampleRate, numberOfChannels, bitrate: 96_000 });

// Deliver the sound as a capture device would: 10 ms pieces, interleaved float samples.
const piece = sampleRate / 100;
for (let start = 0; start < sampleRate * seconds; start += piece) {
  const samples = new Float32Array(piece * numberOfChannels);
  for (let i = 0; i < piece; i++) {
    const t = (start + i) / sampleRate;
    samples[i * 2] = 0.3 * Math.sin(2 * Math.PI * 440 * t);     // left: A4
    samples[i * 2 + 1] = 0.3 * Math.sin(2 * Math.PI * 660 * t); // right: E5
  }
  const data = new AudioData({ format: 'f32', sampleRate, numberOfChannels, numberOfFrames: piece, timestamp: start * 1_000_000 / sampleRate, data: samples });
  encoder.encode(data);
  data.close();
}
await encoder.flush();
encoder.close();
muxer.finalize();
writeFileSync(out, Buffer.from(muxer.target.buffer));
console.log(`wrote ${out}: ${seconds} s of stereo Opus, ${muxer.target.buffer.byteLength} bytes`);
