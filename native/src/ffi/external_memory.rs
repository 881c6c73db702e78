//! ffi layer: tell V8 how much native memory JS objects keep alive, so a program that forgets to
//! close VideoFrames or AudioData gets its garbage collected before the machine runs out (V8
//! cannot see the megabytes behind a small JsBox). Neon 1.1 has no API for Node-API's
//! `napi_adjust_external_memory` (Node-API 1), so this file is the one audited exception to "no
//! raw Node-API": the function is looked up in the host process at first use — the way Neon loads
//! every other napi_* function (`dlsym` over the global scope), so the addon still imports no
//! Node-API symbol — and called with the env of the calling JS thread. Invariant: `adjust` runs
//! only on a JS thread, inside a Neon call or finalizer (a live env); never from a worker thread.
//!
//! Reporting the bytes makes V8 collect forgotten handles, but Node-API runs an addon's
//! finalizers only when the event loop turns (a `setImmediate` after the GC), so a loop that never
//! yields would keep every collected frame's pixels until it ends (3 GB for 400 1080p frames).
//! What V8 does at once is clear *weak references*. So this file also gives `WeakRef`: a
//! Node-API reference of count 0 (`napi_create_reference`, Node-API 1), whose value reads as
//! empty (`napi_get_reference_value`) as soon as the object was collected — before its finalizer
//! has run. bridge/media.rs holds one per media handle and frees the media of collected handles
//! the next time a handle is made. (Node-API can also run finalizers inside the GC, for a module
//! that declares the experimental Node-API version; but then a terminating Worker's calls return
//! `napi_cannot_run_js`, a status Neon 1.1's enum lacks — undefined behaviour, seen as aborts.)
use neon::context::Context;
use neon::handle::Handle;
use neon::types::Value;
use std::ffi::c_void;
use std::sync::OnceLock;

/// `napi_status napi_adjust_external_memory(napi_env env, int64_t change_in_bytes, int64_t* result)`.
type AdjustFn = unsafe extern "C" fn(env: *mut c_void, change_in_bytes: i64, adjusted_value: *mut i64) -> i32;

/// `napi_status napi_create_reference(napi_env env, napi_value value, uint32_t initial_refcount, napi_ref* result)`.
type CreateRefFn = unsafe extern "C" fn(env: *mut c_void, value: *mut c_void, initial: u32, result: *mut *mut c_void) -> i32;
/// `napi_status napi_get_reference_value(napi_env env, napi_ref ref, napi_value* result)`.
type GetRefFn = unsafe extern "C" fn(env: *mut c_void, r: *mut c_void, result: *mut *mut c_void) -> i32;
/// `napi_status napi_delete_reference(napi_env env, napi_ref ref)`.
type DeleteRefFn = unsafe extern "C" fn(env: *mut c_void, r: *mut c_void) -> i32;

/// Look up a Node-API function of the host process by name (null if it has none).
fn host_symbol(name: &std::ffi::CStr) -> *mut c_void {
    #[cfg(unix)]
    {
        // SAFETY: dlsym(RTLD_DEFAULT, NUL-terminated name) only reads symbol tables; null (not found) is the caller's to handle.
        unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) }
    }
    #[cfg(not(unix))]
    {
        let _ = name;
        std::ptr::null_mut()
    }
}

fn adjust_fn() -> Option<AdjustFn> {
    static FN: OnceLock<Option<AdjustFn>> = OnceLock::new();
    *FN.get_or_init(|| {
        let p = host_symbol(c"napi_adjust_external_memory");
        if p.is_null() {
            return None;
        }
        // SAFETY: the symbol is Node-API's napi_adjust_external_memory: (napi_env, int64_t, int64_t*) -> napi_status = `AdjustFn`.
        Some(unsafe { std::mem::transmute::<*mut c_void, AdjustFn>(p) })
    })
}

struct RefFns {
    create: CreateRefFn,
    get: GetRefFn,
    delete: DeleteRefFn,
}

fn ref_fns() -> Option<&'static RefFns> {
    static FNS: OnceLock<Option<RefFns>> = OnceLock::new();
    FNS.get_or_init(|| {
        let (c, g, d) = (host_symbol(c"napi_create_reference"), host_symbol(c"napi_get_reference_value"), host_symbol(c"napi_delete_reference"));
        if c.is_null() || g.is_null() || d.is_null() {
            return None;
        }
        // SAFETY: the three symbols are Node-API's functions of those names, whose C signatures the `*RefFn` types mirror (Node-API 1).
        unsafe {
            Some(RefFns {
                create: std::mem::transmute::<*mut c_void, CreateRefFn>(c),
                get: std::mem::transmute::<*mut c_void, GetRefFn>(g),
                delete: std::mem::transmute::<*mut c_void, DeleteRefFn>(d),
            })
        }
    })
    .as_ref()
}

/// A weak Node-API reference to a JS object of one env: it does not keep the object alive, and
/// tells whether V8 has collected it. Invariant: used and deleted only on its env's JS thread,
/// inside a Neon call (`is_collected`, `delete` take the env from the context). Dropping it
/// without `delete` leaves the reference to Node-API, which frees it with the env.
pub struct WeakRef {
    env: usize,
    r: std::ptr::NonNull<c_void>,
}

// SAFETY: a WeakRef is only stored in its env's instance data (bridge/media.rs) and used on that env's thread (see the invariant above); Send is what Neon's per-env storage asks of its values.
unsafe impl Send for WeakRef {}

impl WeakRef {
    /// A weak reference to `value`; None if the host refuses (no Node-API function, a terminating env).
    pub fn new<'a, V: Value>(cx: &mut impl Context<'a>, value: Handle<'a, V>) -> Option<WeakRef> {
        let f = ref_fns()?;
        let env = cx.to_raw();
        let mut r: *mut c_void = std::ptr::null_mut();
        // SAFETY: `env` is the live env of this context, `value` a handle of it valid in the current scope; `r` outlives the call.
        let status = unsafe { (f.create)(env.cast::<c_void>(), value.to_raw().cast::<c_void>(), 0, &mut r) };
        let r = std::ptr::NonNull::new(r).filter(|_| status == 0)?;
        Some(WeakRef { env: env as usize, r })
    }

    /// Whether the referenced object has been collected (a reference of another env reads as
    /// collected; a refusal — a terminating env — as alive: its media stays until the finalizer).
    pub fn is_collected<'a>(&self, cx: &mut impl Context<'a>) -> bool {
        let Some(f) = ref_fns() else { return true };
        let env = cx.to_raw();
        if env as usize != self.env {
            return true;
        }
        let mut v: *mut c_void = std::ptr::null_mut();
        // SAFETY: the reference was made in this env (checked above), on this thread, and not deleted (`delete` consumes it); `v` outlives the call.
        let status = unsafe { (f.get)(env.cast::<c_void>(), self.r.as_ptr(), &mut v) };
        status == 0 && v.is_null()
    }

    /// Delete the reference (in its own env only; another env's is left to Node-API).
    pub fn delete<'a>(self, cx: &mut impl Context<'a>) {
        let Some(f) = ref_fns() else { return };
        let env = cx.to_raw();
        if env as usize != self.env {
            return;
        }
        // SAFETY: the reference belongs to this live env and is deleted exactly once (self is consumed).
        unsafe {
            (f.delete)(env.cast::<c_void>(), self.r.as_ptr());
        }
    }
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
