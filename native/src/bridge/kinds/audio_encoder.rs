//! bridge layer, kind `audio-encoder`: reads AudioEncoderConfig and AudioData handles (the worker
//! takes its own reference to the samples, so JS may close the AudioData at once), writes chunks
//! (bytes copied once into an ArrayBuffer, the packet dropped there) with their decoderConfig.
use crate::bridge::audio::AudioBox;
use crate::bridge::js::{get_index, get_num, get_opt_bool, get_opt_num, get_opt_str, set_num, set_str};
use crate::bridge::session::Kind;
use crate::codecs::audio::encoder::{self as audio_encoder, AudioEncoderBackend, EncodeItem, EncodedChunk, EncoderConfig, OpusConfig};
use neon::prelude::*;

fn opt_u32<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>, key: &str) -> NeonResult<Option<u32>> {
    Ok(get_opt_num(cx, o, key)?.filter(|v| v.is_finite() && *v >= 0.0).map(|v| v.min(u32::MAX as f64) as u32))
}

impl Kind for AudioEncoderBackend {
    const NAME: &'static str = "audio-encoder";

    fn read_config<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>) -> NeonResult<EncoderConfig> {
        let opus = match o.get_opt::<JsObject, _, _>(cx, "opus")? {
            Some(p) => OpusConfig {
                ogg: get_opt_str(cx, p, "format")?.as_deref() == Some("ogg"),
                application: get_opt_str(cx, p, "application")?,
                signal: get_opt_str(cx, p, "signal")?,
                frame_duration: get_opt_num(cx, p, "frameDuration")?.map_or(20000, |v| v as u64),
                complexity: opt_u32(cx, p, "complexity")?,
                packetlossperc: opt_u32(cx, p, "packetlossperc")?.unwrap_or(0),
                useinbandfec: get_opt_bool(cx, p, "useinbandfec")?.unwrap_or(false),
                usedtx: get_opt_bool(cx, p, "usedtx")?.unwrap_or(false),
            },
            None => OpusConfig { frame_duration: 20000, ..Default::default() },
        };
        let (flac_block_size, flac_compress_level) = match o.get_opt::<JsObject, _, _>(cx, "flac")? {
            Some(f) => (opt_u32(cx, f, "blockSize")?, opt_u32(cx, f, "compressLevel")?),
            None => (None, None),
        };
        Ok(EncoderConfig {
            codec: get_opt_str(cx, o, "codec")?.unwrap_or_default(),
            sample_rate: get_index(cx, o, "sampleRate")?.min(u32::MAX as usize) as u32,
            channels: get_index(cx, o, "numberOfChannels")?.min(u32::MAX as usize) as u32,
            bitrate: get_opt_num(cx, o, "bitrate")?.map(|v| v as u64),
            constant_bitrate: get_opt_str(cx, o, "bitrateMode")?.as_deref() == Some("constant"),
            opus,
            aac_adts: get_opt_str(cx, o, "aacFormat")?.as_deref() == Some("adts"),
            flac_block_size,
            flac_compress_level,
        })
    }

    fn read_item<'a>(cx: &mut FunctionContext<'a>, o: Handle<'a, JsObject>) -> NeonResult<EncodeItem> {
        let h: Handle<JsBox<AudioBox>> = o.get(cx, "data")?;
        let samples = AudioBox::get(cx, h, "AudioData")?;
        let timestamp = get_num(cx, o, "timestamp")? as i64;
        Ok(EncodeItem { samples, timestamp })
    }

    fn write_output<'a, C: Context<'a>>(cx: &mut C, c: EncodedChunk) -> JsResult<'a, JsObject> {
        let o = cx.empty_object();
        let data = JsArrayBuffer::from_slice(cx, c.data.as_slice())?;
        drop(c.data); // the native packet is freed here, not at GC
        o.set(cx, "data", data)?;
        set_num(cx, o, "timestamp", c.timestamp as f64)?;
        set_num(cx, o, "duration", c.duration as f64)?;
        if let Some(dc) = c.decoder_config {
            let m = cx.empty_object();
            set_str(cx, m, "codec", &dc.codec)?;
            set_num(cx, m, "sampleRate", dc.sample_rate)?;
            set_num(cx, m, "numberOfChannels", dc.channels)?;
            if let Some(desc) = dc.description {
                let b = JsArrayBuffer::from_slice(cx, &desc)?;
                m.set(cx, "description", b)?;
            }
            o.set(cx, "decoderConfig", m)?;
        }
        Ok(o)
    }

    fn check_support(config: &EncoderConfig) -> crate::error::Result<()> {
        audio_encoder::check_support(config)
    }
}
