'use strict';
// Loads the Neon addon (built by scripts/build.sh). Everything in js/ reaches native code here.
const path = require('node:path');

const file = process.env.NATIVE_WEBCODECS_ADDON || path.join(__dirname, '..', '..', 'build', 'native_webcodecs.node');
let native;
try {
  native = require(file);
} catch (err) {
  const e = new Error(`native-webcodecs: the native addon is not built (${file}): run \`npm run setup\` (or \`bash scripts/setup.sh\`). Cause: ${err.message}`);
  e.cause = err;
  throw e;
}
// Native code throws its DOMExceptions through js/lib/errors.js, the one place they are made.
native.errorFactorySet(require('./errors').makeError);
module.exports = native;
