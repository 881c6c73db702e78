'use strict';
// Animated images (WPT image-decoder.https.any.js checks frameCount, repetitionCount,
// timestamp and duration on GIF and AVIF; this file does it for every animated format here):
//  - GIF, animated WebP and APNG made by ffmpeg (4 frames of 160×120): animated, frameCount,
//    repetitionCount as Chrome reports it (GIF: the NETSCAPE loop count, 0 → Infinity, no block → 0;
//    WebP/APNG: plays − 1, 0 → Infinity), each frame's timestamp and duration against ffprobe
//    (`ffprobe -show_frames -show_entries frame=pts_time,duration_time`) — for animated WebP,
//    which FFmpeg 5.1 cannot decode, against the ANMF durations in the file — and its pixels
//    against ffmpeg's decode (GIF, APNG) or the lossless source (WebP): exact (error bound 0);
//  - the composition: ffmpeg's GIF encoder stores frames 1–3 as changed rectangles over
//    transparency, so each decoded frame must be the full composed picture (= the source);
//  - hand-made GIF and APNG (test/fixtures) with sub-rectangles, transparency, every disposal
//    method (none / background / previous) and both APNG blend ops, against the composition a
//    browser shows (which ffmpeg's decode matches exactly, checked here too).

const { describe, test, after } = require('node:test');
const assert = require('node:assert/strict');
const { ImageDecoder, liveCounts } = require('../..');
const fx = require('../fixtures/make-images');

const images = fx.makeImages();
const T = { timeout: 30_000 };

after(async () => {
  const c = await fx.liveCountsSettled(liveCounts);
  assert.deepEqual(Object.values(c).filter((v) => v !== 0), [], `live counts: ${JSON.stringify(c)}`);
});

/** Decode every frame; checks each against expected {timestamp, duration, rgba}. */
async function checkFrames(d, expected, what) {
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const { image, complete } = await fx.within(d.decode({ frameIndex: i }), 10_000, `${what}: frame ${i}`);
    try {
      assert.equal(complete, true);
      assert.equal(image.timestamp, e.timestamp, `${what}: frame ${i} timestamp`);
      assert.equal(image.duration, e.duration, `${what}: frame ${i} duration`);
      const px = await fx.rgbaOf(image);
      assert.equal(px.width, e.width);
      assert.equal(px.height, e.height);
      const cmp = fx.compareRgba(px.rgba, e.rgba, px.width, px.height);
      assert.ok(cmp.max === 0, `${what}: frame ${i} pixels (max ${cmp.max}, mean ${cmp.mean.toFixed(3)}, worst ${JSON.stringify(cmp.worst)})`);
    } finally {
      image.close();
    }
  }
}

const cumulative = (ms) => ms.map((_, i) => ms.slice(0, i).reduce((a, b) => a + b, 0) * 1000);

