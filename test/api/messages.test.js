'use strict';
// Messages a newcomer meets first, against the real addon: each must name the fix, not only the
// failure. Codec aliases (`h264`, `hevc`, `av1` …) name the codec string to use; a VideoDecoder fed
// chunks whose framing does not match `description`, or a whole container file, says so in its
// EncodingError; a codec closed by an error says why in later calls' InvalidStateError.
const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const { VideoEncoder, VideoDecoder, AudioEncoder, VideoFrame, EncodedVideoChunk, liveCounts } = require('../..');
const { Muxer, ArrayBufferTarget } = require('mp4-muxer');

/** The error a codec reports for `config` (through its error callback), or null. */
function configureError(Codec, config) {
  return new Promise((resolve) => {
    const codec = new Codec({ output: () => {}, error: resolve });
    codec.configure(config);
    codec.flush().then(() => { codec.close(); resolve(null); }, () => {});
  });
}

describe('codec aliases name the codec string to use', () => {
  const cases = [
    ['h264', 'avc1.42001E'], ['H264', 'avc1.42001E'], ['h.264', 'avc1.42001E'], ['avc1', 'avc1.42001E'],
    ['hevc', 'hvc1.1.6.L93.B0'], ['h265', 'hvc1.1.6.L93.B0'], ['hvc1', 'hvc1.1.6.L93.B0'],
    ['av1', 'av01.0.04M.08'], ['av01', 'av01.0.04M.08'], ['vp9', 'vp09.00.10.08'], ['VP8', 'use vp8'],
  ];
  for (const [alias, full] of cases) {
    test(`VideoEncoder and VideoDecoder: '${alias}' → ${full}`, async () => {
      const enc = await configureError(VideoEncoder, { codec: alias, width: 64, height: 48 });
      assert.equal(enc.name, 'NotSupportedError');
      assert.ok(enc.message.includes(`unsupported codec string ${JSON.stringify(alias)}`), enc.message);
      assert.ok(enc.message.includes(full), `${alias}: ${enc.message}`);
      const dec = await configureError(VideoDecoder, { codec: alias });
      assert.equal(dec.name, 'NotSupportedError');
      assert.ok(dec.message.includes(full), `${alias}: ${dec.message}`);
      // isConfigSupported still answers quietly (the spec's {supported: false}).
      assert.equal((await VideoEncoder.isConfigSupported({ codec: alias, width: 64, height: 48 })).supported, false);
    });
  }

  test("AudioEncoder: 'aac' → mp4a.40.2; a video codec string → use VideoEncoder", async () => {
    const aac = await configureError(AudioEncoder, { codec: 'aac', sampleRate: 48000, numberOfChannels: 2 });
    assert.equal(aac.name, 'NotSupportedError');
    assert.match(aac.message, /mp4a\.40\.2 \(AAC-LC\)/);
    const video = await configureError(AudioEncoder, { codec: 'avc1.42001E', sampleRate: 48000, numberOfChannels: 2 });
    assert.match(video.message, /video codec: use VideoEncoder/);
  });
});

/** H.264 chunks from our encoder: {description, chunks} in avc (length-prefixed) or Annex B framing. */
async function h264(format) {
  const chunks = [];
  let description = null;
  const enc = new VideoEncoder({
    output: (c, meta) => {
      const data = new Uint8Array(c.byteLength);
      c.copyTo(data);
      chunks.push({ type: c.type, timestamp: c.timestamp, data });
      if (meta && meta.decoderConfig && meta.decoderConfig.description) description = new Uint8Array(meta.decoderConfig.description);
    },
    error: (e) => { throw e; },
  });
  enc.configure({ codec: 'avc1.42001E', width: 64, height: 48, avc: { format } });
  for (let i = 0; i < 3; i++) {
    const f = new VideoFrame(new Uint8Array(64 * 48 * 4).fill(40 * i), { format: 'RGBA', codedWidth: 64, codedHeight: 48, timestamp: i * 33333 });
    enc.encode(f, { keyFrame: i === 0 });
    f.close();
  }
  await enc.flush();
  enc.close();
  return { description, chunks };
}

/** Decode `chunks` with `config`; resolves to the error callback's exception and the (closed) decoder. */
function decodeError(config, chunks) {
  return new Promise((resolve) => {
    const dec = new VideoDecoder({ output: (f) => f.close(), error: (e) => resolve({ error: e, dec }) });
    dec.configure(config);
    for (const c of chunks) dec.decode(new EncodedVideoChunk(c));
    dec.flush().then(() => resolve({ error: null, dec }), () => {});
  });
}

/** Decoding succeeds: no error, and the decoder is closed. */
async function decodesCleanly(config, chunks) {
  const { error, dec } = await decodeError(config, chunks);
  if (dec.state !== 'closed') dec.close();
  return error;
}

