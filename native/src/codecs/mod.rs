//! codecs layer: one thin Backend per interface, plus pure tables (pixel formats, codec strings)
//! and the VideoFrame pixel store. Safe Rust only; FFmpeg is reached through `crate::ffi`.
pub mod codec_string;
pub mod frame_data;
pub mod h264;
pub mod image_decoder;
pub mod image_info;
pub mod video_decoder;
pub mod video_encoder;
pub mod pixel_format;
