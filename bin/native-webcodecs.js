#!/usr/bin/env node
'use strict';
// `npx native-webcodecs build`  — build the addon from the package's sources (after
//                                 `npm install --ignore-scripts`, or to replace the prebuilt);
// `npx native-webcodecs status` — which addon loads, and why not when none does.
const req = require('../js/lib/build-requirements');

const command = process.argv[2];
if (command === 'build') {
  process.exitCode = require('../scripts/install.js').buildFromSource();
} else if (command === 'status') {
  try {
    const native = require('../js/lib/native.js');
    const manifest = req.prebuiltManifest();
    const which = process.env.NATIVE_WEBCODECS_ADDON ? 'NATIVE_WEBCODECS_ADDON'
      : require('node:fs').existsSync(req.BUILD_FILE) ? 'built from source (build/)'
        : `prebuilt ${req.PREBUILT_TAG}${manifest ? ` (FFmpeg ${manifest.ffmpeg})` : ''}`;
    console.log(`native-webcodecs: the addon loads: ${which}; Node-API ${process.versions.napi}; exports ${Object.keys(native).length} functions`);
  } catch (err) {
    console.error(err.message);
    process.exitCode = 1;
  }
} else {
  console.error('usage: native-webcodecs build | status');
  process.exitCode = command ? 2 : 0;
}
