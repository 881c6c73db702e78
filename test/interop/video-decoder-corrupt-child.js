'use strict';
// Child process of video-decoder-files.test.js: decodes mutated copies of a file's chunks with our
// VideoDecoder and prints one JSON line per mutation, so that a crash or a hang is the parent's
// failed test (status/signal/timeout), not a dead test runner.
// argv: file, seed, count. Each mutation gets a fresh decoder; a decode that neither outputs,
// errors nor settles its flush within 10 s is reported as a hang.
const api = require('../..');
const media = require('../helpers/video-media');

const { EncodedVideoChunk } = api;
if (typeof api.VideoDecoder !== 'function') {
  console.error(media.MISSING);
  process.exit(2);
}
const { VideoDecoder } = api;

const { rng } = require('../fuzz/lib');

/** Mutation `k` of the chunks: truncations, bit flips, byte runs, a truncated stream. */
function mutate(chunks, k, rand) {
  const out = chunks.map((c) => ({ ...c, data: c.data.slice() }));
  const pick = () => Math.floor(rand() * out.length);
  const kind = k % 5;
  let what;
  if (kind === 0) { // truncate a few chunks
    for (let n = 0; n < 3; n++) { const i = pick(); out[i].data = out[i].data.slice(0, Math.floor(out[i].data.length * rand())); }
    what = 'truncated chunks';
  } else if (kind === 1) { // flip bits all over
    for (let n = 0; n < 40; n++) { const c = out[pick()].data; if (c.length) c[Math.floor(rand() * c.length)] ^= 1 << Math.floor(rand() * 8); }
    what = 'bit flips';
  } else if (kind === 2) { // flip bits in the key chunk's first bytes (headers)
    const c = out[0].data;
    for (let n = 0; n < 4; n++) c[Math.floor(rand() * Math.min(64, c.length))] ^= 1 << Math.floor(rand() * 8);
    what = 'header bit flips';
  } else if (kind === 3) { // overwrite a run of bytes with junk
    const c = out[pick()].data;
    const s = Math.floor(rand() * c.length);
    for (let i = s; i < Math.min(c.length, s + 64); i++) c[i] = Math.floor(rand() * 256);
    what = 'junk run';
  } else { // the stream cut in the middle of a chunk
    const i = 1 + Math.floor(rand() * (out.length - 1));
    out.length = i + 1;
    out[i].data = out[i].data.slice(0, out[i].data.length >> 1);
    what = 'truncated stream';
  }
  return { chunks: out, what };
}

async function decodeOnce(config, chunks) {
  let outputs = 0;
  let error = null;
  const decoder = new VideoDecoder({ output: (f) => { outputs++; f.close(); }, error: (e) => { error = e; } });
  decoder.configure(config);
  let thrown = null;
  for (const c of chunks) {
    if (decoder.state !== 'configured') break;
    try { decoder.decode(new EncodedVideoChunk(c)); } catch (e) { thrown = e; break; }
  }
  let flush = 'skipped';
  if (decoder.state === 'configured' && !thrown) {
    const timeout = new Promise((resolve) => setTimeout(() => resolve('hang'), 10_000).unref());
    flush = await Promise.race([decoder.flush().then(() => 'resolved', (e) => `rejected ${e.name}`), timeout]);
  }
  if (decoder.state !== 'closed') decoder.close();
  return { outputs, error: error && error.name, thrown: thrown && thrown.name, flush };
}

(async () => {
  const [file, seed, count] = process.argv.slice(2);
  const { config, chunks } = await media.demux(file);
  const rand = rng(Number(seed));
  for (let k = 0; k < Number(count); k++) {
    const m = mutate(chunks, k, rand);
    const r = await decodeOnce(config, m.chunks);
    console.log(JSON.stringify({ k, what: m.what, chunks: m.chunks.length, ...r }));
  }
})().catch((e) => { console.error(e); process.exit(3); });
