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

/// What this addon's FFmpeg is: (`av_version_info()`, libavcodec's version as "major.minor.micro",
/// `avcodec_license()`, `avcodec_configuration()`). The bundled build and a system build differ
/// here only.
pub fn build_info() -> (String, String, String, String) {
    fn text(p: *const std::os::raw::c_char) -> String {
        if p.is_null() {
            return String::new();
        }
        // SAFETY: FFmpeg returns pointers to static NUL-terminated strings (checked non-null above).
        unsafe { std::ffi::CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }
    // SAFETY: the four functions take no arguments, have no preconditions and return static data.
    let (info, v, license, config) = unsafe { (sys::av_version_info(), sys::avcodec_version(), sys::avcodec_license(), sys::avcodec_configuration()) };
    (text(info), format!("{}.{}.{}", v >> 16, (v >> 8) & 0xff, v & 0xff), text(license), text(config))
}
