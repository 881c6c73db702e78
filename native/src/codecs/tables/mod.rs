//! Pure tables: codec strings, pixel formats ↔ FFmpeg.
pub mod codec_string;
pub mod pixel_format;
