'use strict';
// The native contract (js/lib/native.d.ts) is checked from both sides:
//   - js/: `tsc --checkJs` over js/lib/*.js against it — every call into the addon, and each
//     kind's configs (through sessionSupport/sessionConfigure), work items and outputs;
//   - native/: the member names each bridge kind file (native/src/bridge/kinds/<kind>.rs) reads
//     from a config and an item and writes into an output are exactly the declared ones, and the
//     kinds declared are exactly the kinds registered.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const ts = require('typescript');

const ROOT = path.join(__dirname, '..', '..');
const KINDS_DIR = path.join(ROOT, 'native', 'src', 'bridge', 'kinds');
const sorted = (xs) => [...new Set(xs)].sort();

test('tsc --checkJs: js/lib/*.js type-checks against js/lib/native.d.ts', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', path.join(__dirname, 'tsconfig.checkjs.json')], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, `tsc --checkJs failed:\n${r.stdout}${r.stderr}`);
});

/** native.d.ts's SessionKinds: kind → {config, item, output} → sorted member names (all union members). */
function declaredKinds() {
  const file = path.join(ROOT, 'js', 'lib', 'native.d.ts');
  const program = ts.createProgram([file], { noEmit: true, types: [], skipLibCheck: true, strict: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  let kindsDecl;
  ts.forEachChild(source, function visit(node) {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'SessionKinds') kindsDecl = node;
    else ts.forEachChild(node, visit);
  });
  assert.ok(kindsDecl, 'native.d.ts declares SessionKinds');
  const members = (type) => sorted((type.isUnion() ? type.types : [type]).flatMap((t) => checker.getPropertiesOfType(t).map((p) => p.name)));
  const out = {};
  for (const kindProp of checker.getPropertiesOfType(checker.getTypeAtLocation(kindsDecl))) {
    const row = checker.getTypeOfSymbol(kindProp);
    out[kindProp.name] = {};
    for (const part of ['config', 'item', 'output']) {
      out[kindProp.name][part] = members(checker.getTypeOfSymbol(checker.getPropertyOfType(row, part)));
    }
  }
  return out;
}

/** The body of `fn name` in a kind file: up to the next method at the same indentation. */
function body(text, name) {
  const start = text.indexOf(`fn ${name}`);
  if (start < 0) return '';
  const next = text.slice(start + 1).search(/\n    fn /);
  return next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
}

/** The top-level member names a bridge function reads from / writes to its object `o`. */
function keysOf(code) {
  const keys = [];
  for (const re of [/\(\s*cx\s*,\s*o\s*,\s*"(\w+)"/g, /\bo\.(?:get|get_opt|set)\b[^;\n]*?\(\s*cx\s*,\s*"(\w+)"/g]) {
    for (const m of code.matchAll(re)) keys.push(m[1]);
  }
  return sorted(keys);
}

/** Each bridge kind file: its NAME → the members read_config/read_item read and write_output writes. */
function bridgeKinds() {
  const out = {};
  for (const f of fs.readdirSync(KINDS_DIR).filter((n) => n.endsWith('.rs') && n !== 'mod.rs')) {
    const text = fs.readFileSync(path.join(KINDS_DIR, f), 'utf8');
    const name = /const NAME: &'static str = "([\w-]+)";/.exec(text);
    assert.ok(name, `${f} names its kind`);
    out[name[1]] = { config: keysOf(body(text, 'read_config')), item: keysOf(body(text, 'read_item')), output: keysOf(body(text, 'write_output')) };
  }
  return out;
}

test('native.d.ts declares exactly the kinds the bridge registers', () => {
  const registered = /kinds!\(([^)]*)\);/.exec(fs.readFileSync(path.join(KINDS_DIR, 'mod.rs'), 'utf8'));
  assert.ok(registered, 'bridge/kinds/mod.rs has its kinds!(…) line');
  const backends = registered[1].split(',').map((s) => s.trim()).filter(Boolean);
  const bridge = bridgeKinds();
  assert.strictEqual(backends.length, Object.keys(bridge).length, `kinds!(${backends}) vs files ${Object.keys(bridge)}`);
  assert.deepStrictEqual(sorted(Object.keys(declaredKinds())), sorted(Object.keys(bridge)));
});

test("each kind's config, item and output members are the ones its bridge file reads and writes", () => {
  const declared = declaredKinds();
  const bridge = bridgeKinds();
  for (const [kind, parts] of Object.entries(bridge)) {
    for (const part of ['config', 'item', 'output']) {
      assert.ok(parts[part].length > 0, `${kind} ${part}: no members found in the bridge file (did its shape change?)`);
      assert.deepStrictEqual(declared[kind][part], parts[part], `${kind} ${part}: native.d.ts vs bridge/kinds`);
    }
  }
});
