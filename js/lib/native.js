'use strict';
// Loads the Neon addon. Everything in js/ reaches native code here. Tries, in order:
//   1. NATIVE_WEBCODECS_ADDON (an explicit file; an error if it does not load);
//   2. build/native_webcodecs.node — built by scripts/setup.sh in a checkout, or by the install
//      step / `npx native-webcodecs build` in an installed package (from the package's sources);
//   3. the prebuilt for this platform (build-requirements.js' PREBUILT_TAG, e.g. linux-x64-gnu):
//      from the optional package @native-webcodecs/<tag>, else this package's prebuilds/<tag>/ —
//      self-contained (FFmpeg inside), loaded when the C library, its version and Node-API fit.
// When none loads, one message names the command to run (never a path inside node_modules).
const fs = require('node:fs');
const req = require('./build-requirements');

function load() {
  const explicit = process.env.NATIVE_WEBCODECS_ADDON;
  if (explicit) {
    try {
      return require(explicit);
    } catch (err) {
      throw withCause(new Error(`native-webcodecs: NATIVE_WEBCODECS_ADDON=${explicit} does not load: ${err.message}`), err);
    }
  }
  let buildError = null;
  if (fs.existsSync(req.BUILD_FILE)) {
    try {
      return require(req.BUILD_FILE);
    } catch (err) {
      buildError = err; // e.g. FFmpeg's libraries were removed since it was built
    }
  }
  const manifest = req.prebuiltManifest();
  const fit = req.prebuiltFits(manifest);
  let prebuiltError = null;
  if (fit.ok) {
    try {
      return require(manifest.file);
    } catch (err) {
      prebuiltError = err;
      fit.ok = false;
      fit.reason = `the prebuilt binary does not load here (${firstLine(err.message).replace(/^.*?: /, '').replace(/ \(required by [^)]*\)/, '')})`;
    }
  }
  if (req.isCheckout()) {
    const e = new Error('native-webcodecs: the native addon is not built in this checkout: run `npm run setup` (or `bash scripts/setup.sh`)'
      + (buildError ? `; the existing build does not load: ${firstLine(buildError.message)}` : ''));
    throw withCause(e, buildError || prebuiltError);
  }
  const headline = buildError ? 'the native addon built on this machine no longer loads' : 'the native addon is not available';
  const message = req.missingMessage({ probe: req.probeBuild(), fit, headline });
  throw withCause(new Error(message), buildError || prebuiltError);
}

function firstLine(s) {
  return String(s).split('\n')[0];
}
function withCause(e, cause) {
  if (cause) e.cause = cause;
  e.code = 'NATIVE_WEBCODECS_ADDON_MISSING';
  return e;
}

const native = load();
// Native code throws its DOMExceptions through js/lib/errors.js, the one place they are made.
native.errorFactorySet(require('./errors').makeError);
module.exports = native;
