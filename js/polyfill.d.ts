// Importing 'native-webcodecs/polyfill' installs the classes on globalThis (where missing).
export declare const installed: string[];
