'use strict';
// test/guardrails: Workers terminated in the middle of native calls must never take the process
// down (docs/ARCHITECTURE.md, "Threads and the event loop"). Each Worker loops over every native entry point — VideoFrame create/clone/
// copyTo/close, VideoEncoder configure/encode/flush/close, isConfigSupported, ImageDecoder
// decode — and is terminated after a varying delay, many times. Before the fix, Neon's unwrap of
// Node-API's "pending exception" aborted the process (SIGABRT) on the first or second round.
// The loop runs in a child process so that an abort is a failed test, not a dead runner.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');

const child = `
const { Worker } = require('node:worker_threads');
const workerSource = \`
const { VideoEncoder, VideoFrame, ImageDecoder } = require(\${JSON.stringify(${JSON.stringify(ROOT)})});
const fs = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const png = fs.readFileSync(\${JSON.stringify(${JSON.stringify(path.join(ROOT, 'scripts/demo-images/gradient.png'))})});
const rgba = new Uint8Array(64 * 64 * 4);
let started = false;
(async () => {
  for (let n = 0; ; n++) {
    const e = new VideoEncoder({ output() {}, error() {} });
    e.configure({ codec: 'avc1.42001E', width: 64, height: 64 });
    for (let i = 0; i < 3; i++) {
      const f = new VideoFrame(rgba, { format: 'RGBA', codedWidth: 64, codedHeight: 64, timestamp: i });
      const c = f.clone();
      c.copyTo(new Uint8Array(f.allocationSize()));
      e.encode(f);
      f.close();
      c.close();
    }
    if (n % 3 === workerData % 3) await e.flush().catch(() => {});
    e.close();
    VideoEncoder.isConfigSupported({ codec: 'avc1.42001E', width: 64, height: 64 }).catch(() => {});
    const d = new ImageDecoder({ data: png, type: 'image/png' });
    const p = d.decode().then((r) => r.image.close(), () => {});
    if (n % 2) await p;
    d.close();
    if (!started) { started = true; parentPort.postMessage('up'); }
  }
})();
\`;
(async () => {
  const rounds = Number(process.argv[1]);
  for (let i = 0; i < rounds; i++) {
    const w = new Worker(workerSource, { eval: true, workerData: i });
    await new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
    await new Promise((r) => setTimeout(r, (i * 7) % 45));
    await w.terminate();
  }
  console.log('survived ' + rounds);
})();
`;

test('terminating Workers in the middle of native calls never kills the process', () => {
  const rounds = 40;
  const r = spawnSync(process.execPath, ['-e', child, String(rounds)], { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.signal, null, `the process died of ${r.signal}\n${r.stderr.slice(-3000)}`);
  assert.equal(r.status, 0, r.stderr.slice(-3000));
  assert.match(r.stdout, new RegExp(`survived ${rounds}`));
  // Termination panics are caught and not reported; nothing else may be.
  assert.doesNotMatch(r.stderr, /panicked|abort/i, r.stderr.slice(-3000));
});