describe('ffmpeg-made animations', () => {
  for (const [key, a] of Object.entries(images.anim).filter(([k, v]) => v && k !== 'avif')) {
    test(`${a.name}: ${a.type}, ${a.frameCount} frames, repetitionCount ${a.repetitionCount}`, T, async () => {
      assert.equal(await ImageDecoder.isTypeSupported(a.type), true);
      const d = new ImageDecoder({ data: a.bytes, type: a.type });
      try {
        await fx.within(d.tracks.ready, 10_000, 'tracks.ready');
        assert.equal(d.tracks.length, 1);
        const t = d.tracks.selectedTrack;
        assert.equal(t.animated, true, 'animated');
        assert.equal(t.frameCount, a.frameCount, 'frameCount');
        assert.equal(t.repetitionCount, a.repetitionCount, 'repetitionCount');

        // Timestamps and durations: from ffprobe where ffmpeg reads the file, else the container.
        let times;
        if (a.probe) {
          times = a.probe;
          assert.equal(times.length, a.frameCount, 'ffprobe sees every frame');
        } else {
          const ts = cumulative(a.durationsMs);
          times = a.durationsMs.map((ms, i) => ({ timestamp: ts[i], duration: ms * 1000 }));
        }
        // Pixels: ffmpeg's decode (the full composed frames), or the lossless source for WebP.
        const ref = a.type === 'image/webp' ? a.source : fx.ffmpegRgba(a.file, a.width, a.height);
        assert.equal(ref.length, a.frameCount);
        if (a.type === 'image/gif') {
          // ffmpeg's GIF decode equals the source: the rectangles compose to the full pictures.
          ref.forEach((r, i) => assert.ok(Buffer.from(r).equals(a.source[i]), `ffmpeg's GIF frame ${i} is the source`));
        }
        await checkFrames(d, times.map((tm, i) => ({ ...tm, width: a.width, height: a.height, rgba: ref[i] })), key);
        await fx.settle(d.decode({ frameIndex: a.frameCount }), 10_000, 'past the end').then((r) => {
          fx.closeResult(r);
          assert.equal(r.status, 'rejected');
          assert.equal(r.reason.name, 'RangeError');
        });
      } finally {
        d.close();
      }
    });
  }

  test('frames can be decoded in any order and repeatedly (each is the full picture)', T, async () => {
    for (const key of ['gif', 'apng', 'webp']) {
      const a = images.anim[key];
      const d = new ImageDecoder({ data: a.bytes, type: a.type });
      try {
        for (const i of [3, 1, 3, 0, 2, 2]) {
          const { image } = await fx.within(d.decode({ frameIndex: i }), 10_000, `${key} frame ${i}`);
          try {
            const px = await fx.rgbaOf(image);
            const ref = a.type === 'image/webp' ? a.source[i] : fx.ffmpegRgba(a.file, a.width, a.height)[i];
            const cmp = fx.compareRgba(px.rgba, ref, a.width, a.height);
            // Every format exact: animated WebP frames are libwebp's decodes composited with the
            // spec's blending (the source is lossless).
            assert.ok(cmp.max === 0, `${key} frame ${i} (max ${cmp.max}, mean ${cmp.mean.toFixed(3)}, worst ${JSON.stringify(cmp.worst)})`);
          } finally {
            image.close();
          }
        }
      } finally {
        d.close();
      }
    }
  });
});

describe('animated AVIF (a still primary item + an image sequence: two tracks)', () => {
  const a = images.anim.avif;
  // Track 0: the primary item (located from meta/iloc, decoded by libdav1d with its av1C);
  // track 1: the image sequence in moov (FFmpeg's mov demuxer).
  const skip = !a && (images.avifSkip || 'ffmpeg could not write an animated AVIF');
  // Mirrors WPT "Test multi-track AVIF image decoding w/ preferAnimation=false/true" and
  // "Test track selection in multi track image" (four-colors-flip.avif has the same layout).
  test('Test track selection in multi track image (preferAnimation: false, then the other track)', { ...T, skip }, async () => {
    const d = new ImageDecoder({ data: fx.streamOf(a.bytes, 256), type: 'image/avif', preferAnimation: false });
    try {
      await fx.within(d.tracks.ready, 10_000, 'ready');
      assert.equal(d.tracks.length, 2, 'a still track and an animated track');
      assert.equal(d.tracks[d.tracks.selectedIndex].animated, false);
      assert.equal(d.tracks.selectedTrack.animated, false);
      assert.equal(d.tracks.selectedTrack.frameCount, 1);
      assert.equal(d.tracks.selectedTrack.repetitionCount, 0);
      let r = await fx.within(d.decode(), 10_000, 'still decode');
      assert.equal(r.image.displayWidth, a.width);
      assert.equal(r.image.displayHeight, a.height);
      assert.equal(r.image.timestamp, 0);
      r.image.close();
      // Swap to the other track.
      const newIndex = (d.tracks.selectedIndex + 1) % 2;
      d.tracks[newIndex].selected = true;
      r = await fx.within(d.decode(), 10_000, 'animated frame 0');
      assert.equal(r.image.timestamp, 0);
      assert.equal(r.image.duration, a.probe[0].duration);
      r.image.close();
      await fx.within(d.completed, 5000, 'completed');
      assert.equal(d.tracks.length, 2);
      assert.equal(d.tracks[d.tracks.selectedIndex].animated, true);
      assert.equal(d.tracks.selectedTrack.animated, true);
      assert.equal(d.tracks.selectedTrack.frameCount, a.frameCount);
      assert.equal(d.tracks.selectedTrack.repetitionCount, Infinity);
      r = await fx.within(d.decode({ frameIndex: 1 }), 10_000, 'animated frame 1');
      assert.equal(r.image.timestamp, a.probe[1].timestamp);
      assert.equal(r.image.duration, a.probe[1].duration);
      r.image.close();
    } finally {
      d.close();
    }
  });

  test('preferAnimation: true selects the sequence; every frame against ffprobe and ffmpeg (YUV bounds)', { ...T, skip }, async () => {
    const d = new ImageDecoder({ data: a.bytes, type: 'image/avif', preferAnimation: true });
    try {
      await fx.within(d.tracks.ready, 10_000, 'ready');
      assert.ok(d.tracks.length >= 1);
      const t = d.tracks.selectedTrack;
      assert.equal(t.animated, true);
      assert.equal(t.frameCount, a.frameCount);
      const ref = fx.ffmpegRgba(a.file, a.width, a.height);
      for (let i = 0; i < a.frameCount; i++) {
        const { image } = await fx.within(d.decode({ frameIndex: i }), 10_000, `frame ${i}`);
        try {
          assert.equal(image.timestamp, a.probe[i].timestamp, `frame ${i} timestamp`);
          assert.equal(image.duration, a.probe[i].duration, `frame ${i} duration`);
          const px = await fx.rgbaOf(image);
          // 4:4:4 AV1: the same YUV → RGB differences only (bound as in imageDecoder-four-colors).
          const cmp = fx.compareRgba(px.rgba, ref[i], a.width, a.height);
          assert.ok(cmp.max <= 3, `frame ${i}: max channel error ${cmp.max} (≤ 3)`);
        } finally {
          image.close();
        }
      }
    } finally {
      d.close();
    }
  });
});

