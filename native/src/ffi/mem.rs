//! ffi layer: give freed heap memory back to the OS. glibc keeps freed memory of every thread's
//! arena mapped; after a codec (its worker thread and libx264's threads) goes away, or a drain,
//! `trim()` returns it, so RSS follows live memory instead of the high-water mark.
pub fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own arenas; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}
