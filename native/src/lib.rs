//! native-webcodecs: the crate root; declares the layers (ffi → codecs → engine → bridge).
pub mod ffi;
pub mod codecs;
pub mod counters;
pub mod engine;
pub mod error;
pub mod bridge;
