'use strict';
// ImageDecoderInit.colorSpaceConversion and preferAnimation, ImageDecodeOptions.completeFramesOnly
// (issue 8: accepted and silently ignored before). What each does here:
//  - colorSpaceConversion 'default' applies an embedded ICC profile (pixels converted to sRGB,
//    output RGBA); 'none' ignores it (decoded samples as they are: a YUV JPEG stays I420).
//  - preferAnimation feeds Get Default Selected Track Index (single-track files: always 0; the
//    two-track AVIF cases are in conformance/imageDecoder-animation).
//  - completeFramesOnly: false on a progressive JPEG still arriving resolves with complete: false
//    once a scan more than last time has arrived (Decode Progressive Frame); other images wait for
//    the whole frame as the spec says.

const { describe, test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { spawnSync } = require('node:child_process');
const { ImageDecoder, liveCounts } = require('../..');
const fx = require('../fixtures/make-images');

const images = fx.makeImages();
const T = { timeout: 30_000 };

after(async () => {
  const c = await fx.liveCountsSettled(liveCounts);
  assert.deepEqual(Object.values(c).filter((v) => v !== 0), [], `live counts: ${JSON.stringify(c)}`);
});

// ------------------------------------------------------------------------------------------
// An ICC v2 RGB display profile with sRGB's (D50-adapted) colorants and a linear (gamma 1.0)
// tone curve: a sample of 128 means half the light, which sRGB encodes as ≈ 188.

function iccLinearSrgb() {
  const s15 = (v) => Math.round(v * 65536);
  const xyz = (x, y, z) => {
    const b = Buffer.alloc(20);
    b.write('XYZ ', 0, 'latin1');
    b.writeInt32BE(s15(x), 8); b.writeInt32BE(s15(y), 12); b.writeInt32BE(s15(z), 16);
    return b;
  };
  const curv = () => {
    const b = Buffer.alloc(14);
    b.write('curv', 0, 'latin1');
    b.writeUInt32BE(1, 8); // one entry: a gamma, u8Fixed8
    b.writeUInt16BE(0x0100, 12); // 1.0
    return b;
  };
  const desc = () => {
    const text = 'linear sRGB\0';
    const b = Buffer.alloc(12 + text.length + 4 + 4 + 2 + 1 + 67);
    b.write('desc', 0, 'latin1');
    b.writeUInt32BE(text.length, 8);
    b.write(text, 12, 'latin1');
    return b;
  };
  const tags = [
    ['desc', desc()], ['wtpt', xyz(0.9642, 1.0, 0.8249)],
    ['rXYZ', xyz(0.4361, 0.2225, 0.0139)], ['gXYZ', xyz(0.3851, 0.7169, 0.0971)], ['bXYZ', xyz(0.1431, 0.0606, 0.7141)],
    ['rTRC', curv()], ['gTRC', curv()], ['bTRC', curv()],
  ];
  const tableLen = 4 + tags.length * 12;
  let offset = 128 + tableLen;
  const table = Buffer.alloc(tableLen);
  table.writeUInt32BE(tags.length, 0);
  const bodies = [];
  tags.forEach(([sig, data], i) => {
    const padded = Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
    table.write(sig, 4 + i * 12, 'latin1');
    table.writeUInt32BE(offset, 8 + i * 12);
    table.writeUInt32BE(data.length, 12 + i * 12);
    bodies.push(padded);
    offset += padded.length;
  });
  const header = Buffer.alloc(128);
  header.writeUInt32BE(offset, 0);
  header.writeUInt32BE(0x02100000, 8); // version 2.1
  header.write('mntr', 12, 'latin1');
  header.write('RGB ', 16, 'latin1');
  header.write('XYZ ', 20, 'latin1');
  header.write('acsp', 36, 'latin1');
  header.writeInt32BE(s15(0.9642), 68); header.writeInt32BE(s15(1.0), 72); header.writeInt32BE(s15(0.8249), 76);
  return Buffer.concat([header, table, ...bodies]);
}

function pngChunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(fx.crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A w×h PNG of one RGB colour, with the profile in an iCCP chunk when given. */
function flatPng(w, h, rgb, icc) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const raw = Buffer.alloc(h * (w * 3 + 1));
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set(rgb, y * (w * 3 + 1) + 1 + x * 3);
  const chunks = [pngChunk('IHDR', ihdr)];
  if (icc) chunks.push(pngChunk('iCCP', Buffer.concat([Buffer.from('linear\0\0', 'latin1'), zlib.deflateSync(icc)])));
  chunks.push(pngChunk('IDAT', zlib.deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4E, 0x47, 13, 10, 26, 10]), ...chunks]);
}

