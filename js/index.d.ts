// Type declarations for native-webcodecs: the W3C WebCodecs API for Node.js.
// Names and shapes follow the WebIDL of https://www.w3.org/TR/webcodecs/ . What is not in the spec
// is marked "Non-standard" and gathered in the section "Non-standard extras" at the end (README.md,
// "Reference: what is not in the spec", lists the same, with the NATIVE_WEBCODECS_* variables).
/// <reference types="node" />

// ---------------------------------------------------------------------------------------------
// Buffers and geometry

/** WebIDL BufferSource. */
export type BufferSource = ArrayBuffer | ArrayBufferView;
/** WebIDL AllowSharedBufferSource. */
export type AllowSharedBufferSource = ArrayBuffer | SharedArrayBuffer | ArrayBufferView;

/** W3C Geometry DOMRectInit. */
export interface DOMRectInit {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
}

/** W3C Geometry DOMRectReadOnly (the global one when the host has it). */
export declare class DOMRectReadOnly {
  constructor(x?: number, y?: number, width?: number, height?: number);
  static fromRect(other?: DOMRectInit): DOMRectReadOnly;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly left: number;
  toJSON(): {
    x: number; y: number; width: number; height: number;
    top: number; right: number; bottom: number; left: number;
  };
}

/** W3C Geometry DOMRect. */
export declare class DOMRect extends DOMRectReadOnly {
  constructor(x?: number, y?: number, width?: number, height?: number);
  static fromRect(other?: DOMRectInit): DOMRect;
  x: number;
  y: number;
  width: number;
  height: number;
}

// ---------------------------------------------------------------------------------------------
// Pixel formats and color spaces

export type VideoPixelFormat =
  // 4:2:0 Y, U, V
  | 'I420' | 'I420P10' | 'I420P12'
  // 4:2:0 Y, U, V, A
  | 'I420A' | 'I420AP10' | 'I420AP12'
  // 4:2:2 Y, U, V
  | 'I422' | 'I422P10' | 'I422P12'
  // 4:2:2 Y, U, V, A
  | 'I422A' | 'I422AP10' | 'I422AP12'
  // 4:4:4 Y, U, V
  | 'I444' | 'I444P10' | 'I444P12'
  // 4:4:4 Y, U, V, A
  | 'I444A' | 'I444AP10' | 'I444AP12'
  // 4:2:0 Y, UV
  | 'NV12'
  // 4:4:4 packed RGB
  | 'RGBA' | 'RGBX' | 'BGRA' | 'BGRX';

export type VideoColorPrimaries = 'bt709' | 'bt470bg' | 'smpte170m' | 'bt2020' | 'smpte432';
export type VideoTransferCharacteristics = 'bt709' | 'smpte170m' | 'iec61966-2-1' | 'linear' | 'pq' | 'hlg';
export type VideoMatrixCoefficients = 'rgb' | 'bt709' | 'bt470bg' | 'smpte170m' | 'bt2020-ncl';
/**
 * HTML PredefinedColorSpace: the target of copyTo()'s RGB conversion. Both are implemented: the
 * pixels are converted from the frame's primaries and transfer to sRGB or Display P3 (HDR
 * transfers, 'pq' and 'hlg', are refused with NotSupportedError). See docs/COLOUR.md.
 */
export type PredefinedColorSpace = 'srgb' | 'display-p3';

export interface VideoColorSpaceInit {
  primaries?: VideoColorPrimaries | null;
  transfer?: VideoTransferCharacteristics | null;
  matrix?: VideoMatrixCoefficients | null;
  fullRange?: boolean | null;
}

export declare class VideoColorSpace {
  constructor(init?: VideoColorSpaceInit);
  readonly primaries: VideoColorPrimaries | null;
  readonly transfer: VideoTransferCharacteristics | null;
  readonly matrix: VideoMatrixCoefficients | null;
  readonly fullRange: boolean | null;
  toJSON(): {
    primaries: VideoColorPrimaries | null;
    transfer: VideoTransferCharacteristics | null;
    matrix: VideoMatrixCoefficients | null;
    fullRange: boolean | null;
  };
}

// ---------------------------------------------------------------------------------------------
// VideoFrame

