//! bridge layer: the process-wide registry of VideoFrame pixels and AudioData samples handed to
//! other threads (codecs::media::registry), for both kinds through the same three exports.
//! Invariant: a deposit adds one `Arc` reference; a redeem moves it into a new handle of its kind.
use super::audio::AudioBox;
use super::frame::{frame_arg_of, FrameBox};
use super::js::{throw, to_index};
use crate::codecs::media::registry::{self as media_registry, Media, MediaKind};
use crate::error::Error;
use neon::prelude::*;
use std::time::Duration;

/// `mediaDeposit(handle, id, ttlMs)`: park a new reference to the frame's pixels or the audio
/// data's samples (whichever `handle` is) under `id`.
pub fn media_deposit<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsUndefined> {
    let h = cx.argument::<JsValue>(0)?;
    let media = if let Ok(f) = h.downcast::<JsBox<FrameBox>, _>(cx) {
        Media::Video(frame_arg_of(cx, f)?)
    } else if let Ok(a) = h.downcast::<JsBox<AudioBox>, _>(cx) {
        Media::Audio(AudioBox::get(cx, a, "AudioData")?)
    } else {
        return throw(cx, &Error::type_error("expected a VideoFrame or AudioData handle"));
    };
    let id = cx.argument::<JsString>(1)?.value(cx);
    let ttl = cx.argument::<JsNumber>(2)?.value(cx);
    let ttl = to_index(cx, ttl, "ttlMs")?;
    match media_registry::deposit(&id, media, Duration::from_millis(ttl as u64)) {
        Ok(()) => Ok(cx.undefined()),
        Err(e) => throw(cx, &e),
    }
}

/// `mediaRedeem(id, kind)`: the handle deposited under `id` if it is of `kind` ('video' | 'audio'),
/// once; null if there is none (redeemed, expired, or of the other kind).
pub fn media_redeem<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsValue> {
    let id = cx.argument::<JsString>(0)?.value(cx);
    let kind = cx.argument::<JsString>(1)?.value(cx);
    let kind = match kind.as_str() {
        "video" => MediaKind::Video,
        "audio" => MediaKind::Audio,
        other => return throw(cx, &Error::type_error(format!("expected the kind 'video' or 'audio', got {other:?}"))),
    };
    match media_registry::redeem(&id, kind) {
        Some(Media::Video(d)) => Ok(FrameBox::boxed(cx, d)?.upcast()),
        Some(Media::Audio(d)) => Ok(AudioBox::boxed(cx, d)?.upcast()),
        None => Ok(cx.null().upcast()),
    }
}

/// `mediaRegistrySweep()`: drop every deposit past its deadline; how many remain.
pub fn media_registry_sweep<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsNumber> {
    let left = media_registry::sweep();
    Ok(cx.number(left as f64))
}
