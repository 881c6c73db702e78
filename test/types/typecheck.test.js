'use strict';
// The TypeScript declarations compile (tsc --noEmit): a usage file against js/index.d.ts, and a
// WebCodecs program written for the browser (browser-program.ts and browser-audio-program.ts,
// global names, no imports),
// unchanged, against lib.dom, against 'native-webcodecs/polyfill', against both, and — with one
// import line prepended — against 'native-webcodecs' itself. The package name resolves to this
// repository through package.json "exports" (TypeScript's self-reference under node16).
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const tsc = require.resolve('typescript/bin/tsc');
function check(config) {
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', path.join(__dirname, config)], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, `tsc -p ${config} failed:\n${r.stdout}${r.stderr}`);
}

test('js/index.d.ts type-checks a usage file with tsc --noEmit', () => check('tsconfig.json'));

test('a browser WebCodecs program type-checks against lib.dom (it is browser code)', () => check('tsconfig.browser-dom.json'));

test("the same program, unchanged, type-checks with 'native-webcodecs/polyfill' and no lib.dom", () => check('tsconfig.browser-polyfill.json'));

test("'native-webcodecs/polyfill' and lib.dom together: no conflicting declarations", () => check('tsconfig.browser-polyfill-dom.json'));

test("the same programs with their names imported from 'native-webcodecs' (without and with lib.dom)", () => {
  const programs = {
    'browser-program': {
      names: ['VideoEncoder', 'VideoDecoder', 'VideoFrame', 'EncodedVideoChunk', 'ImageDecoder', 'VideoColorSpace', 'DOMRectReadOnly', 'ImageTrack'],
      types: ['VideoEncoderConfig', 'VideoEncoderSupport', 'VideoEncoderInit', 'VideoEncoderEncodeOptions', 'VideoDecoderConfig',
        'VideoDecoderSupport', 'EncodedVideoChunkMetadata', 'VideoFrameBufferInit', 'VideoFrameCopyToOptions', 'PlaneLayout',
        'ImageDecoderInit', 'ImageDecodeOptions', 'ImageDecodeResult'],
    },
    'browser-audio-program': {
      names: ['AudioEncoder', 'AudioDecoder', 'AudioData', 'EncodedAudioChunk'],
      types: ['AudioEncoderConfig', 'AudioEncoderSupport', 'AudioEncoderInit', 'AudioDecoderConfig', 'AudioDecoderSupport',
        'AudioDecoderInit', 'EncodedAudioChunkMetadata', 'EncodedAudioChunkInit', 'AudioDataInit', 'AudioDataCopyToOptions'],
    },
  };
  const dir = path.join(__dirname, '.generated');
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, { names, types }] of Object.entries(programs)) {
    const program = fs.readFileSync(path.join(__dirname, `${file}.ts`), 'utf8');
    const header = `import { ${names.join(', ')}, ${types.map((t) => `type ${t}`).join(', ')} } from 'native-webcodecs';\n`;
    fs.writeFileSync(path.join(dir, `${file}-import.ts`), header + program);
  }
  try {
    check('tsconfig.browser-import.json');
    check('tsconfig.browser-import-dom.json');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('with lib.dom too, our chunks and configs and lib.dom\'s are interchangeable', () => check('tsconfig.dom-interop.json'));