describe('VideoDecoder: an EncodingError says what is wrong with the chunks', () => {
  test('length-prefixed (avcC) chunks without description: pass the avcC as description, or use Annex B', async () => {
    const { chunks } = await h264('avc');
    const { error, dec } = await decodeError({ codec: 'avc1.42001E' }, chunks);
    assert.ok(error, 'FFmpeg refuses length-prefixed chunks read as Annex B');
    assert.equal(error.name, 'EncodingError');
    assert.match(error.message, /length-prefixed \(avcC framing, as stored in MP4\) but the config has no description/);
    assert.match(error.message, /pass the avcC record as description/);
    assert.match(error.message, /convert the chunks to Annex B/);
    assert.match(error.message, /\(avcodec_send_packet failed: .*\(AVERROR -?\d+\)\)$/, 'FFmpeg\'s own words follow');
    assert.equal(dec.state, 'closed');
  });

  test('a whole MP4 file given as one chunk: demux it first', async () => {
    const { description, chunks } = await h264('avc');
    const muxer = new Muxer({ target: new ArrayBufferTarget(), video: { codec: 'avc', width: 64, height: 48 }, fastStart: 'in-memory' });
    chunks.forEach((c, i) => muxer.addVideoChunkRaw(c.data, c.type, c.timestamp, 33333, i === 0 ? { decoderConfig: { codec: 'avc1.42001E', description } } : undefined));
    muxer.finalize();
    const file = new Uint8Array(muxer.target.buffer);
    for (const config of [{ codec: 'avc1.42001E' }, { codec: 'avc1.42001E', description }]) {
      const { error } = await decodeError(config, [{ type: 'key', timestamp: 0, data: file }]);
      assert.ok(error, `a whole file is refused (description: ${!!config.description})`);
      assert.equal(error.name, 'EncodingError');
      assert.match(error.message, /the chunk is an MP4\/MOV file .*not one encoded frame/);
      assert.match(error.message, /demux the file first/);
    }
  });

  test('Annex B chunks with an avcC description decode anyway (FFmpeg detects the start codes): no error to explain', async () => {
    // The hint for this case (chunk_hint.rs) only shows if a decoder refuses such chunks.
    const { chunks } = await h264('annexb');
    const { description } = await h264('avc');
    assert.equal(await decodesCleanly({ codec: 'avc1.42001E', description }, chunks), null);
  });

  test('well-framed chunks decode', async () => {
    const avc = await h264('avc');
    assert.equal(await decodesCleanly({ codec: 'avc1.42001E', description: avc.description }, avc.chunks), null);
    const annexb = await h264('annexb');
    assert.equal(await decodesCleanly({ codec: 'avc1.42001E' }, annexb.chunks), null);
  });
});

describe('a codec closed by an error says why in later calls', () => {
  test('VideoDecoder: decode(), flush(), configure(), reset() and close() quote the EncodingError', async () => {
    const { chunks } = await h264('avc');
    const { error, dec } = await decodeError({ codec: 'avc1.42001E' }, chunks);
    assert.equal(error.name, 'EncodingError');
    const why = `closed by an error (EncodingError: ${error.message}); a closed codec stays closed, so create a new VideoDecoder`;
    assert.throws(() => dec.decode(new EncodedVideoChunk(chunks[0])), { name: 'InvalidStateError', message: `VideoDecoder.decode: expected a configured codec, but the codec is ${why}` });
    await assert.rejects(dec.flush(), { name: 'InvalidStateError', message: `VideoDecoder.flush: expected a configured codec, but the codec is ${why}` });
    assert.throws(() => dec.configure({ codec: 'avc1.42001E' }), { name: 'InvalidStateError', message: `VideoDecoder.configure: the codec is ${why}` });
    assert.throws(() => dec.reset(), { name: 'InvalidStateError', message: `VideoDecoder.reset: the codec is ${why}` });
    assert.throws(() => dec.close(), { name: 'InvalidStateError', message: `VideoDecoder.close: the codec is ${why}` });
  });

  test('VideoEncoder closed by a NotSupportedError; one closed by close() says so', async () => {
    const enc = new VideoEncoder({ output: () => {}, error: () => {} });
    enc.configure({ codec: 'h264', width: 64, height: 48 });
    await assert.rejects(enc.flush(), { name: 'NotSupportedError' });
    assert.throws(() => enc.configure({ codec: 'avc1.42001E', width: 64, height: 48 }),
      (e) => e.name === 'InvalidStateError' && /closed by an error \(NotSupportedError: unsupported codec string "h264": use the full form avc1/.test(e.message) && /create a new VideoEncoder$/.test(e.message));
    const closed = new VideoEncoder({ output: () => {}, error: () => {} });
    closed.close();
    assert.throws(() => closed.configure({ codec: 'avc1.42001E', width: 64, height: 48 }), { name: 'InvalidStateError', message: 'VideoEncoder.configure: the codec is closed by close()' });
  });

  test('nothing native is left alive', async () => {
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(liveCounts().sessions, 0);
  });
});
