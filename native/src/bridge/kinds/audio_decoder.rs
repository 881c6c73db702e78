//! bridge layer, kind `audio-decoder`: reads AudioDecoderConfig and chunks (bytes copied once into
//! native memory), writes decoded samples as a new AudioData handle plus format and timestamp.
use crate::bridge::audio::AudioBox;
use crate::bridge::js::{get_index, get_num, get_opt_str, set_num, set_str};
use crate::bridge::session::Kind;
use crate::codecs::audio::decoder::{self as audio_decoder, AudioDecoderBackend, DecodeItem, DecodedAudio, DecoderConfig};
use neon::prelude::*;
use neon::types::buffer::TypedArray;
use std::sync::Arc;

impl Kind for AudioDecoderBackend {
    const NAME: &'static str = "audio-decoder";

    fn read_config<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>) -> NeonResult<DecoderConfig> {
        let description = match o.get_opt::<JsTypedArray<u8>, _, _>(cx, "description")? {
            Some(d) => Some(d.as_slice(cx).to_vec()),
            None => None,
        };
        Ok(DecoderConfig {
            codec: get_opt_str(cx, o, "codec")?.unwrap_or_default(),
            sample_rate: get_index(cx, o, "sampleRate")?.min(u32::MAX as usize) as u32,
            channels: get_index(cx, o, "numberOfChannels")?.min(u32::MAX as usize) as u32,
            description,
        })
    }

    fn read_item<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>) -> NeonResult<DecodeItem> {
        let data: Handle<JsTypedArray<u8>> = o.get(cx, "data")?;
        let data = data.as_slice(cx).to_vec();
        let timestamp = get_num(cx, o, "timestamp")? as i64;
        Ok(DecodeItem { data, timestamp })
    }

    fn write_output<'a, C: Context<'a>>(cx: &mut C, d: DecodedAudio) -> JsResult<'a, JsObject> {
        let o = cx.empty_object();
        set_str(cx, o, "format", d.samples.format.name())?;
        set_num(cx, o, "sampleRate", d.samples.sample_rate)?;
        set_num(cx, o, "numberOfChannels", d.samples.channels)?;
        set_num(cx, o, "numberOfFrames", d.samples.frames as f64)?;
        set_num(cx, o, "timestamp", d.timestamp as f64)?;
        let h = AudioBox::boxed(cx, Arc::new(d.samples))?;
        o.set(cx, "data", h)?;
        Ok(o)
    }

    fn check_support(config: &DecoderConfig) -> crate::error::Result<()> {
        audio_decoder::check_support(config)
    }
}