describe('disposal and blending (hand-made files)', () => {
  for (const [label, f] of [['GIF', images.disposalGif], ['APNG', images.disposalApng]]) {
    test(`${label}: sub-rectangles, transparency, dispose none/background/previous${label === 'APNG' ? ', blend source/over' : ''}`, T, async () => {
      // The reference composition is what ffmpeg decodes too.
      const ff = fx.ffmpegRgba(f.file, f.width, f.height);
      ff.forEach((r, i) => assert.equal(fx.compareRgba(r, f.composed[i], f.width, f.height).max, 0, `ffmpeg agrees on frame ${i}`));
      const d = new ImageDecoder({ data: f.bytes, type: f.type });
      try {
        await fx.within(d.tracks.ready, 10_000, 'ready');
        const t = d.tracks.selectedTrack;
        assert.equal(t.animated, true);
        assert.equal(t.frameCount, 4);
        assert.equal(t.repetitionCount, f.repetitionCount);
        const ts = cumulative(f.durationsMs);
        await checkFrames(d, f.composed.map((rgba, i) => ({
          rgba, width: f.width, height: f.height, timestamp: ts[i], duration: f.durationsMs[i] * 1000,
        })), label);
        // Decoding backwards must not depend on the previous decode (frame 2 "restore to previous").
        const { image } = await fx.within(d.decode({ frameIndex: 2 }), 10_000, 'frame 2 again');
        const px = await fx.rgbaOf(image);
        assert.equal(fx.compareRgba(px.rgba, f.composed[2], f.width, f.height).max, 0, 'frame 2 after frame 3');
        image.close();
      } finally {
        d.close();
      }
    });
  }
});

describe('still images are not animated', () => {
  for (const key of ['png', 'gif', 'webp', 'jpeg', 'avif']) {
    const s = images.still[key];
    test(`${key}: animated false, frameCount 1, repetitionCount 0, duration null`, { ...T, skip: !s && images.avifSkip }, async () => {
      const d = new ImageDecoder({ data: s.bytes, type: s.type });
      try {
        await fx.within(d.tracks.ready, 10_000, 'ready');
        const t = d.tracks.selectedTrack;
        assert.equal(t.animated, false, 'animated');
        assert.equal(t.frameCount, 1, 'frameCount');
        assert.equal(t.repetitionCount, 0, 'repetitionCount');
        const { image } = await fx.within(d.decode(), 10_000, 'decode');
        try {
          assert.equal(image.timestamp, 0);
          assert.equal(image.duration, null, 'only animated images have frame durations (Chrome)');
        } finally {
          image.close();
        }
      } finally {
        d.close();
      }
    });
  }
});