export type AlphaOption = 'keep' | 'discard';

export interface PlaneLayout {
  /** Byte offset of the plane's first row in the buffer. */
  offset: number;
  /** Bytes from one row of the plane to the next, padding included. */
  stride: number;
}

/** Members are recorded in the WebCodecs VideoFrame Metadata Registry; values must be serializable. */
export interface VideoFrameMetadata {
  [member: string]: unknown;
}

export interface VideoFrameInit {
  /** Microseconds. */
  duration?: number;
  /** Microseconds. */
  timestamp?: number;
  alpha?: AlphaOption;
  visibleRect?: DOMRectInit;
  /** Degrees clockwise; rounded to a multiple of 90. */
  rotation?: number;
  flip?: boolean;
  displayWidth?: number;
  displayHeight?: number;
  metadata?: VideoFrameMetadata;
}

export interface VideoFrameBufferInit {
  format: VideoPixelFormat;
  codedWidth: number;
  codedHeight: number;
  /** Microseconds. */
  timestamp: number;
  /** Microseconds. */
  duration?: number;
  /** Where each plane lies in the buffer; tightly packed when absent. */
  layout?: PlaneLayout[];
  visibleRect?: DOMRectInit;
  rotation?: number;
  flip?: boolean;
  displayWidth?: number;
  displayHeight?: number;
  colorSpace?: VideoColorSpaceInit;
  /** ArrayBuffers to detach once the frame has taken its copy. */
  transfer?: ArrayBuffer[];
  metadata?: VideoFrameMetadata;
}

export interface VideoFrameCopyToOptions {
  rect?: DOMRectInit;
  layout?: PlaneLayout[];
  /** Convert to this RGB format while copying ('RGBA', 'RGBX', 'BGRA' or 'BGRX'). */
  format?: VideoPixelFormat;
  /** With an RGB `format`: the colour space of the result, 'srgb' (default) or 'display-p3'. */
  colorSpace?: PredefinedColorSpace;
}

export declare class VideoFrame {
  /** A new frame sharing `image`'s pixels (CanvasImageSource types do not exist in Node.js). */
  constructor(image: VideoFrame, init?: VideoFrameInit);
  /** A new frame holding a copy of the pixels in `data`. */
  constructor(data: AllowSharedBufferSource, init: VideoFrameBufferInit);

  /** null once closed. */
  readonly format: VideoPixelFormat | null;
  readonly codedWidth: number;
  readonly codedHeight: number;
  /** null once closed. */
  readonly codedRect: DOMRectReadOnly | null;
  /** null once closed. */
  readonly visibleRect: DOMRectReadOnly | null;
  /** Degrees clockwise: 0, 90, 180 or 270. */
  readonly rotation: number;
  readonly flip: boolean;
  readonly displayWidth: number;
  readonly displayHeight: number;
  /** Microseconds, or null. */
  readonly duration: number | null;
  /** Microseconds. */
  readonly timestamp: number;
  readonly colorSpace: VideoColorSpace;

  metadata(): VideoFrameMetadata;
  allocationSize(options?: VideoFrameCopyToOptions): number;
  copyTo(destination: AllowSharedBufferSource, options?: VideoFrameCopyToOptions): Promise<PlaneLayout[]>;
  clone(): VideoFrame;
  /** Releases the pixels now (the last close of a shared buffer frees it). Idempotent. */
  close(): void;
}

// ---------------------------------------------------------------------------------------------
// EncodedVideoChunk

export type EncodedVideoChunkType = 'key' | 'delta';

export interface EncodedVideoChunkInit {
  type: EncodedVideoChunkType;
  /** Microseconds. */
  timestamp: number;
  /** Microseconds. */
  duration?: number;
  data: AllowSharedBufferSource;
  /** ArrayBuffers to detach; if `data`'s buffer is listed, the chunk takes it over without a copy. */
  transfer?: ArrayBuffer[];
}

export declare class EncodedVideoChunk {
  constructor(init: EncodedVideoChunkInit);
  readonly type: EncodedVideoChunkType;
  /** Microseconds. */
  readonly timestamp: number;
  /** Microseconds, or null. */
  readonly duration: number | null;
  readonly byteLength: number;
  copyTo(destination: AllowSharedBufferSource): void;
}

