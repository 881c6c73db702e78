//! codecs layer: the ImageDecoder — `decoder` (the Backend: direct libjpeg-turbo/libwebp paths,
//! the rest through FFmpeg's demuxers and decoders), `info` (pure container parsers: frame and
//! loop counts, EXIF orientation, claimed sizes, checked before anything is allocated) and
//! `webp_anim` (animated WebP compositing over libwebp). Safe Rust only.
pub mod decoder;
pub mod info;
pub mod webp_anim;
