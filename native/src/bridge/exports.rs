//! bridge layer: every function the addon exports (camelCase `<object><Verb>`), typed in
//! js/lib/native.d.ts.
use super::js::set_num;
use super::{frame, session};
use crate::counters;
use neon::prelude::*;

fn live_counts(mut cx: FunctionContext) -> JsResult<JsObject> {
    let o = cx.empty_object();
    for (kind, name) in counters::KINDS {
        set_num(&mut cx, o, name, counters::get(kind) as f64)?;
    }
    Ok(o)
}

/// Drop per-thread caches (the JS thread's scaler) so counters can reach zero in tests.
fn trim_caches(mut cx: FunctionContext) -> JsResult<JsUndefined> {
    crate::codecs::frame_data::drop_cached_scaler();
    crate::codecs::frame_data::trim_pool();
    crate::ffi::mem::trim();
    Ok(cx.undefined())
}

#[neon::main]
fn main(mut cx: ModuleContext) -> NeonResult<()> {
    crate::ffi::log::init();
    cx.export_function("liveCounts", live_counts)?;
    cx.export_function("trimCaches", trim_caches)?;
    cx.export_function("frameCreate", frame::frame_create)?;
    cx.export_function("frameInfo", frame::frame_info)?;
    cx.export_function("frameClone", frame::frame_clone)?;
    cx.export_function("frameClose", frame::frame_close)?;
    cx.export_function("frameCopyPlanes", frame::frame_copy_planes)?;
    cx.export_function("frameConvert", frame::frame_convert)?;
    session::export(&mut cx)?;
    Ok(())
}
