'use strict';
// js/ layer: the one warning for media collected without close(), as Chrome gives it
// (blink/renderer/modules/webcodecs/webcodecs_logger.cc: "A VideoFrame was garbage collected
// without being closed. Applications should call close() on frames when done with them to prevent
// stalls."). The native handle's finalizer calls the hook registered here the first time, per
// process, that a VideoFrame's (or an AudioData's) handle is collected while still open; never
// once per object. Silence it by closing what you create, or with
// `node --disable-warning=<code>` (Node.js ≥ 20.11) / `--no-warnings`.

const native = require('./native');

/** Warning codes, one per interface. */
const CODES = Object.freeze({
  VideoFrame: 'NATIVE_WEBCODECS_UNCLOSED_VIDEOFRAME',
  AudioData: 'NATIVE_WEBCODECS_UNCLOSED_AUDIODATA',
});

function warnUnclosed(what) {
  const code = CODES[what];
  if (code === undefined) return;
  const article = /^[AEIOU]/.test(what) ? 'An' : 'A';
  process.emitWarning(
    `${article} ${what} was garbage collected without being closed. Applications should call close() on ` +
    `each ${what} when done with it, so its memory is freed at once instead of waiting for the garbage collector ` +
    '(this warning is shown once per process).',
    { code },
  );
}

if (typeof native.mediaWarningSet === 'function') native.mediaWarningSet(warnUnclosed);

module.exports = { CODES };
