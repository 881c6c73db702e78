'use strict';
// Installs the WebCodecs classes on globalThis, never overwriting ones that already exist.
const api = require('./index.js');

const NAMES = ['VideoFrame', 'VideoColorSpace', 'EncodedVideoChunk', 'DOMRectReadOnly', 'DOMRect', 'VideoEncoder', 'VideoDecoder',
  'AudioData', 'EncodedAudioChunk', 'AudioEncoder', 'AudioDecoder',
  'ImageDecoder', 'ImageTrackList', 'ImageTrack'];
const installed = [];
for (const name of NAMES) {
  if (typeof globalThis[name] === 'undefined') {
    Object.defineProperty(globalThis, name, { value: api[name], writable: true, configurable: true, enumerable: false });
    installed.push(name);
  }
}
module.exports = { installed };
