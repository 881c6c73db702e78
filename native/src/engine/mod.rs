//! engine layer: one generic worker per codec instance. Commands run in order on the session's
//! own thread; every event carries the generation of the command that made it, so results that
//! predate a reset can be dropped; a panicking backend becomes an error, never a crash.
//! Safe Rust, no Neon: tested with a fake backend and a Vec sink.
use crate::counters::{Kind, Live};
use crate::error::{Error, Result};
use crossbeam_channel::{unbounded, Receiver, Sender};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// One codec implementation driven by the worker. Outputs are appended to `out`.
pub trait Backend: Send + 'static {
    type Config: Send + 'static;
    type Item: Send + 'static;
    type Output: Send + 'static;
    /// Set up (or re-set-up) the codec; may emit outputs of a previous configuration first.
    fn configure(&mut self, config: Self::Config, out: &mut Vec<Self::Output>) -> Result<()>;
    fn push(&mut self, item: Self::Item, out: &mut Vec<Self::Output>) -> Result<()>;
    /// Emit everything buffered; the codec then accepts input again.
    fn flush(&mut self, out: &mut Vec<Self::Output>) -> Result<()>;
    /// Drop all codec state (back to unconfigured).
    fn reset(&mut self);
    /// The worker has run every queued command and is about to wait for more. A backend may
    /// hand memory back here (rate-limited: an app that flushes every frame must not pay for it).
    fn idle(&mut self) {}
    /// The session is closing: free everything. Runs on the worker thread; the default drops
    /// the backend.
    fn teardown(self)
    where
        Self: Sized,
    {
    }
}

pub enum Command<B: Backend> {
    Configure(u64, B::Config),
    Push(u64, B::Item),
    Flush(u64, u64),
    Reset(u64),
    Close,
}

#[derive(Debug, PartialEq)]
pub enum Event<O> {
    Output(u64, O),
    FlushDone(u64, u64),
    Error(u64, Error),
    Dequeued(u64, u32),
}

/// What the worker hands back after each drained run of commands.
pub struct Batch<O> {
    pub events: Vec<Event<O>>,
    /// Commands finished (run or dropped) in this batch.
    pub completed: usize,
}

/// Receives batches on the worker thread (the bridge forwards them to JS through a Channel).
/// Returns false when nobody listens any more: the worker then stops.
pub trait Sink<O>: Send + 'static {
    fn deliver(&mut self, batch: Batch<O>) -> bool;
}

/// Most events gathered before a batch is delivered even though commands are still queued.
const MAX_BATCH: usize = 32;

pub struct Session<B: Backend> {
    tx: Sender<Command<B>>,
    current: Arc<AtomicU64>,
    closed: bool,
}

impl<B: Backend> Session<B> {
    /// Start the worker thread for `backend`.
    pub fn spawn(name: &str, backend: B, sink: impl Sink<B::Output>) -> Result<Session<B>> {
        let (tx, rx) = unbounded();
        let current = Arc::new(AtomicU64::new(0));
        let cur = current.clone();
        // Counted from creation (on the caller's thread) until the worker has freed the backend.
        let live = Live::new(Kind::Sessions);
        std::thread::Builder::new()
            .name(format!("webcodecs-{name}"))
            .spawn(move || Worker { backend, rx, current: cur, broken: None, _live: live }.run(sink))
            .map_err(|e| Error::operation(format!("could not start the codec thread: {e}")))?;
        Ok(Session { tx, current, closed: false })
    }

    pub fn configure(&self, gen: u64, config: B::Config) {
        let _ = self.tx.send(Command::Configure(gen, config));
    }
    pub fn push(&self, gen: u64, item: B::Item) {
        let _ = self.tx.send(Command::Push(gen, item));
    }
    pub fn flush(&self, gen: u64, id: u64) {
        let _ = self.tx.send(Command::Flush(gen, id));
    }
    /// Start generation `gen`: queued commands of older generations are skipped.
    pub fn reset(&self, gen: u64) {
        self.current.fetch_max(gen, Ordering::SeqCst);
        let _ = self.tx.send(Command::Reset(gen));
    }
    /// Stop the worker (it finishes the command it is on, then drops everything). Never joins.
    pub fn close(&mut self) {
        if !self.closed {
            self.closed = true;
            self.current.store(u64::MAX, Ordering::SeqCst);
            let _ = self.tx.send(Command::Close);
        }
    }
}

