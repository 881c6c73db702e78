//! native-webcodecs: the crate root; declares the layers (ffi → codecs → engine → bridge).
// `unsafe` lives in ffi/ only (each block with a `// SAFETY:` line); everywhere else it is an error.
#![deny(unsafe_code)]

#[allow(unsafe_code)]
pub mod ffi;
pub mod codecs;
pub mod counters;
pub mod engine;
pub mod error;
pub mod bridge;
