'use strict';
// test/helpers: test media for the VideoDecoder tests, made AT TEST TIME with the ffmpeg CLI (no
// network, no binary fixtures in the repo) and demuxed here. Not a test file (the runner only runs
// *.test.js); test/interop/demuxers.test.js checks everything below against ffprobe.
//
// - makeMedia(): one ffmpeg run per (name, arguments), cached for the process in one temp dir that
//   is removed at exit. testsrc2 is moving content (a moving, changing picture), so every frame
//   differs and delta frames carry real work.
// - demux(): MP4 through mp4box (GPAC's MP4Box.js: the avcC/hvcC box of the sample entry is the
//   description, the sample table gives offsets, sizes, cts and sync flags); WebM through
//   mediabunny (a maintained, pure-TypeScript Matroska/WebM reader: SimpleBlock key flags and
//   timestamps, codec private data); raw Annex B (.h264/.hevc, written with access unit
//   delimiters) split here at the AUDs.
// - Annex B ↔ length-prefixed conversion and avcC/hvcC parameter-set extraction, for "decode
//   without a description".
// - ffmpegFrames(): ffmpeg's own decode of a file, as raw planes, for pixel comparisons.
// - VideoDecoder lookup that fails loudly (not skips) while the package has no VideoDecoder.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');

// ---------------------------------------------------------------- VideoDecoder or a loud stand-in

const MISSING = 'VideoDecoder is not defined: require("../..") does not export VideoDecoder (yet). '
  + 'These tests are written ahead of it and fail until it exists.';

/**
 * The package's VideoDecoder, or (while it does not exist) a stand-in whose constructor and
 * isConfigSupported() throw MISSING, so that every test fails with that message instead of being
 * skipped. `file` names the test file in the one-line notice printed on stderr.
 */
function videoDecoderOrFail(api, file) {
  if (typeof api.VideoDecoder === 'function') return api.VideoDecoder;
  process.stderr.write(`${path.basename(file)}: ${MISSING}\n`);
  return class MissingVideoDecoder {
    constructor() { throw new Error(MISSING); }
    static isConfigSupported() { return Promise.reject(new Error(MISSING)); }
  };
}

// ---------------------------------------------------------------- commands and the media cache

const available = new Map();
/** Whether a command (ffmpeg, ffprobe) runs here. */
function hasCommand(name) {
  if (!available.has(name)) available.set(name, spawnSync(name, ['-version']).status === 0);
  return available.get(name);
}

let dir = null;
function mediaDir() {
  if (!dir) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nwc-dec-media-'));
    process.on('exit', () => { if (!process.env.KEEP_MEDIA) fs.rmSync(dir, { recursive: true, force: true }); });
  }
  return dir;
}

const made = new Map();
/**
 * Make (once per process) `frames` frames of testsrc2 at `size` and `rate`, encoded with `args`
 * (codec options, after the input), into a file with extension `ext`. Returns its path.
 */
function makeMedia({ size = '320x240', frames = 20, rate = 30, args, ext, source = 'testsrc2' }) {
  const key = JSON.stringify([size, frames, rate, args, ext, source]);
  if (made.has(key)) return made.get(key);
  const name = crypto.createHash('sha1').update(key).digest('hex').slice(0, 12);
  const file = path.join(mediaDir(), `${name}.${ext}`);
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', `${source}=size=${size}:rate=${rate}`,
    '-frames:v', String(frames), ...args, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, `ffmpeg could not make ${ext} with ${args.join(' ')}:\n${r.stderr}`);
  made.set(key, file);
  return file;
}