impl<B: Backend> Drop for Session<B> {
    fn drop(&mut self) {
        self.close();
    }
}

struct Worker<B: Backend> {
    backend: B,
    rx: Receiver<Command<B>>,
    current: Arc<AtomicU64>,
    /// After an error in generation g, the rest of g's commands are dropped (JS closes the codec).
    broken: Option<u64>,
    _live: Live,
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".into()
    }
}

impl<B: Backend> Worker<B> {
    fn run(mut self, mut sink: impl Sink<B::Output>) {
        let mut events: Vec<Event<B::Output>> = Vec::new();
        let mut completed = 0usize;
        'outer: while let Ok(mut cmd) = self.rx.recv() {
            loop {
                completed += 1;
                if matches!(cmd, Command::Close) {
                    break 'outer;
                }
                self.run_one(cmd, &mut events);
                if events.len() >= MAX_BATCH {
                    break;
                }
                match self.rx.try_recv() {
                    Ok(next) => cmd = next,
                    Err(_) => break,
                }
            }
            let batch = Batch { events: std::mem::take(&mut events), completed: std::mem::take(&mut completed) };
            if !sink.deliver(batch) {
                break;
            }
            if self.rx.is_empty() {
                let _ = catch_unwind(AssertUnwindSafe(|| self.backend.idle()));
            }
        }
        // Free the backend (codec contexts, frames) on this thread.
        let Worker { backend, _live, .. } = self;
        let _ = catch_unwind(AssertUnwindSafe(move || backend.teardown()));
        drop(_live);
    }

    fn stale(&self, gen: u64) -> bool {
        gen < self.current.load(Ordering::SeqCst) || self.broken == Some(gen)
    }

    fn guarded(&mut self, gen: u64, events: &mut Vec<Event<B::Output>>, f: impl FnOnce(&mut B, &mut Vec<B::Output>) -> Result<()>) -> bool {
        let mut outs = Vec::new();
        let r = catch_unwind(AssertUnwindSafe(|| f(&mut self.backend, &mut outs)));
        events.extend(outs.into_iter().map(|o| Event::Output(gen, o)));
        let err = match r {
            Ok(Ok(())) => return true,
            Ok(Err(e)) => e,
            Err(p) => Error::encoding(format!("internal error in the codec worker: {}", panic_message(p))),
        };
        events.push(Event::Error(gen, err));
        self.broken = Some(gen);
        // The backend may be half-way through something: start it over.
        let _ = catch_unwind(AssertUnwindSafe(|| self.backend.reset()));
        false
    }

    fn run_one(&mut self, cmd: Command<B>, events: &mut Vec<Event<B::Output>>) {
        match cmd {
            Command::Configure(gen, config) => {
                if !self.stale(gen) {
                    self.guarded(gen, events, |b, out| b.configure(config, out));
                }
            }
            Command::Push(gen, item) => {
                if self.current.load(Ordering::SeqCst) == u64::MAX {
                    return; // closing
                }
                if self.stale(gen) {
                    return;
                }
                match events.last_mut() {
                    Some(Event::Dequeued(g, n)) if *g == gen => *n += 1,
                    _ => events.push(Event::Dequeued(gen, 1)),
                }
                self.guarded(gen, events, |b, out| b.push(item, out));
            }
            Command::Flush(gen, id) => {
                if !self.stale(gen) && self.guarded(gen, events, |b, out| b.flush(out)) {
                    events.push(Event::FlushDone(gen, id));
                }
            }
            Command::Reset(gen) => {
                self.broken = None;
                let _ = gen;
                let _ = catch_unwind(AssertUnwindSafe(|| self.backend.reset()));
            }
            Command::Close => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    /// Echoes each pushed number; buffers until flush when `hold` is set; fails on -13; panics on -99.
    #[derive(Default)]
    struct Fake {
        configured: bool,
        hold: bool,
        held: Vec<i32>,
    }

    impl Backend for Fake {
        type Config = bool;
        type Item = i32;
        type Output = i32;
        fn configure(&mut self, hold: bool, _out: &mut Vec<i32>) -> Result<()> {
            self.configured = true;
            self.hold = hold;
            Ok(())
        }
        fn push(&mut self, x: i32, out: &mut Vec<i32>) -> Result<()> {
            assert!(x != -99, "boom");
            if x == -13 {
                return Err(Error::encoding("unlucky"));
            }
            if !self.configured {
                return Err(Error::encoding("not configured"));
            }
            if self.hold {
                self.held.push(x)
            } else {
                out.push(x)
            }
            Ok(())
        }
        fn flush(&mut self, out: &mut Vec<i32>) -> Result<()> {
            out.append(&mut self.held);
            Ok(())
        }
        fn reset(&mut self) {
            self.configured = false;
            self.held.clear();
        }
    }

    struct VecSink(mpsc::Sender<Batch<i32>>);
    impl Sink<i32> for VecSink {
        fn deliver(&mut self, b: Batch<i32>) -> bool {
            self.0.send(b).is_ok()
        }
    }

    fn start() -> (Session<Fake>, mpsc::Receiver<Batch<i32>>) {
        let (tx, rx) = mpsc::channel();
        (Session::spawn("test", Fake::default(), VecSink(tx)).unwrap(), rx)
    }

    /// Gather events until a FlushDone(id) (or an Error) arrives.
    fn until_flush(rx: &mpsc::Receiver<Batch<i32>>, id: u64) -> Vec<Event<i32>> {
        let mut all = vec![];
        loop {
            let b = rx.recv_timeout(Duration::from_secs(5)).expect("worker answered");
            let done = b.events.iter().any(|e| matches!(e, Event::FlushDone(_, i) if *i == id) || matches!(e, Event::Error(..)));
            all.extend(b.events);
            if done {
                return all;
            }
        }
    }

    fn outputs(ev: &[Event<i32>]) -> Vec<i32> {
        ev.iter().filter_map(|e| if let Event::Output(_, x) = e { Some(*x) } else { None }).collect()
    }

    #[test]
    fn runs_in_order_and_flush_follows_outputs() {
        let (s, rx) = start();
        s.configure(0, true);
        for i in 0..100 {
            s.push(0, i);
        }
        s.flush(0, 1);
        let ev = until_flush(&rx, 1);
        assert_eq!(outputs(&ev), (0..100).collect::<Vec<_>>());
        let dq: u32 = ev.iter().map(|e| if let Event::Dequeued(_, n) = e { *n } else { 0 }).sum();
        assert_eq!(dq, 100);
        assert!(matches!(ev.last(), Some(Event::FlushDone(0, 1))));
    }

    #[test]
    fn reset_drops_older_generations() {
        let (s, rx) = start();
        s.configure(0, true);
        s.push(0, 1);
        s.reset(1);
        s.push(0, 2); // stale: skipped
        s.configure(1, false);
        s.push(1, 3);
        s.flush(1, 7);
        let ev = until_flush(&rx, 7);
        assert!(ev.iter().all(|e| !matches!(e, Event::Output(_, 1) | Event::Output(_, 2))));
        assert!(ev.contains(&Event::Output(1, 3)));
    }

    #[test]
    fn error_stops_the_generation_and_panic_becomes_error() {
        let (s, rx) = start();
        s.configure(0, false);
        s.push(0, -13);
        s.push(0, 5);
        s.flush(0, 1);
        let ev = until_flush(&rx, 1);
        assert!(ev.iter().any(|e| matches!(e, Event::Error(0, err) if err.message == "unlucky")));
        // nothing after the error in that generation
        std::thread::sleep(Duration::from_millis(50));
        let later: Vec<_> = rx.try_iter().flat_map(|b| b.events).collect();
        assert!(!later.iter().any(|e| matches!(e, Event::Output(0, 5) | Event::FlushDone(0, 1))), "{later:?}");

        s.reset(1);
        s.configure(1, false);
        s.push(1, -99);
        s.flush(1, 2);
        let ev = until_flush(&rx, 2);
        let err = ev.iter().find_map(|e| if let Event::Error(1, err) = e { Some(err.clone()) } else { None }).expect("panic reported");
        assert_eq!(err.name(), "EncodingError");
        assert!(err.message.contains("boom"), "{}", err.message);
    }

    #[test]
    fn close_stops_the_worker_and_frees_it() {
        let (mut s, rx) = start();
        s.configure(0, false);
        s.push(0, 1);
        s.close();
        drop(s);
        // the worker ends: its sink (and so the channel) is dropped
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            match rx.recv_timeout(Duration::from_millis(50)) {
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                _ => assert!(std::time::Instant::now() < deadline, "worker did not stop"),
            }
        }
    }
}
