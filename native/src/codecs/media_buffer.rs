//! codecs layer: the one native storage for media bytes — VideoFrame pixels and AudioData samples
//! alike. A `MediaBuffer` is a fallibly allocated byte buffer that goes back to a bounded,
//! lock-free pool (one `crossbeam_queue::ArrayQueue` per size class) when dropped, so create/close
//! loops reuse memory instead of growing glibc's heap (docs/ARCHITECTURE.md, "Memory"). Invariant: the pool never
//! holds more than `POOL_MAX_BYTES`, and `trim_pool()` (called when codecs go idle) empties it.
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
const POOL_MAX_BYTES: usize = 96 << 20;
/// Most buffers one size class keeps.
const PER_CLASS: usize = 8;
/// Size classes: 4 per power of two (≤ 25% slack), from 64 bytes up to `POOL_MAX_BUFFER`.
const MIN_SHIFT: u32 = 6;
const CLASSES: usize = ((POOL_MAX_BUFFER.trailing_zeros() - MIN_SHIFT) as usize + 1) * 4;

static POOL: Lazy<Vec<ArrayQueue<Vec<u8>>>> = Lazy::new(|| (0..CLASSES).map(|_| ArrayQueue::new(PER_CLASS)).collect());
static HELD: AtomicUsize = AtomicUsize::new(0);

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
        let Some((i, cap)) = class_of(v.len()) else { return };
        if cap != v.len() || HELD.fetch_add(cap, Ordering::Relaxed) + cap > POOL_MAX_BYTES {
            if cap == v.len() {
                HELD.fetch_sub(cap, Ordering::Relaxed);
            }
            return; // freed
        }
        if let Err(v) = POOL[i].push(v) {
            HELD.fetch_sub(v.len(), Ordering::Relaxed); // class full: freed
        }
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
}
