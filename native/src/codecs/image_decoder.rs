//! codecs layer: the ImageDecoder backend. Encoded bytes accumulate in one buffer (the whole file
//! at most); frame counts come from the pure container parsers in `image_info`; frames are decoded
//! on demand, sequentially, by FFmpeg (JPEG, PNG/APNG, GIF, AVIF, BMP, ICO) or image-webp (WebP,
//! which FFmpeg 5.1 cannot animate). Decode requests for frames that have not arrived wait.
use super::frame_data::{check_size, size_problem, with_scaler, FrameData, MAX_FRAME_BYTES};
use super::image_info::{self, Container, Info};
use super::pixel_format::by_av;
use crate::engine::Backend;
use crate::error::{Error, ErrorKind, Result};
use crate::ffi::codec::{CodecContext, Opened};
use crate::ffi::format::Demuxer;
use crate::ffi::scale::{self, ImageDesc, PlanesMut};
use crate::ffi::{sys, Frame, Packet, Status};
use std::collections::VecDeque;
use std::io::Cursor;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct ImageConfig {
    pub mime: String,
    pub desired: Option<(u32, u32)>,
}

pub enum ImageItem {
    Data(Vec<u8>),
    End,
    Decode { id: u64, index: u32, complete_only: bool },
    Track(u32),
    /// ImageDecoder.reset(): drop pending decodes (the data and configuration stay).
    Abort,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackInfo {
    pub animated: bool,
    pub frame_count: u32,
    /// None = forever.
    pub repetitions: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColorOut {
    pub primaries: &'static str,
    pub transfer: &'static str,
    pub matrix: &'static str,
    pub full_range: bool,
}

const SRGB: ColorOut = ColorOut { primaries: "bt709", transfer: "iec61966-2-1", matrix: "rgb", full_range: true };

pub enum ImageOutput {
    Tracks { tracks: Vec<TrackInfo>, selected: i32, complete: bool },
    Frame { id: u64, data: FrameData, timestamp: i64, duration: Option<i64>, rotation: u32, flip: bool, color: ColorOut },
    DecodeError { id: u64, error: Error },
}

/// Sequential decoding state over one snapshot of the bytes.
enum Cursor2 {
    Ff(FfCursor),
    Webp(WebpCursor),
}

struct FfCursor {
    demux: Demuxer,
    stream: usize,
    dec: CodecContext<Opened>,
    tb: (i32, i32),
    next: u32,
    draining: bool,
}

struct WebpCursor {
    dec: image_webp::WebPDecoder<Cursor<Arc<[u8]>>>,
    next: u32,
    elapsed_ms: u64,
}

struct Decoded {
    data: FrameData,
    timestamp: i64,
    duration: Option<i64>,
    color: ColorOut,
}

#[derive(Default)]
pub struct ImageDecoderBackend {
    container: Option<Container>,
    cfg: Option<ImageConfig>,
    bytes: Vec<u8>,
    snapshot: Option<Arc<[u8]>>,
    complete: bool,
    info: Info,
    sent: Option<(u32, bool, Option<u32>, bool)>,
    pending: VecDeque<(u64, u32, bool)>,
    cursor: Option<(Cursor2, usize)>,
    orientation: (u32, bool),
    failed: bool,
}

fn demuxer_name(c: Container, bytes: &[u8]) -> &'static str {
    match c {
        Container::Jpeg => "jpeg_pipe",
        Container::Png => {
            if image_info::info(Container::Png, bytes).animated {
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

fn us(v: i64, tb: (i32, i32)) -> i64 {
    if tb.1 == 0 {
        return v;
    }
    ((v as i128 * tb.0 as i128 * 1_000_000) / tb.1 as i128) as i64
}

fn color_of(frame: &Frame, yuv: bool) -> ColorOut {
    if !yuv {
        return SRGB;
    }
    let (range, space, _, _) = frame.color();
    let full = range == sys::AVColorRange::AVCOL_RANGE_JPEG || matches!(frame.pixel_format(), Some(sys::AVPixelFormat::AV_PIX_FMT_YUVJ420P | sys::AVPixelFormat::AV_PIX_FMT_YUVJ422P | sys::AVPixelFormat::AV_PIX_FMT_YUVJ444P));
    let matrix = match space {
        sys::AVColorSpace::AVCOL_SPC_BT709 => "bt709",
        sys::AVColorSpace::AVCOL_SPC_BT470BG => "bt470bg",
        sys::AVColorSpace::AVCOL_SPC_BT2020_NCL => "bt2020-ncl",
        _ => "smpte170m",
    };
    ColorOut { primaries: "bt709", transfer: if full { "iec61966-2-1" } else { "bt709" }, matrix, full_range: full }
}

/// Convert any decoded frame to RGBA (size `out`) with swscale.
fn to_rgba(frame: &Frame, out: (u32, u32)) -> Result<FrameData> {
    let fmt = frame.pixel_format().ok_or_else(|| Error::encoding("decoded frame has no pixel format"))?;
    let src = ImageDesc { format: fmt, width: frame.width(), height: frame.height() };
    let dst = ImageDesc { format: sys::AVPixelFormat::AV_PIX_FMT_RGBA, width: out.0, height: out.1 };
    FrameData::new_with("RGBA", out.0, out.1, |bytes, layout| {
        with_scaler(src, dst, scale::BICUBIC | scale::ACCURATE, |s| {
            s.scale_frame(frame, &mut PlanesMut { data: [bytes, &mut [], &mut [], &mut []], stride: [layout[0].stride, 0, 0, 0] })?;
            Ok(())
        })
    })
    .map_err(|e| Error::encoding(e.message))
}

impl FfCursor {
    fn open(data: Arc<[u8]>, c: Container) -> Result<FfCursor> {
        let name = demuxer_name(c, &data);
        let demux = Demuxer::open(data, name, c == Container::Avif).map_err(|e| e.to_error(ErrorKind::Encoding))?;
        let stream = demux.video_stream().ok_or_else(|| Error::encoding("the image has no picture stream"))?;
        let mut ctx = demux.decoder_for(stream).map_err(|e| e.to_error(ErrorKind::Encoding))?;
        ctx.set_threads(1, false, false);
        let dec = ctx.open(&[]).map_err(|e| e.to_error(ErrorKind::Encoding))?;
        let tb = demux.time_base(stream);
        Ok(FfCursor { demux, stream, dec, tb, next: 0, draining: false })
    }

    /// The next decoded frame, or None at the end.
    fn next_frame(&mut self) -> Result<Option<(Frame, i64, i64)>> {
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

impl ImageDecoderBackend {
    fn frame_count(&self) -> u32 {
        if self.info.animated {
            // A frame cut short by the end of the data still counts (decoding it fails).
            self.info.complete_frames + u32::from(self.complete && self.info.partial_frame)
        } else {
            u32::from(self.info.frame_data || self.info.complete_frames > 0)
        }
    }

    /// Frames that can be decoded now (stills only once all data is in).
    fn available(&self) -> u32 {
        if self.complete {
            self.frame_count()
        } else if self.info.animated {
            self.info.complete_frames
        } else {
            0
        }
    }

    /// Whether frame `index` is known to be cut short (Chrome rejects it with EncodingError;
    /// FFmpeg would conceal the missing part).
    fn truncated(&self, index: u32) -> bool {
        if !self.complete {
            return false;
        }
        if self.info.animated {
            self.info.partial_frame && index == self.info.complete_frames
        } else {
            (self.info.end_known && !self.info.ended) || self.info.partial_frame
        }
    }

    fn emit_tracks(&mut self, out: &mut Vec<ImageOutput>) {
        if !self.info.header {
            return;
        }
        let now = (self.frame_count(), self.info.animated, self.info.repetitions, self.complete);
        if self.sent.as_ref() == Some(&now) {
            return;
        }
        self.sent = Some(now);
        out.push(ImageOutput::Tracks {
            tracks: vec![TrackInfo { animated: now.1, frame_count: now.0, repetitions: now.2 }],
            selected: 0,
            complete: now.3,
        });
    }

    fn snapshot(&mut self) -> Arc<[u8]> {
        if self.snapshot.is_none() {
            let cut = self.container == Some(Container::Webp) && self.info.animated && !self.info.ended;
            self.snapshot = Some(if cut { Arc::from(image_info::webp_cut(&self.bytes, self.info.complete_end)) } else { Arc::from(&self.bytes[..]) });
        }
        self.snapshot.clone().expect("just set")
    }

    fn decode_at(&mut self, index: u32) -> Result<Decoded> {
        let c = self.container.expect("configured");
        // A desired size over the frame limits is refused before anything is decoded or sized.
        if let Some((w, h)) = self.cfg.as_ref().and_then(|c| c.desired) {
            check_size(ErrorKind::Encoding, "ImageDecoder: desiredWidth×desiredHeight", w.into(), h.into())?;
        }
        let len = self.bytes.len();
        let stale = match &self.cursor {
            Some((Cursor2::Ff(f), l)) => *l != len || f.next > index,
            Some((Cursor2::Webp(w), l)) => *l != len || w.next > index,
            None => true,
        };
        if stale {
            self.cursor = None;
            let data = self.snapshot();
            // image-webp for animated WebP (FFmpeg 5.1 cannot); FFmpeg's webp decoder for stills
            // (lossy WebP then comes out as I420, as in Chrome).
            let cur = if c == Container::Webp && self.info.animated {
                let dec = image_webp::WebPDecoder::new(Cursor::new(data)).map_err(|e| Error::encoding(format!("WebP: {e}")))?;
                // What image-webp itself will size its canvas and our output buffer by.
                let (w, h) = dec.dimensions();
                check_size(ErrorKind::Encoding, "WebP: canvas", w.into(), h.into())?;
                Cursor2::Webp(WebpCursor { dec, next: 0, elapsed_ms: 0 })
            } else {
                Cursor2::Ff(FfCursor::open(data, c)?)
            };
            self.cursor = Some((cur, len));
        }
        let desired = self.cfg.as_ref().and_then(|c| c.desired);
        let (cur, _) = self.cursor.as_mut().expect("cursor");
        match cur {
            Cursor2::Ff(f) => loop {
                let Some((frame, ts, dur)) = f.next_frame()? else {
                    return Err(Error::encoding(format!("frame {index} could not be decoded (the data ends before it)")));
                };
                if f.next - 1 < index {
                    continue;
                }
                let fmt = frame.pixel_format();
                let direct = desired.is_none() && fmt.and_then(by_av).is_some();
                let yuv = direct && fmt.and_then(by_av).is_some_and(|f| !f.rgb);
                let color = color_of(&frame, yuv);
                let data = if direct {
                    FrameData::from_av_frame(frame)?
                } else {
                    let size = desired.unwrap_or((frame.width(), frame.height()));
                    to_rgba(&frame, size)?
                };
                let animated = self.info.animated;
                return Ok(Decoded { data, timestamp: if animated { ts } else { 0 }, duration: (animated && dur > 0).then_some(dur), color });
            },
            Cursor2::Webp(w) => {
                let (width, height) = w.dec.dimensions();
                let alpha = w.dec.has_alpha();
                let size = w.dec.output_buffer_size().filter(|&n| n <= MAX_FRAME_BYTES).ok_or_else(|| Error::encoding(format!("WebP: a {width}×{height} frame exceeds the limit of {MAX_FRAME_BYTES} bytes")))?;
                let mut buf = crate::ffi::mem::try_zeroed(size).ok_or_else(|| Error::encoding(format!("WebP: out of memory: could not allocate {size} bytes for a {width}×{height} frame")))?;
                let mut dur_ms = 0u32;
                let mut start_ms = 0u64;
                if w.dec.is_animated() {
                    while w.next <= index {
                        start_ms = w.elapsed_ms;
                        dur_ms = w.dec.read_frame(&mut buf).map_err(|e| Error::encoding(format!("WebP frame {}: {e}", w.next)))?;
                        w.elapsed_ms += dur_ms as u64;
                        w.next += 1;
                    }
                } else {
                    w.dec.read_image(&mut buf).map_err(|e| Error::encoding(format!("WebP: {e}")))?;
                    w.next = 1;
                }
                let animated = w.dec.is_animated();
                let mut data = FrameData::new_with("RGBA", width, height, |dst, _| {
                    if alpha {
                        dst.copy_from_slice(&buf);
                    } else {
                        for (d, s) in dst.chunks_exact_mut(4).zip(buf.chunks_exact(3)) {
                            d[..3].copy_from_slice(s);
                            d[3] = 255;
                        }
                    }
                    Ok(())
                })?;
                if let Some(size) = desired {
                    let desc = ImageDesc { format: sys::AVPixelFormat::AV_PIX_FMT_RGBA, width, height };
                    let out = ImageDesc { format: desc.format, width: size.0, height: size.1 };
                    let src = data.planes_at(0, 0)?;
                    let scaled = FrameData::new_with("RGBA", size.0, size.1, |dst, l| {
                        with_scaler(desc, out, scale::BICUBIC, |s| {
                            s.scale(&src, &mut PlanesMut { data: [dst, &mut [], &mut [], &mut []], stride: [l[0].stride, 0, 0, 0] })?;
                            Ok(())
                        })
                    })
                    .map_err(|e| Error::encoding(e.message))?;
                    drop(src);
                    data = scaled;
                }
                Ok(Decoded {
                    data,
                    timestamp: if animated { start_ms as i64 * 1000 } else { 0 },
                    duration: animated.then_some(dur_ms as i64 * 1000),
                    color: SRGB,
                })
            }
        }
    }

    /// Answer every pending decode that can be answered now, in order.
    fn answer(&mut self, out: &mut Vec<ImageOutput>) {
        while let Some(&(id, index, _complete_only)) = self.pending.front() {
            if index < self.available() && self.truncated(index) {
                self.pending.pop_front();
                out.push(ImageOutput::DecodeError { id, error: Error::encoding("ImageDecoder.decode: the image data is truncated (its end marker is missing)") });
            } else if index < self.available() {
                self.pending.pop_front();
                match self.decode_at(index) {
                    Ok(d) => out.push(ImageOutput::Frame { id, data: d.data, timestamp: d.timestamp, duration: d.duration, rotation: self.orientation.0, flip: self.orientation.1, color: d.color }),
                    Err(e) => {
                        self.cursor = None;
                        out.push(ImageOutput::DecodeError { id, error: Error::encoding(e.message) });
                    }
                }
            } else if self.complete {
                self.pending.pop_front();
                let n = self.frame_count();
                out.push(ImageOutput::DecodeError { id, error: Error::new(ErrorKind::Range, format!("ImageDecoder.decode: frameIndex {index} is out of range: the image has {n} frame{}", if n == 1 { "" } else { "s" })) });
            } else {
                break;
            }
        }
    }

    fn refresh(&mut self, out: &mut Vec<ImageOutput>) -> Result<()> {
        let c = self.container.expect("configured");
        self.info = image_info::info(c, &self.bytes);
        // A header claiming a picture over the frame limits is bad data: refused before any
        // decoder (FFmpeg or image-webp) sizes a buffer by it.
        let claimed = [("picture size", self.info.size), ("frame size", self.info.largest_frame)];
        if let Some(m) = claimed.iter().find_map(|(what, s)| s.and_then(|(w, h)| size_problem(what, w, h))) {
            self.failed = true;
            let mime = self.cfg.as_ref().map_or("", |c| c.mime.as_str());
            return Err(Error::encoding(format!("ImageDecoder: bad {mime} header: {m}")));
        }
        if c == Container::Jpeg && self.orientation == (0, false) {
            if let Some(o) = image_info::jpeg_orientation(&self.bytes) {
                self.orientation = image_info::orientation_to_rotation_flip(o);
            }
        }
        if self.complete && !self.info.header {
            self.failed = true;
            let mime = self.cfg.as_ref().map_or("", |c| c.mime.as_str()).to_string();
            return Err(Error::encoding(format!("ImageDecoder: the data is not a decodable {mime} image")));
        }
        self.emit_tracks(out);
        self.answer(out);
        Ok(())
    }
}

pub fn type_supported(mime: &str) -> bool {
    image_info::container_for_type(mime).is_some()
}

impl Backend for ImageDecoderBackend {
    type Config = ImageConfig;
    type Item = ImageItem;
    type Output = ImageOutput;

    fn configure(&mut self, cfg: ImageConfig, _out: &mut Vec<ImageOutput>) -> Result<()> {
        let c = image_info::container_for_type(&cfg.mime).ok_or_else(|| Error::not_supported(format!("ImageDecoder: type {:?} is not supported", cfg.mime)))?;
        self.container = Some(c);
        self.cfg = Some(cfg);
        Ok(())
    }

    fn push(&mut self, item: ImageItem, out: &mut Vec<ImageOutput>) -> Result<()> {
        if self.container.is_none() || self.failed {
            return Ok(());
        }
        match item {
            ImageItem::Data(d) => {
                // New bytes invalidate the decoding cursor and snapshot (both see a shorter file).
                self.cursor = None;
                self.snapshot = None;
                if self.bytes.is_empty() {
                    self.bytes = d; // the first chunk (or a whole BufferSource): no second copy
                } else {
                    self.bytes.extend_from_slice(&d);
                }
                self.refresh(out)
            }
            ImageItem::End => {
                self.complete = true;
                self.bytes.shrink_to_fit();
                self.refresh(out)
            }
            ImageItem::Decode { id, index, complete_only } => {
                self.pending.push_back((id, index, complete_only));
                self.answer(out);
                Ok(())
            }
            ImageItem::Track(_) => Ok(()),
            ImageItem::Abort => {
                self.pending.clear();
                self.cursor = None;
                Ok(())
            }
        }
    }

    fn flush(&mut self, _out: &mut Vec<ImageOutput>) -> Result<()> {
        Ok(())
    }

    /// ImageDecoder.reset(): pending decodes are aborted (JS rejects them); data and tracks stay.
    fn reset(&mut self) {
        self.pending.clear();
        self.cursor = None;
    }


    fn idle(&mut self) {
        super::release_memory_when_idle();
    }

    fn teardown(self) {
        drop(self);
        super::release_memory();
    }
}
