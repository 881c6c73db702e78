'use strict';
// test/api: huge sizes are errors, never a dead process. Every size that comes from input —
// ImageDecoder's desiredWidth/desiredHeight, the picture size a container header claims (PNG
// IHDR, GIF logical screen and image descriptor, JPEG SOF, BMP info header, WebP VP8X canvas and
// ANMF frames, APNG fcTL), a VideoFrame's coded size — is checked against the frame limits
// (16384 per dimension, 2^28 pixels: native/src/codecs/media/frame_data.rs) before anything is
// allocated. Each hostile case runs in a child process, so a regression (an allocation abort,
// SIGABRT) shows as a failed test instead of killing the runner.

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const fx = require('../fixtures/make-images');

const images = fx.makeImages();
const ROOT = path.join(__dirname, '..', '..');
const T = { timeout: 60_000 };

// The child: decodes the image given on stdin (base64) with `init` (JSON in argv), prints one JSON
// line {ready, decode} where each is 'ok …' or 'ErrorName: message'.
const CHILD = `
const { ImageDecoder, VideoFrame } = require(process.argv[1]);
const init = JSON.parse(process.argv[2]);
const bytes = Buffer.from(require('node:fs').readFileSync(0, 'latin1'), 'base64');
const say = (e) => e && e.name + ': ' + e.message;
(async () => {
  if (init.videoFrame) {
    let r;
    try { new VideoFrame(new Uint8Array(16), init.videoFrame).close(); r = 'ok'; } catch (e) { r = say(e); }
    console.log(JSON.stringify({ construct: r }));
    return;
  }
  const data = init.stream
    ? new ReadableStream({ start(c) { c.enqueue(new Uint8Array(bytes.subarray(0, init.stream))); } })
    : new Uint8Array(bytes);
  const d = new ImageDecoder({ ...init, stream: undefined, data });
  // A held timer: an answer that never comes prints 'timed out' instead of letting the idle
  // process exit silently.
  const guard = (p) => {
    let t;
    const late = new Promise((_, rej) => { t = setTimeout(() => rej(new Error('timed out')), 20000); });
    return Promise.race([p, late]).finally(() => clearTimeout(t));
  };
  // decode() at once (before the tracks are known): it waits, then settles with the outcome.
  const decoding = d.decode();
  const ready = await guard(d.tracks.ready).then(() => 'ok', say);
  const decode = await guard(decoding).then((r) => { const s = 'ok ' + r.image.codedWidth + 'x' + r.image.codedHeight; r.image.close(); return s; }, say);
  d.close();
  console.log(JSON.stringify({ ready, decode }));
})().catch((e) => { console.log(JSON.stringify({ crash: say(e) })); });
`;

