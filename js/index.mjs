// native-webcodecs: ESM entry. The names are the CommonJS entry's (js/index.js's one exports
// list, read by Node's CommonJS export detection), so there is no second list to keep in step;
// test/types/exports-agree.test.js checks that both entries and the declarations agree.
export * from './index.js';
export { default } from './index.js';
