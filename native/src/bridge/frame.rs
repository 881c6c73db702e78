//! bridge layer: VideoFrame pixel handles: the shared media handle of `bridge::media` (a JsBox
//! holding one `Arc` reference to the pixels, reported to V8 while held); `frameClose` drops it at
//! once (the box's finalizer is only a safety net).
use super::js::{get_index, get_num, get_opt_bool, get_opt_str, objects, read_color_space, set_num, set_str, throw, to_index};
use super::media::{HandleMedia, SharedBox};
use crate::codecs::media::frame_data::{CopyOp, FrameData, PlaneLayout, SourceColor};
use neon::prelude::*;
use neon::types::buffer::TypedArray;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// A VideoFrame's pixel handle (the shared media-handle mechanism of `bridge::media`).
pub type FrameBox = SharedBox<FrameData>;

impl HandleMedia for FrameData {
    const WHAT: &'static str = "VideoFrame";
    fn warned() -> &'static AtomicBool {
        static WARNED: AtomicBool = AtomicBool::new(false);
        &WARNED
    }
    fn native_bytes(&self) -> usize {
        FrameData::native_bytes(self)
    }
}

/// The pixels behind a handle argument, or an InvalidStateError if it was closed.
pub fn frame_arg(cx: &mut FunctionContext, i: usize) -> NeonResult<Arc<FrameData>> {
    let h = cx.argument::<JsBox<FrameBox>>(i)?;
    frame_arg_of(cx, h)
}

pub fn frame_arg_of<'a>(cx: &mut impl Context<'a>, h: Handle<'a, JsBox<FrameBox>>) -> NeonResult<Arc<FrameData>> {
    FrameBox::get(cx, h, "VideoFrame")
}

pub fn frame_create<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsValue> {
    let format = cx.argument::<JsString>(0)?.value(cx);
    let w = cx.argument::<JsNumber>(1)?.value(cx);
    let h = cx.argument::<JsNumber>(2)?.value(cx);
    let (w, h) = (to_index(cx, w, "codedWidth")?, to_index(cx, h, "codedHeight")?);
    let planes_arg = cx.argument::<JsArray>(4)?;
    let mut sources = Vec::new();
    for o in objects(cx, planes_arg)? {
        sources.push(PlaneLayout {
            offset: get_index(cx, o, "offset")?,
            stride: get_index(cx, o, "stride")?,
            row_bytes: get_index(cx, o, "rowBytes")?,
            rows: get_index(cx, o, "rows")?,
        });
    }
    let src = cx.argument::<JsTypedArray<u8>>(3)?;
    let made = FrameData::from_planes(&format, w as u32, h as u32, src.as_slice(cx), &sources);
    match made {
        Ok(d) => Ok(FrameBox::boxed(cx, Arc::new(d))?.upcast()),
        Err(e) => throw(cx, &e),
    }
}

pub fn frame_info<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsObject> {
    let d = frame_arg(cx, 0)?;
    let o = cx.empty_object();
    set_str(cx, o, "format", d.format.name)?;
    set_num(cx, o, "codedWidth", d.width)?;
    set_num(cx, o, "codedHeight", d.height)?;
    let arr = cx.empty_array();
    for (i, p) in d.planes().iter().enumerate() {
        let po = cx.empty_object();
        set_num(cx, po, "stride", p.stride as f64)?;
        set_num(cx, po, "rowBytes", p.row_bytes as f64)?;
        set_num(cx, po, "rows", p.rows as f64)?;
        arr.set(cx, i as u32, po)?;
    }
    o.set(cx, "planes", arr)?;
    Ok(o)
}

pub fn frame_clone<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsValue> {
    let d = frame_arg(cx, 0)?;
    Ok(FrameBox::boxed(cx, d)?.upcast())
}

pub fn frame_close<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsUndefined> {
    let h = cx.argument::<JsBox<FrameBox>>(0)?;
    FrameBox::close(cx, &h);
    Ok(cx.undefined())
}

pub fn frame_copy_planes<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsUndefined> {
    let d = frame_arg(cx, 0)?;
    let ops_arg = cx.argument::<JsArray>(2)?;
    let mut ops = Vec::new();
    for o in objects(cx, ops_arg)? {
        ops.push(CopyOp {
            plane: get_index(cx, o, "plane")?,
            x: get_index(cx, o, "x")?,
            y: get_index(cx, o, "y")?,
            row_bytes: get_index(cx, o, "rowBytes")?,
            rows: get_index(cx, o, "rows")?,
            dst_offset: get_index(cx, o, "dstOffset")?,
            dst_stride: get_index(cx, o, "dstStride")?,
        });
    }
    let mut dest = cx.argument::<JsTypedArray<u8>>(1)?;
    let r = d.copy_planes(dest.as_mut_slice(cx), &ops);
    match r {
        Ok(()) => Ok(cx.undefined()),
        Err(e) => throw(cx, &e),
    }
}

pub fn frame_convert<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsUndefined> {
    let d = frame_arg(cx, 0)?;
    let rect = cx.argument::<JsObject>(2)?;
    let mut r = [0u32; 4];
    for (i, k) in ["x", "y", "width", "height"].iter().enumerate() {
        let v = get_num(cx, rect, k)?;
        r[i] = to_index(cx, v, k)? as u32;
    }
    let dst_format = cx.argument::<JsString>(3)?.value(cx);
    let off = cx.argument::<JsNumber>(4)?.value(cx);
    let off = to_index(cx, off, "dstOffset")?;
    let stride = cx.argument::<JsNumber>(5)?.value(cx);
    let stride = to_index(cx, stride, "dstStride")?;
    let color = cx.argument::<JsObject>(6)?;
    let space = read_color_space(cx, color)?;
    let target = get_opt_str(cx, color, "target")?;
    let opaque = get_opt_bool(cx, color, "opaque")?.unwrap_or(false);
    let mut dest = cx.argument::<JsTypedArray<u8>>(1)?;
    let color = SourceColor { space, target: target.as_deref(), opaque };
    let res = d.convert_to_rgb(dest.as_mut_slice(cx), (r[0], r[1], r[2], r[3]), &dst_format, off, stride, color);
    match res {
        Ok(()) => Ok(cx.undefined()),
        Err(e) => throw(cx, &e),
    }
}
