// A WebCodecs program written for the browser: global names only, no imports. test/types/
// typecheck.test.js compiles it unchanged (1) against TypeScript's lib.dom, (2) against
// 'native-webcodecs/polyfill' without lib.dom, (3) with both, and (4) with one line prepended
// that imports the same names from 'native-webcodecs'. Never executed.

export async function encodeAndDecode(width: number, height: number): Promise<VideoFrame[]> {
  const config: VideoEncoderConfig = {
    codec: 'avc1.42001E', width, height, bitrate: 1_000_000, framerate: 30,
    latencyMode: 'realtime', avc: { format: 'annexb' },
  };
  const support: VideoEncoderSupport = await VideoEncoder.isConfigSupported(config);
  if (!support.supported) throw new Error(`unsupported: ${config.codec}`);

  const chunks: EncodedVideoChunk[] = [];
  let decoderConfig: VideoDecoderConfig | undefined;
  const init: VideoEncoderInit = {
    output(chunk: EncodedVideoChunk, metadata?: EncodedVideoChunkMetadata) {
      if (metadata?.decoderConfig) decoderConfig = metadata.decoderConfig;
      chunks.push(chunk);
    },
    error(e: DOMException) { console.error(e.name, e.message); },
  };
  const encoder = new VideoEncoder(init);
  encoder.addEventListener('dequeue', () => { void encoder.encodeQueueSize; });
  encoder.configure(config);
  for (let i = 0; i < 10; i++) {
    const data = new Uint8Array(width * height * 4);
    const frameInit: VideoFrameBufferInit = {
      format: 'RGBA', codedWidth: width, codedHeight: height, timestamp: i * 33_333, duration: 33_333,
      colorSpace: { primaries: 'bt709', transfer: 'bt709', matrix: 'bt709', fullRange: false },
    };
    const frame = new VideoFrame(data, frameInit);
    const options: VideoEncoderEncodeOptions = { keyFrame: i === 0 };
    encoder.encode(frame, options);
    frame.close();
  }
  await encoder.flush();
  encoder.close();

  const frames: VideoFrame[] = [];
  const decoder = new VideoDecoder({
    output: (frame: VideoFrame) => { frames.push(frame); },
    error: (e: DOMException) => console.error(e.message),
  });
  if (!decoderConfig) throw new Error('no decoder config');
  const dsupport: VideoDecoderSupport = await VideoDecoder.isConfigSupported(decoderConfig);
  if (dsupport.supported) decoder.configure(decoderConfig);
  for (const chunk of chunks) {
    const bytes = new Uint8Array(chunk.byteLength);
    chunk.copyTo(bytes);
    decoder.decode(new EncodedVideoChunk({ type: chunk.type, timestamp: chunk.timestamp, duration: chunk.duration ?? undefined, data: bytes }));
  }
  await decoder.flush();
  if (decoder.state !== 'closed') decoder.close();
  return frames;
}

export async function inspect(frame: VideoFrame): Promise<string> {
  const rect: DOMRectReadOnly | null = frame.visibleRect;
  const copyOptions: VideoFrameCopyToOptions = { format: 'RGBA' };
  const buffer = new Uint8Array(frame.allocationSize(copyOptions));
  const layout: PlaneLayout[] = await frame.copyTo(buffer, copyOptions);
  const cropped = new VideoFrame(frame, { visibleRect: { x: 0, y: 0, width: 2, height: 2 }, timestamp: 0 });
  const space: VideoColorSpace = frame.colorSpace;
  const json = JSON.stringify({ format: frame.format, rect: rect?.toJSON(), layout, space: space.toJSON(), clone: cropped.codedWidth });
  cropped.close();
  return json;
}

export async function decodeImage(bytes: Uint8Array): Promise<number> {
  if (!(await ImageDecoder.isTypeSupported('image/png'))) return 0;
  const init: ImageDecoderInit = { data: bytes, type: 'image/png' };
  const decoder = new ImageDecoder(init);
  await decoder.tracks.ready;
  const track: ImageTrack | null = decoder.tracks.selectedTrack;
  const options: ImageDecodeOptions = { frameIndex: 0 };
  const result: ImageDecodeResult = await decoder.decode(options);
  const width = result.image.displayWidth;
  result.image.close();
  decoder.close();
  return width + (track?.frameCount ?? 0);
}
