//! bridge layer: small JS ↔ Rust helpers, the one reader and writer of a VideoColorSpace, and the
//! one place a Rust `Error` becomes a JS exception.
use crate::codecs::media::color_space::{VideoColorPrimaries, VideoColorSpace, VideoMatrixCoefficients, VideoTransferCharacteristics};
use crate::error::{Error, ErrorKind};
use neon::prelude::*;

/// The one JS function that turns (name, message) into the error value users see
/// (js/lib/errors.js `makeError`), registered by js/lib/native.js when the addon loads.
static ERROR_FACTORY: neon::thread::LocalKey<Root<JsFunction>> = neon::thread::LocalKey::new();

/// `errorFactorySet(makeError)`: called once per JS environment by js/lib/native.js.
pub fn error_factory_set<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsUndefined> {
    let f = cx.argument::<JsFunction>(0)?.root(cx);
    ERROR_FACTORY.get_or_init(cx, || f);
    Ok(cx.undefined())
}

/// Throw `e` as the JS value its kind names (TypeError, RangeError or a DOMException), built by
/// the registered JS error factory — DOMExceptions are made in one place, in JS.
pub fn throw<'a, T>(cx: &mut impl Context<'a>, e: &Error) -> NeonResult<T> {
    js_alive(cx)?;
    if let Some(factory) = ERROR_FACTORY.get(cx) {
        let f = factory.to_inner(cx);
        let this = cx.undefined();
        let name = cx.string(e.name()).upcast::<JsValue>();
        let message = cx.string(&e.message).upcast::<JsValue>();
        let v = f.call(cx, this, [name, message])?;
        return cx.throw(v);
    }
    // Before js/ registered its factory (only when the addon is loaded by hand).
    match e.kind {
        ErrorKind::Type => cx.throw_type_error(&e.message),
        ErrorKind::Range => cx.throw_range_error(&e.message),
        _ => cx.throw_error(format!("{}: {}", e.name(), e.message)),
    }
}

pub fn get_num<'a>(cx: &mut impl Context<'a>, obj: Handle<'a, JsObject>, key: &str) -> NeonResult<f64> {
    let v: Handle<JsNumber> = obj.get(cx, key)?;
    Ok(v.value(cx))
}

pub fn get_opt_num<'a>(cx: &mut impl Context<'a>, obj: Handle<'a, JsObject>, key: &str) -> NeonResult<Option<f64>> {
    let v: Option<Handle<JsValue>> = obj.get_opt(cx, key)?;
    match v {
        Some(v) => match v.downcast::<JsNumber, _>(cx) {
            Ok(n) => Ok(Some(n.value(cx))),
            Err(_) => Ok(None),
        },
        None => Ok(None),
    }
}

pub fn get_opt_str<'a>(cx: &mut impl Context<'a>, obj: Handle<'a, JsObject>, key: &str) -> NeonResult<Option<String>> {
    let v: Option<Handle<JsValue>> = obj.get_opt(cx, key)?;
    match v {
        Some(v) => match v.downcast::<JsString, _>(cx) {
            Ok(s) => Ok(Some(s.value(cx))),
            Err(_) => Ok(None),
        },
        None => Ok(None),
    }
}

pub fn get_opt_bool<'a>(cx: &mut impl Context<'a>, obj: Handle<'a, JsObject>, key: &str) -> NeonResult<Option<bool>> {
    let v: Option<Handle<JsValue>> = obj.get_opt(cx, key)?;
    match v {
        Some(v) => match v.downcast::<JsBoolean, _>(cx) {
            Ok(b) => Ok(Some(b.value(cx))),
            Err(_) => Ok(None),
        },
        None => Ok(None),
    }
}

/// A non-negative integer that fits `usize`, or a TypeError naming `what`.
pub fn to_index<'a>(cx: &mut impl Context<'a>, v: f64, what: &str) -> NeonResult<usize> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= (u32::MAX as f64) * 16.0 {
        Ok(v as usize)
    } else {
        cx.throw_type_error(format!("{what}: expected a non-negative integer, got {v}"))
    }
}

pub fn get_index<'a>(cx: &mut impl Context<'a>, obj: Handle<'a, JsObject>, key: &str) -> NeonResult<usize> {
    let v = get_num(cx, obj, key)?;
    to_index(cx, v, key)
}

/// The elements of a JS array as objects.
pub fn objects<'a>(cx: &mut impl Context<'a>, arr: Handle<'a, JsArray>) -> NeonResult<Vec<Handle<'a, JsObject>>> {
    let items = arr.to_vec(cx)?;
    items.into_iter().map(|v| v.downcast_or_throw::<JsObject, _>(cx)).collect()
}

/// `o[key] = number`.
pub fn set_num<'a>(cx: &mut impl Context<'a>, o: Handle<'a, JsObject>, key: &str, v: impl Into<f64>) -> NeonResult<()> {
    let v = cx.number(v);
    o.set(cx, key, v).map(|_| ())
}

/// `o[key] = string`.
pub fn set_str<'a>(cx: &mut impl Context<'a>, o: Handle<'a, JsObject>, key: &str, v: impl AsRef<str>) -> NeonResult<()> {
    let v = cx.string(v);
    o.set(cx, key, v).map(|_| ())
}

/// `o[key] = boolean`.
pub fn set_bool<'a>(cx: &mut impl Context<'a>, o: Handle<'a, JsObject>, key: &str, v: bool) -> NeonResult<()> {
    let v = cx.boolean(v);
    o.set(cx, key, v).map(|_| ())
}

// ---- VideoColorSpace: one reader, one writer, for every kind -----------------------------------

