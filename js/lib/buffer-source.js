'use strict';
// The former name of js/lib/webidl.js, kept only while js/lib/image-decoder.js still requires it
// (that file is being edited elsewhere); remove once it requires './webidl'.
module.exports = require('./webidl');
