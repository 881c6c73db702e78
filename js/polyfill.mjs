// Installs the WebCodecs classes on globalThis (ESM), never overwriting existing ones.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
export const { installed } = require('./polyfill.js');
