// Importing 'native-webcodecs/polyfill' installs the classes on globalThis (where missing), so
// code written for the browser runs unchanged. These declarations make the same names global for
// TypeScript: the classes (values and instance types) and the dictionaries (interfaces).
// test/types/exports-agree.test.js checks that the classes here are exactly the ones polyfill.js
// installs, and the interfaces exactly index.d.ts's exported spec dictionaries.
// When the program also has lib "DOM", the DOM's declarations are used and these add nothing
// (the pattern @types/node uses for fetch): `typeof globalThis extends { onmessage: any }` holds
// only with lib.dom. String-union type names (VideoPixelFormat, CodecState, …) cannot be declared
// twice, so they are not made global: import them from 'native-webcodecs', or add "DOM" to lib.
import type * as wc from './index';

/** The names the polyfill installed (those that were missing from globalThis). */
export declare const installed: string[];

type WithoutDom<T> = typeof globalThis extends { onmessage: any } ? {} : T;

type _VideoFrame = WithoutDom<wc.VideoFrame>;
type _VideoColorSpace = WithoutDom<wc.VideoColorSpace>;
type _EncodedVideoChunk = WithoutDom<wc.EncodedVideoChunk>;
type _DOMRectReadOnly = WithoutDom<wc.DOMRectReadOnly>;
type _DOMRect = WithoutDom<wc.DOMRect>;
type _VideoEncoder = WithoutDom<wc.VideoEncoder>;
type _VideoDecoder = WithoutDom<wc.VideoDecoder>;
type _ImageDecoder = WithoutDom<wc.ImageDecoder>;
type _ImageTrackList = WithoutDom<wc.ImageTrackList>;
type _ImageTrack = WithoutDom<wc.ImageTrack>;
type _AudioData = WithoutDom<wc.AudioData>;
type _EncodedAudioChunk = WithoutDom<wc.EncodedAudioChunk>;
type _AudioEncoder = WithoutDom<wc.AudioEncoder>;
type _AudioDecoder = WithoutDom<wc.AudioDecoder>;
type _DOMRectInit = WithoutDom<wc.DOMRectInit>;
type _VideoColorSpaceInit = WithoutDom<wc.VideoColorSpaceInit>;
type _PlaneLayout = WithoutDom<wc.PlaneLayout>;
type _VideoFrameMetadata = WithoutDom<wc.VideoFrameMetadata>;
type _VideoFrameInit = WithoutDom<wc.VideoFrameInit>;
type _VideoFrameBufferInit = WithoutDom<wc.VideoFrameBufferInit>;
type _VideoFrameCopyToOptions = WithoutDom<wc.VideoFrameCopyToOptions>;
type _EncodedVideoChunkInit = WithoutDom<wc.EncodedVideoChunkInit>;
type _EncodedVideoChunkMetadata = WithoutDom<wc.EncodedVideoChunkMetadata>;
type _SvcOutputMetadata = WithoutDom<wc.SvcOutputMetadata>;
type _VideoDecoderConfig = WithoutDom<wc.VideoDecoderConfig>;
type _VideoDecoderInit = WithoutDom<wc.VideoDecoderInit>;
type _VideoDecoderSupport = WithoutDom<wc.VideoDecoderSupport>;
type _VideoEncoderConfig = WithoutDom<wc.VideoEncoderConfig>;
type _VideoEncoderInit = WithoutDom<wc.VideoEncoderInit>;
type _VideoEncoderSupport = WithoutDom<wc.VideoEncoderSupport>;
type _VideoEncoderEncodeOptions = WithoutDom<wc.VideoEncoderEncodeOptions>;
type _VideoEncoderEncodeOptionsForAvc = WithoutDom<wc.VideoEncoderEncodeOptionsForAvc>;
type _VideoEncoderEncodeOptionsForHevc = WithoutDom<wc.VideoEncoderEncodeOptionsForHevc>;
type _VideoEncoderEncodeOptionsForVp9 = WithoutDom<wc.VideoEncoderEncodeOptionsForVp9>;
type _VideoEncoderEncodeOptionsForAv1 = WithoutDom<wc.VideoEncoderEncodeOptionsForAv1>;
type _AvcEncoderConfig = WithoutDom<wc.AvcEncoderConfig>;
type _HevcEncoderConfig = WithoutDom<wc.HevcEncoderConfig>;
type _AV1EncoderConfig = WithoutDom<wc.AV1EncoderConfig>;
type _ImageDecoderInit = WithoutDom<wc.ImageDecoderInit>;
type _ImageDecodeOptions = WithoutDom<wc.ImageDecodeOptions>;
type _ImageDecodeResult = WithoutDom<wc.ImageDecodeResult>;
type _AudioDataInit = WithoutDom<wc.AudioDataInit>;
type _AudioDataCopyToOptions = WithoutDom<wc.AudioDataCopyToOptions>;
type _EncodedAudioChunkInit = WithoutDom<wc.EncodedAudioChunkInit>;
type _EncodedAudioChunkMetadata = WithoutDom<wc.EncodedAudioChunkMetadata>;
type _AudioDecoderConfig = WithoutDom<wc.AudioDecoderConfig>;
type _AudioDecoderInit = WithoutDom<wc.AudioDecoderInit>;
type _AudioDecoderSupport = WithoutDom<wc.AudioDecoderSupport>;
type _AudioEncoderConfig = WithoutDom<wc.AudioEncoderConfig>;
type _AudioEncoderInit = WithoutDom<wc.AudioEncoderInit>;
type _AudioEncoderSupport = WithoutDom<wc.AudioEncoderSupport>;
type _OpusEncoderConfig = WithoutDom<wc.OpusEncoderConfig>;
type _AacEncoderConfig = WithoutDom<wc.AacEncoderConfig>;
type _FlacEncoderConfig = WithoutDom<wc.FlacEncoderConfig>;

