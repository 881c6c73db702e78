'use strict';
// The Worker half of smoke.cjs's round trip: loads the package in a worker_threads Worker, redeems
// the VideoFrame token it is sent, reports the pixel sum and timestamp, and sends back a token for
// an AudioData made here (so the addon runs, and hands objects over, in both directions).
const { parentPort, workerData } = require('node:worker_threads');

const wc = require(workerData.pkg);
parentPort.once('message', async (token) => {
  try {
    const frame = wc.deserializeVideoFrame(token);
    const pixels = new Uint8Array(frame.allocationSize());
    await frame.copyTo(pixels);
    const timestamp = frame.timestamp;
    frame.close();
    const audio = new wc.AudioData({ format: 'f32-planar', sampleRate: 48000, numberOfFrames: 4, numberOfChannels: 1, timestamp: 99,
      data: new Float32Array([0.5, -0.5, 0.25, -0.25]) });
    parentPort.postMessage({ sum: pixels.reduce((a, b) => a + b, 0), timestamp, audio: wc.serializeAudioData(audio, { transfer: true }) });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.stack || err) });
  }
});
