'use strict';
// test/api: codec strings can hold any Unicode. Each must be "not supported" — isConfigSupported
// resolves {supported: false}, configure() closes the codec with NotSupportedError — never a
// panic inside the parser (which once rejected with "Deferred was dropped without being settled"
// and reported EncodingError from configure()).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { VideoEncoder, VideoDecoder } = require('../..');

const HOSTILE = ['avc1.aé€', 'av01.0.aé.08', 'avc1.42😀', 'hvc1.1.6.é.B0', 'vp09.0é.10.08', 'é', '\u0000', 'avc1.42001\u0000',
  'hvc1.1.6.L.B0', 'av01.0.0', 'vp09..10.08', '\uD800', 'avc1.' + 'é'.repeat(1000)];

for (const [Cls, extra] of [[VideoEncoder, { width: 64, height: 64 }], [VideoDecoder, {}]]) {
  test(`${Cls.name}: hostile codec strings are not supported, never a crash`, async () => {
    for (const codec of HOSTILE) {
      const r = await Cls.isConfigSupported({ codec, ...extra });
      assert.equal(r.supported, false, JSON.stringify(codec));
      const errors = [];
      const c = new Cls({ output() {}, error: (e) => errors.push(e) });
      c.configure({ codec, ...extra });
      await assert.rejects(c.flush(), (e) => e.name === 'NotSupportedError');
      assert.equal(c.state, 'closed');
      assert.equal(errors.length, 1);
      assert.equal(errors[0].name, 'NotSupportedError', JSON.stringify(codec));
    }
  });
}