declare global {
  interface VideoFrame extends _VideoFrame {}
  var VideoFrame: typeof globalThis extends { onmessage: any; VideoFrame: infer T } ? T : typeof wc.VideoFrame;
  interface VideoColorSpace extends _VideoColorSpace {}
  var VideoColorSpace: typeof globalThis extends { onmessage: any; VideoColorSpace: infer T } ? T : typeof wc.VideoColorSpace;
  interface EncodedVideoChunk extends _EncodedVideoChunk {}
  var EncodedVideoChunk: typeof globalThis extends { onmessage: any; EncodedVideoChunk: infer T } ? T : typeof wc.EncodedVideoChunk;
  interface DOMRectReadOnly extends _DOMRectReadOnly {}
  var DOMRectReadOnly: typeof globalThis extends { onmessage: any; DOMRectReadOnly: infer T } ? T : typeof wc.DOMRectReadOnly;
  interface DOMRect extends _DOMRect {}
  var DOMRect: typeof globalThis extends { onmessage: any; DOMRect: infer T } ? T : typeof wc.DOMRect;
  interface VideoEncoder extends _VideoEncoder {}
  var VideoEncoder: typeof globalThis extends { onmessage: any; VideoEncoder: infer T } ? T : typeof wc.VideoEncoder;
  interface VideoDecoder extends _VideoDecoder {}
  var VideoDecoder: typeof globalThis extends { onmessage: any; VideoDecoder: infer T } ? T : typeof wc.VideoDecoder;
  interface ImageDecoder extends _ImageDecoder {}
  var ImageDecoder: typeof globalThis extends { onmessage: any; ImageDecoder: infer T } ? T : typeof wc.ImageDecoder;
  interface ImageTrackList extends _ImageTrackList {}
  var ImageTrackList: typeof globalThis extends { onmessage: any; ImageTrackList: infer T } ? T : typeof wc.ImageTrackList;
  interface ImageTrack extends _ImageTrack {}
  var ImageTrack: typeof globalThis extends { onmessage: any; ImageTrack: infer T } ? T : typeof wc.ImageTrack;
  interface AudioData extends _AudioData {}
  var AudioData: typeof globalThis extends { onmessage: any; AudioData: infer T } ? T : typeof wc.AudioData;
  interface EncodedAudioChunk extends _EncodedAudioChunk {}
  var EncodedAudioChunk: typeof globalThis extends { onmessage: any; EncodedAudioChunk: infer T } ? T : typeof wc.EncodedAudioChunk;
  interface AudioEncoder extends _AudioEncoder {}
  var AudioEncoder: typeof globalThis extends { onmessage: any; AudioEncoder: infer T } ? T : typeof wc.AudioEncoder;
  interface AudioDecoder extends _AudioDecoder {}
  var AudioDecoder: typeof globalThis extends { onmessage: any; AudioDecoder: infer T } ? T : typeof wc.AudioDecoder;
  interface DOMRectInit extends _DOMRectInit {}
  interface VideoColorSpaceInit extends _VideoColorSpaceInit {}
  interface PlaneLayout extends _PlaneLayout {}
  interface VideoFrameMetadata extends _VideoFrameMetadata {}
  interface VideoFrameInit extends _VideoFrameInit {}
  interface VideoFrameBufferInit extends _VideoFrameBufferInit {}
  interface VideoFrameCopyToOptions extends _VideoFrameCopyToOptions {}
  interface EncodedVideoChunkInit extends _EncodedVideoChunkInit {}
  interface EncodedVideoChunkMetadata extends _EncodedVideoChunkMetadata {}
  interface SvcOutputMetadata extends _SvcOutputMetadata {}
  interface VideoDecoderConfig extends _VideoDecoderConfig {}
  interface VideoDecoderInit extends _VideoDecoderInit {}
  interface VideoDecoderSupport extends _VideoDecoderSupport {}
  interface VideoEncoderConfig extends _VideoEncoderConfig {}
  interface VideoEncoderInit extends _VideoEncoderInit {}
  interface VideoEncoderSupport extends _VideoEncoderSupport {}
  interface VideoEncoderEncodeOptions extends _VideoEncoderEncodeOptions {}
  interface VideoEncoderEncodeOptionsForAvc extends _VideoEncoderEncodeOptionsForAvc {}
  interface VideoEncoderEncodeOptionsForHevc extends _VideoEncoderEncodeOptionsForHevc {}
  interface VideoEncoderEncodeOptionsForVp9 extends _VideoEncoderEncodeOptionsForVp9 {}
  interface VideoEncoderEncodeOptionsForAv1 extends _VideoEncoderEncodeOptionsForAv1 {}
  interface AvcEncoderConfig extends _AvcEncoderConfig {}
  interface HevcEncoderConfig extends _HevcEncoderConfig {}
  interface AV1EncoderConfig extends _AV1EncoderConfig {}
  interface ImageDecoderInit extends _ImageDecoderInit {}
  interface ImageDecodeOptions extends _ImageDecodeOptions {}
  interface ImageDecodeResult extends _ImageDecodeResult {}
  interface AudioDataInit extends _AudioDataInit {}
  interface AudioDataCopyToOptions extends _AudioDataCopyToOptions {}
  interface EncodedAudioChunkInit extends _EncodedAudioChunkInit {}
  interface EncodedAudioChunkMetadata extends _EncodedAudioChunkMetadata {}
  interface AudioDecoderConfig extends _AudioDecoderConfig {}
  interface AudioDecoderInit extends _AudioDecoderInit {}
  interface AudioDecoderSupport extends _AudioDecoderSupport {}
  interface AudioEncoderConfig extends _AudioEncoderConfig {}
  interface AudioEncoderInit extends _AudioEncoderInit {}
  interface AudioEncoderSupport extends _AudioEncoderSupport {}
  interface OpusEncoderConfig extends _OpusEncoderConfig {}
  interface AacEncoderConfig extends _AacEncoderConfig {}
  interface FlacEncoderConfig extends _FlacEncoderConfig {}
}
