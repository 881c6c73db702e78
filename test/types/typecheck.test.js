'use strict';
// The TypeScript declarations (js/index.d.ts) compile against a small usage file (tsc --noEmit).
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

test('js/index.d.ts type-checks a usage file with tsc --noEmit', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', path.join(__dirname, 'tsconfig.json')], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});
