//! bridge layer: generic codec-session plumbing, the same for every kind. One engine `Session` and
//! one Neon `Channel` per codec instance; the channel keeps Node alive only while commands are
//! pending (an idle codec lets it exit). Each drained batch is one Channel message; output bytes
//! are copied into V8-owned memory there and the native values are dropped at once (docs/ARCHITECTURE.md, "Memory").
//! A kind (video-encoder, image-decoder, …) is one file in `kinds/` implementing [`Kind`].
use super::js::{boxed, get_index, in_callback, js_alive, set_bool, set_num, set_str, throw};
use crate::engine::{Backend, Batch, Event, Session, Sink};
use crate::error::{Error, ErrorKind, Result};
use neon::prelude::*;
use once_cell::sync::Lazy;
use std::cell::RefCell;
use std::sync::{Arc, Mutex};

/// How one kind of backend's values cross into and out of JS.
pub trait Kind: Backend + Default {
    /// The kind name js/ passes to `sessionCreate` / `sessionSupport`.
    const NAME: &'static str;
    /// A validated plain config object → the backend's config.
    fn read_config<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>) -> NeonResult<Self::Config>;
    /// One work item (`sessionPush`) → the backend's item.
    fn read_item<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>) -> NeonResult<Self::Item>;
    /// One output → the plain object js/ wraps. Runs on the JS thread.
    fn write_output<'a, C: Context<'a>>(cx: &mut C, out: Self::Output) -> JsResult<'a, JsObject>;
    /// `isConfigSupported()`: runs on the shared support thread, never on the JS thread.
    fn check_support(config: &Self::Config) -> Result<()> {
        let _ = config;
        Err(Error::not_supported(format!("{} has no support check", Self::NAME)))
    }
}

/// Keep-alive bookkeeping shared by the JS thread and the worker's sink.
struct Liveness {
    pending: usize,
    closed: bool,
    channel: Channel,
}

impl Liveness {
    fn sent<'a>(&mut self, cx: &mut impl Context<'a>) {
        self.pending += 1;
        if self.pending == 1 {
            self.channel.reference(cx);
        }
    }
    fn finished<'a>(&mut self, cx: &mut impl Context<'a>, n: usize) {
        self.pending = self.pending.saturating_sub(n);
        if self.pending == 0 {
            self.channel.unref(cx);
        }
    }
}

fn lock(live: &Mutex<Liveness>) -> std::sync::MutexGuard<'_, Liveness> {
    live.lock().unwrap_or_else(|p| p.into_inner())
}

struct ChannelSink<K> {
    channel: Channel,
    callback: Arc<Root<JsFunction>>,
    live: Arc<Mutex<Liveness>>,
    _kind: std::marker::PhantomData<fn() -> K>,
}

impl<K: Kind> Sink<K::Output> for ChannelSink<K> {
    fn deliver(&mut self, batch: Batch<K::Output>) -> bool {
        let callback = self.callback.clone();
        let live = self.live.clone();
        let sent = self.channel.try_send(move |mut cx| {
            in_callback(&mut cx, |cx| {
                let closed = {
                    let mut l = lock(&live);
                    l.finished(cx, batch.completed);
                    l.closed
                };
                // An empty batch is still delivered: it tells JS the commands were run (it may be idle now).
                if closed {
                    return Ok(());
                }
                let arr = cx.empty_array();
                for (i, ev) in batch.events.into_iter().enumerate() {
                    // Each event in its own handle scope: temporaries die with it; the array keeps the result.
                    cx.execute_scoped(|mut scx| -> NeonResult<()> {
                        let o = event_object::<K, _>(&mut scx, ev)?;
                        arr.set(&mut scx, i as u32, o)?;
                        Ok(())
                    })?;
                }
                let f = callback.to_inner(cx);
                let this = cx.undefined();
                f.call(cx, this, [arr.upcast::<JsValue>()])?;
                Ok(())
            })
        });
        sent.is_ok()
    }
}