/// `c`'s VideoColorSpaceInit members (`primaries`, `transfer`, `matrix`, `fullRange`); a missing
/// or null member is None. js/ validates the names, so one WebCodecs does not define is a TypeError.
pub fn read_color_space<'a>(cx: &mut impl Context<'a>, c: Handle<'a, JsObject>) -> NeonResult<VideoColorSpace> {
    fn named<'a, E>(cx: &mut impl Context<'a>, c: Handle<'a, JsObject>, key: &str, from_name: fn(&str) -> Option<E>) -> NeonResult<Option<E>> {
        match get_opt_str(cx, c, key)? {
            None => Ok(None),
            Some(name) => match from_name(&name) {
                Some(v) => Ok(Some(v)),
                None => throw(cx, &Error::type_error(format!("colorSpace.{key}: {name:?} is not a WebCodecs name"))),
            },
        }
    }
    Ok(VideoColorSpace {
        primaries: named(cx, c, "primaries", VideoColorPrimaries::from_name)?,
        transfer: named(cx, c, "transfer", VideoTransferCharacteristics::from_name)?,
        matrix: named(cx, c, "matrix", VideoMatrixCoefficients::from_name)?,
        full_range: get_opt_bool(cx, c, "fullRange")?,
    })
}

/// `o[key]` read by [`read_color_space`]; every member None when `o[key]` is absent.
pub fn get_opt_color_space<'a>(cx: &mut impl Context<'a>, o: Handle<'a, JsObject>, key: &str) -> NeonResult<VideoColorSpace> {
    match o.get_opt::<JsObject, _, _>(cx, key)? {
        Some(c) => read_color_space(cx, c),
        None => Ok(VideoColorSpace::default()),
    }
}

/// `o[key] = {primaries, transfer, matrix, fullRange}`, null for each member that is None.
pub fn set_color_space<'a>(cx: &mut impl Context<'a>, o: Handle<'a, JsObject>, key: &str, cs: &VideoColorSpace) -> NeonResult<()> {
    let c = cx.empty_object();
    let names = [("primaries", cs.primaries.map(|v| v.name())), ("transfer", cs.transfer.map(|v| v.name())), ("matrix", cs.matrix.map(|v| v.name()))];
    for (k, v) in names {
        let v: Handle<JsValue> = match v {
            Some(s) => cx.string(s).upcast(),
            None => cx.null().upcast(),
        };
        c.set(cx, k, v)?;
    }
    let full: Handle<JsValue> = match cs.full_range {
        Some(b) => cx.boolean(b).upcast(),
        None => cx.null().upcast(),
    };
    c.set(cx, "fullRange", full)?;
    o.set(cx, key, c).map(|_| ())
}

// ---- the Node-API boundary: nothing panics across it -------------------------------------

/// `Ok` while this thread's JS environment can run JS; `Err(Throw)` once it cannot (a Worker being
/// terminated, or an exception already pending). Node-API then refuses new objects, and Neon 1.1
/// unwraps that refusal (`cx.boxed`, `cx.promise`, `throw`) into a panic, so every such call is
/// preceded by this check, which Neon itself turns into a plain `Err(Throw)`.
pub fn js_alive<'a>(cx: &mut impl Context<'a>) -> NeonResult<()> {
    JsArrayBuffer::new(cx, 0).map(|_| ())
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> &str {
    p.downcast_ref::<&str>().copied().or_else(|| p.downcast_ref::<String>().map(|s| s.as_str())).unwrap_or("unknown panic")
}

/// Run `f`, catching any panic before it reaches Neon's own handler (which, in a terminating
/// environment, panics again where it cannot unwind and aborts the process). After a panic: in a
/// terminating environment return quietly (`Err(Throw)`: no JS will run anyway); otherwise throw a
/// plain Error naming the internal failure.
pub fn no_panic<'a, C: Context<'a>, T>(cx: &mut C, f: impl FnOnce(&mut C) -> NeonResult<T>) -> NeonResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(cx))) {
        Ok(r) => r,
        Err(p) => {
            js_alive(cx)?;
            let msg = format!("native-webcodecs internal error: {}", panic_text(p.as_ref()));
            cx.throw_error(msg)
        }
    }
}

/// Box a native value for JS, checking first that the environment still takes new objects.
pub fn boxed<'a, T: Finalize + 'static>(cx: &mut impl Context<'a>, v: T) -> JsResult<'a, JsBox<T>> {
    js_alive(cx)?;
    Ok(cx.boxed(v))
}

/// Neon 1.1 unwraps Node-API's "pending exception" refusal while a Worker terminates; `no_panic`
/// catches those panics, so the default hook's report of them is noise. Every other panic is
/// reported as before (the previous hook is kept and called).
pub fn quiet_termination_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let from_neon = info.location().is_some_and(|l| l.file().contains("/neon-"));
            if from_neon && panic_text(info.payload()).contains("PendingException") {
                return;
            }
            previous(info)
        }));
    });
}

/// The body of a Channel callback (on the JS thread, outside any JS call). An exception still
/// pending afterwards is taken here: rethrown (reported as uncaught, as before) while the
/// environment is alive, dropped once it is terminating — Neon would otherwise turn it into a
/// fatal error while it cannot create the error object.
pub fn in_callback<'a, C: Context<'a>>(cx: &mut C, f: impl FnOnce(&mut C) -> NeonResult<()>) -> NeonResult<()> {
    let caught = cx.try_catch(|cx| {
        let _ = no_panic(cx, f);
        Ok(())
    });
    match caught {
        Ok(()) => Ok(()),
        Err(exception) => {
            if js_alive(cx).is_ok() {
                cx.throw(exception)
            } else {
                Ok(())
            }
        }
    }
}