/** The JPEG with the profile in an APP2 ICC_PROFILE segment right after SOI. */
function withIcc(jpeg, icc) {
  const payload = Buffer.concat([Buffer.from('ICC_PROFILE\0', 'latin1'), Buffer.from([1, 1]), icc]);
  const head = Buffer.from([0xFF, 0xE2, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), head, payload, jpeg.subarray(2)]);
}

/** A flat grey JPEG (yuvj420p) made by ffmpeg. */
function greyJpeg(v) {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', `color=c=0x${v.toString(16).repeat(3)}:s=64x48`,
    '-frames:v', '1', '-pix_fmt', 'yuvj420p', '-q:v', '2', '-f', 'image2pipe', '-c:v', 'mjpeg', '-'], { maxBuffer: 1 << 24 });
  assert.equal(r.status, 0, String(r.stderr));
  return r.stdout;
}

async function decodeOnce(init) {
  const d = new ImageDecoder(init);
  try {
    const r = await fx.within(d.decode(), 10_000, 'decode');
    const px = await fx.rgbaOf(r.image);
    const out = { format: r.image.format, colorSpace: r.image.colorSpace.toJSON(), px: fx.pixelAt(px.rgba, px.width, 5, 5), complete: r.complete };
    r.image.close();
    return out;
  } finally {
    d.close();
  }
}

describe('colorSpaceConversion', () => {
  const icc = iccLinearSrgb();

  test("PNG with an ICC profile: 'default' converts to sRGB, 'none' keeps the samples", T, async () => {
    const png = flatPng(16, 16, [128, 128, 128], icc);
    const def = await decodeOnce({ data: png, type: 'image/png' });
    const none = await decodeOnce({ data: png, type: 'image/png', colorSpaceConversion: 'none' });
    assert.deepEqual(none.px, [128, 128, 128, 255], "'none': the stored samples");
    // Linear 0.502 → sRGB 0.735 → 187.5.
    for (const c of def.px.slice(0, 3)) assert.ok(Math.abs(c - 188) <= 2, `'default': ${def.px} ≈ 188`);
    assert.equal(def.colorSpace.primaries, 'bt709');
    assert.equal(def.colorSpace.transfer, 'iec61966-2-1');
    // Without a profile both modes give the stored samples.
    const plain = flatPng(16, 16, [128, 128, 128], null);
    assert.deepEqual((await decodeOnce({ data: plain, type: 'image/png' })).px, [128, 128, 128, 255]);
  });

  test("JPEG with an ICC profile: 'none' stays I420 with its samples, 'default' is converted RGBA", T, async () => {
    const jpeg = withIcc(greyJpeg(128), icc);
    const none = await decodeOnce({ data: jpeg, type: 'image/jpeg', colorSpaceConversion: 'none' });
    assert.equal(none.format, 'I420');
    for (const c of none.px.slice(0, 3)) assert.ok(Math.abs(c - 128) <= 2, `'none': ${none.px} ≈ 128`);
    const def = await decodeOnce({ data: jpeg, type: 'image/jpeg' });
    assert.equal(def.format, 'RGBA');
    for (const c of def.px.slice(0, 3)) assert.ok(Math.abs(c - 188) <= 3, `'default': ${def.px} ≈ 188`);
    // The same JPEG without the profile: I420 in both modes (Chrome decodes YUV JPEGs to I420).
    const plain = await decodeOnce({ data: greyJpeg(128), type: 'image/jpeg' });
    assert.equal(plain.format, 'I420');
  });

  test('an unreadable ICC profile is ignored (as browsers do), not an error', T, async () => {
    const junk = Buffer.alloc(200, 7);
    const r = await decodeOnce({ data: flatPng(8, 8, [10, 20, 30], junk), type: 'image/png' });
    assert.deepEqual(r.px, [10, 20, 30, 255]);
  });
});