fn event_object<'a, K: Kind, C: Context<'a>>(cx: &mut C, ev: Event<K::Output>) -> JsResult<'a, JsObject> {
    let o = cx.empty_object();
    let (kind, gen) = match ev {
        Event::Output(g, out) => {
            let payload = K::write_output(cx, out)?;
            o.set(cx, "output", payload)?;
            ("output", g)
        }
        Event::FlushDone(g, id) => {
            set_num(cx, o, "id", id as f64)?;
            ("flush", g)
        }
        Event::Error(g, e) => {
            set_str(cx, o, "name", e.name())?;
            set_str(cx, o, "message", &e.message)?;
            ("error", g)
        }
        Event::Dequeued(g, n) => {
            set_num(cx, o, "count", n)?;
            ("dequeue", g)
        }
    };
    set_str(cx, o, "type", kind)?;
    set_num(cx, o, "gen", gen as f64)?;
    Ok(o)
}

/// The operations of a session whose backend type has been erased.
trait AnySession {
    fn configure<'a>(&self, cx: &mut FunctionContext<'a>, gen: u64, o: Handle<'a, JsObject>) -> NeonResult<()>;
    fn push<'a>(&self, cx: &mut FunctionContext<'a>, gen: u64, o: Handle<'a, JsObject>) -> NeonResult<()>;
    fn flush(&self, gen: u64, id: u64);
    fn reset(&self, gen: u64);
}

struct Typed<K: Kind>(Session<K>);

impl<K: Kind> AnySession for Typed<K> {
    fn configure<'a>(&self, cx: &mut FunctionContext<'a>, gen: u64, o: Handle<'a, JsObject>) -> NeonResult<()> {
        let c = K::read_config(cx, o)?;
        self.0.configure(gen, c);
        Ok(())
    }
    fn push<'a>(&self, cx: &mut FunctionContext<'a>, gen: u64, o: Handle<'a, JsObject>) -> NeonResult<()> {
        let item = K::read_item(cx, o)?;
        self.0.push(gen, item);
        Ok(())
    }
    fn flush(&self, gen: u64, id: u64) {
        self.0.flush(gen, id)
    }
    fn reset(&self, gen: u64) {
        self.0.reset(gen)
    }
}

/// The JS handle of a session. Its finalizer (a codec the user forgot) stops the worker.
pub struct SessionBox(RefCell<Option<(Box<dyn AnySession>, Arc<Mutex<Liveness>>)>>);

impl Finalize for SessionBox {
    fn finalize<'a, C: Context<'a>>(self, cx: &mut C) {
        close_inner(&self, cx);
    }
}

fn close_inner<'a>(b: &SessionBox, cx: &mut impl Context<'a>) {
    let taken = b.0.borrow_mut().take();
    if let Some((session, live)) = taken {
        {
            let mut l = lock(&live);
            l.closed = true;
            l.pending = 0;
            l.channel.unref(cx);
        }
        drop(session); // Session::drop sends Close; the worker frees the codec on its thread.
    }
}

/// `sessionCreate(kind, onEvents)` for kind `K`. The JS handle is made first, so that an
/// environment that refuses new objects (a terminating Worker) never strands a running worker.
pub fn create<'a, K: Kind>(cx: &mut FunctionContext<'a>, callback: Handle<'a, JsFunction>) -> JsResult<'a, JsBox<SessionBox>> {
    let h = boxed(cx, SessionBox(RefCell::new(None)))?;
    let callback = callback.root(cx);
    let mut channel = Channel::new(cx);
    channel.unref(cx);
    let worker_channel = channel.clone();
    let live = Arc::new(Mutex::new(Liveness { pending: 0, closed: false, channel }));
    let sink = ChannelSink::<K> { channel: worker_channel, callback: Arc::new(callback), live: live.clone(), _kind: std::marker::PhantomData };
    match Session::spawn(K::NAME, K::default(), sink) {
        Ok(s) => {
            *h.0.borrow_mut() = Some((Box::new(Typed(s)), live));
            Ok(h)
        }
        Err(e) => throw(cx, &e),
    }
}

