// The contract between js/ and the Neon addon (native/src/bridge/exports.rs registers every
// export; native/src/bridge/kinds/<kind>.rs reads each kind's configs and items and writes its
// outputs). js/ only ever passes validated plain objects; native code never throws for a
// spec-level reason (js/ validates first) — a native throw is a bug or an internal failure
// (message carries the reason). See docs/ARCHITECTURE.md, "The session protocol".
//
// Checked from both sides: `tsc --checkJs` over js/lib (test/types/native-contract.test.js)
// checks js/'s calls against these declarations, and the same test checks that the member names
// of each kind's config, item and output are the ones its bridge file reads and writes.

import type { LiveCounts } from '../index';

declare namespace native {
  /** Opaque JsBox handles. */
  interface FrameHandle { readonly __handle: 'VideoFrame' }
  interface AudioHandle { readonly __handle: 'AudioData' }
  interface SessionHandle<K extends SessionKind = SessionKind> { readonly __handle: 'Session'; readonly __kind: K }

  /** Where a plane lies in a source buffer, in bytes. */
  interface PlaneSource { offset: number; stride: number; rowBytes: number; rows: number }
  /** A plane as stored natively. */
  interface PlaneInfo { stride: number; rowBytes: number; rows: number }
  /** One rectangular copy out of a plane: x is in bytes, y in rows. */
  interface CopyOp { plane: number; x: number; y: number; rowBytes: number; rows: number; dstOffset: number; dstStride: number }
  interface NativeFrameInfo { format: string; codedWidth: number; codedHeight: number; planes: PlaneInfo[] }
  interface Rect { x: number; y: number; width: number; height: number }
  /** VideoColorSpace members (null = unknown): names VideoColorSpace defines (the bridge throws a TypeError for another). */
  interface ColorSpaceMembers { primaries: string | null; transfer: string | null; matrix: string | null; fullRange: boolean | null }

  // --- The session kinds: what each kind's sessionConfigure/sessionPush take and its outputs carry.
  // String members that the bridge compares with a fixed value are `string` here: the value is
  // named in the comment (js/ builds them from already validated dictionaries).

  /** kind 'video-encoder' (bridge/kinds/video_encoder.rs). */
  interface VideoEncoderNativeConfig {
    codec: string;
    width: number;
    height: number;
    displayWidth?: number;
    displayHeight?: number;
    bitrate?: number;
    framerate?: number;
    /** 'constant' | 'variable' | 'quantizer' */
    bitrateMode?: string;
    /** 'quality' | 'realtime' */
    latencyMode?: string;
    /** 'annexb' | 'length-prefixed' (avc/hevc `format`, resolved in js/) */
    bitstreamFormat?: string;
    contentHint?: string;
    bFrames?: number;
    /** Non-standard opt-in: frames of rate-control lookahead (H.264/HEVC), 0–250. */
    lookahead?: number;
    /** 'keep' | 'discard' */
    alpha?: string;
    scalabilityMode?: string;
    /** 'prefer-hardware' | … */
    hardwareAcceleration?: string;
  }
  interface VideoEncodeItem {
    /** The worker takes its own reference to the pixels: js/ may close the frame at once. */
    frame: FrameHandle;
    visible: Rect;
    timestamp: number;
    duration?: number;
    keyFrame?: boolean;
    /** The per-frame quantizer of the codec's encode options (bitrateMode 'quantizer'). */
    quantizer?: number;
    color?: ColorSpaceMembers;
    rotation?: number;
    flip?: boolean;
  }
  interface VideoEncoderOutput {
    /** The chunk's bytes, copied once; the native packet is already freed. */
    data: ArrayBuffer;
    type: 'key' | 'delta';
    timestamp: number;
    duration?: number;
    decoderConfig?: {
      codec: string; codedWidth: number; codedHeight: number; displayAspectWidth: number; displayAspectHeight: number;
      description?: ArrayBuffer; rotation: number; flip: boolean;
      colorSpace: { primaries: string; transfer: string; matrix: string; fullRange: boolean };
    };
    temporalLayerId?: number;
    alphaSideData?: ArrayBuffer;
  }

