//! ffi layer: tell V8 how much native memory JS objects keep alive, so a program that forgets to
//! close VideoFrames or AudioData gets its garbage collected before the machine runs out (V8
//! cannot see the megabytes behind a small JsBox). Neon 1.1 has no API for Node-API's
//! `napi_adjust_external_memory` (Node-API 1), so this file is the one audited exception to "no
//! raw Node-API": the function is looked up in the host process at first use — the way Neon loads
//! every other napi_* function (`dlsym` over the global scope), so the addon still imports no
//! Node-API symbol — and called with the env of the calling JS thread. Invariant: `adjust` runs
//! only on a JS thread, inside a Neon call or finalizer (a live env); never from a worker thread.
use neon::context::Context;
use std::ffi::c_void;
use std::sync::OnceLock;

/// `napi_status napi_adjust_external_memory(napi_env env, int64_t change_in_bytes, int64_t* result)`.
type AdjustFn = unsafe extern "C" fn(env: *mut c_void, change_in_bytes: i64, adjusted_value: *mut i64) -> i32;

fn adjust_fn() -> Option<AdjustFn> {
    static FN: OnceLock<Option<AdjustFn>> = OnceLock::new();
    *FN.get_or_init(|| {
        #[cfg(unix)]
        {
            // SAFETY: dlsym(RTLD_DEFAULT, NUL-terminated name) only reads symbol tables; null (not found) is handled below.
            let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"napi_adjust_external_memory".as_ptr()) };
            if p.is_null() {
                return None;
            }
            // SAFETY: the symbol is Node-API's napi_adjust_external_memory: (napi_env, int64_t, int64_t*) -> napi_status = `AdjustFn`.
            Some(unsafe { std::mem::transmute::<*mut c_void, AdjustFn>(p) })
        }
        #[cfg(not(unix))]
        {
            None
        }
    })
}

/// Report `delta` bytes more (or, negative, fewer) native memory kept alive by this JS thread's
/// objects. A host without the function (or a refusal) leaves V8 uninformed: never an error.
pub fn adjust<'a>(cx: &mut impl Context<'a>, delta: i64) {
    if delta == 0 {
        return;
    }
    let Some(f) = adjust_fn() else { return };
    let env = cx.to_raw();
    let mut total = 0i64;
    // SAFETY: `env` is the live napi_env of the Neon context borrowed here, on its JS thread; `total` outlives the call.
    unsafe {
        f(env.cast::<c_void>(), delta, &mut total);
    }
}
