//! bridge layer: every function the addon exports (camelCase `<object><Verb>`), registered here
//! and only here, typed in js/lib/native.d.ts. Each runs behind `no_panic`: no panic reaches the
//! Node-API boundary, even while a Worker is being terminated.
use super::js::{no_panic, set_num};
use super::{audio, frame, kinds, media, registry, session};
use crate::counters;
use crate::codecs::image::decoder as image_decoder;
use crate::codecs::media::frame_data;
use neon::prelude::*;

fn live_counts<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsObject> {
    let o = cx.empty_object();
    for (kind, name) in counters::KINDS {
        set_num(cx, o, name, counters::get(kind) as f64)?;
    }
    Ok(o)
}

/// Drop per-thread caches (the JS thread's scaler), then pooled buffers and free heap
/// (`codecs::release_memory`), so counters can reach zero.
fn trim_caches<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsUndefined> {
    frame_data::drop_cached_scaler();
    crate::codecs::release_memory();
    Ok(cx.undefined())
}

/// Which FFmpeg this addon carries: `{ffmpeg, libavcodec, license, configuration}`.
fn build_info<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsObject> {
    let (ffmpeg, avcodec, license, configuration) = crate::ffi::log::build_info();
    let o = cx.empty_object();
    let jpeg = crate::ffi::jpeg::provenance().to_string();
    for (k, v) in [("ffmpeg", ffmpeg), ("libavcodec", avcodec), ("license", license), ("configuration", configuration), ("jpeg", jpeg)] {
        let s = cx.string(v);
        o.set(cx, k, s)?;
    }
    Ok(o)
}

fn image_type_supported<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsBoolean> {
    let t = cx.argument::<JsString>(0)?.value(cx);
    Ok(cx.boolean(image_decoder::type_supported(&t)))
}

/// Export `f` under `name`, behind the panic guard.
macro_rules! export {
    ($cx:expr, $($name:literal => $f:path),* $(,)?) => {
        $($cx.export_function($name, |mut cx: FunctionContext| no_panic(&mut cx, |cx| $f(cx).map(|v| v.upcast::<JsValue>())))?;)*
    };
}

#[neon::main]
fn main(mut cx: ModuleContext) -> NeonResult<()> {
    crate::ffi::log::init();
    super::js::quiet_termination_panics();
    export!(cx,
        "errorFactorySet" => super::js::error_factory_set,
        "liveCounts" => live_counts,
        "trimCaches" => trim_caches,
        "buildInfo" => build_info,
        "frameCreate" => frame::frame_create,
        "frameInfo" => frame::frame_info,
        "frameClone" => frame::frame_clone,
        "frameClose" => frame::frame_close,
        "frameCopyPlanes" => frame::frame_copy_planes,
        "frameConvert" => frame::frame_convert,
        "audioCreate" => audio::audio_create,
        "audioClone" => audio::audio_clone,
        "audioClose" => audio::audio_close,
        "audioCopyTo" => audio::audio_copy_to,
        "audioInfo" => audio::audio_info,
        "mediaDeposit" => registry::media_deposit,
        "mediaRedeem" => registry::media_redeem,
        "mediaWarningSet" => media::media_warning_set,
        "mediaRegistrySweep" => registry::media_registry_sweep,
        "imageTypeSupported" => image_type_supported,
        "sessionCreate" => kinds::session_create,
        "sessionSupport" => kinds::session_support,
        "sessionConfigure" => session::session_configure,
        "sessionPush" => session::session_push,
        "sessionFlush" => session::session_flush,
        "sessionReset" => session::session_reset,
        "sessionClose" => session::session_close,
    );
    Ok(())
}
