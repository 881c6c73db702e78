// Compile-only check of js/index.d.ts: `tsc --noEmit -p test/types`.
// Uses the API the way a program would; never executed.
import {
  VideoFrame, VideoColorSpace, EncodedVideoChunk, DOMRectReadOnly, VideoEncoder,
  liveCounts, AudioData, serializeAudioData, deserializeAudioData,
} from '../../js/index';
import type {
  AudioDataToken,
  VideoFrameBufferInit, VideoFrameInit, VideoFrameCopyToOptions, PlaneLayout, VideoPixelFormat,
  VideoColorSpaceInit, EncodedVideoChunkInit, EncodedVideoChunkMetadata, VideoEncoderConfig,
  VideoEncoderInit, VideoEncoderSupport, VideoEncoderEncodeOptions, DOMRectInit, LiveCounts,
  VideoDecoderConfig, BufferSource,
} from '../../js/index';

export async function frames(): Promise<number> {
  const format: VideoPixelFormat = 'I420';
  const rect: DOMRectInit = { x: 0, y: 0, width: 4, height: 2 };
  const colorSpace: VideoColorSpaceInit = { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false };
  const data = new Uint8Array(12);
  const init: VideoFrameBufferInit = {
    format, codedWidth: 4, codedHeight: 2, timestamp: 0, duration: 33_333,
    layout: [{ offset: 0, stride: 4 }, { offset: 8, stride: 2 }, { offset: 10, stride: 2 }],
    visibleRect: rect, colorSpace, rotation: 90, flip: false, transfer: [data.buffer],
  };
  const frame = new VideoFrame(data, init);
  const fromShared = new VideoFrame(new SharedArrayBuffer(16), { format: 'RGBA', codedWidth: 2, codedHeight: 2, timestamp: 0 });
  fromShared.close();

  const override: VideoFrameInit = { timestamp: 10, alpha: 'discard', visibleRect: { x: 0, y: 0, width: 2, height: 2 } };
  const cropped = new VideoFrame(frame, override);
  const copy = frame.clone();

  const f: VideoPixelFormat | null = frame.format;
  const r: DOMRectReadOnly | null = frame.visibleRect;
  const width: number = frame.codedWidth + frame.displayWidth + frame.rotation;
  const flipped: boolean = frame.flip;
  const duration: number | null = frame.duration;
  const cs: VideoColorSpace = frame.colorSpace;
  const matrix: string | null = cs.matrix;
  void f; void r; void flipped; void duration; void matrix;

  const options: VideoFrameCopyToOptions = { rect: frame.codedRect ?? undefined, format: 'RGBA', colorSpace: 'srgb' };
  const buffer = new Uint8Array(frame.allocationSize(options));
  const layout: PlaneLayout[] = await frame.copyTo(buffer, options);
  const meta = frame.metadata();
  void meta;

  cropped.close();
  copy.close();
  frame.close();
  const counts: LiveCounts = liveCounts();
  return width + layout.length + counts.frames;
}

export function colorSpaces(): string {
  const c = new VideoColorSpace({ matrix: 'smpte170m', fullRange: null });
  const empty = new VideoColorSpace();
  return JSON.stringify([c.toJSON(), empty.fullRange]);
}

export function chunks(): number {
  const init: EncodedVideoChunkInit = { type: 'key', timestamp: 0, duration: 1, data: new Uint8Array([1, 2, 3]) };
  const chunk = new EncodedVideoChunk(init);
  const out = new ArrayBuffer(chunk.byteLength);
  chunk.copyTo(out);
  const type: 'key' | 'delta' = chunk.type;
  void type;
  return chunk.timestamp + (chunk.duration ?? 0);
}

