'use strict';
// Memory guardrail for AudioEncoder (issue 11): one hour of 48 kHz stereo encoded to Opus in 20 ms
// AudioData pieces (180,000 AudioData, 180,000 chunks) grows RSS < 16 MB after gc, and every live
// counter (audioData, swrContexts, codecContexts, sessions …) returns to zero after close().
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const CHILD = path.join(__dirname, 'audio-memory-child.js');
const mb = (v) => `${v.toFixed(1)} MB`;

test('one hour of 48 kHz stereo to Opus in 20 ms pieces: RSS grows < 16 MB, counters back to zero', () => {
  const out = execFileSync(process.execPath, ['--expose-gc', CHILD, '3600'], { encoding: 'utf8', timeout: 900_000 });
  const r = JSON.parse(out.trim().split('\n').pop());
  console.log(`# audio guardrail: RSS start ${mb(r.start)}, after 1 min ${mb(r.atMinute)}, after 60 min ${mb(r.atEnd)}, after close ${mb(r.end)}; ${r.chunks} chunks`);
  // One 20 ms packet per piece, plus at most one per flush (a flush ends the stream: the priming
  // delay spills into one more packet each time; 6 flushes in the hour, one at the end).
  assert.ok(r.chunks >= r.pieces && r.chunks <= r.pieces + 7, `${r.chunks} chunks for ${r.pieces} pieces`);
  assert.ok(r.atEnd - r.start < 16, `RSS grew ${mb(r.atEnd - r.start)} over the hour (limit 16 MB)`);
  assert.ok(r.atEnd - r.atMinute < 8, `RSS grew ${mb(r.atEnd - r.atMinute)} from minute 1 to 60 (a slope)`);
  assert.deepStrictEqual(Object.entries(r.counts).filter(([, v]) => v !== 0), [], 'live native objects after close');
});
