//! bridge layer, kind `image-decoder`: reads ImageDecoder options and items (bytes, end, decode
//! requests, track selection, abort), writes track lists, decoded frames (a new frame handle that
//! belongs to JS) and per-decode errors.
use crate::bridge::frame::FrameBox;
use crate::bridge::js::{get_index, get_opt_bool, get_opt_num, get_opt_str, set_bool, set_color_space, set_num, set_str};
use crate::bridge::session::Kind;
use crate::codecs::image::decoder::{ImageConfig, ImageDecoderBackend, ImageItem, ImageOutput};
use neon::prelude::*;
use neon::types::buffer::TypedArray;
use std::sync::Arc;

impl Kind for ImageDecoderBackend {
    const NAME: &'static str = "image-decoder";

    fn read_config<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>) -> NeonResult<ImageConfig> {
        let mime = get_opt_str(cx, o, "type")?.unwrap_or_default();
        let w = get_opt_num(cx, o, "desiredWidth")?;
        let h = get_opt_num(cx, o, "desiredHeight")?;
        let desired = match (w, h) {
            (Some(w), Some(h)) if w >= 1.0 && h >= 1.0 => Some((w.min(u32::MAX as f64) as u32, h.min(u32::MAX as f64) as u32)),
            _ => None,
        };
        // colorSpaceConversion: 'default' | 'none' (validated in JS; anything else is 'default').
        let convert_color = get_opt_str(cx, o, "colorSpaceConversion")?.as_deref() != Some("none");
        let prefer_animation = get_opt_bool(cx, o, "preferAnimation")?;
        Ok(ImageConfig { mime, desired, convert_color, prefer_animation })
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
            let index = get_index(cx, d, "frameIndex")?.min(u32::MAX as usize) as u32;
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
            ImageOutput::Frame { id, data, timestamp, duration, rotation, flip, color, complete } => {
                set_str(cx, o, "kind", "frame")?;
                set_bool(cx, o, "complete", complete)?;
                set_num(cx, o, "id", id as f64)?;
                let h = FrameBox::boxed(cx, Arc::new(data))?;
                o.set(cx, "frame", h)?;
                set_num(cx, o, "timestamp", timestamp as f64)?;
                let v: Handle<JsValue> = match duration {
                    Some(d) => cx.number(d as f64).upcast(),
                    None => cx.null().upcast(),
                };
                o.set(cx, "duration", v)?;
                set_num(cx, o, "rotation", rotation)?;
                set_bool(cx, o, "flip", flip)?;
                set_color_space(cx, o, "colorSpace", &color)?;
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
