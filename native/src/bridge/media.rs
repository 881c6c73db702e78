//! bridge layer: the JS handle of VideoFrame pixels and of AudioData samples — one mechanism for
//! both. A handle is a JsBox holding one `Arc` reference to the media (in a `Slot`); `close` drops
//! it at once, and a collected handle's media is dropped by whichever comes first: the sweep of
//! collected handles (weak references, see `Tracked`) or the box's finalizer. Invariants: while a
//! handle holds its reference, the media's native bytes are reported to V8 as external memory (so
//! forgotten handles make V8 collect by itself), and the report is taken back exactly once — the
//! slot hands it out once — on the handle's own JS thread (clones are reported again: V8 may
//! over-count shared media, never under-count it). The first handle of each kind collected
//! unclosed has the JS warning hook called, once per process.
use super::js::{boxed, js_alive, throw};
use crate::error::{Error, ErrorKind};
use crate::ffi::external_memory::{self, WeakRef};
use neon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Native media a JS handle can hold.
pub trait HandleMedia: Send + Sync + 'static {
    /// The WebCodecs interface the handle belongs to ("VideoFrame", "AudioData").
    const WHAT: &'static str;
    /// Set once the unclosed-collection warning for this interface was given (process-wide).
    fn warned() -> &'static AtomicBool;
    /// Bytes of native memory this media keeps alive.
    fn native_bytes(&self) -> usize;
}

/// What a handle holds: its reference to the media and the bytes it reported to V8. Shared
/// between the JsBox and the env's sweep list, so that either can release it (once).
struct Slot<T> {
    /// The media (None once released) and the bytes reported to V8 for it (0 once released).
    held: Mutex<(Option<Arc<T>>, i64)>,
}

/// What releasing a slot gave back: the bytes to un-report, and for media dropped unclosed the
/// interface to warn about.
struct Released {
    charged: i64,
    unclosed: Option<(&'static str, &'static AtomicBool)>,
}

impl Released {
    /// Take back the report and give the warning (on the JS thread, in any context).
    fn settle<'a>(self, cx: &mut impl Context<'a>) {
        external_memory::adjust(cx, -self.charged);
        if let Some((what, warned)) = self.unclosed {
            warn_unclosed(cx, what, warned);
        }
    }
}

impl<T: HandleMedia> Slot<T> {
    fn lock(&self) -> std::sync::MutexGuard<'_, (Option<Arc<T>>, i64)> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Drop the reference now (idempotent). `collected`: the JS handle is gone (finalizer or
    /// sweep), so a media still held was never closed.
    fn take(&self, collected: bool) -> Released {
        let (taken, charged) = {
            let mut h = self.lock();
            (h.0.take(), std::mem::replace(&mut h.1, 0))
        };
        let unclosed = (collected && taken.is_some()).then(|| (T::WHAT, T::warned()));
        drop(taken);
        Released { charged, unclosed }
    }
}

/// A slot of any media type, as the sweep list holds it.
trait AnySlot: Send + Sync {
    fn is_released(&self) -> bool;
    fn take_collected(&self) -> Released;
}

impl<T: HandleMedia> AnySlot for Slot<T> {
    fn is_released(&self) -> bool {
        self.lock().0.is_none()
    }
    fn take_collected(&self) -> Released {
        self.take(true)
    }
}

/// A JS handle holding a shared reference to native media.
pub struct SharedBox<T: HandleMedia> {
    slot: Arc<Slot<T>>,
}

impl<T: HandleMedia> Finalize for SharedBox<T> {
    fn finalize<'a, C: Context<'a>>(self, cx: &mut C) {
        self.slot.take(true).settle(cx);
    }
}

impl<T: HandleMedia> SharedBox<T> {
    /// A JS handle holding `data`. The box is made empty and filled after: if the environment
    /// refuses the new object (a terminating Worker), `data` is dropped, never leaked inside Neon.
    pub fn boxed<'a>(cx: &mut impl Context<'a>, data: Arc<T>) -> JsResult<'a, JsBox<SharedBox<T>>> {
        let slot = Arc::new(Slot { held: Mutex::new((None, 0)) });
        let h = boxed(cx, SharedBox { slot: slot.clone() })?;
        let bytes = i64::try_from(data.native_bytes()).unwrap_or(i64::MAX);
        *slot.lock() = (Some(data), bytes);
        external_memory::adjust(cx, bytes);
        track(cx, h, slot, bytes);
        Ok(h)
    }

    /// The media behind the handle, or an InvalidStateError naming `what` if it was closed.
    pub fn get<'a>(cx: &mut impl Context<'a>, h: Handle<'a, JsBox<SharedBox<T>>>, what: &str) -> NeonResult<Arc<T>> {
        let data = h.slot.lock().0.clone();
        match data {
            Some(d) => Ok(d),
            None => throw(cx, &Error::new(ErrorKind::InvalidState, format!("the {what} is closed"))),
        }
    }

    /// Drop the handle's reference now (idempotent) and take back its external-memory report.
    pub fn close<'a>(cx: &mut impl Context<'a>, h: &JsBox<SharedBox<T>>) {
        h.slot.take(false).settle(cx);
    }
}

// ---- freeing what the GC collected, without waiting for the finalizers -------------------------