export async function encoder(frame: VideoFrame): Promise<void> {
  const config: VideoEncoderConfig = {
    codec: 'avc1.42001E', width: 640, height: 480, bitrate: 1_000_000, framerate: 30,
    latencyMode: 'realtime', bitrateMode: 'variable', avc: { format: 'annexb' },
  };
  const support: VideoEncoderSupport = await VideoEncoder.isConfigSupported(config);
  if (!support.supported) return;
  const init: VideoEncoderInit = {
    output(chunk: EncodedVideoChunk, metadata?: EncodedVideoChunkMetadata) {
      if (metadata?.decoderConfig) void metadata.decoderConfig.codec;
      void chunk.byteLength;
    },
    error(e: DOMException) { void e.name; },
  };
  const enc = new VideoEncoder(init);
  enc.ondequeue = () => { void enc.encodeQueueSize; };
  enc.addEventListener('dequeue', () => {});
  enc.configure(config);
  const opts: VideoEncoderEncodeOptions = { keyFrame: true, avc: { quantizer: 30 } };
  enc.encode(frame, opts);
  await enc.flush();
  if (enc.state !== 'closed') enc.close();
}

// Issue 10's encoder members: every codec's extension, the non-standard bFrames, contentHint,
// per-frame quantizers and the SVC / alpha output metadata.
export function encoderMembers(enc: VideoEncoder, frame: VideoFrame, metadata: EncodedVideoChunkMetadata): number {
  const hevc: VideoEncoderConfig = {
    codec: 'hvc1.1.6.L93.B0', width: 640, height: 480, hevc: { format: 'annexb' }, bFrames: 2, contentHint: 'motion',
  };
  const hevcLengthPrefixed: VideoEncoderConfig = { codec: 'hev1.1.6.L93.B0', width: 640, height: 480, hevc: { format: 'hevc' } };
  const detail: VideoEncoderConfig = { codec: 'vp09.00.10.08', width: 640, height: 480, contentHint: 'detail', bitrateMode: 'quantizer', scalabilityMode: 'L1T2', alpha: 'keep' };
  const anyHint: VideoEncoderConfig = { codec: 'av01.0.04M.08', width: 640, height: 480, contentHint: 'text', av1: { forceScreenContentTools: true } };
  const quantizers: VideoEncoderEncodeOptions[] = [
    { vp9: { quantizer: 40 } }, { av1: { quantizer: 63 } }, { avc: { quantizer: 20 } }, { hevc: { quantizer: null } },
  ];
  for (const options of quantizers) enc.encode(frame, options);
  const layer: number | undefined = metadata.svc?.temporalLayerId;
  const alpha: BufferSource | undefined = metadata.alphaSideData;
  const alphaBytes = alpha === undefined ? 0 : alpha.byteLength;
  const orientation: VideoDecoderConfig = { codec: 'vp8', rotation: 90, flip: true };
  void hevc; void hevcLengthPrefixed; void detail; void anyHint; void orientation;
  return (layer ?? 0) + alphaBytes;
}

export function audioAcrossThreads(data: AudioData): AudioData {
  const token: AudioDataToken = serializeAudioData(data, { transfer: true, timeout: 1000 });
  const copy = structuredClone(token);
  return deserializeAudioData(copy);
}

// Expected type errors: each line must fail to compile.
export function misuse(frame: VideoFrame): void {
  // @ts-expect-error: unknown pixel format
  new VideoFrame(new Uint8Array(4), { format: 'YUY2', codedWidth: 1, codedHeight: 1, timestamp: 0 });
  // @ts-expect-error: timestamp is required in a VideoFrameBufferInit
  new VideoFrame(new Uint8Array(4), { format: 'RGBA', codedWidth: 1, codedHeight: 1 });
  // @ts-expect-error: format is read-only
  frame.format = 'RGBA';
  // @ts-expect-error: 'avc' is not an HEVC bitstream format
  const badHevc: VideoEncoderConfig = { codec: 'hvc1.1.6.L93.B0', width: 2, height: 2, hevc: { format: 'avc' } };
  void badHevc;
  // @ts-expect-error: bFrames is a number
  const badB: VideoEncoderConfig = { codec: 'avc1.42001E', width: 2, height: 2, bFrames: true };
  void badB;
  // @ts-expect-error: 'sideways' is not an EncodedVideoChunkType
  new EncodedVideoChunk({ type: 'sideways', timestamp: 0, data: new Uint8Array(1) });
}
