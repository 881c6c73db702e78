'use strict';
// docs/ARCHITECTURE.md is the architecture every source comment points to: nothing in the
// repository points outside it (the design notes once lived in a file next to the checkout, which
// a clone does not have), and every `docs/ARCHITECTURE.md, "Section"` reference names a real heading.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');
const DOC = fs.readFileSync(path.join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
const HEADINGS = new Set(DOC.split('\n').filter((l) => /^#{1,4} /.test(l)).map((l) => l.replace(/^#+ /, '').trim()));

/** Tracked text files (git ls-files), without binary fixtures. */
function trackedFiles() {
  const r = spawnSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  return r.stdout.split('\0').filter((f) => f && /\.(js|mjs|cjs|ts|rs|md|sh|json|toml)$/.test(f) && fs.existsSync(path.join(ROOT, f)));
}

/** The old notes' path and name, spelled in pieces so this file does not match itself. */
const OUTSIDE = new RegExp(['\\.\\./sha', 'red|DESI', 'GN\\.md'].join(''));

test('no tracked file points to the design notes outside the repository', () => {
  const hits = [];
  for (const f of trackedFiles()) {
    fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').forEach((line, i) => {
      if (OUTSIDE.test(line)) hits.push(`${f}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepStrictEqual(hits, []);
});

test('every docs/ARCHITECTURE.md, "Section" reference names a heading of the document', () => {
  const bad = [];
  let refs = 0;
  for (const f of trackedFiles()) {
    if (f === 'test/docs/architecture.test.js') continue;
    const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
    for (const m of text.matchAll(/docs\/ARCHITECTURE\.md, "([^"]+)"/g)) {
      refs++;
      if (!HEADINGS.has(m[1])) bad.push(`${f}: "${m[1]}"`);
    }
  }
  assert.ok(refs >= 20, `only ${refs} references found`);
  assert.deepStrictEqual(bad, [], `headings: ${[...HEADINGS].join(' | ')}`);
});

test('the document covers layers, the protocol, memory, errors, limits and both checklists', () => {
  for (const h of ['Layers', 'The session protocol', 'Memory', 'Threads and the event loop', 'Errors', 'Limits',
    'Checklist: add a codec to an existing kind', 'Checklist: add a kind', 'What each kind touches']) {
    assert.ok(HEADINGS.has(h), h);
  }
});

test('every file path the document names in backticks exists (but the checklists\' hypothetical foo)', () => {
  const missing = [];
  let paths = 0;
  for (const m of DOC.matchAll(/`((?:js|native\/src|test|scripts|docs)\/[^`*<>\s]+|(?:bridge|codecs|engine|ffi)\/[\w/]+\.rs)`/g)) {
    if (/foo/.test(m[1])) continue;
    paths++;
    const p = /^(bridge|codecs|engine|ffi)\//.test(m[1]) ? path.join('native', 'src', m[1]) : m[1];
    if (!fs.existsSync(path.join(ROOT, p))) missing.push(m[1]);
  }
  assert.ok(paths >= 40, `only ${paths} paths`);
  assert.deepStrictEqual(missing, []);
});
