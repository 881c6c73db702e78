//! bridge layer: AudioData sample handles: the shared media handle of `bridge::media` (a JsBox
//! holding one `Arc` reference to native samples, reported to V8 while held); `audioClose` drops
//! it at once (the box's finalizer is only a safety net). Clones share the samples.
use super::js::{set_num, set_str, throw, to_index};
use super::media::{HandleMedia, SharedBox};
use crate::codecs::media::audio_data::{AudioSamples, SampleFormat};
use crate::error::Error;
use neon::prelude::*;
use neon::types::buffer::TypedArray;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// An AudioData's sample handle (the shared media-handle mechanism of `bridge::media`).
pub type AudioBox = SharedBox<AudioSamples>;

impl HandleMedia for AudioSamples {
    const WHAT: &'static str = "AudioData";
    fn warned() -> &'static AtomicBool {
        static WARNED: AtomicBool = AtomicBool::new(false);
        &WARNED
    }
    fn native_bytes(&self) -> usize {
        AudioSamples::native_bytes(self)
    }
}

fn format_arg(cx: &mut FunctionContext, i: usize) -> NeonResult<SampleFormat> {
    let f = cx.argument::<JsString>(i)?.value(cx);
    match SampleFormat::by_name(&f) {
        Some(f) => Ok(f),
        None => throw(cx, &Error::type_error(format!("expected an AudioSampleFormat, got {f:?}"))),
    }
}

fn index_arg(cx: &mut FunctionContext, i: usize, what: &str) -> NeonResult<usize> {
    let v = cx.argument::<JsNumber>(i)?.value(cx);
    to_index(cx, v, what)
}

/// `audioCreate(format, sampleRate, numberOfChannels, numberOfFrames, src)` → handle (copies src).
pub fn audio_create<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsValue> {
    let format = format_arg(cx, 0)?;
    let rate = cx.argument::<JsNumber>(1)?.value(cx);
    let channels = index_arg(cx, 2, "numberOfChannels")?;
    let frames = index_arg(cx, 3, "numberOfFrames")?;
    let src = cx.argument::<JsTypedArray<u8>>(4)?;
    let made = AudioSamples::from_bytes(format, rate, channels.min(u32::MAX as usize) as u32, frames, src.as_slice(cx));
    match made {
        Ok(d) => Ok(AudioBox::boxed(cx, Arc::new(d))?.upcast()),
        Err(e) => throw(cx, &e),
    }
}

pub fn audio_clone<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsValue> {
    let h = cx.argument::<JsBox<AudioBox>>(0)?;
    let d = AudioBox::get(cx, h, "AudioData")?;
    Ok(AudioBox::boxed(cx, d)?.upcast())
}

/// `audioInfo(h)` → {format, sampleRate, numberOfChannels, numberOfFrames} of the native samples.
pub fn audio_info<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsObject> {
    let h = cx.argument::<JsBox<AudioBox>>(0)?;
    let d = AudioBox::get(cx, h, "AudioData")?;
    let o = cx.empty_object();
    set_str(cx, o, "format", d.format.name())?;
    set_num(cx, o, "sampleRate", d.sample_rate)?;
    set_num(cx, o, "numberOfChannels", d.channels)?;
    set_num(cx, o, "numberOfFrames", d.frames as f64)?;
    Ok(o)
}

pub fn audio_close<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsUndefined> {
    let h = cx.argument::<JsBox<AudioBox>>(0)?;
    AudioBox::close(cx, &h);
    Ok(cx.undefined())
}

/// `audioCopyTo(h, dest, planeIndex, frameOffset, frameCount | -1, format)`: bounds-checked copy
/// with conversion.
pub fn audio_copy_to<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsUndefined> {
    let h = cx.argument::<JsBox<AudioBox>>(0)?;
    let d = AudioBox::get(cx, h, "AudioData")?;
    let plane = index_arg(cx, 2, "planeIndex")?;
    let offset = index_arg(cx, 3, "frameOffset")?;
    let count = cx.argument::<JsNumber>(4)?.value(cx);
    let count = if count < 0.0 { None } else { Some(to_index(cx, count, "frameCount")?) };
    let format = format_arg(cx, 5)?;
    let mut dest = cx.argument::<JsTypedArray<u8>>(1)?;
    let r = d.copy_to(dest.as_mut_slice(cx), plane, offset, count, format);
    match r {
        Ok(()) => Ok(cx.undefined()),
        Err(e) => throw(cx, &e),
    }
}
