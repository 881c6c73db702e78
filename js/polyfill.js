'use strict';
// Installs the WebCodecs classes on globalThis, never overwriting ones that already exist.
// The names are the WebIDL interfaces of js/index.js's exports list (its PascalCase names; the
// camelCase ones are native-webcodecs' own functions and stay out of the global scope).
const api = require('./index.js');

/** The names of `api` the polyfill installs: the WebIDL interfaces. */
const INTERFACES = Object.keys(api).filter((name) => /^[A-Z]/.test(name) && typeof api[name] === 'function');
const installed = [];
for (const name of INTERFACES) {
  if (typeof globalThis[name] === 'undefined') {
    Object.defineProperty(globalThis, name, { value: api[name], writable: true, configurable: true, enumerable: false });
    installed.push(name);
  }
}
module.exports = { installed };
