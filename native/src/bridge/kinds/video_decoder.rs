//! bridge layer, kind `video-decoder`: reads VideoDecoderConfig and chunks (bytes copied once
//! into native memory), writes decoded frames as a new frame handle (zero copy: the handle holds
//! the decoder's reference-counted picture) plus their timestamps, rects and colour.
use crate::bridge::frame::FrameBox;
use crate::bridge::js::{get_num, get_opt_bool, get_opt_color_space, get_opt_num, get_opt_str, set_bool, set_color_space, set_num};
use crate::bridge::session::Kind;
use crate::codecs::video::decoder::{self as video_decoder, DecodeItem, DecodedFrame, DecoderConfig, VideoDecoderBackend};
use neon::prelude::*;
use neon::types::buffer::TypedArray;
use std::sync::Arc;

fn opt_u32<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>, key: &str) -> NeonResult<Option<u32>> {
    Ok(get_opt_num(cx, o, key)?.filter(|v| v.is_finite() && *v >= 0.0).map(|v| v.min(u32::MAX as f64) as u32))
}

impl Kind for VideoDecoderBackend {
    const NAME: &'static str = "video-decoder";

    fn read_config<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>) -> NeonResult<DecoderConfig> {
        let description = match o.get_opt::<JsTypedArray<u8>, _, _>(cx, "description")? {
            Some(d) => Some(d.as_slice(cx).to_vec()),
            None => None,
        };
        Ok(DecoderConfig {
            codec: get_opt_str(cx, o, "codec")?.unwrap_or_default(),
            description,
            coded_width: opt_u32(cx, o, "codedWidth")?,
            coded_height: opt_u32(cx, o, "codedHeight")?,
            display_aspect_width: opt_u32(cx, o, "displayAspectWidth")?,
            display_aspect_height: opt_u32(cx, o, "displayAspectHeight")?,
            color_space: get_opt_color_space(cx, o, "colorSpace")?,
            prefer_hardware: get_opt_str(cx, o, "hardwareAcceleration")?.as_deref() == Some("prefer-hardware"),
            optimize_for_latency: get_opt_bool(cx, o, "optimizeForLatency")?.unwrap_or(false),
            rotation: opt_u32(cx, o, "rotation")?.unwrap_or(0) % 360,
            flip: get_opt_bool(cx, o, "flip")?.unwrap_or(false),
        })
    }

    fn read_item<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>) -> NeonResult<DecodeItem> {
        let data: Handle<JsTypedArray<u8>> = o.get(cx, "data")?;
        let data = data.as_slice(cx).to_vec();
        let key = get_opt_str(cx, o, "type")?.as_deref() == Some("key");
        let timestamp = get_num(cx, o, "timestamp")? as i64;
        let duration = get_opt_num(cx, o, "duration")?.map(|d| d as i64);
        Ok(DecodeItem { data, key, timestamp, duration })
    }

    fn write_output<'a, C: Context<'a>>(cx: &mut C, f: DecodedFrame) -> JsResult<'a, JsObject> {
        let o = cx.empty_object();
        let h = FrameBox::boxed(cx, Arc::new(f.data))?;
        o.set(cx, "frame", h)?;
        set_num(cx, o, "timestamp", f.timestamp as f64)?;
        if let Some(d) = f.duration {
            set_num(cx, o, "duration", d as f64)?;
        }
        let r = cx.empty_object();
        let (x, y, w, hh) = f.visible_rect;
        set_num(cx, r, "x", x)?;
        set_num(cx, r, "y", y)?;
        set_num(cx, r, "width", w)?;
        set_num(cx, r, "height", hh)?;
        o.set(cx, "visibleRect", r)?;
        set_num(cx, o, "displayWidth", f.display_width)?;
        set_num(cx, o, "displayHeight", f.display_height)?;
        set_color_space(cx, o, "colorSpace", &f.color_space)?;
        set_num(cx, o, "rotation", f.rotation)?;
        set_bool(cx, o, "flip", f.flip)?;
        Ok(o)
    }

    fn check_support(config: &DecoderConfig) -> crate::error::Result<()> {
        video_decoder::check_support(config)
    }
}
