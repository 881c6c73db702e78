// native-webcodecs: ESM entry (the same classes as the CommonJS entry).
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const api = require('./index.js');
export const { VideoFrame, VideoColorSpace, EncodedVideoChunk, DOMRectReadOnly, DOMRect, VideoEncoder, VideoDecoder,
  AudioData, EncodedAudioChunk, AudioEncoder, AudioDecoder,
  ImageDecoder, ImageTrackList, ImageTrack, liveCounts, serializeVideoFrame, deserializeVideoFrame,
  serializeAudioData, deserializeAudioData } = api;
export default api;