// ---------------------------------------------------------------------------------------------
// Codec configuration shared by encoders and decoders

export type CodecState = 'unconfigured' | 'configured' | 'closed';
export type HardwareAcceleration = 'no-preference' | 'prefer-hardware' | 'prefer-software';
export type LatencyMode = 'quality' | 'realtime';
export type VideoEncoderBitrateMode = 'constant' | 'variable' | 'quantizer';
/** The content hints the spec names (MediaStreamTrack contentHint values for video). */
export type VideoEncoderContentHint = '' | 'motion' | 'detail' | 'text';

export type WebCodecsErrorCallback = (error: DOMException) => void;

export interface VideoDecoderConfig {
  codec: string;
  description?: AllowSharedBufferSource;
  codedWidth?: number;
  codedHeight?: number;
  displayAspectWidth?: number;
  displayAspectHeight?: number;
  colorSpace?: VideoColorSpaceInit;
  hardwareAcceleration?: HardwareAcceleration;
  optimizeForLatency?: boolean;
  /** Clockwise rotation in degrees (0, 90, 180, 270) given to every decoded VideoFrame. */
  rotation?: number;
  /** Horizontal flip given to every decoded VideoFrame. */
  flip?: boolean;
}

// ---------------------------------------------------------------------------------------------
// VideoEncoder

/** AVC (H.264) codec registration extension. */
export interface AvcEncoderConfig {
  format?: 'annexb' | 'avc';
}
/** HEVC (H.265) codec registration extension. */
export interface HevcEncoderConfig {
  format?: 'annexb' | 'hevc';
}
/** AV1 codec registration extension. */
export interface AV1EncoderConfig {
  forceScreenContentTools?: boolean;
}

export interface VideoEncoderConfig {
  codec: string;
  width: number;
  height: number;
  displayWidth?: number;
  displayHeight?: number;
  /** Bits per second. */
  bitrate?: number;
  framerate?: number;
  hardwareAcceleration?: HardwareAcceleration;
  alpha?: AlphaOption;
  scalabilityMode?: string;
  bitrateMode?: VideoEncoderBitrateMode;
  latencyMode?: LatencyMode;
  /** Spec: a DOMString; 'motion', 'detail' and 'text' select an encoder tune where one exists. */
  contentHint?: VideoEncoderContentHint | (string & {});
  /**
   * Non-standard (native-webcodecs only; see "Non-standard extras" at the end): the most consecutive B-frames, 0–16, H.264/HEVC only.
   * Default 0: chunks come in presentation order as in browsers. With n > 0 chunks come in decode
   * order (timestamps not monotonic).
   */
  bFrames?: number;
  /**
   * Non-standard (native-webcodecs only; see "Non-standard extras" at the end): frames of
   * rate-control lookahead, 0–250, H.264/HEVC only,
   * with frame threads as many as the cores allow. Default 0: at most one frame is held before its
   * chunk comes out ('quality') or none ('realtime'), as in browsers; n > 0 holds about n more.
   */
  lookahead?: number;
  avc?: AvcEncoderConfig;
  hevc?: HevcEncoderConfig;
  av1?: AV1EncoderConfig;
}

export interface VideoEncoderEncodeOptionsForVp9 { quantizer?: number | null }
export interface VideoEncoderEncodeOptionsForAv1 { quantizer?: number | null }
export interface VideoEncoderEncodeOptionsForAvc { quantizer?: number | null }
export interface VideoEncoderEncodeOptionsForHevc { quantizer?: number | null }

export interface VideoEncoderEncodeOptions {
  keyFrame?: boolean;
  vp9?: VideoEncoderEncodeOptionsForVp9;
  av1?: VideoEncoderEncodeOptionsForAv1;
  avc?: VideoEncoderEncodeOptionsForAvc;
  hevc?: VideoEncoderEncodeOptionsForHevc;
}

export interface SvcOutputMetadata {
  /** Temporal layer of the chunk under scalabilityMode L1T2/L1T3 (0 = base layer). */
  temporalLayerId?: number;
}

