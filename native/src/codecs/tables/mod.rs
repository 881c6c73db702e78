//! Pure tables: codec strings, pixel formats, colour-space names ↔ FFmpeg enums.
pub mod codec_string;
pub mod color_names;
pub mod pixel_format;
