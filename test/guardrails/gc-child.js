'use strict';
// Shared by the RSS guardrails: run a test file again as a child with --expose-gc (so it works
// under plain `node --test`), relay the child's figures as diagnostics, and gc helpers.
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');

/** Register a parent test that re-runs `file` with --expose-gc; env `envName`=1 marks the child. */
function respawnWithGc(file, name, { mark, envName, timeout }) {
  test(name, timeout ? { timeout } : {}, (t) => {
    // The child runs as a plain script: drop the runner's NODE_TEST_CONTEXT so that it reports
    // in TAP on its own stdout, which is read here.
    const env = { ...process.env, [envName]: '1' };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync(process.execPath, ['--expose-gc', file], { encoding: 'utf8', env, maxBuffer: 16 * 1024 * 1024, timeout: timeout ? timeout - 10_000 : undefined });
    const lines = `${r.stdout}\n${r.stderr}`.split('\n');
    for (const line of lines) if (line.startsWith(mark)) t.diagnostic(line.slice(mark.length));
    assert.equal(r.status, 0, `child failed (status ${r.status}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
    assert.ok(lines.some((l) => l.startsWith(mark)), 'child reported its figures');
  });
}

const mb = (bytes) => bytes / (1024 * 1024);

/** Collect garbage (a few rounds, letting finalizers run in between). */
async function settle() {
  for (let i = 0; i < 3; i++) {
    global.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Print a figure: to the parent (marked) in the child, as a TAP comment when run directly. */
const reporter = (mark, envName) => (msg) => console.log(process.env[envName] ? `${mark}${msg}` : `# ${msg}`);

module.exports = { respawnWithGc, mb, settle, reporter };
