//! ffi layer: FFmpeg's stderr logging is silenced by default; `NATIVE_WEBCODECS_LOG=<level>`
//! (quiet|error|warning|info|verbose|debug or a number) turns it back on.
use super::sys;
use std::sync::Once;

static INIT: Once = Once::new();

pub fn init() {
    INIT.call_once(|| {
        let level = match std::env::var("NATIVE_WEBCODECS_LOG").ok().as_deref() {
            None | Some("") | Some("quiet") => sys::AV_LOG_QUIET,
            Some("error") => sys::AV_LOG_ERROR,
            Some("warning") => sys::AV_LOG_WARNING,
            Some("info") => sys::AV_LOG_INFO,
            Some("verbose") => sys::AV_LOG_VERBOSE,
            Some("debug") => sys::AV_LOG_DEBUG,
            Some(n) => n.parse().unwrap_or(sys::AV_LOG_INFO),
        };
        // SAFETY: av_log_set_level only stores an int in a global; called once.
        unsafe { sys::av_log_set_level(level) };
    });
}