/** Run the child on `bytes` with `init`; asserts it exited normally and returns its JSON line. */
function runChild(bytes, init, what) {
  const r = spawnSync(process.execPath, ['-e', CHILD, ROOT, JSON.stringify(init)], {
    input: Buffer.from(bytes).toString('base64'),
    timeout: 45_000,
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  const detail = `status ${r.status}, signal ${r.signal}\nstdout: ${r.stdout}\nstderr: ${String(r.stderr).slice(-2000)}`;
  assert.equal(r.signal, null, `${what}: the process was killed (${detail})`);
  assert.equal(r.status, 0, `${what}: the process failed (${detail})`);
  const line = r.stdout.trim().split('\n').pop();
  assert.ok(line, `${what}: the child printed no result (${detail})`);
  const out = JSON.parse(line);
  assert.equal(out.crash, undefined, `${what}: ${out.crash}`);
  return out;
}

/** The case must reject decode() (and, for a bad header, tracks.ready) with EncodingError naming the limit. */
function expectLimitError(out, what, { ready = 'EncodingError', dims }) {
  const limit = /exceeds the limit of 16384 per dimension|exceeds the limit of \d+ pixels per frame/;
  assert.match(out.decode, /^EncodingError: /, `${what}: decode() → ${out.decode}`);
  assert.match(out.decode, limit, `${what}: decode() message names the limit: ${out.decode}`);
  if (dims) assert.ok(out.decode.includes(dims), `${what}: decode() message names ${dims}: ${out.decode}`);
  if (ready === 'ok') assert.equal(out.ready, 'ok', `${what}: tracks.ready → ${out.ready}`);
  else {
    assert.match(out.ready, new RegExp(`^${ready}: `), `${what}: tracks.ready → ${out.ready}`);
    assert.match(out.ready, limit, `${what}: tracks.ready message names the limit: ${out.ready}`);
  }
}

// ---- header patchers (each returns a patched copy) ------------------------------------------

function patchPng(src, w, h) {
  const b = Buffer.from(src);
  assert.equal(b.toString('latin1', 12, 16), 'IHDR');
  b.writeUInt32BE(w, 16);
  b.writeUInt32BE(h, 20);
  b.writeUInt32BE(fx.crc32(b.subarray(12, 29)), 29); // a valid CRC: the size is the only lie
  return b;
}

function patchGifScreen(src, w, h) {
  const b = Buffer.from(src);
  b.writeUInt16LE(w, 6);
  b.writeUInt16LE(h, 8);
  return b;
}

/** The first image descriptor (0x2C after the header, colour table and extensions). */
function patchGifDescriptor(src, w, h) {
  const b = Buffer.from(src);
  const packed = b[10];
  let i = 13 + (packed & 0x80 ? 3 << ((packed & 7) + 1) : 0);
  while (b[i] === 0x21) {
    i += 2;
    while (b[i] !== 0) i += b[i] + 1;
    i += 1;
  }
  assert.equal(b[i], 0x2C, 'GIF image descriptor found');
  b.writeUInt16LE(w, i + 5);
  b.writeUInt16LE(h, i + 7);
  return b;
}

function patchJpeg(src, w, h) {
  const b = Buffer.from(src);
  for (let i = 2; i + 4 <= b.length;) {
    const marker = b[i + 1];
    if (marker >= 0xC0 && marker <= 0xC2) {
      b.writeUInt16BE(h, i + 5);
      b.writeUInt16BE(w, i + 7);
      return b;
    }
    i += 2 + b.readUInt16BE(i + 2);
  }
  throw new Error('no SOF marker in the JPEG fixture');
}

function patchBmp(src, w, h) {
  const b = Buffer.from(src);
  assert.ok(b.readUInt32LE(14) >= 40, 'BITMAPINFOHEADER or later');
  b.writeInt32LE(w, 18);
  b.writeInt32LE(h, 22);
  return b;
}

/** WebP chunks at the top level: [{id, at}] (at = the chunk header's offset). */
function webpChunks(b) {
  const out = [];
  for (let o = 12; o + 8 <= b.length;) {
    const size = b.readUInt32LE(o + 4);
    out.push({ id: b.toString('latin1', o, o + 4), at: o });
    o += 8 + size + (size & 1);
  }
  return out;
}

function patchWebpCanvas(src, w, h) {
  const b = Buffer.from(src);
  const vp8x = webpChunks(b).find((c) => c.id === 'VP8X');
  assert.ok(vp8x, 'the animated WebP fixture has a VP8X chunk');
  b.writeUIntLE(w - 1, vp8x.at + 12, 3);
  b.writeUIntLE(h - 1, vp8x.at + 15, 3);
  return b;
}

function patchWebpFrame(src, w, h) {
  const b = Buffer.from(src);
  const anmf = webpChunks(b).find((c) => c.id === 'ANMF');
  assert.ok(anmf, 'the animated WebP fixture has an ANMF chunk');
  b.writeUIntLE(w - 1, anmf.at + 14, 3);
  b.writeUIntLE(h - 1, anmf.at + 17, 3);
  return b;
}

/** The first fcTL's width and height (CRC fixed). */
function patchApngFrame(src, w, h) {
  const b = Buffer.from(src);
  for (let i = 8; i + 12 <= b.length;) {
    const len = b.readUInt32BE(i);
    if (b.toString('latin1', i + 4, i + 8) === 'fcTL') {
      b.writeUInt32BE(w, i + 12);
      b.writeUInt32BE(h, i + 16);
      b.writeUInt32BE(fx.crc32(b.subarray(i + 4, i + 8 + len)), i + 8 + len);
      return b;
    }
    i += 12 + len;
  }
  throw new Error('no fcTL chunk in the APNG fixture');
}

// ---- tests ---------------------------------------------------------------------------------

describe('ImageDecoder size limits (each case in a child process)', () => {
  test('control: the unpatched fixtures decode in the child', T, () => {
    for (const [what, img] of [['JPEG', images.still.jpeg], ['animated WebP', images.anim.webp]]) {
      const out = runChild(img.bytes, { type: img.type }, what);
      assert.deepEqual(out, { ready: 'ok', decode: `ok ${img.width}x${img.height}` }, what);
    }
  });

  test('desiredWidth×desiredHeight 100000×100000: decode() rejects with EncodingError, nothing allocated', T, () => {
    for (const [what, img] of [['JPEG', images.still.jpeg], ['PNG', images.still.png], ['animated WebP', images.anim.webp]]) {
      const out = runChild(img.bytes, { type: img.type, desiredWidth: 100000, desiredHeight: 100000 }, what);
      expectLimitError(out, `${what} desired 100000×100000`, { ready: 'ok', dims: '100000×100000' });
      assert.ok(out.decode.includes('desiredWidth×desiredHeight'), out.decode);
    }
    // One dimension over is enough.
    const out = runChild(images.still.jpeg.bytes, { type: 'image/jpeg', desiredWidth: 16385, desiredHeight: 16 }, 'JPEG desired 16385×16');
    expectLimitError(out, 'JPEG desired 16385×16', { ready: 'ok', dims: '16385×16' });
  });

  test('a desired size within the limits still decodes', T, () => {
    const out = runChild(images.still.jpeg.bytes, { type: 'image/jpeg', desiredWidth: 64, desiredHeight: 48 }, 'JPEG desired 64×48');
    assert.deepEqual(out, { ready: 'ok', decode: 'ok 64x48' });
  });

  test('animated WebP whose VP8X canvas says 40000×40000: EncodingError, no abort', T, () => {
    const bytes = patchWebpCanvas(images.anim.webp.bytes, 40000, 40000);
    expectLimitError(runChild(bytes, { type: 'image/webp' }, 'WebP canvas 40000×40000'), 'WebP canvas 40000×40000', { dims: '40000×40000' });
    // The largest canvas the 24-bit fields can say.
    const max = patchWebpCanvas(images.anim.webp.bytes, 1 << 24, 1 << 24);
    expectLimitError(runChild(max, { type: 'image/webp' }, 'WebP canvas 2^24×2^24'), 'WebP canvas 2^24×2^24', { dims: '16777216×16777216' });
  });

  test('animated WebP canvas 40000×40000 arriving in a stream: refused as soon as the header is in', T, () => {
    const bytes = patchWebpCanvas(images.anim.webp.bytes, 40000, 40000);
    // Only the first 64 bytes ever arrive (the stream stays open): the header alone decides.
    const out = runChild(bytes, { type: 'image/webp', stream: 64 }, 'streamed WebP canvas');
    expectLimitError(out, 'streamed WebP canvas 40000×40000', { dims: '40000×40000' });
  });

  test('animated WebP whose ANMF frame says 40000×40000: EncodingError', T, () => {
    const bytes = patchWebpFrame(images.anim.webp.bytes, 40000, 40000);
    expectLimitError(runChild(bytes, { type: 'image/webp' }, 'WebP frame 40000×40000'), 'WebP ANMF 40000×40000', { dims: '40000×40000' });
  });

  test('animated WebP frames that do not fit: outside the canvas, wrong bitstream size, truncated or broken bitstream → EncodingError', T, () => {
    const src = images.anim.webp.bytes;
    const first = webpChunks(Buffer.from(src)).find((c) => c.id === 'ANMF');
    const cases = {
      // Frame 0 moved right by 2 px: its rectangle reaches past the canvas.
      'outside the canvas': (b) => b.writeUIntLE(1, first.at + 8, 3),
      // The ANMF header says one pixel narrower than the bitstream inside it.
      'a size unlike its bitstream': (b) => b.writeUIntLE(b.readUIntLE(first.at + 14, 3) - 1, first.at + 14, 3),
      // The bitstream cut inside its own chunk (the chunk sizes say it is all there).
      'a truncated bitstream': (b) => {
        const size = b.readUInt32LE(first.at + 4);
        b.writeUInt32LE(size - 40, first.at + 8 + 16 + 4); // the VP8L chunk's size
        b.fill(0, first.at + 8 + size - 40, first.at + 8 + size);
      },
      'a broken bitstream': (b) => b.fill(0x5a, first.at + 8 + 16 + 8, first.at + 8 + 16 + 40),
    };
    for (const [what, patch] of Object.entries(cases)) {
      const b = Buffer.from(src);
      patch(b);
      const out = runChild(b, { type: 'image/webp' }, `WebP frame with ${what}`);
      assert.equal(out.ready, 'ok', what);
      assert.match(out.decode, /^EncodingError: .*WebP frame 0/, `${what}: ${out.decode}`);
    }
  });

  describe('AVIF items (parsed by us: meta/iloc/iinf/ipma)', { skip: !images.still.avif && images.avifSkip }, () => {
    /** Offset of the first box of type `kind` (its header), anywhere in the file. */
    const boxAt = (b, kind) => {
      const i = b.indexOf(Buffer.from(kind, 'latin1'));
      assert.ok(i >= 4, `the AVIF fixture has a ${kind} box`);
      return i - 4;
    };
    test('ispe 40000×40000: EncodingError before anything is decoded', T, () => {
      const b = Buffer.from(images.still.avif.bytes);
      const ispe = boxAt(b, 'ispe');
      b.writeUInt32BE(40000, ispe + 12);
      b.writeUInt32BE(40000, ispe + 16);
      expectLimitError(runChild(b, { type: 'image/avif' }, 'AVIF ispe 40000×40000'), 'AVIF ispe 40000×40000', { dims: '40000×40000' });
    });
    test('an iloc extent reaching past the end of the file: decode() rejects with EncodingError', T, () => {
      const b = Buffer.from(images.still.avif.bytes);
      const iloc = boxAt(b, 'iloc');
      assert.equal(b[iloc + 8], 0, 'iloc version 0 (as ffmpeg writes it)');
      assert.equal(b.readUInt16BE(iloc + 12), 0x4400, 'offset and length fields of 4 bytes, no base offset');
      b.writeUInt32BE(0x7fffffff, iloc + 26); // the first extent's length
      const out = runChild(b, { type: 'image/avif' }, 'AVIF iloc past the end');
      assert.equal(out.ready, 'ok');
      assert.match(out.decode, /^EncodingError: .*lies outside the \d+-byte file/, out.decode);
    });
    test('a primary item that is not an AV1 image (grid): tracks.ready rejects with EncodingError', T, () => {
      const b = Buffer.from(images.still.avif.bytes);
      const infe = boxAt(b, 'infe');
      assert.equal(b.toString('latin1', infe + 16, infe + 20), 'av01');
      b.write('grid', infe + 16, 'latin1');
      const out = runChild(b, { type: 'image/avif' }, 'AVIF grid');
      assert.match(out.ready, /^EncodingError: .*no decodable track.*"grid"/, out.ready);
      assert.match(out.decode, /^EncodingError: /, out.decode);
    });
    test('corrupt AV1 data in the item: decode() rejects with EncodingError', T, () => {
      const b = Buffer.from(images.still.avif.bytes);
      const mdat = boxAt(b, 'mdat');
      b.fill(0xff, mdat + 8, Math.min(b.length, mdat + 8 + 64));
      const out = runChild(b, { type: 'image/avif' }, 'AVIF corrupt OBUs');
      assert.equal(out.ready, 'ok');
      assert.match(out.decode, /^EncodingError: /, out.decode);
    });
  });

  for (const [w, h] of [[40000, 40000], [65535, 65535]]) {
    const dims = `${w}×${h}`;
    test(`PNG IHDR ${dims}: EncodingError`, T, () => {
      expectLimitError(runChild(patchPng(images.still.png.bytes, w, h), { type: 'image/png' }, `PNG ${dims}`), `PNG ${dims}`, { dims });
    });
    test(`GIF logical screen ${dims}: EncodingError`, T, () => {
      expectLimitError(runChild(patchGifScreen(images.still.gif.bytes, w, h), { type: 'image/gif' }, `GIF ${dims}`), `GIF screen ${dims}`, { dims });
    });
    test(`GIF image descriptor ${dims}: EncodingError`, T, () => {
      expectLimitError(runChild(patchGifDescriptor(images.still.gif.bytes, w, h), { type: 'image/gif' }, `GIF frame ${dims}`), `GIF descriptor ${dims}`, { dims });
    });
    test(`JPEG SOF ${dims}: EncodingError`, T, () => {
      expectLimitError(runChild(patchJpeg(images.still.jpeg.bytes, w, h), { type: 'image/jpeg' }, `JPEG ${dims}`), `JPEG ${dims}`, { dims });
    });
    test(`BMP header ${dims}: EncodingError`, T, () => {
      expectLimitError(runChild(patchBmp(images.still.bmp.bytes, w, h), { type: 'image/bmp' }, `BMP ${dims}`), `BMP ${dims}`, { dims });
    });
  }

  test('BMP with a negative (top-down) height of −40000: its magnitude is checked', T, () => {
    expectLimitError(runChild(patchBmp(images.still.bmp.bytes, 320, -40000), { type: 'image/bmp' }, 'BMP 320×−40000'), 'BMP 320×−40000', { dims: '320×40000' });
  });

  test('APNG fcTL 40000×40000: EncodingError', T, () => {
    const out = runChild(patchApngFrame(images.anim.apng.bytes, 40000, 40000), { type: 'image/png' }, 'APNG fcTL');
    expectLimitError(out, 'APNG fcTL 40000×40000', { dims: '40000×40000' });
  });
});

describe('VideoFrame size limits', () => {
  test('new VideoFrame(16 bytes, RGBA 100000×100000) throws TypeError or RangeError, no abort', T, () => {
    const out = runChild(Buffer.alloc(0), { videoFrame: { format: 'RGBA', codedWidth: 100000, codedHeight: 100000, timestamp: 0 } }, 'VideoFrame 100000×100000');
    assert.match(out.construct, /^(TypeError|RangeError): /, out.construct);
    assert.match(out.construct, /16384/, out.construct);
  });
});
