// Transcode an MP4 (or WebM, MOV …) to WebM (VP9 + Opus) with mediabunny's Conversion, running on
// this package's WebCodecs classes installed as globals by the polyfill — the same code as in a browser.
//   node examples/transcode.mjs input.mp4 [output.webm]
// Needs: npm install native-webcodecs mediabunny
import 'native-webcodecs/polyfill';
import { Input, Output, Conversion, ALL_FORMATS, FilePathSource, FilePathTarget, WebMOutputFormat } from 'mediabunny';

const [from = 'animation.mp4', to = 'transcoded.webm'] = process.argv.slice(2);

const input = new Input({ source: new FilePathSource(from), formats: ALL_FORMATS });
const output = new Output({ format: new WebMOutputFormat(), target: new FilePathTarget(to) });
const conversion = await Conversion.init({
  input,
  output,
  video: { codec: 'vp9', bitrate: 500_000, frameRate: 30 }, // frameRate: mediabunny then writes DefaultDuration
  audio: { codec: 'opus' },
});
if (!conversion.isValid) throw new Error(`cannot convert: ${JSON.stringify(conversion.discardedTracks)}`);
let shown = 0;
conversion.onProgress = (p) => { if (p >= shown) { console.log(`${Math.round(p * 100)} %`); shown += 0.25; } };
await conversion.execute();
console.log(`wrote ${to}`);
