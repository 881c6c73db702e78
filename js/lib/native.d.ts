// The contract between js/ and the Neon addon (native/src/bridge/exports.rs).
// js/ only ever passes validated plain objects; native code never throws for a
// spec-level reason (js/ validates first) — a native throw is a bug or an
// internal failure (message carries the reason).

/** Opaque JsBox handle. */
export type FrameHandle = { readonly __frame: unique symbol };
export type AudioHandle = { readonly __audio: unique symbol };
export type SessionHandle = { readonly __session: unique symbol };

/** Where a plane lies in a source buffer, in bytes. */
export interface PlaneSource { offset: number; stride: number; rowBytes: number; rows: number }
/** A plane as stored natively. */
export interface PlaneInfo { stride: number; rowBytes: number; rows: number }
/** One rectangular copy out of a plane: x is in bytes, y in rows. */
export interface CopyOp { plane: number; x: number; y: number; rowBytes: number; rows: number; dstOffset: number; dstStride: number }

export interface NativeFrameInfo { format: string; codedWidth: number; codedHeight: number; planes: PlaneInfo[] }

export interface Native {
  /** Register the one function that builds JS errors ((name, message) → TypeError/RangeError/DOMException). */
  errorFactorySet(make: (name: string, message: string) => Error): void;
  /** Live native objects, for tests: all zero once everything is closed. */
  liveCounts(): { frames: number; avFrames: number; packets: number; codecContexts: number; sessions: number; swsContexts: number; audioData: number; swrContexts: number };

  // --- VideoFrame pixel storage: one native buffer, shared by clones (Arc), freed by the last frameClose.
  /** Allocate a frame of `format` and copy each plane from `src`; planes.length must match the format. */
  frameCreate(format: string, codedWidth: number, codedHeight: number, src: Uint8Array, planes: PlaneSource[]): FrameHandle;
  frameInfo(h: FrameHandle): NativeFrameInfo;
  /** A new handle to the same pixels. */
  frameClone(h: FrameHandle): FrameHandle;
  /** Release this handle's reference; idempotent. The pixels are freed when the last handle is closed. */
  frameClose(h: FrameHandle): void;
  /** Bounds-checked plane copies into dest. */
  frameCopyPlanes(h: FrameHandle, dest: Uint8Array, ops: CopyOp[]): void;
  /** "Convert to RGB frame": rect of the frame to an RGB format ('RGBA'|'RGBX'|'BGRA'|'BGRX') in the colour space
   *  `target` ('srgb'|'display-p3'), into dest at dstOffset/dstStride. matrix, fullRange, primaries, transfer: the
   *  frame's VideoColorSpace members (null = unknown); opaque: write 255 to every alpha/X byte.
   *  A pq/hlg transfer throws NotSupportedError (no tone mapping). */
  frameConvert(h: FrameHandle, dest: Uint8Array, rect: { x: number; y: number; width: number; height: number },
               dstFormat: string, dstOffset: number, dstStride: number,
               color: { matrix: string | null; fullRange: boolean | null; primaries: string | null; transfer: string | null;
                        target: 'srgb' | 'display-p3'; opaque: boolean }): void;

  // --- AudioData sample storage: one native buffer (the media-buffer pool), shared by clones (Arc).
  /** Copy numberOfFrames × numberOfChannels samples of `format` (interleaved, or planes back to back) from src. */
  audioCreate(format: string, sampleRate: number, numberOfChannels: number, numberOfFrames: number, src: Uint8Array): AudioHandle;
  /** The shape of the native samples. */
  audioInfo(h: AudioHandle): { format: string; sampleRate: number; numberOfChannels: number; numberOfFrames: number };
  /** A new handle to the same samples. */
  audioClone(h: AudioHandle): AudioHandle;
  /** Release this handle's reference; idempotent. */
  audioClose(h: AudioHandle): void;
  /** copyTo with conversion to `format`; frameCount -1 = to the end. RangeError out of bounds. */
  audioCopyTo(h: AudioHandle, dest: Uint8Array, planeIndex: number, frameOffset: number, frameCount: number, format: string): void;

  // --- Handing media to other threads: one process-wide registry for frames and audio data.
  /** Park a new reference to the frame's pixels or the audio data's samples in the process-wide registry under `id`
   *  (any thread may redeem it once with mediaRedeem) for at most ttlMs. Throws if `id` is taken. */
  mediaDeposit(h: FrameHandle | AudioHandle, id: string, ttlMs: number): void;
  /** Take what was deposited under `id` (once) if it is of `kind`: a new handle, or null if there is none
   *  (redeemed, expired, or of the other kind — which then stays deposited). */
  mediaRedeem(id: string, kind: 'video'): FrameHandle | null;
  mediaRedeem(id: string, kind: 'audio'): AudioHandle | null;
  /** Drop every deposit past its deadline; returns how many remain. */
  mediaRegistrySweep(): number;
  /** Register (once per JS environment) the hook the native finalizer calls, once per process and
   *  interface, when a VideoFrame or AudioData handle is garbage collected while still open. */
  mediaWarningSet(hook: (what: 'VideoFrame' | 'AudioData') => void): void;

