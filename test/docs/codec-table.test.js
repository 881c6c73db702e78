'use strict';
// README.md's table of supported codecs and formats is what scripts/codec-table.js derives from
// isConfigSupported()/isTypeSupported() on this machine (rewrite it with `npm run codec-table`).
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

test('README.md codec table matches `node scripts/codec-table.js --check`', () => {
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'codec-table.js'), '--check'], { encoding: 'utf8', timeout: 60_000 });
  assert.strictEqual(r.status, 0, `${r.stdout}${r.stderr}`);
});
