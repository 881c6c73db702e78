//! bridge layer: the registry of codec-session kinds — the one place a kind is named. Adding a
//! kind is a file in this folder (`impl Kind for ItsBackend`) and one name in `kinds!` below.
mod audio_decoder;
mod audio_encoder;
mod image_decoder;
mod video_decoder;
mod video_encoder;

use super::js::throw;
use super::session::{self, SessionBox};
use crate::codecs::audio::decoder::AudioDecoderBackend;
use crate::codecs::audio::encoder::AudioEncoderBackend;
use crate::codecs::image::decoder::ImageDecoderBackend;
use crate::codecs::video::decoder::VideoDecoderBackend;
use crate::codecs::video::encoder::VideoEncoderBackend;
use crate::error::Error;
use neon::prelude::*;

macro_rules! kinds {
    ($($backend:ty),* $(,)?) => {
        /// `sessionCreate(kind, onEvents)`.
        pub fn session_create<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsBox<SessionBox>> {
            let kind = cx.argument::<JsString>(0)?.value(cx);
            let callback = cx.argument::<JsFunction>(1)?;
            $(if kind == <$backend as session::Kind>::NAME { return session::create::<$backend>(cx, callback); })*
            throw(cx, &Error::not_supported(format!("no native codec session of kind {kind:?}")))
        }

        /// `sessionSupport(kind, config)` → Promise<{supported, message?}>.
        pub fn session_support<'a>(cx: &mut FunctionContext<'a>) -> JsResult<'a, JsPromise> {
            let kind = cx.argument::<JsString>(0)?.value(cx);
            let config = cx.argument::<JsObject>(1)?;
            $(if kind == <$backend as session::Kind>::NAME { return session::support::<$backend>(cx, config); })*
            throw(cx, &Error::not_supported(format!("no native codec session of kind {kind:?}")))
        }
    };
}

kinds!(VideoEncoderBackend, VideoDecoderBackend, ImageDecoderBackend, AudioEncoderBackend, AudioDecoderBackend);