  /** kind 'video-decoder' (bridge/kinds/video_decoder.rs). */
  interface VideoDecoderNativeConfig {
    codec: string;
    /** Copied natively. */
    description?: Uint8Array;
    codedWidth?: number;
    codedHeight?: number;
    displayAspectWidth?: number;
    displayAspectHeight?: number;
    colorSpace?: Partial<ColorSpaceMembers>;
    /** 'prefer-hardware' | … */
    hardwareAcceleration?: string;
    optimizeForLatency?: boolean;
    rotation?: number;
    flip?: boolean;
  }
  interface VideoDecodeItem {
    /** Copied natively when the command is queued. */
    data: Uint8Array;
    /** 'key' | 'delta' */
    type: string;
    timestamp: number;
    duration?: number;
  }
  interface VideoDecoderOutput {
    /** A new handle to the decoded picture; it belongs to js/. */
    frame: FrameHandle;
    timestamp: number;
    duration?: number;
    visibleRect: Rect;
    displayWidth: number;
    displayHeight: number;
    colorSpace: ColorSpaceMembers;
    rotation: number;
    flip: boolean;
  }

  /** kind 'audio-encoder' (bridge/kinds/audio_encoder.rs). */
  interface AudioEncoderNativeConfig {
    codec: string;
    sampleRate: number;
    numberOfChannels: number;
    bitrate?: number;
    /** 'constant' | 'variable' */
    bitrateMode?: string;
    opus?: {
      /** 'opus' | 'ogg' */
      format?: string; application?: string; signal?: string;
      frameDuration?: number; complexity?: number; packetlossperc?: number;
      useinbandfec?: boolean; usedtx?: boolean;
    };
    /** 'aac' | 'adts' */
    aacFormat?: string;
    flac?: { blockSize?: number; compressLevel?: number };
  }
  interface AudioEncodeItem {
    /** The worker takes its own reference to the samples: js/ may close the AudioData at once. */
    data: AudioHandle;
    timestamp: number;
  }
  interface AudioEncoderOutput {
    data: ArrayBuffer;
    timestamp: number;
    duration: number;
    decoderConfig?: { codec: string; sampleRate: number; numberOfChannels: number; description?: ArrayBuffer };
  }

  /** kind 'audio-decoder' (bridge/kinds/audio_decoder.rs). */
  interface AudioDecoderNativeConfig {
    codec: string;
    sampleRate: number;
    numberOfChannels: number;
    description?: Uint8Array;
  }
  interface AudioDecodeItem {
    data: Uint8Array;
    timestamp: number;
  }
  interface AudioDecoderOutput {
    /** A new handle to the decoded samples; it belongs to js/. */
    data: AudioHandle;
    format: string;
    sampleRate: number;
    numberOfChannels: number;
    numberOfFrames: number;
    timestamp: number;
  }

  /**
   * kind 'image-decoder' (bridge/kinds/image_decoder.rs). An unsupported type is answered by an
   * error event (NotSupportedError). ImageDecoder never calls sessionReset: its reset() keeps the
   * configuration and the bytes.
   */
  interface ImageDecoderNativeConfig {
    type: string;
    desiredWidth?: number;
    desiredHeight?: number;
    preferAnimation?: boolean;
    /** 'default' | 'none' */
    colorSpaceConversion: string;
  }
  /** Exactly one member: append bytes (copied natively); no more bytes will come; decode a frame
   *  (answered by a 'frame' or 'decodeError' output once enough data has arrived); select a track;
   *  drop pending decodes (ImageDecoder.reset()). */
  interface ImageDecoderItem {
    data?: Uint8Array;
    end?: true;
    decode?: { id: number; frameIndex: number; completeFramesOnly: boolean };
    track?: number;
    abort?: true;
  }
  interface ImageTrackInfo { animated: boolean; frameCount: number; /** Infinity = forever */ repetitionCount: number }
  /** 'tracks' is sent once the header is parsed, again whenever a frame count grows, and last
   *  with complete: true. A fatal error event (data that cannot be parsed) closes the decoder. */
  type ImageDecoderOutput =
    | { kind: 'tracks'; tracks: ImageTrackInfo[]; selectedIndex: number; complete: boolean }
    | { kind: 'frame'; id: number; complete: boolean; frame: FrameHandle; timestamp: number; duration: number | null;
        rotation: number; flip: boolean; colorSpace: { primaries: string; transfer: string; matrix: string; fullRange: boolean } }
    | { kind: 'decodeError'; id: number; name: 'RangeError' | 'EncodingError'; message: string };

