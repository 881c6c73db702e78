//! bridge layer: the JS handle of VideoFrame pixels and of AudioData samples — one mechanism for
//! both. A handle is a JsBox holding one `Arc` reference to the media; `close` drops it at once,
//! and the box's finalizer is only a safety net. Invariants: while a handle holds its reference,
//! the media's native bytes are reported to V8 as external memory (so forgotten handles make V8
//! collect by itself), and the report is taken back exactly once, by `close` or the finalizer,
//! on the handle's own JS thread (clones are reported again: V8 may over-count shared media,
//! never under-count it). The first handle of each kind collected unclosed calls the JS warning
//! hook, once per process.
use super::js::{boxed, js_alive, throw};
use crate::error::{Error, ErrorKind};
use crate::ffi::external_memory;
use neon::prelude::*;
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Native media a JS handle can hold.
pub trait HandleMedia: Send + Sync + 'static {
    /// The WebCodecs interface the handle belongs to ("VideoFrame", "AudioData").
    const WHAT: &'static str;
    /// Set once the unclosed-collection warning for this interface was given (process-wide).
    fn warned() -> &'static AtomicBool;
    /// Bytes of native memory this media keeps alive.
    fn native_bytes(&self) -> usize;
}

/// A JS handle holding a shared reference to native media.
pub struct SharedBox<T: HandleMedia> {
    data: RefCell<Option<Arc<T>>>,
    /// Bytes reported to V8 for this handle (0 once closed).
    charged: Cell<i64>,
}

impl<T: HandleMedia> Finalize for SharedBox<T> {
    fn finalize<'a, C: Context<'a>>(self, cx: &mut C) {
        let unclosed = self.data.borrow_mut().take();
        external_memory::adjust(cx, -self.charged.get());
        if unclosed.is_some() {
            drop(unclosed);
            warn_unclosed(cx, T::WHAT, T::warned());
        }
    }
}

impl<T: HandleMedia> SharedBox<T> {
    /// A JS handle holding `data`. The box is made empty and filled after: if the environment
    /// refuses the new object (a terminating Worker), `data` is dropped, never leaked inside Neon.
    pub fn boxed<'a>(cx: &mut impl Context<'a>, data: Arc<T>) -> JsResult<'a, JsBox<SharedBox<T>>> {
        let h = boxed(cx, SharedBox { data: RefCell::new(None), charged: Cell::new(0) })?;
        let bytes = i64::try_from(data.native_bytes()).unwrap_or(i64::MAX);
        *h.data.borrow_mut() = Some(data);
        h.charged.set(bytes);
        external_memory::adjust(cx, bytes);
        Ok(h)
    }

    /// The media behind the handle, or an InvalidStateError naming `what` if it was closed.
    pub fn get<'a>(cx: &mut impl Context<'a>, h: Handle<'a, JsBox<SharedBox<T>>>, what: &str) -> NeonResult<Arc<T>> {
        let data = h.data.borrow().clone();
        match data {
            Some(d) => Ok(d),
            None => throw(cx, &Error::new(ErrorKind::InvalidState, format!("the {what} is closed"))),
        }
    }

    /// Drop the handle's reference now (idempotent) and take back its external-memory report.
    pub fn close<'a>(cx: &mut impl Context<'a>, h: &JsBox<SharedBox<T>>) {
        let taken = h.data.borrow_mut().take();
        external_memory::adjust(cx, -h.charged.replace(0));
        drop(taken);
    }
}

// ---- the unclosed-media warning --------------------------------------------------------------

static WARN_HOOK: neon::thread::LocalKey<Root<JsFunction>> = neon::thread::LocalKey::new();

/// `mediaWarningSet(hook)`: called once per JS environment by js/ (the hook emits the warning).
pub fn media_warning_set<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsUndefined> {
    let f = cx.argument::<JsFunction>(0)?.root(cx);
    WARN_HOOK.get_or_init(cx, || f);
    Ok(cx.undefined())
}

/// From a finalizer (on the JS thread, outside any JS call): the first time per process, call the
/// hook with the interface name. Chrome logs the same finding once per 10-second poll
/// (blink/renderer/modules/webcodecs/webcodecs_logger.cc); once per process is enough here.
/// Nothing is said while the environment is being torn down (its handles are freed, not
/// "collected", and no JS may run); any other failure — no hook registered, the hook throwing —
/// is dropped, and no panic leaves the finalizer.
fn warn_unclosed<'a>(cx: &mut impl Context<'a>, what: &str, warned: &AtomicBool) {
    if warned.load(Ordering::Relaxed) {
        return;
    }
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if js_alive(cx).is_err() {
            return;
        }
        let Some(hook) = WARN_HOOK.get(cx) else { return };
        if warned.swap(true, Ordering::Relaxed) {
            return;
        }
        let f = hook.to_inner(cx);
        // Err(Throw) here means the hook threw: try_catch takes the exception.
        let _ = cx.try_catch(|cx| {
            let this = cx.undefined();
            let name = cx.string(what).upcast::<JsValue>();
            f.call(cx, this, [name]).map(|_| ())
        });
    }));
}
