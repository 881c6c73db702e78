'use strict';
// Memory guardrail (issue 19): media the user forgets to close must not eat the machine.
//  - V8 is told the native bytes each VideoFrame/AudioData handle keeps alive, so forgotten ones
//    make V8 collect by itself: 1,000 forgotten 1920×1080 RGBA frames (8 MB each, made from one
//    reused buffer, so the JS heap barely grows) peak under 600 MB of RSS, where they once
//    peaked at 3.3 GB (7.9 GB in a loop that never yields);
//  - what the collector frees goes back to the OS (bounded media pool, malloc_trim): RSS after
//    gc ends within 50 MB of the start (once 1.9 GB); the same for 10,000 forgotten 20 ms stereo
//    AudioData, and for a VideoDecoder whose 1,000 output frames are dropped unclosed (its FFmpeg
//    buffer pool would otherwise keep every frame it ever had out at once, until close());
//  - the first collection of an unclosed VideoFrame / AudioData gives one process warning per
//    interface, never one per object, and closed media give none.
// The frame scenario runs twice: in a loop that yields to the event loop after each frame (as a
// real pipeline does between reads, decodes or encodes), and in one that never yields. Node-API
// runs finalizers only when the event loop turns, so the second relies on the addon freeing the
// media of collected handles by itself, through weak references that V8 clears during the GC
// (native/src/bridge/media.rs). The AudioData loop does not yield either (see there why).
//
// Each scenario runs in its own --expose-gc child (a fresh process: RSS starts clean).

const { test } = require('node:test');
const { respawnWithGc, mb, settle, reporter } = require('./gc-child');

const MARK = '@@forgotten-media ';
const SCENARIOS = {
  NWC_FORGOTTEN_FRAMES: '1,000 forgotten 1920x1080 RGBA VideoFrames: peak RSS < 600 MB, within 50 MB of the start after gc, one warning',
  NWC_FORGOTTEN_FRAMES_SYNC: '1,000 forgotten 1920x1080 RGBA VideoFrames in a loop that never yields: freed during it, peak RSS < 600 MB, one warning',
  NWC_FORGOTTEN_AUDIO: '10,000 forgotten 20 ms stereo AudioData: within 50 MB of the start after gc, one warning',
  NWC_FORGOTTEN_DECODER_OUTPUTS: 'a VideoDecoder whose 1,000 output frames are dropped unclosed: within 50 MB of the start after gc, decoder still open',
};
const active = Object.keys(SCENARIOS).find((k) => process.env[k]);

