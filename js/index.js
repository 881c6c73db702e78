'use strict';
// native-webcodecs: the WebCodecs classes (CommonJS entry). `require('native-webcodecs/polyfill')`
// installs them on globalThis instead.
// The `module.exports` list at the end is the one list of public names: index.mjs re-exports it,
// polyfill.js installs its WebIDL interfaces (the PascalCase names) on globalThis, and
// test/types/exports-agree.test.js checks index.d.ts and polyfill.d.ts against it. Keep it an
// object literal of plain identifiers: that is the form Node's CommonJS export detection reads
// for `import { VideoFrame } from 'native-webcodecs'`.
const { VideoFrame, serializeVideoFrame, deserializeVideoFrame } = require('./lib/video-frame');
const { VideoColorSpace } = require('./lib/video-color-space');
const { EncodedVideoChunk } = require('./lib/encoded-video-chunk');
const { EncodedAudioChunk } = require('./lib/encoded-audio-chunk');
const { AudioData, serializeAudioData, deserializeAudioData } = require('./lib/audio-data');
const { AudioEncoder } = require('./lib/audio-encoder');
const { AudioDecoder } = require('./lib/audio-decoder');
const { DOMRectReadOnly, DOMRect } = require('./lib/dom-rect');
const { VideoEncoder } = require('./lib/video-encoder');
const { VideoDecoder } = require('./lib/video-decoder');
const { ImageDecoder, ImageTrackList, ImageTrack } = require('./lib/image-decoder');
const native = require('./lib/native');

/** Live native objects (frames, packets, codec contexts, sessions …): all zero once everything is closed. */
function liveCounts() {
  return native.liveCounts();
}

/**
 * The FFmpeg this addon carries: its release, libavcodec's version, its licence (the bundled build
 * with x264/x265 is GPL; the LGPL build is not) and FFmpeg's configure line.
 */
function buildInfo() {
  return native.buildInfo();
}

// WebIDL interfaces (PascalCase: installed by the polyfill), then native-webcodecs' own functions.
module.exports = {
  VideoFrame,
  VideoColorSpace,
  EncodedVideoChunk,
  EncodedAudioChunk,
  AudioData,
  DOMRectReadOnly,
  DOMRect,
  VideoEncoder,
  VideoDecoder,
  AudioEncoder,
  AudioDecoder,
  ImageDecoder,
  ImageTrackList,
  ImageTrack,
  liveCounts,
  buildInfo,
  serializeVideoFrame,
  deserializeVideoFrame,
  serializeAudioData,
  deserializeAudioData,
};
