'use strict';
// An idle, unclosed codec does not keep Node alive; a pending flush() does (docs/ARCHITECTURE.md, "Threads and the event loop").
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');
function runChild(body) {
  const src = `
    const { VideoEncoder, VideoFrame } = require(${JSON.stringify(ROOT)});
    const enc = new VideoEncoder({ output: () => {}, error: (e) => { console.log('error', e.name); } });
    enc.configure({ codec: 'avc1.42001E', width: 64, height: 48, latencyMode: 'quality' });
    const f = new VideoFrame(new Uint8Array(64 * 48 * 4), { format: 'RGBA', codedWidth: 64, codedHeight: 48, timestamp: 0 });
    enc.encode(f); f.close();
    ${body}`;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['-e', src], { encoding: 'utf8', timeout: 20000 });
  return { ...r, ms: Date.now() - t0 };
}

test('an idle encoder that is never closed lets the process exit', () => {
  // The frame sits inside libx264's lookahead (quality mode) with no flush pending.
  const r = runChild(`setTimeout(() => console.log('timer done'), 200);`);
  assert.strictEqual(r.error, undefined, `the process did not exit: ${r.error}`);
  assert.strictEqual(r.status, 0, r.stderr);
  assert.match(r.stdout, /timer done/);
  assert.ok(r.ms < 10000, `took ${r.ms} ms`);
});

test('a pending flush() keeps the process alive until it resolves', () => {
  const r = runChild(`enc.flush().then(() => console.log('flushed'));`);
  assert.strictEqual(r.status, 0, r.stderr);
  assert.match(r.stdout, /flushed/);
});
