//! Audio: the AudioEncoder and AudioDecoder backends.
pub mod decoder;
pub mod encoder;
