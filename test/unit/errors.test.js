'use strict';
// One place makes the errors users see (docs/ARCHITECTURE.md, "Errors"): js/lib/errors.js. No
// other file in js/ constructs a DOMException, TypeError or RangeError itself, and every name the
// native side or js/ reports becomes a real DOMException of that name.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const errors = require('../../js/lib/errors');

const JS = path.join(__dirname, '..', '..', 'js');

function jsFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return jsFiles(p);
    return /\.(c|m)?js$/.test(e.name) ? [p] : [];
  });
}

test('no file in js/ but errors.js constructs a DOMException, TypeError or RangeError', () => {
  const offenders = [];
  for (const file of jsFiles(JS)) {
    if (file === path.join(JS, 'lib', 'errors.js')) continue;
    fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      if (/new\s+(DOMException|TypeError|RangeError)\s*\(/.test(line)) offenders.push(`${path.relative(JS, file)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepStrictEqual(offenders, []);
});

test('makeError: every DOMException name the code uses is a DOMException of that name', () => {
  for (const name of ['InvalidStateError', 'NotSupportedError', 'EncodingError', 'DataError', 'AbortError',
    'QuotaExceededError', 'DataCloneError', 'NotReadableError', 'OperationError']) {
    const e = errors.makeError(name, 'm');
    assert.ok(e instanceof DOMException, name);
    assert.strictEqual(e.name, name);
    assert.strictEqual(e.message, 'm');
  }
  assert.ok(errors.makeError('TypeError', 'm') instanceof TypeError);
  assert.ok(errors.makeError('RangeError', 'm') instanceof RangeError);
  assert.strictEqual(errors.makeError('NoSuchName', 'm').name, 'OperationError');
  assert.strictEqual(errors.notReadable('m').name, 'NotReadableError');
});
