//! bridge layer: codec sessions. One engine `Session` and one Neon `Channel` per codec instance;
//! the channel keeps Node alive only while commands are pending (an idle codec lets it exit).
//! Each drained batch is one Channel message; output bytes are copied into a V8-owned
//! ArrayBuffer there and the native packet is dropped right away (DESIGN.md §2).
use super::frame::{frame_arg_of, FrameBox};
use super::js::{get_index, get_num, get_opt_bool, get_opt_num, get_opt_str, set_bool, set_num, set_str, throw};
use crate::codecs::image_decoder::{self, ImageConfig, ImageDecoderBackend, ImageItem, ImageOutput};
use crate::codecs::video_encoder::{self, BitrateMode, EncodeItem, EncodedChunk, EncoderConfig, FrameColor, VideoEncoderBackend};
use crate::engine::{Backend, Batch, Event, Session, Sink};
use crate::error::Error;
use neon::prelude::*;
use neon::types::buffer::TypedArray;
use std::cell::RefCell;
use std::sync::{Arc, Mutex};

/// How a backend's values cross into and out of JS.
trait Kind: Backend + Default {
    const NAME: &'static str;
    fn read_config<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>) -> NeonResult<Self::Config>;
    fn read_item<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>) -> NeonResult<Self::Item>;
    fn write_output<'a, C: Context<'a>>(cx: &mut C, out: Self::Output) -> JsResult<'a, JsObject>;
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

struct ChannelSink<B> {
    channel: Channel,
    callback: Arc<Root<JsFunction>>,
    live: Arc<Mutex<Liveness>>,
    _backend: std::marker::PhantomData<fn() -> B>,
}

impl<B: Kind> Sink<B::Output> for ChannelSink<B> {
    fn deliver(&mut self, batch: Batch<B::Output>) -> bool {
        let callback = self.callback.clone();
        let live = self.live.clone();
        let sent = self.channel.try_send(move |mut cx| {
            let closed = {
                let mut l = live.lock().unwrap_or_else(|p| p.into_inner());
                l.finished(&mut cx, batch.completed);
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
                    let o = event_object::<B, _>(&mut scx, ev)?;
                    arr.set(&mut scx, i as u32, o)?;
                    Ok(())
                })?;
            }
            let f = callback.to_inner(&mut cx);
            let this = cx.undefined();
            f.call(&mut cx, this, [arr.upcast::<JsValue>()])?;
            Ok(())
        });
        sent.is_ok()
    }
}

fn event_object<'a, B: Kind, C: Context<'a>>(cx: &mut C, ev: Event<B::Output>) -> JsResult<'a, JsObject> {
    let (kind, gen, o) = match ev {
        Event::Output(g, out) => {
            let o = cx.empty_object();
            let payload = B::write_output(cx, out)?;
            o.set(cx, "output", payload)?;
            ("output", g, o)
        }
        Event::FlushDone(g, id) => {
            let o = cx.empty_object();
            set_num(cx, o, "id", id as f64)?;
            ("flush", g, o)
        }
        Event::Error(g, e) => {
            let o = cx.empty_object();
            set_str(cx, o, "name", e.name())?;
            set_str(cx, o, "message", &e.message)?;
            ("error", g, o)
        }
        Event::Dequeued(g, n) => {
            let o = cx.empty_object();
            set_num(cx, o, "count", n)?;
            ("dequeue", g, o)
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

struct Typed<B: Kind>(Session<B>);

impl<B: Kind> AnySession for Typed<B> {
    fn configure<'a>(&self, cx: &mut FunctionContext<'a>, gen: u64, o: Handle<'a, JsObject>) -> NeonResult<()> {
        let c = B::read_config(cx, o)?;
        self.0.configure(gen, c);
        Ok(())
    }
    fn push<'a>(&self, cx: &mut FunctionContext<'a>, gen: u64, o: Handle<'a, JsObject>) -> NeonResult<()> {
        let item = B::read_item(cx, o)?;
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

pub struct SessionBox(RefCell<Option<(Box<dyn AnySession>, Arc<Mutex<Liveness>>)>>);

impl Finalize for SessionBox {
    fn finalize<'a, C: Context<'a>>(self, cx: &mut C) {
        close_inner(&self, cx);
    }
}

fn close_inner<'a>(b: &SessionBox, cx: &mut impl Context<'a>) {
    if let Some((session, live)) = b.0.borrow_mut().take() {
        {
            let mut l = live.lock().unwrap_or_else(|p| p.into_inner());
            l.closed = true;
            l.pending = 0;
            l.channel.unref(cx);
        }
        drop(session); // Session::drop sends Close; the worker frees the codec on its thread.
    }
}

fn spawn<'a, B: Kind>(cx: &mut FunctionContext<'a>, callback: Root<JsFunction>) -> NeonResult<SessionBox> {
    let mut channel = Channel::new(cx);
    channel.unref(cx);
    let worker_channel = channel.clone();
    let live = Arc::new(Mutex::new(Liveness { pending: 0, closed: false, channel }));
    let sink = ChannelSink::<B> { channel: worker_channel, callback: Arc::new(callback), live: live.clone(), _backend: std::marker::PhantomData };
    match Session::spawn(B::NAME, B::default(), sink) {
        Ok(s) => Ok(SessionBox(RefCell::new(Some((Box::new(Typed(s)), live))))),
        Err(e) => throw(cx, &e),
    }
}