  // --- Codec sessions: one worker thread each, commands run in order.
  /**
   * kind: 'video-encoder' | 'video-decoder' | 'audio-encoder' | 'audio-decoder'.
   * onEvents is called on the JS thread with a batch of events, in order.
   */
  sessionCreate(kind: string, onEvents: (events: NativeEvent[]) => void): SessionHandle;
  // Every export runs behind a panic guard: a Worker terminated mid-call never aborts the process.
  /** Queue a configure (config is the validated, kind-specific plain object). */
  sessionConfigure(s: SessionHandle, gen: number, config: object): void;
  /** Queue one work item (kind-specific: a frame + options for encoders, a chunk for decoders). */
  sessionPush(s: SessionHandle, gen: number, item: object): void;
  /** Queue a flush; answered by a {type:'flush', id} event once every earlier item's output has been emitted. */
  sessionFlush(s: SessionHandle, gen: number, id: number): void;
  /** Start generation `gen`: queued work of older generations is dropped, the codec is closed (back to unconfigured). */
  sessionReset(s: SessionHandle, gen: number): void;
  /** Stop the worker and free everything; idempotent. No event is delivered afterwards. */
  sessionClose(s: SessionHandle): void;
  /**
   * isConfigSupported(): check `config` (validated, kind-specific) for `kind` on the one shared
   * support thread (opens and closes the codec once). Never rejects for an unsupported config.
   */
  sessionSupport(kind: string, config: object): Promise<{ supported: boolean; message?: string }>;

  /** Whether an ImageDecoder can decode this MIME type (lower-case essence, e.g. 'image/png'). */
  imageTypeSupported(type: string): boolean;
}

// --- ImageDecoder (kind 'image-decoder'): the same session functions with these shapes.
//   sessionConfigure(s, gen, ImageDecoderNativeConfig)  — an unsupported type → {type:'error', name:'NotSupportedError'}
//   sessionPush(s, gen, {data: Uint8Array})             — append encoded bytes (copied natively)
//   sessionPush(s, gen, {end: true})                     — no more bytes will come
//   sessionPush(s, gen, {decode: {id, frameIndex, completeFramesOnly}}) — answered by a 'frame' or 'decodeError'
//     output; a frame not yet available is answered once enough data has arrived (or with a
//     RangeError 'decodeError' once the data is complete and the index is out of range).
//   sessionPush(s, gen, {track: index})                  — select a track
//   sessionPush(s, gen, {abort: true})                   — ImageDecoder.reset(): drop pending decodes
//   (ImageDecoder never calls sessionReset: a reset keeps the configuration and the bytes.)
// Output payloads ({type:'output', output}):
//   {kind:'tracks', tracks: ImageTrackInfo[], selectedIndex, complete} — sent once the header is parsed,
//     again whenever a frame count grows, and last with complete: true (all data arrived and parsed).
//   {kind:'frame', id, frame: FrameHandle, timestamp, duration: number|null, rotation, flip,
//     colorSpace: {primaries, transfer, matrix, fullRange}} — the new handle belongs to JS.
//   {kind:'decodeError', id, name: 'RangeError'|'EncodingError', message}
// A fatal {type:'error'} (EncodingError: data that cannot be parsed at all) means: close the decoder.
export interface ImageDecoderNativeConfig { type: string; desiredWidth?: number; desiredHeight?: number; preferAnimation?: boolean; colorSpaceConversion: 'default' | 'none' }
export interface ImageTrackInfo { animated: boolean; frameCount: number; repetitionCount: number /* Infinity = forever */ }

// --- AudioEncoder (kind 'audio-encoder'): sessionPush(s, gen, {data: AudioHandle, timestamp}); outputs
//   {data: ArrayBuffer, timestamp, duration, decoderConfig?: {codec, sampleRate, numberOfChannels, description?: ArrayBuffer}}.
// --- AudioDecoder (kind 'audio-decoder'): sessionPush(s, gen, {data: Uint8Array, timestamp}); outputs
//   {data: AudioHandle, format, sampleRate, numberOfChannels, numberOfFrames, timestamp} — the handle belongs to JS.

/** Every event carries the generation of the command that produced it; js/ drops stale ones. */
export type NativeEvent =
  | { type: 'output'; gen: number; output: object }           // kind-specific payload
  | { type: 'flush'; gen: number; id: number }                // flush `id` is complete
  | { type: 'error'; gen: number; name: string; message: string } // the codec is now broken: close it with this error
  | { type: 'dequeue'; gen: number; count: number };          // the worker took `count` pushed items

declare const native: Native;
export default native;
