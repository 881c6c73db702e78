//! codecs layer: the one native storage for media bytes — VideoFrame pixels and AudioData samples
//! alike. A `MediaBuffer` is a fallibly allocated byte buffer that goes back to a bounded,
//! lock-free pool (one `crossbeam_queue::ArrayQueue` per size class) when dropped, so create/close
//! loops reuse memory instead of growing glibc's heap (docs/ARCHITECTURE.md, "Memory"). Invariants: a size class
//! keeps at most `PER_CLASS` buffers and `CLASS_MAX_BYTES`, the pool at most `POOL_MAX_BYTES`,
//! and `trim_pool()` (called when codecs go idle) empties it; what the pool does not keep is freed
//! and, every `TRIM_EVERY` bytes freed, handed back to the OS (`malloc_trim`: glibc otherwise
//! keeps large freed buffers in its heap once its mmap threshold has risen).
use crate::error::{Error, ErrorKind, Result};
use crossbeam_queue::ArrayQueue;
use once_cell::sync::Lazy;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Largest buffer: a 16384×16384 frame at the widest pixel format (4 planes × 2 bytes). Larger
/// requests are refused before anything is allocated.
pub const MAX_BUFFER_BYTES: usize = (1usize << 28) * 8;

/// Buffers above this size are not pooled (they are rare; keeping them would pin memory).
const POOL_MAX_BUFFER: usize = 64 << 20;
/// Most bytes the pool keeps in all.
const POOL_MAX_BYTES: usize = 64 << 20;
/// Most buffers one size class keeps: enough for a pipeline's frames in flight.
const PER_CLASS: usize = 8;
/// Most bytes one size class keeps (but at least one buffer): four 1080p RGBA frames, eight
/// 720p ones. A burst of forgotten frames leaves little behind once they are collected.
const CLASS_MAX_BYTES: usize = 32 << 20;
/// Bytes freed (not pooled) between two `malloc_trim` calls: at most this much freed memory
/// stays in glibc's heap after a burst. The walk costs well under a millisecond, a small price
/// next to allocating and filling this much.
const TRIM_EVERY: usize = 16 << 20;
/// Size classes: 4 per power of two (≤ 25% slack), from 64 bytes up to `POOL_MAX_BUFFER`.
const MIN_SHIFT: u32 = 6;
const CLASSES: usize = ((POOL_MAX_BUFFER.trailing_zeros() - MIN_SHIFT) as usize + 1) * 4;

static POOL: Lazy<Vec<ArrayQueue<Vec<u8>>>> = Lazy::new(|| (0..CLASSES).map(|_| ArrayQueue::new(PER_CLASS)).collect());
static HELD: AtomicUsize = AtomicUsize::new(0);
static FREED: AtomicUsize = AtomicUsize::new(0);

/// How many buffers of capacity `cap` a class keeps.
fn class_limit(cap: usize) -> usize {
    (CLASS_MAX_BYTES / cap.max(1)).clamp(1, PER_CLASS)
}

/// Count `bytes` freed; every `TRIM_EVERY` bytes, give freed heap memory back to the OS.
fn note_freed(bytes: usize) {
    if FREED.fetch_add(bytes, Ordering::Relaxed) + bytes >= TRIM_EVERY && FREED.swap(0, Ordering::Relaxed) >= TRIM_EVERY {
        crate::ffi::mem::trim();
    }
}

/// The size class of a request of `len` bytes and the capacity that class allocates.
fn class_of(len: usize) -> Option<(usize, usize)> {
    if len > POOL_MAX_BUFFER {
        return None;
    }
    let len = len.max(1 << MIN_SHIFT);
    let shift = usize::BITS - 1 - len.leading_zeros(); // floor(log2 len)
    let base = 1usize << shift;
    // Quarter steps between base and 2·base.
    let step = if shift >= 2 { base >> 2 } else { 1 };
    let quarter = (len - base).div_ceil(step); // 0..=4
    let cap = base + quarter * step;
    let index = (shift - MIN_SHIFT) as usize * 4 + quarter;
    (index < CLASSES).then_some((index, cap))
}

/// A byte buffer of a fixed length from the shared pool; back to the pool on drop.
pub struct MediaBuffer {
    bytes: Vec<u8>,
    len: usize,
}

