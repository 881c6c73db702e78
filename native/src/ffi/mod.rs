//! ffi layer: the only `unsafe` in the crate. Each FFmpeg object has one owner holding a
//! `NonNull`, built by a `Result`-returning constructor and freed in `Drop`.
pub use ffmpeg_sys_next as sys;

pub mod codec;
pub mod error;
pub mod external_memory;
pub mod format;
pub mod frame;
pub mod jpeg;
pub mod log;
pub mod mem;
pub mod packet;
pub mod resample;
pub mod scale;
pub mod simd;
pub mod webp;

pub use error::{AvError, Status};
pub use frame::{Frame, FramePool};
pub use packet::Packet;
pub use sys::AVPixelFormat as PixelFormat;
