//! bridge layer: the only Rust that names Neon types. Reads validated plain JS objects into Rust
//! values, hands them to the engine/codecs, and turns results and `Error`s back into JS values.
mod audio;
pub mod exports;
mod frame;
mod js;
mod kinds;
mod media;
mod registry;
mod session;
