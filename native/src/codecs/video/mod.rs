//! Video: the VideoEncoder and VideoDecoder backends and the bitstream helpers only they use.
pub mod chunk_hint;
mod decoded_frame;
pub mod decoder;
pub mod encoder;
mod encoder_settings;
pub mod h264;
pub mod hevc;
pub mod rgb_to_yuv;
mod unit_check;