fn session_create(mut cx: FunctionContext) -> JsResult<JsBox<SessionBox>> {
    let kind = cx.argument::<JsString>(0)?.value(&mut cx);
    let callback = cx.argument::<JsFunction>(1)?.root(&mut cx);
    let b = match kind.as_str() {
        "video-encoder" => spawn::<VideoEncoderBackend>(&mut cx, callback)?,
        "image-decoder" => spawn::<ImageDecoderBackend>(&mut cx, callback)?,
        other => {
            let e = Error::not_supported(format!("no native codec session of kind {other:?}"));
            return throw(&mut cx, &e);
        }
    };
    Ok(cx.boxed(b))
}

/// Run `f` on an open session and count the command as pending.
fn with_session<'a>(cx: &mut FunctionContext<'a>, f: impl FnOnce(&mut FunctionContext<'a>, &dyn AnySession) -> NeonResult<()>) -> JsResult<'a, JsUndefined> {
    let h = cx.argument::<JsBox<SessionBox>>(0)?;
    let inner = h.0.borrow();
    let Some((session, live)) = inner.as_ref() else {
        let e = Error::new(crate::error::ErrorKind::InvalidState, "the codec session is closed");
        return throw(cx, &e);
    };
    f(cx, session.as_ref())?;
    live.lock().unwrap_or_else(|p| p.into_inner()).sent(cx);
    Ok(cx.undefined())
}

fn gen_arg(cx: &mut FunctionContext, i: usize) -> NeonResult<u64> {
    let g = cx.argument::<JsNumber>(i)?.value(cx);
    Ok(super::js::to_index(cx, g, "gen")? as u64)
}

fn session_configure(mut cx: FunctionContext) -> JsResult<JsUndefined> {
    let gen = gen_arg(&mut cx, 1)?;
    let o = cx.argument::<JsObject>(2)?;
    with_session(&mut cx, |cx, s| s.configure(cx, gen, o))
}

fn session_push(mut cx: FunctionContext) -> JsResult<JsUndefined> {
    let gen = gen_arg(&mut cx, 1)?;
    let o = cx.argument::<JsObject>(2)?;
    with_session(&mut cx, |cx, s| s.push(cx, gen, o))
}

fn session_flush(mut cx: FunctionContext) -> JsResult<JsUndefined> {
    let gen = gen_arg(&mut cx, 1)?;
    let id = gen_arg(&mut cx, 2)?;
    with_session(&mut cx, |_, s| {
        s.flush(gen, id);
        Ok(())
    })
}

fn session_reset(mut cx: FunctionContext) -> JsResult<JsUndefined> {
    let gen = gen_arg(&mut cx, 1)?;
    with_session(&mut cx, |_, s| {
        s.reset(gen);
        Ok(())
    })
}

fn session_close(mut cx: FunctionContext) -> JsResult<JsUndefined> {
    let h = cx.argument::<JsBox<SessionBox>>(0)?;
    close_inner(&h, &mut cx);
    Ok(cx.undefined())
}

// ---- VideoEncoder ------------------------------------------------------------------------

fn read_encoder_config<'a>(cx: &mut impl Context<'a>, o: Handle<'a, JsObject>) -> NeonResult<EncoderConfig> {
    let codec = get_opt_str(cx, o, "codec")?.unwrap_or_default();
    let width = get_index(cx, o, "width")? as u32;
    let height = get_index(cx, o, "height")? as u32;
    let display_width = get_opt_num(cx, o, "displayWidth")?.map_or(width, |v| v as u32);
    let display_height = get_opt_num(cx, o, "displayHeight")?.map_or(height, |v| v as u32);
    Ok(EncoderConfig {
        codec,
        width,
        height,
        display_width,
        display_height,
        bitrate: get_opt_num(cx, o, "bitrate")?.map(|v| v as u64),
        framerate: get_opt_num(cx, o, "framerate")?,
        bitrate_mode: match get_opt_str(cx, o, "bitrateMode")?.as_deref() {
            Some("constant") => BitrateMode::Constant,
            Some("quantizer") => BitrateMode::Quantizer,
            _ => BitrateMode::Variable,
        },
        realtime: get_opt_str(cx, o, "latencyMode")?.as_deref() == Some("realtime"),
        annexb: get_opt_str(cx, o, "avcFormat")?.as_deref() == Some("annexb"),
        alpha_keep: get_opt_str(cx, o, "alpha")?.as_deref() == Some("keep"),
        scalability_mode: get_opt_str(cx, o, "scalabilityMode")?,
        prefer_hardware: get_opt_str(cx, o, "hardwareAcceleration")?.as_deref() == Some("prefer-hardware"),
    })
}

