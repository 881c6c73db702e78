//! codecs layer, grouped by concern: `video/` and `audio/` (one thin Backend per interface),
//! `media/` (the VideoFrame/AudioData stores), `tables/` (pure tables) and `image/` (the ImageDecoder).
//! Safe Rust only; FFmpeg is reached through `crate::ffi`.
pub mod audio;
pub(crate) mod decode;
pub mod media;
pub mod tables;
pub mod video;

pub mod image;

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