if (typeof global.gc !== 'function' || !active) {
  for (const [envName, name] of Object.entries(SCENARIOS)) respawnWithGc(__filename, name, { mark: MARK, envName, timeout: 300_000 });

  // The warning as a user sees it on stderr: once per interface however many are forgotten, in
  // two rounds of collection; and --disable-warning=<code> (the README's advice) silences one.
  test('the unclosed-media warning: once per interface on stderr, silenced by --disable-warning=<code>', () => {
    const { spawnSync } = require('node:child_process');
    const assert = require('node:assert/strict');
    const { CODES } = require('../../js/lib/unclosed-warning.js');
    const script = `
      const { VideoFrame, AudioData } = require(${JSON.stringify(require('node:path').join(__dirname, '..', '..'))});
      const forget = () => {
        for (let i = 0; i < 50; i++) new VideoFrame(new Uint8Array(16), { format: 'RGBA', codedWidth: 2, codedHeight: 2, timestamp: i });
        for (let i = 0; i < 50; i++) new AudioData({ format: 'f32', sampleRate: 8000, numberOfFrames: 4, numberOfChannels: 1, timestamp: i, data: new Float32Array(4) });
      };
      const collect = async () => { for (let i = 0; i < 3; i++) { gc(); await new Promise(setImmediate); } };
      (async () => { forget(); await collect(); forget(); await collect(); })();`;
    const run = (...flags) => {
      const env = { ...process.env };
      delete env.NODE_TEST_CONTEXT;
      const r = spawnSync(process.execPath, ['--expose-gc', ...flags, '-e', script], { encoding: 'utf8', env });
      assert.equal(r.status, 0, r.stderr);
      return (code) => r.stderr.split(code).length - 1;
    };
    const plain = run();
    assert.equal(plain(CODES.VideoFrame), 1, 'one VideoFrame warning for 100 forgotten frames');
    assert.equal(plain(CODES.AudioData), 1, 'one AudioData warning for 100 forgotten AudioData');
    // --disable-warning came with Node.js 20.11 / 21.3.
    if (!process.allowedNodeEnvironmentFlags.has('--disable-warning')) return;
    const silenced = run(`--disable-warning=${CODES.VideoFrame}`);
    assert.equal(silenced(CODES.VideoFrame), 0, 'silenced by its code');
    assert.equal(silenced(CODES.AudioData), 1, 'the other interface still warns');
  });
} else {
  const assert = require('node:assert/strict');
  const path = require('node:path');
  const root = path.join(__dirname, '..', '..');
  const api = require(root);
  const native = require(path.join(root, 'js/lib/native.js'));
  const { CODES } = require(path.join(root, 'js/lib/unclosed-warning.js'));
  const report = reporter(MARK, active);

  const PEAK_MB = 600;
  const END_MB = 50;
  const tick = () => new Promise(setImmediate);
  let peak = 0;
  const rss = () => { const r = process.memoryUsage().rss; if (r > peak) peak = r; return r; };
  // Every warning this process gives, by code.
  const warnings = [];
  process.on('warning', (w) => warnings.push(w.code));
  const count = (code) => warnings.filter((c) => c === code).length;
  /** RSS once the collector has run and the freed memory had time to go back. */
  const settledRss = async () => {
    await settle();
    await new Promise((r) => setTimeout(r, 100));
    await settle();
    return rss();
  };

  /** 1,000 forgotten 1080p RGBA frames from one reused buffer, awaiting `between()` after each (null: a loop that never yields). */
  async function forgetFrames(label, between) {
    const W = 1920, H = 1080, N = 1000;
    const data = new Uint8Array(W * H * 4);
    const init = { format: 'RGBA', codedWidth: W, codedHeight: H, timestamp: 0 };
    // Closed frames are never reported.
    for (let i = 0; i < 20; i++) new api.VideoFrame(data, init).close();
    const start = await settledRss();
    assert.equal(count(CODES.VideoFrame), 0, 'no warning for closed frames');
    peak = start;
    for (let i = 0; i < N; i++) {
      new api.VideoFrame(data, { ...init, timestamp: i }); // eslint-disable-line no-new -- forgotten on purpose
      rss();
      if (between) await between();
    }
    const liveAtEnd = native.liveCounts().frames;
    const end = await settledRss();
    assert.equal(native.liveCounts().frames, 0, 'every forgotten frame was collected');
    report(`${N} forgotten ${W}x${H} RGBA frames, ${label}: RSS ${mb(start).toFixed(0)} MB at the start, peak ${mb(peak).toFixed(0)} MB (limit ${PEAK_MB}), ` +
      `${liveAtEnd} still alive when the loop ended, ${mb(end).toFixed(0)} MB after gc (+${mb(end - start).toFixed(1)}, limit ${END_MB}); ${count(CODES.VideoFrame)} warning(s)`);
    // The peak is what a machine sees; the live count at the end shows the frames were freed
    // during the loop, not only after it (~20 frames' worth of external memory sets off a GC).
    assert.ok(mb(peak) < PEAK_MB, `peak RSS ${mb(peak).toFixed(0)} MB (limit ${PEAK_MB} MB)`);
    assert.ok(liveAtEnd < N / 10, `${liveAtEnd} of ${N} frames still alive when the loop ended`);
    assert.ok(mb(end - start) < END_MB, `RSS after gc is ${mb(end - start).toFixed(1)} MB above the start (limit ${END_MB} MB)`);
    assert.equal(count(CODES.VideoFrame), 1, 'exactly one VideoFrame warning for 1,000 forgotten frames');
    assert.equal(count(CODES.AudioData), 0, 'and none for AudioData');
  }

  const scenarios = {
    NWC_FORGOTTEN_FRAMES: () => forgetFrames('a loop that yields after each', tick),

    NWC_FORGOTTEN_FRAMES_SYNC: () => forgetFrames('a loop that never yields', null),

    async NWC_FORGOTTEN_AUDIO() {
      const N = 10_000, FRAMES = 960;
      const data = new Float32Array(FRAMES * 2);
      const init = { format: 'f32-planar', sampleRate: 48000, numberOfFrames: FRAMES, numberOfChannels: 2, timestamp: 0, data };
      for (let i = 0; i < 20; i++) new api.AudioData(init).close();
      const start = await settledRss();
      assert.equal(count(CODES.AudioData), 0, 'no warning for closed AudioData');
      peak = start;
      // In one synchronous run (nothing can be freed before it ends): 77 MB of samples in 7.7 KB
      // pieces, all freed at once by the collection after it. Small frees leave glibc's heap full
      // of holes it keeps (+85 MB here before malloc_trim); yielding per piece instead lets V8
      // collect as it goes, with too little garbage at a time to show the difference.
      for (let i = 0; i < N; i++) {
        new api.AudioData({ ...init, timestamp: i * 20_000 }); // eslint-disable-line no-new -- forgotten on purpose
        if (i % 100 === 0) rss();
      }
      const end = await settledRss();
      assert.equal(native.liveCounts().audioData, 0, 'every forgotten AudioData was collected');
      report(`${N} forgotten 20 ms stereo f32 AudioData: RSS ${mb(start).toFixed(0)} MB at the start, peak ${mb(peak).toFixed(0)} MB, ` +
        `${mb(end).toFixed(0)} MB after gc (+${mb(end - start).toFixed(1)}, limit ${END_MB}); ${count(CODES.AudioData)} warning(s)`);
      assert.ok(mb(end - start) < END_MB, `RSS after gc is ${mb(end - start).toFixed(1)} MB above the start (limit ${END_MB} MB)`);
      assert.equal(count(CODES.AudioData), 1, 'exactly one AudioData warning for 10,000 forgotten AudioData');
      assert.equal(count(CODES.VideoFrame), 0, 'and none for VideoFrame');
    },

    async NWC_FORGOTTEN_DECODER_OUTPUTS() {
      const media = require('../helpers/video-media');
      if (!media.hasCommand('ffmpeg')) { report('skipped: no ffmpeg CLI to make the stream'); return; }
      const VideoDecoder = media.videoDecoderOrFail(api, __filename);
      const N = 1000;
      const file = media.makeMedia({
        size: '640x480', frames: N, ext: 'mp4',
        args: ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '60'],
      });
      const { config, chunks } = await media.demux(file);
      assert.equal(chunks.length, N);
      const decodeAll = async (output) => {
        const errors = [];
        const decoder = new VideoDecoder({ output, error: (e) => errors.push(e) });
        decoder.configure(config);
        for (const c of chunks) {
          decoder.decode(new api.EncodedVideoChunk(c));
          while (decoder.decodeQueueSize > 8) await new Promise((r) => decoder.addEventListener('dequeue', r, { once: true }));
        }
        await decoder.flush();
        assert.deepEqual(errors, []);
        return decoder;
      };
      // Warm-up with every frame closed: threads, arenas, the JIT.
      (await decodeAll((f) => f.close())).close();
      const start = await settledRss();
      assert.equal(count(CODES.VideoFrame), 0, 'no warning for closed frames');
      peak = start;
      let outputs = 0;
      const decoder = await decodeAll(() => { outputs++; rss(); }); // every frame dropped unclosed
      assert.equal(outputs, N, 'the decoder never stalled');
      const open = await settledRss();
      assert.equal(native.liveCounts().frames, 0, 'every dropped frame was collected');
      decoder.close();
      await new Promise((r) => setTimeout(r, 300));
      const closed = await settledRss();
      report(`${N} dropped 640x480 decoder outputs: RSS ${mb(start).toFixed(0)} MB at the start, peak ${mb(peak).toFixed(0)} MB, ` +
        `${mb(open).toFixed(0)} MB after gc with the decoder open (+${mb(open - start).toFixed(1)}, limit ${END_MB}), ` +
        `${mb(closed).toFixed(0)} MB after close; ${count(CODES.VideoFrame)} warning(s)`);
      assert.ok(mb(open - start) < END_MB, `RSS after gc is ${mb(open - start).toFixed(1)} MB above the start with the decoder open (limit ${END_MB} MB)`);
      assert.ok(mb(closed - start) < END_MB, `RSS after close is ${mb(closed - start).toFixed(1)} MB above the start (limit ${END_MB} MB)`);
      assert.equal(count(CODES.VideoFrame), 1, 'exactly one VideoFrame warning');
    },
  };

  test(SCENARIOS[active], { timeout: 280_000 }, () => scenarios[active]());
}