  /** Every kind: its name → its config, item and output. One row per kind (bridge/kinds/mod.rs). */
  interface SessionKinds {
    'video-encoder': { config: VideoEncoderNativeConfig; item: VideoEncodeItem; output: VideoEncoderOutput };
    'video-decoder': { config: VideoDecoderNativeConfig; item: VideoDecodeItem; output: VideoDecoderOutput };
    'audio-encoder': { config: AudioEncoderNativeConfig; item: AudioEncodeItem; output: AudioEncoderOutput };
    'audio-decoder': { config: AudioDecoderNativeConfig; item: AudioDecodeItem; output: AudioDecoderOutput };
    'image-decoder': { config: ImageDecoderNativeConfig; item: ImageDecoderItem; output: ImageDecoderOutput };
  }
  type SessionKind = keyof SessionKinds;
  type ConfigOf<K extends SessionKind> = SessionKinds[K]['config'];
  type ItemOf<K extends SessionKind> = SessionKinds[K]['item'];
  type OutputOf<K extends SessionKind> = SessionKinds[K]['output'];

  /** Every event carries the generation of the command that produced it; js/ drops stale ones. */
  type NativeEvent<K extends SessionKind = SessionKind> =
    | { type: 'output'; gen: number; output: OutputOf<K> }
    | { type: 'flush'; gen: number; id: number }                     // flush `id` is complete
    | { type: 'error'; gen: number; name: string; message: string }  // the codec is broken: close it with this error
    | { type: 'dequeue'; gen: number; count: number };               // the worker took `count` pushed items

  // --- Exports. Every one runs behind a panic guard: a Worker terminated mid-call never aborts the process.

  /** Register the one function that builds JS errors ((name, message) → TypeError/RangeError/DOMException). */
  function errorFactorySet(make: (name: string, message: string) => Error): void;
  /** Live native objects, for tests: all zero once everything is closed. */
  function liveCounts(): LiveCounts;
  /** Drop per-thread caches and pooled buffers so the counters can reach zero (tests). */
  function trimCaches(): void;
  /** The FFmpeg inside: release (`av_version_info`), libavcodec version, licence, configure line. */
  function buildInfo(): { ffmpeg: string; libavcodec: string; license: string; configuration: string; jpeg: string };

  // VideoFrame pixel storage: one native buffer, shared by clones (Arc), freed by the last frameClose.
  /** Allocate a frame of `format` and copy each plane from `src`; planes.length must match the format. */
  function frameCreate(format: string, codedWidth: number, codedHeight: number, src: Uint8Array, planes: PlaneSource[]): FrameHandle;
  function frameInfo(h: FrameHandle): NativeFrameInfo;
  /** A new handle to the same pixels. */
  function frameClone(h: FrameHandle): FrameHandle;
  /** Release this handle's reference; idempotent. The pixels are freed when the last handle is closed. */
  function frameClose(h: FrameHandle): void;
  /** Bounds-checked plane copies into dest. */
  function frameCopyPlanes(h: FrameHandle, dest: Uint8Array, ops: CopyOp[]): void;
  /** "Convert to RGB frame": rect of the frame to an RGB format ('RGBA'|'RGBX'|'BGRA'|'BGRX') in the colour space
   *  `target` ('srgb'|'display-p3'), into dest at dstOffset/dstStride. matrix, fullRange, primaries, transfer: the
   *  frame's VideoColorSpace members (null = unknown); opaque: write 255 to every alpha/X byte.
   *  A pq/hlg transfer throws NotSupportedError (no tone mapping). */
  function frameConvert(h: FrameHandle, dest: Uint8Array, rect: Rect, dstFormat: string, dstOffset: number, dstStride: number,
    color: ColorSpaceMembers & { target: string; opaque: boolean }): void;

