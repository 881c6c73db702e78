//! codecs layer, grouped by concern: `video/` and `audio/` (one thin Backend per interface),
//! `media/` (the VideoFrame/AudioData stores), `tables/` (pure tables), and the ImageDecoder.
//! Safe Rust only; FFmpeg is reached through `crate::ffi`.
pub mod audio;
pub mod media;
pub mod tables;
pub mod video;

// The ImageDecoder modules (not yet grouped) import these as `super::…`.
pub mod image_decoder;
pub mod image_info;
pub mod webp_anim;
pub use media::frame_data;
pub use tables::{color_names, pixel_format};

/// The `idle` and `teardown` hooks of an `engine::Backend` that holds FFmpeg state: hand memory
/// back when idle (rate-limited) and after the backend is freed. Used inside `impl Backend for …`.
#[macro_export]
macro_rules! release_memory_hooks {
    () => {
        fn idle(&mut self) {
            $crate::codecs::release_memory_when_idle();
        }

        fn teardown(self) {
            drop(self);
            $crate::codecs::release_memory();
        }
    };
}

/// Hand memory back after codecs are freed: spare pooled media buffers, then glibc's free arenas
/// (`malloc_trim`). Backends call it from `teardown`.
pub fn release_memory() {
    media::buffer::trim_pool();
    crate::ffi::mem::trim();
}

/// `release_memory`, at most once a second process-wide: what backends call from `idle`, so
/// RSS follows live memory after a burst without making per-frame flushes pay an arena walk.
pub fn release_memory_when_idle() {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::{SystemTime, UNIX_EPOCH};
    static LAST_MS: AtomicU64 = AtomicU64::new(0);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
    let last = LAST_MS.load(Ordering::Relaxed);
    if now.saturating_sub(last) >= 1000 && LAST_MS.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
        release_memory();
    }
}

/// A decoder backend's open state, as the shared send/receive loops need it.
pub(crate) trait Draining<O> {
    fn codec(&mut self) -> &mut crate::ffi::codec::CodecContext<crate::ffi::codec::Opened>;
    /// The AVFrame reused between receives (None until the first).
    fn spare(&mut self) -> &mut Option<crate::ffi::Frame>;
    /// Turn one received frame into outputs (or hand it back to `spare()` when it makes none).
    fn take(&mut self, frame: crate::ffi::Frame, out: &mut Vec<O>) -> crate::error::Result<()>;

    /// Receive every output the decoder has ready; returns Again or Eof.
    fn receive_all(&mut self, out: &mut Vec<O>) -> crate::error::Result<crate::ffi::Status> {
        use crate::ffi::{Frame, Status};
        loop {
            let mut frame = match self.spare().take() {
                Some(f) => f,
                None => Frame::new()?,
            };
            match self.codec().receive_frame(&mut frame)? {
                Status::Ready => self.take(frame, out)?,
                s => {
                    *self.spare() = Some(frame);
                    return Ok(s);
                }
            }
        }
    }
}

/// Send one packet, taking outputs out while the decoder is full (FFmpeg then promises output;
/// if none comes, stop with an EncodingError rather than spin). `what` names the interface.
pub(crate) fn send_draining<O>(a: &mut impl Draining<O>, pkt: &crate::ffi::Packet, out: &mut Vec<O>, what: &str) -> crate::error::Result<()> {
    use crate::error::Error;
    use crate::ffi::Status;
    loop {
        match a.codec().send_packet(Some(pkt))? {
            Status::Ready => return Ok(()),
            Status::Again => {
                let before = out.len();
                if a.receive_all(out)? == Status::Eof || out.len() == before {
                    return Err(Error::encoding(format!("{what}: the decoder neither took the chunk nor produced output")));
                }
            }
            Status::Eof => return Err(Error::encoding(format!("{what}: the decoder is drained and refused the chunk"))),
        }
    }
}

/// The bytes of one encoded chunk: the encoder's packet as is, or a rewritten copy (Annex B →
/// length-prefixed, ADTS headers added …). Shared by the video and audio encoders; the bridge
/// copies it once into an ArrayBuffer and drops it.
pub enum ChunkBytes {
    Packet(crate::ffi::Packet),
    Owned(Vec<u8>),
}

impl ChunkBytes {
    pub fn as_slice(&self) -> &[u8] {
        match self {
            ChunkBytes::Packet(p) => p.data(),
            ChunkBytes::Owned(v) => v,
        }
    }
}
