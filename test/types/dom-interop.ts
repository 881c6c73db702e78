// With lib "DOM" in the same program: our chunks and configs are interchangeable with lib.dom's
// (so a muxer typed against the DOM accepts our chunks), and lib.dom's metadata and configs are
// accepted by our API. Compiled by typecheck.test.js. Not included, because TypeScript 5.9's
// lib.dom lags the spec: our VideoFrame → lib.dom's VideoFrame, and our EncodedVideoChunkMetadata
// → lib.dom's (our VideoColorSpaceInit allows the spec's 'bt2020-ncl' matrix, 'pq'/'hlg'
// transfers, 'bt2020' primaries and I420P10…/I444A… formats; lib.dom lacks them and rotation,
// flip, metadata()). Without lib "DOM" (a Node project using 'native-webcodecs/polyfill'), the
// global names are ours and everything matches.
import * as wc from 'native-webcodecs';

export function interop(
  chunk: wc.EncodedVideoChunk, meta: wc.EncodedVideoChunkMetadata, config: wc.VideoEncoderConfig,
  domChunk: EncodedVideoChunk, domMeta: EncodedVideoChunkMetadata, domConfig: VideoEncoderConfig,
  domDecoderConfig: VideoDecoderConfig,
): void {
  const a: EncodedVideoChunk = chunk;
  const c: VideoEncoderConfig = config;
  const d: wc.EncodedVideoChunk = domChunk;
  const e: wc.EncodedVideoChunkMetadata = domMeta;
  const f: wc.VideoEncoderConfig = domConfig;
  const g: wc.VideoDecoderConfig = domDecoderConfig;
  const mux = (x: EncodedVideoChunk, m?: EncodedVideoChunkMetadata): number => x.byteLength + (m ? 1 : 0);
  const encoder = new wc.VideoEncoder({ output: (out) => { mux(out, domMeta); }, error: () => {} });
  void a; void meta; void c; void d; void e; void f; void g; void encoder;
}