  // AudioData sample storage: one native buffer (the media-buffer pool), shared by clones (Arc).
  /** Copy numberOfFrames × numberOfChannels samples of `format` (interleaved, or planes back to back) from src. */
  function audioCreate(format: string, sampleRate: number, numberOfChannels: number, numberOfFrames: number, src: Uint8Array): AudioHandle;
  /** The shape of the native samples. */
  function audioInfo(h: AudioHandle): { format: string; sampleRate: number; numberOfChannels: number; numberOfFrames: number };
  /** A new handle to the same samples. */
  function audioClone(h: AudioHandle): AudioHandle;
  /** Release this handle's reference; idempotent. */
  function audioClose(h: AudioHandle): void;
  /** copyTo with conversion to `format`; frameCount -1 = to the end. RangeError out of bounds. */
  function audioCopyTo(h: AudioHandle, dest: Uint8Array, planeIndex: number, frameOffset: number, frameCount: number, format: string): void;

  // Handing media to other threads: one process-wide registry for frames and audio data.
  /** Park a new reference to the frame's pixels or the audio data's samples under `id` (any thread may
   *  redeem it once with mediaRedeem) for at most ttlMs. Throws if `id` is taken. */
  function mediaDeposit(h: FrameHandle | AudioHandle, id: string, ttlMs: number): void;
  /** Take what was deposited under `id` (once) if it is of `kind`: a new handle, or null if there is none
   *  (redeemed, expired, or of the other kind — which then stays deposited). */
  function mediaRedeem(id: string, kind: 'video'): FrameHandle | null;
  function mediaRedeem(id: string, kind: 'audio'): AudioHandle | null;
  function mediaRedeem(id: string, kind: 'video' | 'audio'): FrameHandle | AudioHandle | null;
  /** Drop every deposit past its deadline; returns how many remain. */
  function mediaRegistrySweep(): number;
  /** Register (once per JS environment) the hook the native finalizer calls, once per process and
   *  interface, when a VideoFrame or AudioData handle is garbage collected while still open. */
  function mediaWarningSet(hook: (what: 'VideoFrame' | 'AudioData') => void): void;

  // Codec sessions: one worker thread each, commands run in order.
  /** onEvents is called on the JS thread with each batch of events, in order. */
  function sessionCreate<K extends SessionKind>(kind: K, onEvents: (events: NativeEvent<K>[]) => void): SessionHandle<K>;
  /** Queue a configure. */
  function sessionConfigure<K extends SessionKind>(s: SessionHandle<K>, gen: number, config: ConfigOf<K>): void;
  /** Queue one work item. */
  function sessionPush<K extends SessionKind>(s: SessionHandle<K>, gen: number, item: ItemOf<K>): void;
  /** Queue a flush; answered by a {type:'flush', id} event once every earlier item's output has been emitted. */
  function sessionFlush(s: SessionHandle, gen: number, id: number): void;
  /** Start generation `gen`: queued work of older generations is dropped, the codec is closed (back to unconfigured). */
  function sessionReset(s: SessionHandle, gen: number): void;
  /** Stop the worker and free everything; idempotent. No event is delivered afterwards. */
  function sessionClose(s: SessionHandle): void;
  /** isConfigSupported(): check `config` on the one shared support thread (opens and closes the codec once).
   *  Never rejects for an unsupported config. */
  function sessionSupport<K extends SessionKind>(kind: K, config: ConfigOf<K>): Promise<{ supported: boolean; message?: string }>;

  /** Whether an ImageDecoder can decode this MIME type (lower-case essence, e.g. 'image/png'). */
  function imageTypeSupported(type: string): boolean;

  /** The addon as a value (what js/lib/native.js exports). */
  type Native = typeof native;
}

export = native;
