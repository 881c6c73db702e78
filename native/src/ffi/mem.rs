//! ffi layer: give freed heap memory back to the OS. glibc keeps freed memory of every thread's
//! arena mapped; after a codec (its worker thread and libx264's threads) goes away, or a drain,
//! `trim()` returns it, so RSS follows live memory instead of the high-water mark. And fallible
//! zeroed allocation (`try_zeroed`): an input-sized buffer the allocator refuses is an error.
pub fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own arenas; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// A zeroed buffer of `len` bytes, or None when the allocator cannot give it (where `vec![0; len]`
/// would abort the process). Zeroed pages come from `calloc`/mmap, so nothing is written up front.
pub fn try_zeroed(len: usize) -> Option<Vec<u8>> {
    if len == 0 {
        return Some(Vec::new());
    }
    let layout = std::alloc::Layout::array::<u8>(len).ok()?;
    // SAFETY: `layout` has a non-zero size (len > 0), as alloc_zeroed requires.
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
    if ptr.is_null() {
        return None;
    }
    // SAFETY: `ptr` was allocated by the global allocator with the layout of `[u8; len]` (size `len`, align 1) — exactly what a Vec<u8> of capacity `len` frees with — and all `len` bytes are initialised (zeroed); the Vec becomes the pointer's only owner.
    Some(unsafe { Vec::from_raw_parts(ptr, len, len) })
}

#[cfg(test)]
mod tests {
    #[test]
    fn try_zeroed_gives_zeroes_or_none() {
        assert_eq!(super::try_zeroed(0), Some(Vec::new()));
        assert!(super::try_zeroed(4096).is_some_and(|v| v.len() == 4096 && v.iter().all(|&b| b == 0)));
        // Larger than any address space can hold: refused, not an abort.
        assert!(super::try_zeroed(isize::MAX as usize).is_none());
    }
}