// The encodings the tests use. Options kept to what Debian 12's ffmpeg has: libx264, libx265,
// libvpx (VP8, VP9), libaom. `-g 10`: key frames at 0, 10, 20 …; no B-frames unless named.
const X265_QUIET = 'log-level=error';
const ENCODINGS = {
  h264_high_mp4: { ext: 'mp4', args: ['-c:v', 'libx264', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-bf', '0', '-g', '10'] },
  h264_bframes_mp4: { ext: 'mp4', args: ['-c:v', 'libx264', '-profile:v', 'high', '-pix_fmt', 'yuv420p', '-bf', '3', '-g', '30'] },
  h264_high10_mp4: { ext: 'mp4', args: ['-c:v', 'libx264', '-profile:v', 'high10', '-pix_fmt', 'yuv420p10le', '-bf', '0', '-g', '10'] },
  h264_main_annexb: {
    ext: 'h264',
    args: ['-c:v', 'libx264', '-profile:v', 'main', '-pix_fmt', 'yuv420p', '-bf', '0', '-g', '10', '-x264-params', 'aud=1',
      '-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709', '-color_range', 'tv'],
  },
  h264_baseline_annexb: { ext: 'h264', args: ['-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-g', '10', '-x264-params', 'aud=1'] },
  h265_main_mp4: { ext: 'mp4', args: ['-c:v', 'libx265', '-tag:v', 'hvc1', '-pix_fmt', 'yuv420p', '-x265-params', `${X265_QUIET}:keyint=10:min-keyint=10:bframes=0`] },
  h265_bframes_mp4: { ext: 'mp4', args: ['-c:v', 'libx265', '-tag:v', 'hvc1', '-pix_fmt', 'yuv420p', '-x265-params', `${X265_QUIET}:keyint=30:bframes=3`] },
  h265_main10_mp4: { ext: 'mp4', args: ['-c:v', 'libx265', '-tag:v', 'hvc1', '-pix_fmt', 'yuv420p10le', '-x265-params', `${X265_QUIET}:keyint=10:min-keyint=10:bframes=0`] },
  h265_main_annexb: { ext: 'hevc', args: ['-c:v', 'libx265', '-pix_fmt', 'yuv420p', '-x265-params', `${X265_QUIET}:keyint=10:min-keyint=10:bframes=0:aud=1`] },
  vp8_webm: { ext: 'webm', args: ['-c:v', 'libvpx', '-g', '10', '-auto-alt-ref', '0', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1M'] },
  vp9_p0_webm: { ext: 'webm', args: ['-c:v', 'libvpx-vp9', '-pix_fmt', 'yuv420p', '-g', '10', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1M'] },
  vp9_p1_webm: { ext: 'webm', args: ['-c:v', 'libvpx-vp9', '-pix_fmt', 'yuv444p', '-g', '10', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1M'] },
  vp9_p2_webm: { ext: 'webm', args: ['-c:v', 'libvpx-vp9', '-pix_fmt', 'yuv420p10le', '-g', '10', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1M'] },
  av1_webm: { ext: 'webm', args: ['-c:v', 'libaom-av1', '-pix_fmt', 'yuv420p', '-g', '10', '-usage', 'realtime', '-cpu-used', '8', '-b:v', '1M'] },
};

/** makeMedia() for a named entry of ENCODINGS (frames, size overridable). */
const makeEncoded = (name, { frames = 20, size = '320x240' } = {}) => makeMedia({ ...ENCODINGS[name], frames, size });

// ---------------------------------------------------------------- demuxing

/**
 * A demuxed video track: `config` (codec, codedWidth, codedHeight, description if any) and
 * `chunks` in decode order, each { type: 'key'|'delta', timestamp (µs), duration (µs), data }.
 */
async function demux(file) {
  const ext = path.extname(file).slice(1);
  if (ext === 'mp4' || ext === 'mov') return demuxMp4(fs.readFileSync(file));
  if (ext === 'webm' || ext === 'mkv') return demuxWebm(fs.readFileSync(file));
  if (ext === 'h264' || ext === 'hevc') return demuxAnnexB(fs.readFileSync(file), ext);
  throw new Error(`no demuxer for .${ext}`);
}

/** MP4 through mp4box: the first video track. Timestamps are cts − the smallest cts (what an edit list that removes the B-frame delay does). */
function demuxMp4(buf) {
  const MP4Box = require('mp4box');
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  ab.fileStart = 0;
  const file = MP4Box.createFile();
  let info = null;
  let error = null;
  file.onReady = (i) => { info = i; };
  file.onError = (e) => { error = e; };
  file.appendBuffer(ab);
  file.flush();
  assert.ok(!error && info, `mp4box could not read the file: ${error}`);
  const track = info.videoTracks[0];
  assert.ok(track, 'the MP4 has a video track');
  const trak = file.getTrackById(track.id);
  const entry = trak.mdia.minf.stbl.stsd.entries[0];
  const box = entry.avcC || entry.hvcC || entry.vpcC || entry.av1C;
  let description;
  if (entry.avcC || entry.hvcC) {
    // The record without its 8-byte box header is the description (ISO/IEC 14496-15).
    const ds = new MP4Box.DataStream(undefined, 0, MP4Box.DataStream.BIG_ENDIAN);
    box.write(ds);
    description = new Uint8Array(ds.buffer, 8, ds.buffer.byteLength - 8).slice();
  }
  const ts = track.timescale;
  const samples = trak.samples;
  const minCts = Math.min(...samples.map((s) => s.cts));
  const us = (t) => Math.round((t * 1e6) / ts);
  const chunks = samples.map((s) => ({
    type: s.is_sync ? 'key' : 'delta',
    timestamp: us(s.cts - minCts),
    duration: us(s.duration),
    data: new Uint8Array(buf.buffer, buf.byteOffset + s.offset, s.size).slice(),
  }));
  const config = { codec: track.codec, codedWidth: track.video.width, codedHeight: track.video.height };
  if (description) config.description = description;
  return { config, chunks };
}

/** WebM through mediabunny: the primary video track. */
async function demuxWebm(buf) {
  const { Input, BufferSource, WEBM, MATROSKA, EncodedPacketSink } = require('mediabunny');
  const input = new Input({ formats: [WEBM, MATROSKA], source: new BufferSource(buf) });
  const track = await input.getPrimaryVideoTrack();
  assert.ok(track, 'the WebM has a video track');
  const dc = await track.getDecoderConfig();
  const config = { codec: dc.codec, codedWidth: track.codedWidth, codedHeight: track.codedHeight };
  if (dc.description) config.description = new Uint8Array(dc.description).slice();
  const chunks = [];
  for await (const p of new EncodedPacketSink(track).packets()) {
    chunks.push({ type: p.type, timestamp: Math.round(p.timestamp * 1e6), duration: Math.round(p.duration * 1e6), data: p.data.slice() });
  }
  return { config, chunks };
}

/** Start offsets (of the first byte after the start code) and NAL units of an Annex B buffer. */
function annexbNals(b) {
  const starts = [];
  for (let i = 0; i + 3 <= b.length; i++) {
    if (b[i] === 0 && b[i + 1] === 0 && b[i + 2] === 1) { starts.push(i + 3); i += 2; }
  }
  return starts.map((s, k) => {
    let end = k + 1 < starts.length ? starts[k + 1] - 3 : b.length;
    while (k + 1 < starts.length && end > s && b[end - 1] === 0) end--;
    return { start: s, nal: b.subarray(s, end) };
  });
}

const h264Type = (nal) => nal[0] & 0x1f;
const hevcType = (nal) => (nal[0] >> 1) & 0x3f;
const H264_AUD = 9;
const HEVC_AUD = 35;
const isIrap = (codec, nal) => (codec === 'h264' ? h264Type(nal) === 5 : hevcType(nal) >= 16 && hevcType(nal) <= 21);

/**
 * A raw Annex B stream (written with access unit delimiters) as chunks: one per AUD, key when it
 * holds an IDR (H.264) or IRAP (HEVC) picture. No B-frames in these files, so timestamps are the
 * frame index at 30 fps. The codec string comes from the first SPS.
 */
function demuxAnnexB(buf, ext) {
  const codec = ext === 'hevc' ? 'hevc' : 'h264';
  const aud = codec === 'h264' ? H264_AUD : HEVC_AUD;
  const type = codec === 'h264' ? h264Type : hevcType;
  const nals = annexbNals(buf);
  const auStarts = nals.filter((n) => type(n.nal) === aud).map((n) => n.start - 4 >= 0 && buf[n.start - 4] === 0 ? n.start - 4 : n.start - 3);
  assert.ok(auStarts.length > 0, 'the Annex B stream has access unit delimiters');
  assert.equal(auStarts[0], 0, 'the stream starts with an access unit delimiter');
  const DUR = 33333;
  const chunks = auStarts.map((s, i) => {
    const data = buf.subarray(s, i + 1 < auStarts.length ? auStarts[i + 1] : buf.length);
    const key = annexbNals(data).some((n) => isIrap(codec, n.nal));
    return { type: key ? 'key' : 'delta', timestamp: i * DUR, duration: DUR, data: new Uint8Array(data) };
  });
  let codecString;
  if (codec === 'h264') {
    const sps = nals.find((n) => h264Type(n.nal) === 7).nal;
    codecString = `avc1.${[sps[1], sps[2], sps[3]].map((v) => v.toString(16).padStart(2, '0')).join('').toUpperCase()}`;
  } else {
    codecString = hevcCodecString(nals.find((n) => hevcType(n.nal) === 33).nal);
  }
  return { config: { codec: codecString }, chunks };
}

/** RBSP of a NAL unit (emulation prevention removed) from byte `from` on. */
function rbsp(nal, from) {
  const out = [];
  for (let i = from; i < nal.length; i++) {
    if (i + 2 < nal.length && nal[i] === 0 && nal[i + 1] === 0 && nal[i + 2] === 3) { out.push(0, 0); i += 2; continue; }
    out.push(nal[i]);
  }
  return Uint8Array.from(out);
}

/** hvc1 codec string (ISO/IEC 14496-15 Annex E) from an HEVC SPS's profile_tier_level. */
function hevcCodecString(sps) {
  const r = rbsp(sps, 2); // after the 2-byte NAL header
  // sps_video_parameter_set_id(4) sps_max_sub_layers_minus1(3) temporal_id_nesting(1), then general PTL
  const p = 1;
  const space = r[p] >> 6;
  const tier = (r[p] >> 5) & 1;
  const profile = r[p] & 0x1f;
  const compat = (r[p + 1] << 24 | r[p + 2] << 16 | r[p + 3] << 8 | r[p + 4]) >>> 0;
  let rev = 0;
  for (let i = 0; i < 32; i++) if (compat & (1 << i)) rev |= 1 << (31 - i);
  const constraints = Array.from(r.subarray(p + 5, p + 11));
  while (constraints.length && constraints[constraints.length - 1] === 0) constraints.pop();
  const level = r[p + 11];
  return ['hvc1', `${['', 'A', 'B', 'C'][space]}${profile}`, (rev >>> 0).toString(16).toUpperCase(),
    `${tier ? 'H' : 'L'}${level}`, ...constraints.map((c) => c.toString(16).toUpperCase())].join('.');
}

// ---------------------------------------------------------------- Annex B ↔ length-prefixed

const START = Uint8Array.of(0, 0, 0, 1);
const concat = (parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};

/** NAL units of a length-prefixed chunk ("avc"/"hevc" format, `n`-byte lengths). */
function lengthPrefixedNals(b, n = 4) {
  const out = [];
  for (let p = 0; p + n <= b.length;) {
    let len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i];
    out.push(b.subarray(p + n, p + n + len));
    p += n + len;
  }
  return out;
}

/** Parameter-set NAL units of an avcC record (SPS then PPS) and its length size. */
function avccInfo(description) {
  const d = description;
  const sets = [];
  let p = 6;
  for (let i = 0, n = d[5] & 0x1f; i < n; i++) { const len = (d[p] << 8) | d[p + 1]; sets.push(d.subarray(p + 2, p + 2 + len)); p += 2 + len; }
  for (let i = 0, n = d[p++]; i < n; i++) { const len = (d[p] << 8) | d[p + 1]; sets.push(d.subarray(p + 2, p + 2 + len)); p += 2 + len; }
  return { sets, lengthSize: (d[4] & 3) + 1 };
}

/** Parameter-set NAL units of an hvcC record (VPS, SPS, PPS, SEI arrays in order) and its length size. */
function hvccInfo(description) {
  const d = description;
  const sets = [];
  let p = 22;
  const arrays = d[p++];
  for (let a = 0; a < arrays; a++) {
    p++; // array_completeness, reserved, NAL_unit_type
    const n = (d[p] << 8) | d[p + 1];
    p += 2;
    for (let i = 0; i < n; i++) { const len = (d[p] << 8) | d[p + 1]; sets.push(d.subarray(p + 2, p + 2 + len)); p += 2 + len; }
  }
  return { sets, lengthSize: (d[21] & 3) + 1 };
}

/**
 * "Strip" the description: the same chunks as Annex B, the description's parameter sets put in
 * front of every key chunk, and a config without description (what a decoder must take as Annex B).
 */
function toAnnexB({ config, chunks }) {
  const hevc = config.codec.startsWith('hvc1') || config.codec.startsWith('hev1');
  const { sets, lengthSize } = (hevc ? hvccInfo : avccInfo)(config.description);
  const { description, ...rest } = config;
  return {
    config: rest,
    chunks: chunks.map((c) => {
      const parts = [];
      if (c.type === 'key') for (const s of sets) parts.push(START, s);
      for (const nal of lengthPrefixedNals(c.data, lengthSize)) parts.push(START, nal);
      return { ...c, data: concat(parts) };
    }),
  };
}

// ---------------------------------------------------------------- chunks, frames, ffmpeg's decode

/** EncodedVideoChunks of demuxed chunks (the class from the package under test). */
const toChunks = (EncodedVideoChunk, chunks) => chunks.map((c) => new EncodedVideoChunk(c));

/** ffprobe's packets of the first video stream: pts (µs, if any), key flag, size — in decode order. */
function ffprobePackets(file) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_packets', '-show_entries',
    'packet=pts_time,dts_time,duration_time,flags,size', '-of', 'json', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, `ffprobe failed: ${r.stderr}`);
  return JSON.parse(r.stdout).packets.map((p) => ({
    pts: p.pts_time === undefined ? null : Math.round(Number(p.pts_time) * 1e6),
    key: p.flags.includes('K'),
    size: Number(p.size),
  }));
}

/** ffprobe's view of the first video stream (codec_name, profile, width, height, pix_fmt, colour fields, nb_read_frames). */
function ffprobeStream(file) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_streams', '-of', 'json', file],
    { encoding: 'utf8' });
  assert.equal(r.status, 0, `ffprobe failed: ${r.stderr}`);
  return JSON.parse(r.stdout).streams[0];
}

/** Size in bytes of one w×h frame of an ffmpeg pix_fmt this file uses. */
function frameBytes(pixFmt, w, h) {
  const cw = Math.ceil(w / 2);
  const ch = Math.ceil(h / 2);
  switch (pixFmt) {
    case 'yuv420p': return w * h + 2 * cw * ch;
    case 'yuv420p10le': return 2 * (w * h + 2 * cw * ch);
    case 'yuv444p': return 3 * w * h;
    default: throw new Error(`frameBytes: ${pixFmt}`);
  }
}

/** ffmpeg's own decode of `file` (every frame, presentation order, no frame rate conversion) as `pixFmt` planes. */
function ffmpegFrames(file, pixFmt, w, h) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', file, '-f', 'rawvideo', '-pix_fmt', pixFmt,
    '-fps_mode', 'passthrough', 'pipe:1'], { maxBuffer: 1 << 30 });
  assert.equal(r.status, 0, `ffmpeg failed: ${r.stderr}`);
  const size = frameBytes(pixFmt, w, h);
  assert.equal(r.stdout.length % size, 0, `ffmpeg gave ${r.stdout.length} bytes, not whole ${w}×${h} ${pixFmt} frames`);
  const frames = [];
  for (let p = 0; p < r.stdout.length; p += size) frames.push(r.stdout.subarray(p, p + size));
  return frames;
}

/** PSNR in dB of two equal-length 8-bit sample arrays (Infinity when identical). */
function psnr(a, b) {
  assert.equal(a.length, b.length, 'same number of samples');
  let se = 0;
  for (let i = 0; i < a.length; i++) { const d = a[i] - b[i]; se += d * d; }
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255 * a.length) / se);
}

/** demuxAnnexB for a file path, synchronously (for tables built at module load). */
const demuxAnnexBSync = (file) => demuxAnnexB(fs.readFileSync(file), path.extname(file).slice(1));

module.exports = {
  demuxAnnexBSync,
  MISSING,
  videoDecoderOrFail,
  hasCommand,
  mediaDir,
  makeMedia,
  ENCODINGS,
  makeEncoded,
  demux,
  demuxMp4,
  demuxWebm,
  demuxAnnexB,
  annexbNals,
  h264Type,
  hevcType,
  hevcCodecString,
  lengthPrefixedNals,
  avccInfo,
  hvccInfo,
  toAnnexB,
  concat,
  toChunks,
  ffprobePackets,
  ffprobeStream,
  frameBytes,
  ffmpegFrames,
  psnr,
};