describe('preferAnimation', () => {
  test('single-track files: the only track is selected whatever is preferred', T, async () => {
    for (const [key, s] of [['png', images.still.png], ['gif anim', images.anim.gif]]) {
      for (const preferAnimation of [true, false, undefined]) {
        const d = new ImageDecoder({ data: s.bytes, type: s.type, preferAnimation });
        await fx.within(d.tracks.ready, 10_000, `${key} ready`);
        assert.equal(d.tracks.length, 1, key);
        assert.equal(d.tracks.selectedIndex, 0, `${key}, preferAnimation ${preferAnimation}`);
        d.close();
      }
    }
  });
});

describe('completeFramesOnly', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-progressive-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const have = spawnSync('jpegtran', ['-version']).status !== null;
  let progressive = null;
  if (have) {
    const src = path.join(dir, 'base.jpg');
    fs.writeFileSync(src, images.still.jpeg.bytes);
    const r = spawnSync('jpegtran', ['-progressive', '-copy', 'none', src], { maxBuffer: 1 << 24 });
    if (r.status === 0) progressive = r.stdout;
  }
  const skip = !progressive && 'jpegtran (libjpeg-turbo-progs) is not installed';


  test('false on a progressive JPEG still arriving: partial images with complete: false, then the full one', { ...T, skip }, async () => {
    const b = progressive;
    const sos = [];
    for (let i = 0; i + 1 < b.length; i++) if (b[i] === 0xFF && b[i + 1] === 0xDA) sos.push(i);
    assert.ok(sos.length >= 3, `a progressive JPEG has several scans (${sos.length})`);
    const src = fx.manualStream();
    const d = new ImageDecoder({ data: src.stream, type: 'image/jpeg' });
    try {
      // Up to the third SOS: two scans complete.
      src.push(b.subarray(0, sos[2]));
      const p1 = d.decode({ completeFramesOnly: false });
      const r1 = await fx.within(p1, 10_000, 'first partial decode');
      assert.equal(r1.complete, false, 'a partial image');
      assert.equal(r1.image.displayWidth, 320);
      const partial = await fx.rgbaOf(r1.image);
      r1.image.close();
      // Nothing new: the next progressive decode waits for more scans.
      let settled = false;
      const p2 = d.decode({ completeFramesOnly: false }).then((r) => { settled = true; return r; });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(settled, false, 'no new generation yet: the decode waits');
      src.push(b.subarray(sos[2], sos[sos.length - 1]));
      const r2 = await fx.within(p2, 10_000, 'second partial decode');
      assert.equal(r2.complete, false);
      const more = await fx.rgbaOf(r2.image);
      r2.image.close();
      // The rest: the full-detail image, complete: true, as completeFramesOnly: true gives it.
      const p3 = d.decode({ completeFramesOnly: false });
      src.push(b.subarray(sos[sos.length - 1]));
      src.end();
      const r3 = await fx.within(p3, 10_000, 'final decode');
      assert.equal(r3.complete, true);
      const full = await fx.rgbaOf(r3.image);
      r3.image.close();
      // More scans → closer to the final picture.
      const err = (a) => fx.compareRgba(a.rgba, full.rgba, 320, 240).mean;
      assert.ok(err(more) <= err(partial), `detail grows: ${err(partial)} → ${err(more)}`);
      assert.ok(err(partial) > 0, 'the first partial image lacks detail');
    } finally {
      d.close();
    }
  });

  test('true (the default) on a progressive JPEG waits for the whole image', { ...T, skip }, async () => {
    const src = fx.manualStream();
    const d = new ImageDecoder({ data: src.stream, type: 'image/jpeg' });
    src.push(progressive.subarray(0, progressive.length - 100));
    let settled = false;
    const p = d.decode().then((r) => { settled = true; return r; });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(settled, false);
    src.push(progressive.subarray(progressive.length - 100));
    src.end();
    const r = await fx.within(p, 10_000, 'decode');
    assert.equal(r.complete, true);
    r.image.close();
    d.close();
  });

  test('false on a baseline JPEG (not a Progressive Image) is Decode Complete Frame', T, async () => {
    const b = images.still.jpeg.bytes;
    const src = fx.manualStream();
    const d = new ImageDecoder({ data: src.stream, type: 'image/jpeg' });
    src.push(b.subarray(0, b.length >> 1));
    let settled = false;
    const p = d.decode({ completeFramesOnly: false }).then((r) => { settled = true; return r; });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(settled, false, 'no partial output for a baseline JPEG');
    src.push(b.subarray(b.length >> 1));
    src.end();
    const r = await fx.within(p, 10_000, 'decode');
    assert.equal(r.complete, true);
    r.image.close();
    d.close();
  });
});
