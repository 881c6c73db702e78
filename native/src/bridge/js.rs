//! bridge layer: small JS ↔ Rust helpers and the one place a Rust `Error` becomes a JS exception.
use crate::error::{Error, ErrorKind};
use neon::prelude::*;

/// Throw `e` as the JS value its kind names (TypeError, RangeError or a DOMException).
pub fn throw<'a, T>(cx: &mut impl Context<'a>, e: &Error) -> NeonResult<T> {
    match e.kind {
        ErrorKind::Type => cx.throw_type_error(&e.message),
        ErrorKind::Range => cx.throw_range_error(&e.message),
        _ => {
            let v = dom_exception(cx, e)?;
            cx.throw(v)
        }
    }
}

fn dom_exception<'a>(cx: &mut impl Context<'a>, e: &Error) -> JsResult<'a, JsObject> {
    let ctor: Handle<JsFunction> = cx.global("DOMException")?;
    let msg = cx.string(&e.message).upcast::<JsValue>();
    let name = cx.string(e.name()).upcast::<JsValue>();
    ctor.construct(cx, [msg, name])
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