impl MediaBuffer {
    /// A buffer of `len` bytes: reused from the pool (contents unspecified: callers fill it all)
    /// or newly allocated, zeroed. Over `MAX_BUFFER_BYTES`, or when the allocator cannot give it,
    /// a RangeError (JS's name for a failed allocation), never an abort.
    pub fn take(len: usize) -> Result<MediaBuffer> {
        if len > MAX_BUFFER_BYTES {
            return Err(Error::new(ErrorKind::Range, format!("a media buffer of {len} bytes exceeds the limit of {MAX_BUFFER_BYTES} bytes")));
        }
        let cap = match class_of(len) {
            Some((i, cap)) => {
                if let Some(v) = POOL[i].pop() {
                    HELD.fetch_sub(v.len(), Ordering::Relaxed);
                    return Ok(MediaBuffer { bytes: v, len });
                }
                cap
            }
            None => len,
        };
        crate::ffi::mem::try_zeroed(cap)
            .map(|bytes| MediaBuffer { bytes, len })
            .ok_or_else(|| Error::new(ErrorKind::Range, format!("out of memory: could not allocate a media buffer of {len} bytes")))
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        &mut self.bytes[..self.len]
    }
}

impl Drop for MediaBuffer {
    fn drop(&mut self) {
        let v = std::mem::take(&mut self.bytes);
        let size = v.len();
        // Pooled only if its class has room (a race may let a class exceed its limit by the
        // number of threads dropping at once; the ArrayQueue's capacity is the hard bound).
        let v = match class_of(size) {
            Some((i, cap)) if cap == size && POOL[i].len() < class_limit(cap) => {
                if HELD.fetch_add(cap, Ordering::Relaxed) + cap <= POOL_MAX_BYTES {
                    match POOL[i].push(v) {
                        Ok(()) => return,
                        Err(v) => {
                            HELD.fetch_sub(cap, Ordering::Relaxed);
                            v
                        }
                    }
                } else {
                    HELD.fetch_sub(cap, Ordering::Relaxed);
                    v
                }
            }
            _ => v,
        };
        drop(v);
        note_freed(size);
    }
}

/// Empty the pool (tests; and when codecs go idle, so an idle process holds no spare buffers).
pub fn trim_pool() {
    for q in POOL.iter() {
        while let Some(v) = q.pop() {
            HELD.fetch_sub(v.len(), Ordering::Relaxed);
        }
    }
}

/// Bytes the pool holds now (for tests and diagnostics).
pub fn pooled_bytes() -> usize {
    HELD.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_cover_every_size_with_little_slack() {
        for len in [0usize, 1, 63, 64, 65, 100, 1000, 4096, 4097, 460_800, 1_382_400, 3_110_400, POOL_MAX_BUFFER] {
            let (i, cap) = class_of(len).unwrap();
            assert!(cap >= len && cap >= 64, "{len} → {cap}");
            assert!(len < 64 || cap - len <= len / 4 + 1, "{len} → {cap}");
            assert!(i < CLASSES);
            assert_eq!(class_of(cap).unwrap(), (i, cap), "a class's capacity maps to itself");
        }
        assert!(class_of(POOL_MAX_BUFFER + 1).is_none());
    }

    #[test]
    fn buffers_are_reused_bounded_and_refused_when_impossible() {
        // Too large to pool: always a fresh, zeroed allocation.
        let big = MediaBuffer::take(POOL_MAX_BUFFER + 1).unwrap();
        assert!(big.as_slice().iter().all(|&b| b == 0));
        drop(big);
        // A pooled class: the contents of a reused buffer are unspecified (callers fill it all).
        let a = MediaBuffer::take(1000).unwrap();
        assert_eq!(a.len(), 1000);
        let cap = a.bytes.len();
        let ptr = a.bytes.as_ptr();
        drop(a);
        let b = MediaBuffer::take(990).unwrap();
        // Other tests run in parallel and may take it first; when it comes back it is the same one.
        if b.bytes.as_ptr() == ptr {
            assert_eq!(b.bytes.len(), cap);
        }
        drop(b);
        assert!(MediaBuffer::take(MAX_BUFFER_BYTES + 1).is_err());
        assert_eq!(MediaBuffer::take(usize::MAX).err().unwrap().kind, ErrorKind::Range);
        assert!(pooled_bytes() <= POOL_MAX_BYTES);
    }

    #[test]
    fn a_class_keeps_a_few_buffers_and_frees_the_rest() {
        // 1080p RGBA (the 8 MiB class) keeps 4 (CLASS_MAX_BYTES); 64 KB buffers keep PER_CLASS.
        let (_, cap) = class_of(1920 * 1080 * 4).unwrap();
        assert_eq!(class_limit(cap), 4);
        assert_eq!(class_limit(class_of(65536).unwrap().1), PER_CLASS);
        assert_eq!(class_limit(class_of(POOL_MAX_BUFFER).unwrap().1), 1);
        trim_pool();
        let (i, _) = class_of(1920 * 1080 * 4).unwrap();
        let many: Vec<MediaBuffer> = (0..20).map(|_| MediaBuffer::take(1920 * 1080 * 4).unwrap()).collect();
        drop(many);
        assert!(POOL[i].len() <= class_limit(cap), "{} buffers pooled", POOL[i].len());
        assert!(pooled_bytes() <= POOL_MAX_BYTES);
        trim_pool();
        assert_eq!(POOL[i].len(), 0);
    }
}