export interface EncodedVideoChunkMetadata {
  decoderConfig?: VideoDecoderConfig;
  svc?: SvcOutputMetadata;
  /** VP8/VP9 with alpha: 'keep': the alpha plane's own bitstream (an ArrayBuffer). */
  alphaSideData?: BufferSource;
}

export type EncodedVideoChunkOutputCallback =
  (chunk: EncodedVideoChunk, metadata?: EncodedVideoChunkMetadata) => void;

export interface VideoEncoderInit {
  output: EncodedVideoChunkOutputCallback;
  error: WebCodecsErrorCallback;
}

export interface VideoEncoderSupport {
  supported?: boolean;
  config?: VideoEncoderConfig;
}

export declare class VideoEncoder extends EventTarget {
  constructor(init: VideoEncoderInit);
  readonly state: CodecState;
  readonly encodeQueueSize: number;
  ondequeue: ((this: VideoEncoder, ev: Event) => any) | null;
  configure(config: VideoEncoderConfig): void;
  encode(frame: VideoFrame, options?: VideoEncoderEncodeOptions): void;
  flush(): Promise<void>;
  reset(): void;
  close(): void;
  static isConfigSupported(config: VideoEncoderConfig): Promise<VideoEncoderSupport>;
}

// ---------------------------------------------------------------------------------------------
// VideoDecoder

export type VideoFrameOutputCallback = (output: VideoFrame) => void;

export interface VideoDecoderInit {
  output: VideoFrameOutputCallback;
  error: WebCodecsErrorCallback;
}

export interface VideoDecoderSupport {
  supported?: boolean;
  config?: VideoDecoderConfig;
}

export declare class VideoDecoder extends EventTarget {
  constructor(init: VideoDecoderInit);
  readonly state: CodecState;
  readonly decodeQueueSize: number;
  ondequeue: ((this: VideoDecoder, ev: Event) => any) | null;
  configure(config: VideoDecoderConfig): void;
  decode(chunk: EncodedVideoChunk): void;
  flush(): Promise<void>;
  reset(): void;
  close(): void;
  static isConfigSupported(config: VideoDecoderConfig): Promise<VideoDecoderSupport>;
}

// ---------------------------------------------------------------------------------------------
// Image decoding

/** HTML's ColorSpaceConversion (ImageBitmapOptions). */
export type ColorSpaceConversion = 'default' | 'none';

/** WebIDL (BufferSource or ReadableStream). */
export type ImageBufferSource = AllowSharedBufferSource | ReadableStream<Uint8Array>;

export interface ImageDecoderInit {
  /** An image MIME type, e.g. 'image/png'. */
  type: string;
  data: ImageBufferSource;
  colorSpaceConversion?: ColorSpaceConversion;
  desiredWidth?: number;
  desiredHeight?: number;
  preferAnimation?: boolean;
  transfer?: ArrayBuffer[];
}

export interface ImageDecodeOptions {
  frameIndex?: number;
  completeFramesOnly?: boolean;
}

export interface ImageDecodeResult {
  image: VideoFrame;
  complete: boolean;
}

export declare class ImageTrack {
  private constructor();
  readonly animated: boolean;
  readonly frameCount: number;
  /** Infinity for an animation that loops for ever. */
  readonly repetitionCount: number;
  selected: boolean;
}

export declare class ImageTrackList {
  private constructor();
  readonly [index: number]: ImageTrack;
  readonly ready: Promise<void>;
  readonly length: number;
  readonly selectedIndex: number;
  readonly selectedTrack: ImageTrack | null;
  [Symbol.iterator](): IterableIterator<ImageTrack>;
}

export declare class ImageDecoder {
  constructor(init: ImageDecoderInit);
  readonly type: string;
  readonly complete: boolean;
  readonly completed: Promise<void>;
  readonly tracks: ImageTrackList;
  decode(options?: ImageDecodeOptions): Promise<ImageDecodeResult>;
  reset(): void;
  close(): void;
  static isTypeSupported(type: string): Promise<boolean>;
}

// ---------------------------------------------------------------------------------------------
// Audio

export type AudioSampleFormat = 'u8' | 's16' | 's32' | 'f32' | 'u8-planar' | 's16-planar' | 's32-planar' | 'f32-planar';

