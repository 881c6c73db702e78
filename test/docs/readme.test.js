'use strict';
// Doc test: README.md's code blocks are true as written.
// - Every ```js block is a complete ES module: it is saved unchanged in a fresh project (where
//   'native-webcodecs' resolves to this checkout) and run with node, in README order, next to the
//   input files it names (input.mp4, image.gif). It must exit 0, print nothing on stderr, and
//   print what its section promises (EXPECT below; a new block without an entry fails).
// - Every ```sh block names only commands that exist: npm scripts of package.json, files of the
//   repository, and the tarball name `npm pack` makes. (test/package/pack-install.test.js installs
//   that tarball in a fresh project.)
// - ```text blocks are output shown to the reader; they are not run.
// - Links are relative paths inside the repository that exist, or http(s) URLs.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, makeProject, makeInputMp4, makeImageGif, probe, runNode } = require('./project');

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** The fenced code blocks: {lang, code, heading, line}. Fences may be indented (inside list items). */
function codeBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split('\n');
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const h = /^#+ (.*)$/.exec(lines[i]);
    if (h) heading = h[1];
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const body = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++) body.push(lines[j].slice(indent));
    assert.ok(j < lines.length, `README.md:${i + 1}: a code block is never closed`);
    blocks.push({ lang: open[2], code: body.join('\n') + '\n', heading, line: i + 1 });
    i = j;
  }
  return blocks;
}

/** What each section's example must print (and leave behind). */
const EXPECT = {
  'Encode video to a file': (out, dir) => {
    assert.match(out, /^video\.h264: 60 chunks$/m);
    const stream = probe(path.join(dir, 'video.h264')).streams[0];
    assert.equal(stream.codec_name, 'h264');
    assert.equal(`${stream.width}x${stream.height}`, '320x240');
    assert.equal(Number(stream.nb_read_frames), 60);
  },
  'Decode a video file': (out) => {
    assert.match(out, /^first frame: I420 320×240, pixel 0 = \d+,\d+,\d+,255$/m);
    assert.match(out, /^30 frames$/m);
  },
  'Decode images': (out) => {
    assert.match(out, /^3 frames$/m);
    assert.match(out, /^BGRA 64×48$/m);
  },
  'Encode audio': (out) => {
    // One second of Opus in 20 ms packets.
    const n = Number(/^(\d+) Opus packets$/m.exec(out)?.[1]);
    assert.ok(n >= 50 && n <= 52, out);
  },
  'Workers and threads': (out) => {
    assert.match(out, /^worker got a RGBA frame, 64×48$/m);
  },
};

const blocks = codeBlocks(README);

test('README.md: every js block runs unchanged and prints what its section says', async (t) => {
  const dir = makeProject(t, 'nwc-readme-');
  makeInputMp4(dir);
  makeImageGif(dir);
  const js = blocks.filter((b) => b.lang === 'js');
  assert.ok(js.length >= 5, `expected the Use section's examples, found ${js.length} js blocks`);
  for (const [i, block] of js.entries()) {
    await t.test(`README.md:${block.line} (${block.heading})`, () => {
      const check = EXPECT[block.heading];
      assert.ok(check, `README.md:${block.line}: a js block under "${block.heading}" has no expectation in test/docs/readme.test.js`);
      const file = `readme-${i}.mjs`;
      fs.writeFileSync(path.join(dir, file), block.code);
      const r = runNode(file, [], dir);
      assert.equal(r.status, 0, `exit ${r.status} ${r.signal || ''}\n${r.stdout}\n${r.stderr}`);
      assert.equal(r.stderr, '', 'nothing on stderr');
      check(r.stdout, dir);
    });
  }
});

test('README.md: the sh blocks name commands that exist', () => {
  const tarball = `${pkg.name}-${pkg.version}.tgz`;
  const sh = blocks.filter((b) => b.lang === 'sh');
  assert.ok(sh.length >= 3);
  const seen = new Set();
  for (const block of sh) {
    for (const raw of block.code.split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      if (!line) continue;
      const where = `README.md:${block.line}: ${line}`;
      let m;
      if ((m = /^npm run (\S+)$/.exec(line))) assert.ok(pkg.scripts[m[1]], `${where}: no npm script ${m[1]}`);
      else if (line === 'npm test') assert.ok(pkg.scripts.test, where);
      else if (line === 'npm pack') assert.ok(pkg.scripts.prepack, `${where}: prepack makes the prebuilt`);
      else if ((m = /^npm install (\S+)$/.exec(line))) assert.equal(path.basename(m[1]), tarball, `${where}: npm pack makes ${tarball}`);
      else if ((m = /^(?:[A-Z_]+=\S+ )*bash (\S+)(?: \S+)*$/.exec(line))) assert.ok(fs.existsSync(path.join(ROOT, m[1])), `${where}: no file ${m[1]}`);
      else assert.fail(`${where}: a command this test does not know; check it here`);
      seen.add(line.split(' ').slice(0, 2).join(' '));
    }
  }
  for (const must of ['npm run', 'npm test']) assert.ok(seen.has(must), `the README keeps \`${must}\` (the checkout commands)`);
});

test('README.md and docs/: links stay inside the repository and exist', () => {
  const files = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).map((f) => `docs/${f}`)];
  for (const file of files) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^https?:\/\//.test(target) || target.startsWith('#')) continue;
      const rel = target.split('#')[0];
      const abs = path.resolve(ROOT, path.dirname(file), rel);
      assert.ok(abs.startsWith(ROOT + path.sep), `${file}: the link ${target} points outside the repository`);
      assert.ok(fs.existsSync(abs), `${file}: the link ${target} names a missing file`);
    }
    assert.doesNotMatch(text, /DESIGN\.md|\.\.\/shared/, `${file} points outside the repository`);
  }
});
