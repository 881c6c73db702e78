'use strict';
// The public names agree everywhere. js/index.js's `module.exports` list is the one source; this
// checks every other place that names them against it:
//   - js/index.mjs (re-exports it through Node's CommonJS export detection) has the same names;
//   - js/polyfill.js installs exactly its WebIDL interfaces (the PascalCase names) on globalThis;
//   - js/index.d.ts declares exactly those values (classes and functions), no more, no fewer;
//   - js/polyfill.d.ts makes exactly those interfaces global (as `var` and `interface`), and
//     every spec dictionary index.d.ts exports (all its exported interfaces but our own
//     diagnostics and token types) global too;
//   - index.d.ts's `LiveCounts` names exactly the counters liveCounts() returns (the counters
//     are declared once, in native/src/counters.rs).
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const ts = require('typescript');

const JS = path.join(__dirname, '..', '..', 'js');
const api = require('../../js/index.js');
const NAMES = Object.keys(api);
const INTERFACES = NAMES.filter((n) => /^[A-Z]/.test(n));
/** Interfaces index.d.ts exports that are native-webcodecs' own, not WebIDL dictionaries. */
const OWN_TYPES = ['LiveCounts', 'VideoFrameToken', 'AudioDataToken'];

const sorted = (xs) => [...new Set(xs)].sort();
const hasExport = (node) => (ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Export) !== 0;

function parse(file) {
  return ts.createSourceFile(file, fs.readFileSync(path.join(JS, file), 'utf8'), ts.ScriptTarget.ES2022, true);
}

/** index.d.ts: the exported values (classes, functions, consts) and the exported interfaces. */
function indexDeclarations() {
  const values = [];
  const interfaces = [];
  for (const s of parse('index.d.ts').statements) {
    if (!hasExport(s)) continue;
    if (ts.isClassDeclaration(s) || ts.isFunctionDeclaration(s)) values.push(s.name.text);
    else if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) values.push(d.name.text);
    else if (ts.isInterfaceDeclaration(s)) interfaces.push(s.name.text);
  }
  return { values: sorted(values), interfaces: sorted(interfaces) };
}

/** index.d.ts: the members of the exported interface `name`. */
function interfaceMembers(name) {
  const decl = parse('index.d.ts').statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === name);
  assert.ok(decl, `index.d.ts declares ${name}`);
  return sorted(decl.members.map((m) => m.name.text));
}

/** polyfill.d.ts: the `var`s and `interface`s inside `declare global { … }`. */
function polyfillGlobals() {
  const vars = [];
  const interfaces = [];
  for (const s of parse('polyfill.d.ts').statements) {
    if (!ts.isModuleDeclaration(s) || s.name.text !== 'global') continue;
    for (const g of s.body.statements) {
      if (ts.isVariableStatement(g)) for (const d of g.declarationList.declarations) vars.push(d.name.text);
      else if (ts.isInterfaceDeclaration(g)) interfaces.push(g.name.text);
    }
  }
  return { vars: sorted(vars), interfaces: sorted(interfaces) };
}

test('the exports list has WebIDL interfaces (classes) and our own functions, nothing else', () => {
  assert.ok(INTERFACES.length >= 14, `only ${INTERFACES.length} interfaces: ${INTERFACES}`);
  for (const name of NAMES) assert.strictEqual(typeof api[name], 'function', name);
  for (const name of INTERFACES) assert.strictEqual(api[name].name, name, `${name} is a class of that name`);
  for (const name of ['AudioEncoder', 'AudioDecoder', 'AudioData', 'EncodedAudioChunk', 'VideoEncoder', 'ImageDecoder']) {
    assert.ok(INTERFACES.includes(name), name);
  }
});

test('index.mjs exports the same names as index.js, the same objects, and index.js as default', async () => {
  const esm = await import(path.join(JS, 'index.mjs'));
  assert.deepStrictEqual(sorted(Object.keys(esm).filter((n) => n !== 'default')), sorted(NAMES));
  for (const name of NAMES) assert.strictEqual(esm[name], api[name], name);
  assert.strictEqual(esm.default, api);
});

test('polyfill.js installs exactly the interfaces, on a fresh globalThis (CommonJS and ESM)', () => {
  for (const [entry, script] of [
    ['polyfill.js', `const { installed } = require(${JSON.stringify(path.join(JS, 'polyfill.js'))});
       const api = require(${JSON.stringify(path.join(JS, 'index.js'))});
       if (!installed.every((n) => globalThis[n] === api[n])) throw new Error('a global is not the export');
       console.log(JSON.stringify(installed));`],
    ['polyfill.mjs', `import(${JSON.stringify(path.join(JS, 'polyfill.mjs'))}).then((m) => console.log(JSON.stringify(m.installed)));`],
  ]) {
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.strictEqual(r.status, 0, `${entry}: ${r.stderr}`);
    assert.deepStrictEqual(sorted(JSON.parse(r.stdout)), sorted(INTERFACES), entry);
  }
});

test('index.d.ts declares exactly the exported names as values', () => {
  assert.deepStrictEqual(indexDeclarations().values, sorted(NAMES));
});

test('polyfill.d.ts makes exactly the installed interfaces global, with every spec dictionary', () => {
  const globals = polyfillGlobals();
  assert.deepStrictEqual(globals.vars, sorted(INTERFACES), 'the global `var`s are the installed classes');
  const dictionaries = indexDeclarations().interfaces.filter((n) => !OWN_TYPES.includes(n));
  assert.deepStrictEqual(globals.interfaces, sorted([...INTERFACES, ...dictionaries]),
    'the global interfaces are the classes plus the dictionaries index.d.ts exports');
});

test("index.d.ts's LiveCounts names exactly the counters liveCounts() returns", () => {
  const counts = api.liveCounts();
  assert.deepStrictEqual(interfaceMembers('LiveCounts'), sorted(Object.keys(counts)));
  for (const [name, value] of Object.entries(counts)) assert.ok(Number.isInteger(value), `${name}: ${value}`);
});
