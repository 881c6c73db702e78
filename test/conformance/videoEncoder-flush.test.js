'use strict';
// test/conformance: mirrors web-platform-tests webcodecs/video-encoder-flush.https.any.js, variants
// ?vp8 (skipped while this build has no VP8 encoder) and ?h264_avc, at 64×48 instead of 640×480.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { VideoEncoder } = require('../..');
const { closeAfterEach, isDOMException, createRampFrame } = require('./wpt-utils');

const VARIANTS = {
  vp8: { codec: 'vp8', width: 64, height: 48, displayWidth: 80, displayHeight: 60 },
  h264_avc: { codec: 'avc1.42001e', width: 64, height: 48, displayWidth: 80, displayHeight: 60, avc: { format: 'avc' } },
};

const open = closeAfterEach();

for (const [variant, CONFIG] of Object.entries(VARIANTS)) {
  test(`Test reset during flush (?${variant})`, async (t) => {
    if (!(await VideoEncoder.isConfigSupported(CONFIG)).supported) {
      t.skip(`${CONFIG.codec} is not supported by this build`);
      return;
    }
    const errors = [];
    let outputs = 0;
    const outputErrors = [];
    let encoder;
    const firstOutput = new Promise((resolve) => {
      encoder = new VideoEncoder({
        output: () => {
          outputs++;
          if (outputs !== 1) outputErrors.push(`outputs = ${outputs}`);
          encoder.reset();
          resolve();
        },
        error: (e) => errors.push(e),
      });
    });
    open.add(encoder);
    encoder.configure(CONFIG);
    const frame1 = createRampFrame(64, 48, 0);
    const frame2 = createRampFrame(64, 48, 33333);
    try {
      encoder.encode(frame1);
      encoder.encode(frame2);
    } finally {
      frame1.close();
      frame2.close();
    }
    const flushDone = encoder.flush();
    await firstOutput; // wait for the first output, then reset (in the callback)
    await assert.rejects(flushDone, isDOMException('AbortError')); // rejected synchronously by reset()
    assert.equal(outputs, 1, 'outputs');
    assert.deepEqual(outputErrors, []);
    assert.deepEqual(errors, []);
  });

  test(`Test new flush after reset in a flush callback (?${variant})`, async (t) => {
    if (!(await VideoEncoder.isConfigSupported(CONFIG)).supported) {
      t.skip(`${CONFIG.codec} is not supported by this build`);
      return;
    }
    const frame1 = createRampFrame(64, 48, 0);
    const frame2 = createRampFrame(64, 48, 33333);
    const errors = [];
    const callbacks = {};
    const encoder = new VideoEncoder({ output: (...a) => callbacks.output(...a), error: (e) => errors.push(e) });
    open.add(encoder);
    let flushInCallbackDone;
    let outputs = 0;
    const firstOutput = new Promise((resolve) => {
      callbacks.output = () => {
        encoder.reset();
        callbacks.output = () => { outputs++; };
        encoder.configure(CONFIG);
        encoder.encode(frame2);
        flushInCallbackDone = encoder.flush();
        resolve();
      };
    });
    try {
      encoder.configure(CONFIG);
      encoder.encode(frame1);
      const flushDone = encoder.flush();
      await firstOutput;
      await assert.rejects(flushDone, isDOMException('AbortError'));
      await flushInCallbackDone; // the second flush, issued in the output callback, resolves
      assert.equal(outputs, 1, 'outputs');
      assert.deepEqual(errors, []);
    } finally {
      frame1.close();
      frame2.close();
    }
  });
}