export interface AudioDataInit {
  format: AudioSampleFormat;
  sampleRate: number;
  numberOfFrames: number;
  numberOfChannels: number;
  /** Microseconds. */
  timestamp: number;
  data: AllowSharedBufferSource;
  transfer?: ArrayBuffer[];
}

export interface AudioDataCopyToOptions {
  planeIndex: number;
  frameOffset?: number;
  frameCount?: number;
  format?: AudioSampleFormat;
}

export declare class AudioData {
  constructor(init: AudioDataInit);
  /** null once closed. */
  readonly format: AudioSampleFormat | null;
  readonly sampleRate: number;
  readonly numberOfFrames: number;
  readonly numberOfChannels: number;
  /** Microseconds. */
  readonly duration: number;
  /** Microseconds. */
  readonly timestamp: number;
  allocationSize(options: AudioDataCopyToOptions): number;
  copyTo(destination: AllowSharedBufferSource, options: AudioDataCopyToOptions): void;
  clone(): AudioData;
  close(): void;
}

export type EncodedAudioChunkType = 'key' | 'delta';

export interface EncodedAudioChunkInit {
  type: EncodedAudioChunkType;
  /** Microseconds. */
  timestamp: number;
  /** Microseconds. */
  duration?: number;
  data: AllowSharedBufferSource;
  transfer?: ArrayBuffer[];
}

export declare class EncodedAudioChunk {
  constructor(init: EncodedAudioChunkInit);
  readonly type: EncodedAudioChunkType;
  readonly timestamp: number;
  readonly duration: number | null;
  readonly byteLength: number;
  copyTo(destination: AllowSharedBufferSource): void;
}

export interface AudioDecoderConfig {
  codec: string;
  sampleRate: number;
  numberOfChannels: number;
  description?: AllowSharedBufferSource;
}

export type BitrateMode = 'constant' | 'variable';
export type OpusBitstreamFormat = 'opus' | 'ogg';
export type OpusSignal = 'auto' | 'music' | 'voice';
export type OpusApplication = 'voip' | 'audio' | 'lowdelay';

export interface OpusEncoderConfig {
  format?: OpusBitstreamFormat;
  signal?: OpusSignal;
  application?: OpusApplication;
  /** Microseconds: 2500, 5000, 10000, 20000, 40000, 60000, 80000, 100000 or 120000. */
  frameDuration?: number;
  complexity?: number;
  packetlossperc?: number;
  useinbandfec?: boolean;
  usedtx?: boolean;
}

export interface AacEncoderConfig { format?: 'aac' | 'adts' }
export interface FlacEncoderConfig { blockSize?: number; compressLevel?: number }

export interface AudioEncoderConfig {
  codec: string;
  sampleRate: number;
  numberOfChannels: number;
  bitrate?: number;
  bitrateMode?: BitrateMode;
  opus?: OpusEncoderConfig;
  aac?: AacEncoderConfig;
  flac?: FlacEncoderConfig;
}

export interface AudioDecoderSupport { supported: boolean; config: AudioDecoderConfig }
export interface AudioEncoderSupport { supported: boolean; config: AudioEncoderConfig }
export interface EncodedAudioChunkMetadata { decoderConfig?: AudioDecoderConfig }

export interface AudioDecoderInit {
  output: (output: AudioData) => void;
  error: WebCodecsErrorCallback;
}
export interface AudioEncoderInit {
  output: (output: EncodedAudioChunk, metadata: EncodedAudioChunkMetadata) => void;
  error: WebCodecsErrorCallback;
}

export declare class AudioDecoder extends EventTarget {
  constructor(init: AudioDecoderInit);
  readonly state: CodecState;
  readonly decodeQueueSize: number;
  ondequeue: ((this: AudioDecoder, ev: Event) => any) | null;
  configure(config: AudioDecoderConfig): void;
  decode(chunk: EncodedAudioChunk): void;
  flush(): Promise<void>;
  reset(): void;
  close(): void;
  static isConfigSupported(config: AudioDecoderConfig): Promise<AudioDecoderSupport>;
}

