// Decode the first frames of an MP4 (any codec VideoDecoder supports) to PNG files.
// mediabunny demuxes the file; our VideoDecoder decodes; node:zlib writes the PNGs.
//   node examples/mp4-to-png.mjs input.mp4 [count] [out-prefix]
// Needs: npm install native-webcodecs mediabunny
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import 'native-webcodecs/polyfill'; // mediabunny's packets become EncodedVideoChunks through the globals
import { Input, ALL_FORMATS, FilePathSource, EncodedPacketSink } from 'mediabunny';

const [file = 'animation.mp4', count = '5', prefix = 'frame'] = process.argv.slice(2);

const input = new Input({ source: new FilePathSource(file), formats: ALL_FORMATS });
const track = await input.getPrimaryVideoTrack();
if (!track) throw new Error(`${file} has no video track`);
const config = await track.getDecoderConfig(); // codec string, description (avcC …), size

const frames = [];
const decoder = new VideoDecoder({ output: (frame) => frames.push(frame), error: (e) => { throw e; } });
decoder.configure(config);
const sink = new EncodedPacketSink(track);
let sent = 0;
for await (const packet of sink.packets()) {
  decoder.decode(packet.toEncodedVideoChunk());
  if (++sent >= Number(count) + 16) break; // enough chunks for `count` frames, even with B-frames
}
await decoder.flush();
decoder.close();

frames.sort((a, b) => a.timestamp - b.timestamp);
for (const [i, frame] of frames.entries()) {
  if (i < Number(count)) {
    const { displayWidth: w, displayHeight: h } = frame;
    const rgba = new Uint8Array(w * h * 4);
    await frame.copyTo(rgba, { format: 'RGBA' }); // converted from the decoder's YUV
    const name = `${prefix}-${String(i).padStart(3, '0')}.png`;
    writeFileSync(name, png(w, h, rgba));
    console.log(`wrote ${name} (${w}×${h}, timestamp ${frame.timestamp} µs)`);
  }
  frame.close();
}

/** A minimal PNG writer: 8-bit RGBA, one IDAT, no filtering. */
function png(width, height, rgba) {
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) rows.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter method, no interlace
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