/// Every live handle of this env with a weak reference to its JS object. Node-API runs finalizers
/// only when the event loop turns, so in a loop that never yields the media of collected handles
/// would wait for the loop's end; V8 clears the weak references during the GC itself. Each new
/// handle therefore checks the list when it has grown enough since the last look (twice the
/// entries, or `SWEEP_BYTES` reported), and releases what was collected (the warning included):
/// a loop of forgotten 1080p frames then holds a few dozen at a time, not all of them. Amortized
/// O(1) per handle. Entries of closed handles leave the list at the next sweep.
#[derive(Default)]
struct Tracked {
    entries: Vec<(WeakRef, Arc<dyn AnySlot>)>,
    /// Sweep when the list reaches this length …
    next_len: usize,
    /// … or when this many bytes were reported since the last sweep.
    bytes_since: i64,
}

/// Bytes reported between two sweeps at most: a few 1080p RGBA frames (8 MB each).
const SWEEP_BYTES: i64 = 32 << 20;
/// Media smaller than this are not tracked: freeing them early gains little, and a sync loop of
/// small ones (20 ms of audio: 7.7 KB) left glibc's heap holding twice as much after the GC (a
/// weak reference each, and frees interleaved with live allocations). Their finalizer frees them.
const TRACK_MIN_BYTES: i64 = 64 << 10;
/// Entries below which only the byte count starts a sweep.
const SWEEP_MIN_LEN: usize = 64;

static TRACKED: neon::thread::LocalKey<Mutex<Tracked>> = neon::thread::LocalKey::new();

fn tracked<'a>(cx: &mut impl Context<'a>) -> std::sync::MutexGuard<'a, Tracked> {
    let m = TRACKED.get_or_init(cx, Mutex::default);
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn track<'a, T: HandleMedia>(cx: &mut impl Context<'a>, h: Handle<'a, JsBox<SharedBox<T>>>, slot: Arc<Slot<T>>, bytes: i64) {
    if bytes < TRACK_MIN_BYTES {
        return;
    }
    let Some(weak) = WeakRef::new(cx, h) else { return };
    let due = {
        let mut t = tracked(cx);
        t.entries.push((weak, slot));
        t.bytes_since = t.bytes_since.saturating_add(bytes);
        t.entries.len() >= t.next_len.max(SWEEP_MIN_LEN) || t.bytes_since >= SWEEP_BYTES
    };
    if due {
        sweep(cx);
    }
}

/// Release the media of every collected handle and forget the entries of released ones.
fn sweep<'a>(cx: &mut impl Context<'a>) {
    let entries = std::mem::take(&mut tracked(cx).entries);
    let mut keep = Vec::with_capacity(entries.len());
    for (weak, slot) in entries {
        if weak.is_collected(cx) {
            slot.take_collected().settle(cx);
            weak.delete(cx);
        } else if slot.is_released() {
            weak.delete(cx);
        } else {
            keep.push((weak, slot));
        }
    }
    let mut t = tracked(cx);
    // Handles made while sweeping (none today) stay listed.
    keep.append(&mut t.entries);
    t.entries = keep;
    t.next_len = t.entries.len().saturating_mul(2);
    t.bytes_since = 0;
}

// ---- the unclosed-media warning --------------------------------------------------------------

/// The JS hook that emits the warning, and the channel a finalizer sends it through.
struct WarnHook {
    hook: Root<JsFunction>,
    channel: Channel,
}

static WARN_HOOK: neon::thread::LocalKey<WarnHook> = neon::thread::LocalKey::new();

/// `mediaWarningSet(hook)`: called once per JS environment by js/ (the hook emits the warning).
/// The channel is unreferenced: a pending warning never keeps the process alive.
pub fn media_warning_set<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsUndefined> {
    let hook = cx.argument::<JsFunction>(0)?.root(cx);
    let mut channel = Channel::new(cx);
    channel.unref(cx);
    WARN_HOOK.get_or_init(cx, || WarnHook { hook, channel });
    Ok(cx.undefined())
}

/// From a finalizer: the first time per process, have the hook called with the interface name.
/// Chrome logs the same finding once per 10-second poll
/// (blink/renderer/modules/webcodecs/webcodecs_logger.cc); once per process is enough here.
/// A finalizer may run inside V8's garbage collection (see ffi/external_memory.rs), where no JS
/// may run and no JS value may be made, so the call is sent to a later turn of the event loop
/// through the hook's channel (reading instance data and sending are allowed there). Nothing is
/// said while the environment is being torn down (the send fails: its handles are freed, not
/// "collected"); any other failure — no hook registered, the hook throwing — is dropped, and no
/// panic leaves the finalizer.
fn warn_unclosed<'a>(cx: &mut impl Context<'a>, what: &'static str, warned: &'static AtomicBool) {
    if warned.load(Ordering::Relaxed) {
        return;
    }
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let Some(h) = WARN_HOOK.get(cx) else { return };
        if warned.swap(true, Ordering::Relaxed) {
            return;
        }
        let _ = h.channel.try_send(move |mut cx| {
            if js_alive(&mut cx).is_err() {
                return Ok(());
            }
            let Some(h) = WARN_HOOK.get(&mut cx) else { return Ok(()) };
            let f = h.hook.to_inner(&mut cx);
            // Err(Throw) here means the hook threw: try_catch takes the exception.
            let _ = cx.try_catch(|cx| {
                let this = cx.undefined();
                let name = cx.string(what).upcast::<JsValue>();
                f.call(cx, this, [name]).map(|_| ())
            });
            Ok(())
        });
    }));
}
