//! ffi layer: run safe Rust compiled for a wider instruction set when the CPU has it. The crate
//! builds for baseline x86-64 (SSE2); hot pixel loops written for LLVM's vectorizer get twice the
//! lanes with AVX2. Calling a `#[target_feature]` function is the one `unsafe` step, so it is here.

/// Run `f` inside a function compiled with AVX2 enabled when the CPU has AVX2 (so `f`, and what
/// it inlines — mark it and its callees `#[inline(always)]` — is vectorized for AVX2); otherwise
/// run it as is. The result is the same either way; only the speed differs.
#[inline]
pub fn with_avx2<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2")]
        fn avx2<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: avx2() only needs the CPU to support AVX2, which was detected just above; `f` is safe code.
            return unsafe { avx2(f) };
        }
    }
    f()
}