impl Kind for VideoEncoderBackend {
    const NAME: &'static str = "video-encoder";
    fn read_config<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>) -> NeonResult<EncoderConfig> {
        read_encoder_config(cx, o)
    }
    fn read_item<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>) -> NeonResult<EncodeItem> {
        let fh: Handle<JsBox<FrameBox>> = o.get(cx, "frame")?;
        let frame = frame_arg_of(cx, fh)?;
        let r: Handle<JsObject> = o.get(cx, "visible")?;
        let visible = (get_index(cx, r, "x")? as u32, get_index(cx, r, "y")? as u32, get_index(cx, r, "width")? as u32, get_index(cx, r, "height")? as u32);
        let timestamp = get_num(cx, o, "timestamp")? as i64;
        let duration = get_opt_num(cx, o, "duration")?.map(|d| d as i64);
        let key_frame = get_opt_bool(cx, o, "keyFrame")?.unwrap_or(false);
        let quantizer = get_opt_num(cx, o, "quantizer")?.map(|q| q.clamp(0.0, 51.0) as u8);
        let color = match o.get_opt::<JsObject, _, _>(cx, "color")? {
            Some(c) => FrameColor { matrix: get_opt_str(cx, c, "matrix")?, full_range: get_opt_bool(cx, c, "fullRange")? },
            None => FrameColor::default(),
        };
        Ok(EncodeItem { frame, visible, timestamp, duration, key_frame, quantizer, color })
    }
    fn write_output<'a, C: Context<'a>>(cx: &mut C, c: EncodedChunk) -> JsResult<'a, JsObject> {
        let o = cx.empty_object();
        let data = JsArrayBuffer::from_slice(cx, c.data.as_slice())?;
        drop(c.data); // the native packet is freed here, not at GC
        o.set(cx, "data", data)?;
        set_str(cx, o, "type", if c.key { "key" } else { "delta" })?;
        set_num(cx, o, "timestamp", c.timestamp as f64)?;
        if let Some(d) = c.duration {
            set_num(cx, o, "duration", d as f64)?;
        }
        if let Some(dc) = c.decoder_config {
            let m = cx.empty_object();
            set_str(cx, m, "codec", &dc.codec)?;
            set_num(cx, m, "codedWidth", dc.coded_width)?;
            set_num(cx, m, "codedHeight", dc.coded_height)?;
            set_num(cx, m, "displayAspectWidth", dc.display_aspect_width)?;
            set_num(cx, m, "displayAspectHeight", dc.display_aspect_height)?;
            if let Some(desc) = dc.description {
                let b = JsArrayBuffer::from_slice(cx, &desc)?;
                m.set(cx, "description", b)?;
            }
            o.set(cx, "decoderConfig", m)?;
        }
        Ok(o)
    }
}

/// `videoEncoderSupport(config)` → Promise<{supported, message}>: opens the encoder once on a
/// helper thread (never on the JS thread) and closes it.
fn video_encoder_support(mut cx: FunctionContext) -> JsResult<JsPromise> {
    let o = cx.argument::<JsObject>(0)?;
    let cfg = read_encoder_config(&mut cx, o)?;
    let (deferred, promise) = cx.promise();
    let channel = cx.channel();
    std::thread::spawn(move || {
        let r = video_encoder::check_support(&cfg);
        deferred.settle_with(&channel, move |mut cx| {
            let o = cx.empty_object();
            set_bool(&mut cx, o, "supported", r.is_ok())?;
            if let Err(e) = r {
                set_str(&mut cx, o, "message", &e.message)?;
            }
            Ok(o)
        });
    });
    Ok(promise)
}

// ---- ImageDecoder ------------------------------------------------------------------------

