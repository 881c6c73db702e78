'use strict';
// The compatibility smoke suite (smoke.cjs, its own runner so that Bun and Deno run it too) under
// this Node.js only, as part of `npm test`; `npm run test:compat` runs it under every runtime.
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

test('test/compat/smoke.cjs passes under this Node.js', () => {
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, 'smoke.cjs')], { encoding: 'utf8', timeout: 180_000 });
  const last = (r.stdout || '').trim().split('\n').pop();
  assert.match(last, /^\d+ passed, 0 failed$/, `${r.stdout}\n${r.stderr}`);
  assert.strictEqual(r.status, 0, `${r.stdout}\n${r.stderr}`);
});
