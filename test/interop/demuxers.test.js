'use strict';
// Interop: the test media and demuxers the VideoDecoder tests stand on (test/helpers/video-media.js),
// checked against ffprobe — so that a failing decoder test means the decoder, not its input.
// Needs no VideoDecoder. For every encoding: the ffmpeg CLI makes it; the demuxer (mp4box for MP4,
// mediabunny for WebM, our AUD splitter for Annex B) gives as many chunks as ffprobe gives
// packets, with the same key flags, sizes (±1 byte at Annex B access unit boundaries, where
// ffmpeg's parser may attribute a zero byte to the other side) and presentation timestamps (±1 ms:
// WebM stores milliseconds); descriptions are present and parse (avcC: SPS and PPS; hvcC: VPS, SPS,
// PPS), and "stripping" them to Annex B gives a stream ffmpeg decodes to the same frames.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const media = require('../helpers/video-media');

const HAS_FFMPEG = media.hasCommand('ffmpeg') && media.hasCommand('ffprobe');
const skip = !HAS_FFMPEG && 'the ffmpeg CLI (ffmpeg, ffprobe) makes the media and is not installed';

for (const name of Object.keys(media.ENCODINGS)) {
  test(`${name}: demuxed chunks match ffprobe's packets`, { skip }, async () => {
    const file = media.makeEncoded(name);
    const { config, chunks } = await media.demux(file);
    const packets = media.ffprobePackets(file);
    const stream = media.ffprobeStream(file);
    assert.equal(chunks.length, packets.length, 'chunk count');
    assert.equal(chunks.length, Number(stream.nb_read_frames), 'one frame per chunk');
    const annexb = /annexb$/.test(name);
    chunks.forEach((c, i) => {
      assert.equal(c.type === 'key', packets[i].key, `key flag of chunk ${i}`);
      assert.ok(Math.abs(c.data.length - packets[i].size) <= (annexb ? 1 : 0), `size of chunk ${i}: ${c.data.length} vs ${packets[i].size}`);
      if (packets[i].pts !== null) assert.ok(Math.abs(c.timestamp - packets[i].pts) <= 1000, `timestamp of chunk ${i}: ${c.timestamp} vs ${packets[i].pts}`);
      assert.ok(c.duration > 0, `duration of chunk ${i}`);
    });
    assert.equal(chunks.reduce((n, c) => n + c.data.length, 0), packets.reduce((n, p) => n + p.size, 0), 'total bytes');
    assert.equal(chunks[0].type, 'key');
    const sorted = chunks.map((c) => c.timestamp).sort((a, b) => a - b);
    sorted.forEach((t, i) => { if (i) assert.ok(t > sorted[i - 1], 'distinct timestamps'); });

    const prefix = { h264: 'avc1.', hevc: 'hvc1.', vp8: 'vp8', vp9: 'vp09.', av1: 'av01.' }[stream.codec_name];
    assert.ok(config.codec.startsWith(prefix), `codec string ${config.codec} for ${stream.codec_name}`);
    if (config.codedWidth !== undefined) assert.deepEqual([config.codedWidth, config.codedHeight], [stream.width, stream.height]);
    if (/_mp4$/.test(name)) {
      assert.ok(config.description && config.description.length > 20, 'description (avcC/hvcC) present');
      const hevc = stream.codec_name === 'hevc';
      const { sets } = (hevc ? media.hvccInfo : media.avccInfo)(config.description);
      const types = sets.map((s) => (hevc ? media.hevcType(s) : media.h264Type(s)));
      for (const t of hevc ? [32, 33, 34] : [7, 8]) assert.ok(types.includes(t), `parameter set type ${t} in the description`);
    } else {
      assert.equal(config.description, undefined, 'no description');
    }
  });
}

for (const name of ['h264_high_mp4', 'h265_main_mp4']) {
  test(`${name}: the description stripped to Annex B decodes (ffmpeg) to the same frames as the MP4`, { skip }, async () => {
    const file = media.makeEncoded(name);
    const stripped = media.toAnnexB(await media.demux(file));
    const raw = path.join(media.mediaDir(), `${name}-stripped.${name.startsWith('h265') ? 'hevc' : 'h264'}`);
    fs.writeFileSync(raw, media.concat(stripped.chunks.map((c) => c.data)));
    const a = media.ffmpegFrames(file, 'yuv420p', 320, 240);
    const b = media.ffmpegFrames(raw, 'yuv420p', 320, 240);
    assert.equal(b.length, a.length);
    a.forEach((f, i) => assert.ok(f.equals(b[i]), `frame ${i} identical`));
  });
}

test('Annex B demuxer: HEVC codec string from the SPS matches the MP4 sample entry', { skip }, async () => {
  const annexb = await media.demux(media.makeEncoded('h265_main_annexb'));
  const mp4 = await media.demux(media.makeEncoded('h265_main_mp4'));
  assert.equal(annexb.config.codec, mp4.config.codec);
  const h264 = await media.demux(media.makeEncoded('h264_main_annexb'));
  assert.match(h264.config.codec, /^avc1\.4D40[0-9A-F]{2}$/);
});