impl Kind for ImageDecoderBackend {
    const NAME: &'static str = "image-decoder";
    fn read_config<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>) -> NeonResult<ImageConfig> {
        let mime = get_opt_str(cx, o, "type")?.unwrap_or_default();
        let w = get_opt_num(cx, o, "desiredWidth")?;
        let h = get_opt_num(cx, o, "desiredHeight")?;
        let desired = match (w, h) {
            (Some(w), Some(h)) if w >= 1.0 && h >= 1.0 => Some((w as u32, h as u32)),
            _ => None,
        };
        Ok(ImageConfig { mime, desired })
    }
    fn read_item<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>) -> NeonResult<ImageItem> {
        if let Some(d) = o.get_opt::<JsTypedArray<u8>, _, _>(cx, "data")? {
            return Ok(ImageItem::Data(d.as_slice(cx).to_vec()));
        }
        if get_opt_bool(cx, o, "end")? == Some(true) {
            return Ok(ImageItem::End);
        }
        if let Some(d) = o.get_opt::<JsObject, _, _>(cx, "decode")? {
            let id = get_index(cx, d, "id")? as u64;
            let index = get_index(cx, d, "frameIndex")? as u32;
            let complete_only = get_opt_bool(cx, d, "completeFramesOnly")?.unwrap_or(true);
            return Ok(ImageItem::Decode { id, index, complete_only });
        }
        if let Some(t) = get_opt_num(cx, o, "track")? {
            return Ok(ImageItem::Track(t as u32));
        }
        if get_opt_bool(cx, o, "abort")? == Some(true) {
            return Ok(ImageItem::Abort);
        }
        cx.throw_type_error("image-decoder session: expected {data}, {end}, {decode}, {track} or {abort}")
    }
    fn write_output<'a, C: Context<'a>>(cx: &mut C, out: ImageOutput) -> JsResult<'a, JsObject> {
        let o = cx.empty_object();
        match out {
            ImageOutput::Tracks { tracks, selected, complete } => {
                set_str(cx, o, "kind", "tracks")?;
                let arr = cx.empty_array();
                for (i, t) in tracks.iter().enumerate() {
                    let to = cx.empty_object();
                    set_bool(cx, to, "animated", t.animated)?;
                    set_num(cx, to, "frameCount", t.frame_count)?;
                    set_num(cx, to, "repetitionCount", t.repetitions.map_or(f64::INFINITY, |r| r as f64))?;
                    arr.set(cx, i as u32, to)?;
                }
                o.set(cx, "tracks", arr)?;
                set_num(cx, o, "selectedIndex", selected)?;
                set_bool(cx, o, "complete", complete)?;
            }
            ImageOutput::Frame { id, data, timestamp, duration, rotation, flip, color } => {
                set_str(cx, o, "kind", "frame")?;
                set_num(cx, o, "id", id as f64)?;
                let h = cx.boxed(FrameBox::new(std::sync::Arc::new(data)));
                o.set(cx, "frame", h)?;
                set_num(cx, o, "timestamp", timestamp as f64)?;
                let v: Handle<JsValue> = match duration {
                    Some(d) => cx.number(d as f64).upcast(),
                    None => cx.null().upcast(),
                };
                o.set(cx, "duration", v)?;
                set_num(cx, o, "rotation", rotation)?;
                set_bool(cx, o, "flip", flip)?;
                let c = cx.empty_object();
                set_str(cx, c, "primaries", color.primaries)?;
                set_str(cx, c, "transfer", color.transfer)?;
                set_str(cx, c, "matrix", color.matrix)?;
                set_bool(cx, c, "fullRange", color.full_range)?;
                o.set(cx, "colorSpace", c)?;
            }
            ImageOutput::DecodeError { id, error } => {
                set_str(cx, o, "kind", "decodeError")?;
                set_num(cx, o, "id", id as f64)?;
                set_str(cx, o, "name", error.name())?;
                set_str(cx, o, "message", &error.message)?;
            }
        }
        Ok(o)
    }
}

fn image_type_supported(mut cx: FunctionContext) -> JsResult<JsBoolean> {
    let t = cx.argument::<JsString>(0)?.value(&mut cx);
    Ok(cx.boolean(image_decoder::type_supported(&t)))
}

pub fn export(cx: &mut ModuleContext) -> NeonResult<()> {
    cx.export_function("imageTypeSupported", image_type_supported)?;
    cx.export_function("sessionCreate", session_create)?;
    cx.export_function("sessionConfigure", session_configure)?;
    cx.export_function("sessionPush", session_push)?;
    cx.export_function("sessionFlush", session_flush)?;
    cx.export_function("sessionReset", session_reset)?;
    cx.export_function("sessionClose", session_close)?;
    cx.export_function("videoEncoderSupport", video_encoder_support)?;
    Ok(())
}
