'use strict';
// Interop: the audio leg of a typical transcode, with the pieces a browser app would use.
// An MP4 made by the ffmpeg CLI (H.264 + AAC; its AAC track has an edit list, so a demuxer that
// applies it gives the first chunk a negative timestamp) → mediabunny's demuxer → our AudioDecoder
// → our AudioEncoder (Opus) → webm-muxer (which, with `firstTimestampBehavior: 'strict'`, refuses a
// first chunk that is not at 0 and any negative time) → ffprobe and the ffmpeg CLI: no error, the
// duration, packet count and decoded sample count of the source.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
// webm-muxer looks for EncodedAudioChunk on globalThis, as in a browser: the polyfill puts ours there.
require('native-webcodecs/polyfill');
const WebM = require('webm-muxer');
const { AudioDecoder, AudioEncoder, EncodedAudioChunk } = require('../..');
const { demuxAudio } = require('../helpers/audio-media');

const RATE = 48000, SECONDS = 3;

test('ffmpeg MP4 (H.264 + AAC) → demux → AudioDecoder → AudioEncoder (Opus) → webm-muxer → ffprobe', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-aac-opus-'));
  try {
    const src = path.join(dir, 'source.mp4');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
      '-f', 'lavfi', '-i', `testsrc2=size=160x120:rate=30:duration=${SECONDS}`,
      '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=${RATE}:duration=${SECONDS}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-ac', '2', '-b:a', '128k', src]);
    const { config, chunks } = await demuxAudio(src);
    assert.ok(chunks[0].timestamp < 0, `the edit list gives the first chunk ${chunks[0].timestamp} µs`);

    const muxer = new WebM.Muxer({
      target: new WebM.ArrayBufferTarget(),
      audio: { codec: 'A_OPUS', sampleRate: RATE, numberOfChannels: 2 },
      firstTimestampBehavior: 'strict',
    });
    const errors = [];
    const timestamps = [];
    let decodedFrames = 0;
    const encoder = new AudioEncoder({
      output: (chunk, meta) => { timestamps.push(chunk.timestamp); muxer.addAudioChunk(chunk, meta); },
      error: (e) => errors.push(e),
    });
    encoder.configure({ codec: 'opus', sampleRate: RATE, numberOfChannels: 2, bitrate: 96_000 });
    const decoder = new AudioDecoder({
      output: (data) => { decodedFrames += data.numberOfFrames; encoder.encode(data); data.close(); },
      error: (e) => errors.push(e),
    });
    decoder.configure(config);
    for (const c of chunks) decoder.decode(new EncodedAudioChunk(c));
    await decoder.flush();
    await encoder.flush();
    decoder.close();
    encoder.close();
    muxer.finalize();
    assert.deepStrictEqual(errors, []);
    assert.strictEqual(timestamps[0], 0, 'the first Opus chunk is at 0');
    assert.ok(timestamps.every((t) => t >= 0), 'no negative chunk');

    const out = path.join(dir, 'out.webm');
    fs.writeFileSync(out, Buffer.from(muxer.target.buffer));
    const p = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-count_packets', '-show_streams', '-show_format', '-of', 'json', out], { encoding: 'utf8' }));
    assert.strictEqual(p.streams.length, 1);
    const a = p.streams[0];
    assert.strictEqual(a.codec_name, 'opus');
    assert.strictEqual(Number(a.sample_rate), RATE);
    assert.strictEqual(a.channels, 2);
    // The AAC decoder's output (the source plus its 1024-sample priming, whole frames) in 20 ms packets.
    assert.ok(decodedFrames >= SECONDS * RATE && decodedFrames <= SECONDS * RATE + 2 * 1024, `decoded ${decodedFrames} frames`);
    assert.strictEqual(Number(a.nb_read_packets), Math.ceil(decodedFrames / 960), 'one packet per 20 ms');
    const duration = Number(p.format.duration);
    assert.ok(Math.abs(duration - decodedFrames / RATE) <= 0.021, `duration ${duration} s for ${decodedFrames / RATE} s of audio`);
    // What a player gets: ffmpeg decodes the file (dropping the pre-skip) to the samples we encoded.
    const pcm = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', out, '-f', 's16le', '-ac', '2', '-'], { maxBuffer: 64 << 20 });
    const samples = pcm.length / 4;
    assert.ok(Math.abs(samples - decodedFrames) <= 960, `ffmpeg decodes ${samples} samples, we encoded ${decodedFrames}`);
    console.log(`# first chunk in ${chunks[0].timestamp} µs; decoded ${decodedFrames} frames; WebM ${a.nb_read_packets} packets, ${duration} s, ffmpeg decodes ${samples} samples`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
