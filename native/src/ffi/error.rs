//! ffi layer: AVERROR codes → `Status::{Ready, Again, Eof}` (control flow) or an `AvError`
//! carrying `av_strerror` text and the code. EAGAIN and EOF are never errors.
use super::sys;
use crate::error::{Error, ErrorKind};
use std::ffi::CStr;
use std::os::raw::{c_char, c_int};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ready,
    Again,
    Eof,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AvError {
    pub code: c_int,
    pub what: &'static str,
}

pub const EAGAIN: c_int = -(libc::EAGAIN);
pub const EOF: c_int = -0x20464f45; // FFERRTAG('E','O','F',' ')
pub const ENOMEM: c_int = -(libc::ENOMEM);
pub const EINVAL: c_int = -(libc::EINVAL);

/// `av_strerror` text for a code.
pub fn error_text(code: c_int) -> String {
    let mut buf = [0 as c_char; 128];
    // SAFETY: buf is a writable 128-byte array and we pass its exact length; av_strerror always NUL-terminates within that length.
    let r = unsafe { sys::av_strerror(code, buf.as_mut_ptr(), buf.len()) };
    if r < 0 {
        return format!("unknown error {code}");
    }
    // SAFETY: buf was NUL-terminated by av_strerror above.
    unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned()
}

impl AvError {
    pub fn to_error(&self, kind: ErrorKind) -> Error {
        Error::new(kind, format!("{} failed: {} (AVERROR {})", self.what, error_text(self.code), self.code))
    }
}

impl From<AvError> for Error {
    /// An FFmpeg failure while coding is an EncodingError (docs/ARCHITECTURE.md, "Errors").
    fn from(e: AvError) -> Error {
        e.to_error(ErrorKind::Encoding)
    }
}

/// A return code that is an error when negative.
pub fn check(ret: c_int, what: &'static str) -> Result<c_int, AvError> {
    if ret < 0 {
        Err(AvError { code: ret, what })
    } else {
        Ok(ret)
    }
}

/// A send/receive return code: EAGAIN and EOF are states, not failures.
pub fn status(ret: c_int, what: &'static str) -> Result<Status, AvError> {
    match ret {
        r if r >= 0 => Ok(Status::Ready),
        EAGAIN => Ok(Status::Again),
        EOF => Ok(Status::Eof),
        code => Err(AvError { code, what }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn eagain_and_eof_are_control_flow() {
        assert_eq!(status(0, "x"), Ok(Status::Ready));
        assert_eq!(status(EAGAIN, "x"), Ok(Status::Again));
        assert_eq!(status(EOF, "x"), Ok(Status::Eof));
        let e = status(EINVAL, "avcodec_send_frame").unwrap_err();
        let err: Error = e.into();
        assert_eq!(err.name(), "EncodingError");
        assert!(err.message.contains("avcodec_send_frame failed: Invalid argument"), "{}", err.message);
        assert!(err.message.contains("-22"));
    }
    #[test]
    fn eof_matches_ffmpeg() {
        assert_eq!(EOF, sys::AVERROR_EOF);
    }
}