export declare class AudioEncoder extends EventTarget {
  constructor(init: AudioEncoderInit);
  readonly state: CodecState;
  readonly encodeQueueSize: number;
  ondequeue: ((this: AudioEncoder, ev: Event) => any) | null;
  configure(config: AudioEncoderConfig): void;
  encode(data: AudioData): void;
  flush(): Promise<void>;
  reset(): void;
  close(): void;
  static isConfigSupported(config: AudioEncoderConfig): Promise<AudioEncoderSupport>;
}

// ---------------------------------------------------------------------------------------------
// Non-standard extras (native-webcodecs only; not in the WebCodecs spec)
//
// - VideoEncoderConfig.bFrames (above): opt into B-frames for H.264/HEVC.
// - VideoEncoderConfig.lookahead (above): opt into lookahead and frame threads for H.264/HEVC.
// - liveCounts(): the native objects alive now, for leak tests.
// - buildInfo(): which FFmpeg the addon carries, and its licence.
// - serializeVideoFrame()/deserializeVideoFrame(), serializeAudioData()/deserializeAudioData():
//   hand frames and audio to another worker_thread of this process without copying.
// - Environment variables: NATIVE_WEBCODECS_LOG=error|warning|info|debug (FFmpeg's log on stderr;
//   silent by default), NATIVE_WEBCODECS_ADDON=/path/to/addon.node (load that addon only),
//   NATIVE_WEBCODECS_BUILD_FROM_SOURCE=1 (the install step ignores the prebuilt),
//   NATIVE_WEBCODECS_SKIP_PREBUILD=1 (`npm pack` without the prebuilt).

/** Non-standard. Live native objects; all zero once everything has been closed. */
export interface LiveCounts {
  /** Native pixel buffers behind VideoFrames (one per buffer, shared by clones). */
  frames: number;
  /** FFmpeg AVFrames. */
  avFrames: number;
  packets: number;
  codecContexts: number;
  sessions: number;
  swsContexts: number;
  /** Native sample buffers behind AudioData (one per buffer, shared by clones). */
  audioData: number;
  swrContexts: number;
}
/** Non-standard. The native objects alive now (all zero once every frame, chunk and codec is closed). */
export declare function liveCounts(): LiveCounts;
/** The FFmpeg inside the addon: release, libavcodec version, licence ("GPL version 2 or later" for the default bundle) and configure line; and where still JPEGs are decoded (`jpeg`: "libjpeg-turbo 2.1 (built in)", "libjpeg-turbo 2.1 (libturbojpeg.so.0)" or "FFmpeg"). */
export declare function buildInfo(): { ffmpeg: string; libavcodec: string; license: string; configuration: string; jpeg: string };

/** Non-standard. A plain, structured-cloneable stand-in for a VideoFrame, to postMessage to another thread of this process. */
export interface VideoFrameToken {
  readonly type: 'native-webcodecs:VideoFrame';
  readonly id: string;
  readonly [slot: string]: unknown;
}
/**
 * Non-standard. Hand a VideoFrame to another worker_thread without copying its pixels: the token is redeemed once by
 * deserializeVideoFrame() in any thread of this process, and void after `timeout` ms (default 60000).
 * transfer: true closes `frame` (like the spec's transfer); otherwise it stays open.
 */
export declare function serializeVideoFrame(frame: VideoFrame, options?: { transfer?: boolean; timeout?: number }): VideoFrameToken;
/** The VideoFrame a token stands for; DataCloneError if it was already redeemed or has expired. */
export declare function deserializeVideoFrame(token: VideoFrameToken): VideoFrame;

/** Non-standard. A plain, structured-cloneable stand-in for an AudioData, to postMessage to another thread of this process. */
export interface AudioDataToken {
  readonly type: 'native-webcodecs:AudioData';
  readonly id: string;
  readonly timestamp: number;
}
/**
 * Non-standard. Hand an AudioData to another worker_thread without copying its samples (the same registry as
 * serializeVideoFrame): the token is redeemed once by deserializeAudioData() in any thread of this
 * process, and void after `timeout` ms (default 60000). transfer: true closes `data`; otherwise it stays open.
 */
export declare function serializeAudioData(data: AudioData, options?: { transfer?: boolean; timeout?: number }): AudioDataToken;
/** The AudioData a token stands for; DataCloneError if it was already redeemed or has expired. */
export declare function deserializeAudioData(token: AudioDataToken): AudioData;
