//! codecs layer: decoding an image's frames in order over the shared, growing bytes — a
//! `FrameCursor`: FFmpeg's demuxer and decoder (`FfCursor`), or, for animated WebP (which FFmpeg
//! 5.1 cannot decode), libwebp per frame composited by `webp_anim`.
use super::output::{finish_ff, resize_rgba, Decoded, SRGB};
use super::Bytes;
use crate::codecs::image::info::Container;
use crate::codecs::image::webp_anim::WebpAnim;
use crate::codecs::media::frame_data::FrameData;
use crate::error::{Error, ErrorKind, Result};
use crate::ffi::codec::{CodecContext, Opened};
use crate::ffi::format::{ByteSource, Demuxer};
use crate::ffi::scale;
use crate::ffi::{sys, Frame, Packet, Status};
use std::sync::Arc;

/// Sequential decoding state over the shared, growing bytes: it stays valid as data arrives, and
/// decodes frames in order (an earlier frame needs a new one).
pub(super) enum FrameCursor {
    /// FFmpeg's demuxer and decoder.
    Ffmpeg(FfCursor),
    /// libwebp and our compositor, for animated WebP.
    AnimatedWebp(WebpAnim),
}

impl FrameCursor {
    /// The index of the frame it decodes next.
    pub(super) fn next(&self) -> u32 {
        match self {
            FrameCursor::Ffmpeg(f) => f.next,
            FrameCursor::AnimatedWebp(w) => w.next,
        }
    }

    /// Decode on to frame `index` (not before `next()`), as the output (`desired` size, colour
    /// conversion when `convert`). Ok(None): the demuxer wanted bytes that have not arrived.
    pub(super) fn decode(&mut self, index: u32, bytes: &Bytes, complete: bool, animated: bool, desired: Option<(u32, u32)>, convert: bool) -> Result<Option<Decoded>> {
        match self {
            FrameCursor::Ffmpeg(f) => loop {
                let Some((frame, ts, dur)) = f.next_frame(complete)? else {
                    if f.starved {
                        return Ok(None);
                    }
                    return Err(Error::encoding(format!("frame {index} could not be decoded (the data ends before it)")));
                };
                if f.next - 1 < index {
                    continue;
                }
                return finish_ff(frame, ts, dur, animated, desired, convert, None).map(Some);
            },
            FrameCursor::AnimatedWebp(w) => {
                let mut timing = None;
                {
                    let bytes = bytes.read();
                    while w.next <= index {
                        timing = Some(w.render_next(&bytes)?);
                    }
                }
                let t = timing.expect("a frame was rendered");
                let (width, height) = w.size();
                let canvas = w.canvas();
                let row = width as usize * 4;
                let mut data = FrameData::new_with("RGBA", width, height, |dst, l| {
                    for (d, s) in dst.chunks_mut(l[0].stride.max(1)).zip(canvas.chunks_exact(row)) {
                        d[..row].copy_from_slice(s);
                    }
                    Ok(())
                })?;
                if let Some(size) = desired {
                    data = resize_rgba(&data, sys::AVPixelFormat::AV_PIX_FMT_RGBA, size, scale::BICUBIC)?;
                }
                Ok(Some(Decoded { data, timestamp: t.start_ms as i64 * 1000, duration: Some(i64::from(t.duration_ms) * 1000), color: SRGB }))
            }
        }
    }
}

/// FFmpeg's demuxer and decoder over the bytes, and how far they have got.
pub(super) struct FfCursor {
    demux: Demuxer,
    stream: usize,
    dec: CodecContext<Opened>,
    tb: (i32, i32),
    next: u32,
    draining: bool,
    starved: bool,
}

/// The FFmpeg demuxer that reads a container (APNG: the animated PNG one).
pub(super) fn demuxer_name(c: Container, animated: bool) -> &'static str {
    match c {
        Container::Jpeg => "jpeg_pipe",
        Container::Png => {
            if animated {
                "apng"
            } else {
                "png_pipe"
            }
        }
        Container::Gif => "gif",
        Container::Avif => "mov",
        Container::Bmp => "bmp_pipe",
        Container::Ico => "ico",
        Container::Webp => "webp_pipe",
    }
}

/// `v` in time base `tb`, in microseconds.
fn us(v: i64, tb: (i32, i32)) -> i64 {
    if tb.1 == 0 {
        return v;
    }
    ((v as i128 * tb.0 as i128 * 1_000_000) / tb.1 as i128) as i64
}

impl FfCursor {
    pub(super) fn open(data: Arc<dyn ByteSource>, name: &'static str, c: Container) -> Result<FfCursor> {
        let demux = Demuxer::open_source(data, name, c == Container::Avif).map_err(|e| e.to_error(ErrorKind::Encoding))?;
        let stream = if c == Container::Avif { demux.track_video_stream() } else { demux.video_stream() };
        let stream = stream.ok_or_else(|| Error::encoding("the image has no picture stream"))?;
        let mut ctx = demux.decoder_for(stream).map_err(|e| e.to_error(ErrorKind::Encoding))?;
        ctx.set_threads(1, false, false);
        let dec = ctx.open(&[]).map_err(|e| e.to_error(ErrorKind::Encoding))?;
        let tb = demux.time_base(stream);
        Ok(FfCursor { demux, stream, dec, tb, next: 0, draining: false, starved: false })
    }

    /// The next decoded frame, or None at the end — or, with `complete` false, where the data
    /// received so far ends (`starved` set: the demuxer wanted bytes that have not arrived).
    pub(super) fn next_frame(&mut self, complete: bool) -> Result<Option<(Frame, i64, i64)>> {
        let mut frame = Frame::new()?;
        let mut pkt = Packet::new()?;
        loop {
            match self.dec.receive_frame(&mut frame)? {
                Status::Ready => {
                    self.next += 1;
                    let pts = frame.pts().unwrap_or(0);
                    let dur = frame.duration();
                    return Ok(Some((frame, us(pts, self.tb), us(dur, self.tb))));
                }
                Status::Eof => return Ok(None),
                Status::Again if self.draining => return Ok(None),
                Status::Again => {}
            }
            loop {
                match self.demux.read(&mut pkt).map_err(|e| e.to_error(ErrorKind::Encoding))? {
                    Status::Ready if pkt.stream_index() != self.stream => continue,
                    Status::Ready => {
                        self.dec.send_packet(Some(&pkt))?;
                    }
                    _ if !complete => {
                        self.starved = true;
                        return Ok(None);
                    }
                    _ => {
                        self.dec.send_packet(None)?;
                        self.draining = true;
                    }
                }
                break;
            }
        }
    }
}
