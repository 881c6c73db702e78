//! The one error type of the crate: every failure carries the DOMException (or JS error) name
//! it becomes in JS and a message saying what was expected and what came (docs/ARCHITECTURE.md, "Errors").
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Type,
    Range,
    InvalidState,
    NotSupported,
    Encoding,
    Data,
    Operation,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into() }
    }
    pub fn type_error(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Type, m)
    }
    pub fn not_supported(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotSupported, m)
    }
    pub fn encoding(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Encoding, m)
    }
    pub fn data(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Data, m)
    }
    pub fn operation(m: impl Into<String>) -> Self {
        Self::new(ErrorKind::Operation, m)
    }
    /// Prefix the message with where it happened: `avcodec_open2: …`.
    pub fn context(mut self, what: &str) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }
    /// The name js/lib/errors.js turns into the JS value.
    pub fn name(&self) -> &'static str {
        match self.kind {
            ErrorKind::Type => "TypeError",
            ErrorKind::Range => "RangeError",
            ErrorKind::InvalidState => "InvalidStateError",
            ErrorKind::NotSupported => "NotSupportedError",
            ErrorKind::Encoding => "EncodingError",
            ErrorKind::Data => "DataError",
            ErrorKind::Operation => "OperationError",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name(), self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn names_match_dom_exceptions() {
        assert_eq!(Error::not_supported("x").name(), "NotSupportedError");
        assert_eq!(Error::encoding("x").name(), "EncodingError");
        assert_eq!(Error::type_error("x").name(), "TypeError");
        assert_eq!(Error::encoding("bad").context("avcodec_send_frame").message, "avcodec_send_frame: bad");
    }
}
