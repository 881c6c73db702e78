'use strict';
// README.md's "Where it runs" table is what test/compat/results.json (the last
// `npm run test:compat -- --write`) renders, and that run was of the runtimes
// scripts/compat/runtimes.js pins now (a version bump without a new run fails here).
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

test('README.md support table matches `node scripts/compat/run.js --check`', () => {
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'compat', 'run.js'), '--check'], { encoding: 'utf8', timeout: 60_000 });
  assert.strictEqual(r.status, 0, `${r.stdout}${r.stderr}`);
});