/// Run `f` on an open session and count the command as pending.
fn with_session<'a>(cx: &mut FunctionContext<'a>, f: impl FnOnce(&mut FunctionContext<'a>, &dyn AnySession) -> NeonResult<()>) -> JsResult<'a, JsUndefined> {
    let h = cx.argument::<JsBox<SessionBox>>(0)?;
    let inner = h.0.borrow();
    let Some((session, live)) = inner.as_ref() else {
        return throw(cx, &Error::new(ErrorKind::InvalidState, "the codec session is closed"));
    };
    f(cx, session.as_ref())?;
    lock(live).sent(cx);
    Ok(cx.undefined())
}

fn gen_arg(cx: &mut FunctionContext, i: usize) -> NeonResult<u64> {
    let g = cx.argument::<JsNumber>(i)?.value(cx);
    Ok(super::js::to_index(cx, g, "gen")? as u64)
}

pub fn session_configure<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsUndefined> {
    let gen = gen_arg(cx, 1)?;
    let o = cx.argument::<JsObject>(2)?;
    with_session(cx, |cx, s| s.configure(cx, gen, o))
}

pub fn session_push<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsUndefined> {
    let gen = gen_arg(cx, 1)?;
    let o = cx.argument::<JsObject>(2)?;
    with_session(cx, |cx, s| s.push(cx, gen, o))
}

pub fn session_flush<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsUndefined> {
    let gen = gen_arg(cx, 1)?;
    let id = gen_arg(cx, 2)?;
    with_session(cx, |_, s| {
        s.flush(gen, id);
        Ok(())
    })
}

pub fn session_reset<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsUndefined> {
    let gen = gen_arg(cx, 1)?;
    with_session(cx, |_, s| {
        s.reset(gen);
        Ok(())
    })
}

pub fn session_close<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsUndefined> {
    let h = cx.argument::<JsBox<SessionBox>>(0)?;
    close_inner(&h, cx);
    Ok(cx.undefined())
}

// ---- isConfigSupported: one shared helper thread for every kind ---------------------------

type Job = Box<dyn FnOnce() + Send>;

/// The support thread, started on first use; jobs run one after another (each opens and closes
/// a codec once), so a burst of `isConfigSupported()` calls never starts a thread per call.
static SUPPORT: Lazy<Option<crossbeam_channel::Sender<Job>>> = Lazy::new(|| {
    let (tx, rx) = crossbeam_channel::unbounded::<Job>();
    std::thread::Builder::new()
        .name("webcodecs-support".into())
        .spawn(move || {
            for job in rx {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
        })
        .ok()
        .map(|_| tx)
});

/// `sessionSupport(kind, config)` for kind `K` → Promise<{supported, message?}>.
pub fn support<'a, K: Kind>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>) -> JsResult<'a, JsPromise> {
    let cfg = K::read_config(cx, o)?;
    js_alive(cx)?;
    let Some(tx) = SUPPORT.as_ref() else {
        return throw(cx, &Error::operation("could not start the isConfigSupported thread"));
    };
    let (deferred, promise) = cx.promise();
    let channel = cx.channel();
    let job: Job = Box::new(move || {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| K::check_support(&cfg)))
            .unwrap_or_else(|_| Err(Error::not_supported(format!("{}: the support check failed internally", K::NAME))));
        // If the environment is gone (a terminated Worker) the closure, and with it the Deferred,
        // is dropped unsettled: nobody is waiting any more.
        let _ = channel.try_send(move |mut cx| {
            in_callback(&mut cx, |cx| {
                let o = cx.empty_object();
                set_bool(cx, o, "supported", r.is_ok())?;
                if let Err(e) = r {
                    set_str(cx, o, "message", &e.message)?;
                }
                js_alive(cx)?;
                deferred.resolve(cx, o);
                Ok(())
            })
        });
    });
    // The receiver lives as long as the process: a send cannot fail.
    let _ = tx.send(job);
    Ok(promise)
}

/// Read a `{x, y, width, height}` rectangle of non-negative integers.
pub fn read_rect<'a>(cx: &mut FunctionContext<'a>, r: Handle<'a, JsObject>) -> NeonResult<(u32, u32, u32, u32)> {
    Ok((get_index(cx, r, "x")? as u32, get_index(cx, r, "y")? as u32, get_index(cx, r, "width")? as u32, get_index(cx, r, "height")? as u32))
}
