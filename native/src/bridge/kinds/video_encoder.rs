//! bridge layer, kind `video-encoder`: reads VideoEncoderConfig and encode items (a frame handle
//! plus options), writes EncodedVideoChunk payloads (bytes copied once into an ArrayBuffer).
use crate::bridge::frame::{frame_arg_of, FrameBox};
use crate::bridge::js::{get_index, get_num, get_opt_bool, get_opt_color_space, get_opt_num, get_opt_str, set_color_space, set_num, set_str};
use crate::bridge::session::{read_rect, Kind};
use crate::codecs::video::encoder::{self as video_encoder, BitrateMode, EncodeItem, EncodedChunk, EncoderConfig, VideoEncoderBackend};
use neon::prelude::*;

impl Kind for VideoEncoderBackend {
    const NAME: &'static str = "video-encoder";

    fn read_config<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>) -> NeonResult<EncoderConfig> {
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
            annexb: get_opt_str(cx, o, "bitstreamFormat")?.as_deref() == Some("annexb"),
            alpha_keep: get_opt_str(cx, o, "alpha")?.as_deref() == Some("keep"),
            scalability_mode: get_opt_str(cx, o, "scalabilityMode")?,
            prefer_hardware: get_opt_str(cx, o, "hardwareAcceleration")?.as_deref() == Some("prefer-hardware"),
            content_hint: get_opt_str(cx, o, "contentHint")?,
            b_frames: get_opt_num(cx, o, "bFrames")?.map_or(0, |v| v.clamp(0.0, 16.0) as u8),
            lookahead: get_opt_num(cx, o, "lookahead")?.map_or(0, |v| v.clamp(0.0, 250.0) as u8),
        })
    }

    fn read_item<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>) -> NeonResult<EncodeItem> {
        let fh: Handle<JsBox<FrameBox>> = o.get(cx, "frame")?;
        let frame = frame_arg_of(cx, fh)?;
        let r: Handle<JsObject> = o.get(cx, "visible")?;
        let visible = read_rect(cx, r)?;
        let timestamp = get_num(cx, o, "timestamp")? as i64;
        let duration = get_opt_num(cx, o, "duration")?.map(|d| d as i64);
        let key_frame = get_opt_bool(cx, o, "keyFrame")?.unwrap_or(false);
        let quantizer = get_opt_num(cx, o, "quantizer")?.map(|q| q.clamp(0.0, 63.0) as u8);
        let rotation = get_opt_num(cx, o, "rotation")?.map_or(0, |r| r as u16);
        let flip = get_opt_bool(cx, o, "flip")?.unwrap_or(false);
        let color = get_opt_color_space(cx, o, "color")?;
        Ok(EncodeItem { frame, visible, timestamp, duration, key_frame, quantizer, color, rotation, flip })
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
            set_num(cx, m, "rotation", dc.rotation)?;
            let flip = cx.boolean(dc.flip);
            m.set(cx, "flip", flip)?;
            set_color_space(cx, m, "colorSpace", &dc.color)?;
            o.set(cx, "decoderConfig", m)?;
        }
        if let Some(l) = c.temporal_layer {
            set_num(cx, o, "temporalLayerId", l)?;
        }
        if let Some(a) = c.alpha_side_data {
            let b = JsArrayBuffer::from_slice(cx, &a)?;
            o.set(cx, "alphaSideData", b)?;
        }
        Ok(o)
    }

    fn check_support(config: &EncoderConfig) -> crate::error::Result<()> {
        video_encoder::check_support(config)
    }
}
