// An audio WebCodecs program written for the browser: global names only, no imports, the same
// four compilations as browser-program.ts (lib.dom; 'native-webcodecs/polyfill' without lib.dom;
// both; one import line prepended). It uses AudioEncoder, AudioDecoder, AudioData and
// EncodedAudioChunk and their dictionaries as a browser program would. Never executed.

export async function encodeAndDecodeAudio(sampleRate: number, numberOfChannels: number): Promise<AudioData[]> {
  const config: AudioEncoderConfig = {
    codec: 'opus', sampleRate, numberOfChannels, bitrate: 64_000, bitrateMode: 'variable',
    opus: { format: 'opus', frameDuration: 20_000, complexity: 5 },
  };
  const support: AudioEncoderSupport = await AudioEncoder.isConfigSupported(config);
  if (!support.supported) throw new Error(`unsupported: ${config.codec}`);

  const chunks: EncodedAudioChunk[] = [];
  let decoderConfig: AudioDecoderConfig | undefined;
  const init: AudioEncoderInit = {
    output(chunk: EncodedAudioChunk, metadata?: EncodedAudioChunkMetadata) {
      if (metadata?.decoderConfig) decoderConfig = metadata.decoderConfig;
      chunks.push(chunk);
    },
    error(e: DOMException) { console.error(e.name, e.message); },
  };
  const encoder = new AudioEncoder(init);
  encoder.addEventListener('dequeue', () => { void encoder.encodeQueueSize; });
  encoder.configure(config);
  const numberOfFrames = sampleRate / 50;
  for (let i = 0; i < 10; i++) {
    const samples = new Float32Array(numberOfFrames * numberOfChannels);
    const dataInit: AudioDataInit = {
      format: 'f32', sampleRate, numberOfFrames, numberOfChannels,
      timestamp: (i * 1_000_000 * numberOfFrames) / sampleRate, data: samples,
    };
    const data = new AudioData(dataInit);
    encoder.encode(data);
    data.close();
  }
  await encoder.flush();
  encoder.close();

  const decoded: AudioData[] = [];
  const decoderInit: AudioDecoderInit = {
    output: (data: AudioData) => { decoded.push(data); },
    error: (e: DOMException) => console.error(e.message),
  };
  const decoder = new AudioDecoder(decoderInit);
  if (!decoderConfig) throw new Error('no decoder config');
  const dsupport: AudioDecoderSupport = await AudioDecoder.isConfigSupported(decoderConfig);
  if (dsupport.supported) decoder.configure(decoderConfig);
  for (const chunk of chunks) {
    const bytes = new Uint8Array(chunk.byteLength);
    chunk.copyTo(bytes);
    const chunkInit: EncodedAudioChunkInit = { type: chunk.type, timestamp: chunk.timestamp, duration: chunk.duration ?? undefined, data: bytes };
    decoder.decode(new EncodedAudioChunk(chunkInit));
  }
  await decoder.flush();
  if (decoder.state !== 'closed') decoder.close();
  return decoded;
}

export function planes(data: AudioData): Float32Array[] {
  const out: Float32Array[] = [];
  for (let planeIndex = 0; planeIndex < data.numberOfChannels; planeIndex++) {
    const options: AudioDataCopyToOptions = { planeIndex, format: 'f32-planar', frameOffset: 0, frameCount: data.numberOfFrames };
    const plane = new Float32Array(data.allocationSize(options) / 4);
    data.copyTo(plane, options);
    out.push(plane);
  }
  const copy: AudioData = data.clone();
  const format: string | null = copy.format;
  void format;
  copy.close();
  return out;
}
