//! codecs layer: the ImageDecoder backend. Encoded bytes accumulate in one buffer (the whole file
//! at most); frame counts come from the pure container parsers in `image_info`; frames are decoded
//! on demand, sequentially, by FFmpeg (PNG/APNG, GIF, AVIF, BMP, and the JPEG/WebP stills the
//! direct path below leaves) or, for animated WebP (which FFmpeg 5.1 cannot decode), by libwebp
//! per frame composited in `webp_anim`. Complete still JPEGs (Y'CbCr 4:2:0/4:2:2/4:4:4) go
//! straight to libjpeg-turbo, and simple still WebPs (a lone VP8 or VP8L chunk) to libwebp,
//! each into the output's own format (planar YUV stays YUV), with DCT-domain scaling for a
//! smaller desired JPEG size. AVIF: the primary item (a still) is located by `image_info::avif_layout` and its
//! AV1 OBUs go to libdav1d with the item's av1C; an image sequence (`moov`) is a second track,
//! decoded through FFmpeg's mov demuxer. Decode requests for frames that have not arrived wait.
use crate::codecs::tables::color_names;
use crate::codecs::media::frame_data::{check_size, size_problem, with_scaler, FrameData, MAX_PIXELS};
use super::info::{self as image_info, Container, Info};
use crate::codecs::tables::pixel_format::by_av;
use super::webp_anim::WebpAnim;
use crate::engine::Backend;
use crate::error::{Error, ErrorKind, Result};
use crate::ffi::codec::{Codec, CodecContext, Opened};
use crate::ffi::format::{ByteSource, Demuxer};
use crate::ffi::jpeg::{self, Subsampling};
use crate::ffi::webp;
use crate::ffi::scale::{self, ImageDesc, PlanesMut};
use crate::ffi::{sys, Frame, Packet, Status};
use std::collections::VecDeque;
use std::sync::{Arc, RwLock, RwLockReadGuard};

/// [[encoded data]]: one buffer that only grows, shared with the demuxers reading it (appending
/// never copies what is there; a demuxer sees each byte as it arrives). The worker thread is the
/// only writer and reader, so the lock is never contended.
#[derive(Default, Clone)]
struct Bytes(Arc<RwLock<Vec<u8>>>);

impl Bytes {
    fn read(&self) -> RwLockReadGuard<'_, Vec<u8>> {
        self.0.read().unwrap_or_else(|e| e.into_inner())
    }
    fn append(&self, d: Vec<u8>) -> Result<()> {
        let mut v = self.0.write().unwrap_or_else(|e| e.into_inner());
        if v.is_empty() {
            *v = d; // the first chunk (or a whole BufferSource): no second copy
        } else {
            v.try_reserve(d.len()).map_err(|_| Error::encoding(format!("ImageDecoder: out of memory: could not grow the encoded data to {} bytes", v.len() + d.len())))?;
            v.extend_from_slice(&d);
        }
        Ok(())
    }
    fn shrink(&self) {
        self.0.write().unwrap_or_else(|e| e.into_inner()).shrink_to_fit();
    }
    fn source(&self) -> Arc<dyn ByteSource> {
        self.0.clone()
    }
}

#[derive(Clone, Debug)]
pub struct ImageConfig {
    pub mime: String,
    pub desired: Option<(u32, u32)>,
    /// colorSpaceConversion 'default' (true): an embedded ICC profile is applied (pixels converted
    /// to sRGB); 'none' (false): profiles are ignored and the decoded samples are output as they
    /// are (a YUV JPEG stays YUV).
    pub convert_color: bool,
    /// [[prefer animation]]: None when preferAnimation was not given.
    pub prefer_animation: Option<bool>,
}

impl Default for ImageConfig {
    fn default() -> Self {
        ImageConfig { mime: String::new(), desired: None, convert_color: true, prefer_animation: None }
    }
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
/// A JPEG's Y'CbCr as `color_of` names FFmpeg's JPEG frames: BT.601 (bt470bg), full range, sRGB.
const JPEG_YUV: ColorOut = ColorOut { primaries: "bt709", transfer: "iec61966-2-1", matrix: "bt470bg", full_range: true };
/// A lossy WebP's Y'CbCr (VP8) as `color_of` names FFmpeg's VP8 frames: BT.601, limited range.
const VP8_YUV: ColorOut = ColorOut { primaries: "bt709", transfer: "bt709", matrix: "bt470bg", full_range: false };

pub enum ImageOutput {
    Tracks { tracks: Vec<TrackInfo>, selected: i32, complete: bool },
    /// `complete` false: a progressive partial decode (ImageDecodeResult.complete).
    Frame { id: u64, data: FrameData, timestamp: i64, duration: Option<i64>, rotation: u32, flip: bool, color: ColorOut, complete: bool },
    DecodeError { id: u64, error: Error },
}

/// Sequential decoding state over the shared, growing bytes.
enum Cursor2 {
    Ff(FfCursor),
    Webp(WebpAnim),
}

struct FfCursor {
    demux: Demuxer,
    stream: usize,
    dec: CodecContext<Opened>,
    tb: (i32, i32),
    next: u32,
    draining: bool,
    starved: bool,
}

struct Decoded {
    data: FrameData,
    timestamp: i64,
    duration: Option<i64>,
    color: ColorOut,
}

/// The tracks of an AVIF file, in order: the primary item (a still image), then the image sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AvifTrack {
    Item,
    Sequence,
}

#[derive(Default)]
pub struct ImageDecoderBackend {
    container: Option<Container>,
    cfg: Option<ImageConfig>,
    bytes: Bytes,
    parser: Option<image_info::Parser>,
    complete: bool,
    info: Info,
    /// AVIF: the boxes, once the header is complete.
    avif: Option<image_info::AvifLayout>,
    /// [[internal selected track index]] (0 for the one-track containers).
    track: usize,
    sent: Option<(Vec<TrackInfo>, bool)>,
    pending: VecDeque<(u64, u32, bool)>,
    cursor: Option<Cursor2>,
    orientation: (u32, bool),
    failed: bool,
    /// [[progressive frame generations]]: frame index → the generation last output for it.
    generations: std::collections::HashMap<u32, u32>,
    /// libjpeg-turbo's decompressor, made at the first JPEG decode and reused by the next ones.
    tj: Option<jpeg::Decompressor>,
}

/// Get Default Selected Track Index (with trackList): `animated[i]` is track i's [[animated]];
/// `primary` the Primary Image Track's position when the data identifies one.
pub fn default_track(animated: &[bool], primary: Option<usize>, prefer: Option<bool>) -> usize {
    // 1. The data identifies a Primary Image Track:
    if let Some(p) = primary.filter(|&p| p < animated.len()) {
        // 1.3 [[prefer animation]] null → primaryTrackIndex; 1.4 equal to its animated → the same.
        if prefer.is_none_or(|want| animated[p] == want) {
            return p;
        }
    }
    // 2. The earliest track whose animated equals [[prefer animation]].
    if let Some(i) = prefer.and_then(|want| animated.iter().position(|&a| a == want)) {
        return i;
    }
    // 3.
    0
}

fn demuxer_name(c: Container, animated: bool) -> &'static str {
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
    let (_, _, prim, trc) = frame.color();
    // An unnamed or `rgb` matrix on YUV pixels: BT.601, FFmpeg's default for images.
    let matrix = color_names::matrix_name(space).filter(|m| *m != "rgb").unwrap_or("smpte170m");
    // The primaries and transfer the bitstream declares (AVIF nclx, …); unspecified ones are sRGB's.
    use sys::AVColorPrimaries as P;
    use sys::AVColorTransferCharacteristic as Tr;
    let primaries = match prim {
        P::AVCOL_PRI_SMPTE240M => "smpte170m",
        p => color_names::primaries_name(p).unwrap_or("bt709"),
    };
    let transfer = match trc {
        Tr::AVCOL_TRC_BT2020_10 | Tr::AVCOL_TRC_BT2020_12 => "smpte170m",
        t => color_names::transfer_name(t).unwrap_or(if full { "iec61966-2-1" } else { "bt709" }),
    };
    ColorOut { primaries, transfer, matrix, full_range: full }
}

/// colorSpaceConversion 'default': a transform from the frame's embedded ICC profile to sRGB
/// (qcms, Firefox's colour management), or None when there is no profile, it is sRGB already, or
/// it cannot be read (an unreadable profile is ignored, as browsers do).
fn icc_to_srgb(icc: &[u8]) -> Option<qcms::Transform> {
    let input = qcms::Profile::new_from_slice(icc, false)?;
    if input.is_sRGB() {
        return None;
    }
    let mut srgb = qcms::Profile::new_sRGB();
    srgb.precache_output_transform();
    qcms::Transform::new(&input, &srgb, qcms::DataType::RGBA8, qcms::Intent::default())
}

/// Convert any decoded frame to RGBA (size `out`) with swscale, then through `icc` if given.
fn to_rgba(frame: &Frame, out: (u32, u32), icc: Option<&qcms::Transform>) -> Result<FrameData> {
    let fmt = frame.pixel_format().ok_or_else(|| Error::encoding("decoded frame has no pixel format"))?;
    let src = ImageDesc { format: fmt, width: frame.width(), height: frame.height() };
    let dst = ImageDesc { format: sys::AVPixelFormat::AV_PIX_FMT_RGBA, width: out.0, height: out.1 };
    FrameData::new_with("RGBA", out.0, out.1, |bytes, layout| {
        with_scaler(src, dst, scale::BICUBIC | scale::ACCURATE, |s| {
            s.scale_frame(frame, &mut PlanesMut { data: [&mut *bytes, &mut [], &mut [], &mut []], stride: [layout[0].stride, 0, 0, 0] })?;
            Ok(())
        })?;
        if let Some(t) = icc {
            let row = out.0 as usize * 4;
            for line in bytes.chunks_mut(layout[0].stride.max(1)) {
                let n = row.min(line.len());
                t.apply(&mut line[..n]);
            }
        }
        Ok(())
    })
    .map_err(|e| Error::encoding(e.message))
}

/// `src` (planes of the FFmpeg format `format`) resized to `size` as RGBA with swscale.
fn resize_rgba(src: &FrameData, format: sys::AVPixelFormat, size: (u32, u32), flags: i32) -> Result<FrameData> {
    let desc = ImageDesc { format, width: src.width, height: src.height };
    let out = ImageDesc { format: sys::AVPixelFormat::AV_PIX_FMT_RGBA, width: size.0, height: size.1 };
    let planes = src.planes_at(0, 0)?;
    FrameData::new_with("RGBA", size.0, size.1, |dst, l| {
        with_scaler(desc, out, flags, |s| {
            s.scale(&planes, &mut PlanesMut { data: [dst, &mut [], &mut [], &mut []], stride: [l[0].stride, 0, 0, 0] })?;
            Ok(())
        })
    })
    .map_err(|e| Error::encoding(e.message))
}

/// The three planes of a tightly packed planar frame being filled, split at their offsets.
fn split3<'a>(bytes: &'a mut [u8], l: &[crate::codecs::media::frame_data::PlaneLayout]) -> Option<([&'a mut [u8]; 3], [usize; 3])> {
    let (y, rest) = bytes.split_at_mut(l.get(1)?.offset);
    let (u, v) = rest.split_at_mut(l.get(2)?.offset.checked_sub(l[1].offset)?);
    Some(([y, u, v], [l[0].stride, l[1].stride, l[2].stride]))
}

/// The smallest DCT scaling factor (at most 1/1) whose picture still covers `desired`, so the
/// final resize only ever shrinks; 1/1 when none does (or nothing smaller is asked for).
fn jpeg_factor(size: (u32, u32), desired: Option<(u32, u32)>) -> (u32, u32) {
    let Some((dw, dh)) = desired else { return (1, 1) };
    jpeg::scaling_factors()
        .into_iter()
        .filter(|&f| f.0 <= f.1 && jpeg::scaled(size.0, f) >= dw && jpeg::scaled(size.1, f) >= dh)
        .min_by(|a, b| (u64::from(a.0) * u64::from(b.1)).cmp(&(u64::from(b.0) * u64::from(a.1))))
        .unwrap_or((1, 1))
}

/// A decoded FFmpeg frame as the output: kept in its own format where a VideoPixelFormat exists
/// (YUV stays YUV), else RGBA; resized to desiredWidth×desiredHeight; with colorSpaceConversion
/// 'default', an embedded ICC profile is applied (the output is then sRGB RGBA).
fn finish_ff(frame: Frame, ts: i64, dur: i64, animated: bool, desired: Option<(u32, u32)>, convert: bool, icc: Option<&[u8]>) -> Result<Decoded> {
    let fmt = frame.pixel_format();
    // `icc`: a profile the container gives (an AVIF colr property), else the frame's own.
    let icc = if convert { icc.or_else(|| frame.icc_profile()).and_then(icc_to_srgb) } else { None };
    let direct = desired.is_none() && icc.is_none() && fmt.and_then(by_av).is_some();
    let yuv = direct && fmt.and_then(by_av).is_some_and(|f| !f.rgb);
    let color = if icc.is_some() { SRGB } else { color_of(&frame, yuv) };
    let data = if direct {
        FrameData::from_av_frame(frame)?
    } else {
        let size = desired.unwrap_or((frame.width(), frame.height()));
        to_rgba(&frame, size, icc.as_ref())?
    };
    Ok(Decoded { data, timestamp: if animated { ts } else { 0 }, duration: (animated && dur > 0).then_some(dur), color })
}

impl FfCursor {
    fn open(data: Arc<dyn ByteSource>, name: &'static str, c: Container) -> Result<FfCursor> {
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
    fn next_frame(&mut self, complete: bool) -> Result<Option<(Frame, i64, i64)>> {
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

impl ImageDecoderBackend {
    fn avif_tracks(&self) -> Vec<AvifTrack> {
        let Some(l) = &self.avif else { return Vec::new() };
        let mut v = Vec::new();
        if l.primary.is_some() {
            v.push(AvifTrack::Item);
        }
        if l.sequence.is_some() {
            v.push(AvifTrack::Sequence);
        }
        v
    }

    fn selected_avif(&self) -> Option<AvifTrack> {
        self.avif_tracks().get(self.track).copied()
    }

    /// The selected track's [[animated]].
    fn animated(&self) -> bool {
        match self.selected_avif() {
            Some(t) => t == AvifTrack::Sequence,
            None => self.info.animated,
        }
    }

    /// The tracks as the data describes them, and the Primary Image Track's index if any.
    fn track_infos(&self) -> (Vec<TrackInfo>, Option<usize>) {
        if let Some(l) = &self.avif {
            let tracks = self
                .avif_tracks()
                .into_iter()
                .map(|t| match (t, &l.sequence) {
                    (AvifTrack::Sequence, Some(s)) => TrackInfo { animated: true, frame_count: s.frames, repetitions: s.repetitions },
                    _ => TrackInfo { animated: false, frame_count: 1, repetitions: Some(0) },
                })
                .collect();
            // The primary item is the Primary Image Track (track 0 when present).
            return (tracks, l.primary.as_ref().map(|_| 0));
        }
        (vec![TrackInfo { animated: self.info.animated, frame_count: self.frame_count(), repetitions: self.info.repetitions }], None)
    }

    fn frame_count(&self) -> u32 {
        match (self.selected_avif(), self.avif.as_ref().and_then(|l| l.sequence.as_ref())) {
            (Some(AvifTrack::Item), _) => return 1,
            (Some(AvifTrack::Sequence), Some(s)) => return s.frames,
            _ => {}
        }
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
        let (tracks, primary) = self.track_infos();
        if tracks.is_empty() {
            return;
        }
        let now = (tracks, self.complete);
        if self.sent.as_ref() == Some(&now) {
            return;
        }
        // Establish Tracks: Get Default Selected Track Index (later updates keep the selection).
        let prefer = self.cfg.as_ref().and_then(|c| c.prefer_animation);
        let animated: Vec<bool> = now.0.iter().map(|t| t.animated).collect();
        if self.sent.is_none() {
            self.track = default_track(&animated, primary, prefer);
        }
        out.push(ImageOutput::Tracks { tracks: now.0.clone(), selected: self.track as i32, complete: now.1 });
        self.sent = Some(now);
    }

    /// The primary item of an AVIF: its extents gathered into one packet of AV1 OBUs, decoded by
    /// libdav1d configured with the item's av1C (as the VideoDecoder decodes an av01 chunk).
    fn decode_avif_item(&self) -> Result<Decoded> {
        let item = self.avif.as_ref().and_then(|l| l.primary.as_ref()).ok_or_else(|| Error::encoding("AVIF: no primary item"))?;
        let obus = {
            let bytes = self.bytes.read();
            let len = bytes.len() as u64;
            let mut v: Vec<u8> = Vec::new();
            for r in &item.extents {
                let end = if r.end == u64::MAX { len } else { r.end };
                if r.start > end || end > len {
                    return Err(Error::encoding(format!("AVIF: the primary item's data ({}..{}) lies outside the {len}-byte file", r.start, r.end)));
                }
                let n = (end - r.start) as usize;
                if v.len() + n > i32::MAX as usize {
                    return Err(Error::encoding("AVIF: the primary item's data exceeds 2 GiB"));
                }
                v.try_reserve(n).map_err(|_| Error::encoding(format!("AVIF: out of memory for the primary item's {n} bytes")))?;
                v.extend_from_slice(&bytes[r.start as usize..end as usize]);
            }
            v
        };
        let codec = Codec::decoder_by_name("libdav1d").ok_or_else(|| Error::encoding("AVIF: this FFmpeg has no libdav1d decoder"))?;
        let mut ctx = CodecContext::new(codec)?;
        ctx.set_extradata(&item.av1c)?;
        ctx.set_threads(1, false, false);
        // The decoder refuses a sequence header over the frame limits before it allocates.
        ctx.set_max_pixels(MAX_PIXELS as i64);
        let mut dec = ctx.open(&[]).map_err(|e| e.to_error(ErrorKind::Encoding))?;
        let mut pkt = Packet::from_bytes(&obus)?;
        pkt.set_pts(Some(0));
        pkt.set_key(true);
        dec.send_packet(Some(&pkt)).map_err(|e| e.to_error(ErrorKind::Encoding))?;
        dec.send_packet(None).map_err(|e| e.to_error(ErrorKind::Encoding))?;
        let mut frame = Frame::new()?;
        match dec.receive_frame(&mut frame).map_err(|e| e.to_error(ErrorKind::Encoding))? {
            Status::Ready => {}
            _ => return Err(Error::encoding("AVIF: the primary item's AV1 data gave no picture")),
        }
        let cfg = self.cfg.as_ref();
        let convert = cfg.is_none_or(|c| c.convert_color);
        finish_ff(frame, 0, 0, false, cfg.and_then(|c| c.desired), convert, item.icc.as_deref())
    }

    /// Decode frame `index` (whose bytes have arrived, as the parser counts them). Ok(None): the
    /// demuxer wanted bytes past those (it reads ahead): try again when more data arrives.
    fn decode_at(&mut self, index: u32) -> Result<Option<Decoded>> {
        let c = self.container.expect("configured");
        // A desired size over the frame limits is refused before anything is decoded or sized.
        if let Some((w, h)) = self.cfg.as_ref().and_then(|c| c.desired) {
            check_size(ErrorKind::Encoding, "ImageDecoder: desiredWidth×desiredHeight", w.into(), h.into())?;
        }
        if self.selected_avif() == Some(AvifTrack::Item) {
            return self.decode_avif_item().map(Some);
        }
        let animated = self.animated();
        if index == 0 && self.complete && !animated {
            if let Some(d) = self.decode_direct(c) {
                return Ok(Some(d));
            }
        }
        // Both cursors read the shared, growing bytes: they stay valid as data arrives and
        // decoding goes on from where it is (frames are decoded in order; an earlier frame
        // restarts it).
        let stale = match &self.cursor {
            Some(Cursor2::Ff(f)) => f.next > index,
            Some(Cursor2::Webp(w)) => w.next > index,
            None => true,
        };
        if stale {
            self.cursor = None;
            // libwebp + our compositor for animated WebP (FFmpeg 5.1 cannot); FFmpeg's webp
            // decoder for stills (lossy WebP then comes out as I420, as in Chrome).
            let cur = if c == Container::Webp && self.info.animated {
                // The VP8X canvas (refresh() has checked it against the frame limits).
                let (w, h) = self.info.size.ok_or_else(|| Error::encoding("WebP: an animated WebP without a VP8X canvas size"))?;
                Cursor2::Webp(WebpAnim::new(w as u32, h as u32)?)
            } else {
                Cursor2::Ff(FfCursor::open(self.bytes.source(), demuxer_name(c, animated), c)?)
            };
            self.cursor = Some(cur);
        }
        let desired = self.cfg.as_ref().and_then(|c| c.desired);
        let convert = self.cfg.as_ref().is_none_or(|c| c.convert_color);
        let complete = self.complete;
        let cur = self.cursor.as_mut().expect("cursor");
        match cur {
            Cursor2::Ff(f) => loop {
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
            Cursor2::Webp(w) => {
                let mut timing = None;
                {
                    let bytes = self.bytes.read();
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

    /// A complete still JPEG or simple WebP decoded straight by libjpeg-turbo / libwebp into the
    /// output's own format: no demuxer or FFmpeg decoder to set up, no colour conversion (the
    /// samples are those FFmpeg's decoders give, in the same VideoPixelFormat and colour space).
    /// None leaves the picture to the FFmpeg path: another layout (gray, 4:4:0, CMYK, alpha, an
    /// extended WebP), an ICC profile to apply, or data the library refuses.
    fn decode_direct(&mut self, c: Container) -> Option<Decoded> {
        let cfg = self.cfg.as_ref()?;
        let (desired, convert) = (cfg.desired, cfg.convert_color);
        let bytes = self.bytes.read();
        let (data, format, color) = match c {
            Container::Jpeg => {
                if convert && image_info::jpeg_has_icc(&bytes) {
                    return None;
                }
                if self.tj.is_none() {
                    self.tj = jpeg::Decompressor::new().ok();
                }
                let tj = self.tj.as_mut()?;
                let h = tj.header(&bytes).ok().filter(|h| h.ycbcr && size_problem("JPEG size", h.width.into(), h.height.into()).is_none())?;
                use sys::AVPixelFormat::*;
                let (name, format) = match h.subsampling? {
                    Subsampling::S420 => ("I420", AV_PIX_FMT_YUVJ420P),
                    Subsampling::S422 => ("I422", AV_PIX_FMT_YUVJ422P),
                    Subsampling::S444 => ("I444", AV_PIX_FMT_YUVJ444P),
                };
                let factor = jpeg_factor((h.width, h.height), desired);
                let (w, ht) = (jpeg::scaled(h.width, factor), jpeg::scaled(h.height, factor));
                // A desired size: RGBA at the nearest DCT scale at or above it, by libjpeg-turbo
                // itself (its upsampling and conversion), resized only if it is not exact.
                let data = if desired.is_some() {
                    FrameData::new_with("RGBA", w, ht, |buf, l| tj.decode_rgba(&bytes, &h, factor, buf, l[0].stride).map(|_| ()).map_err(Error::encoding))
                } else {
                    FrameData::new_with(name, w, ht, |buf, l| {
                        let (planes, strides) = split3(buf, l).ok_or_else(|| Error::encoding("planar layout"))?;
                        tj.decode_yuv(&bytes, &h, factor, planes, strides).map(|_| ()).map_err(Error::encoding)
                    })
                };
                let format = if desired.is_some() { AV_PIX_FMT_RGBA } else { format };
                (data.ok()?, format, JPEG_YUV)
            }
            Container::Webp => {
                let (w, h) = webp::info(&bytes).filter(|&(w, h)| size_problem("WebP size", w.into(), h.into()).is_none())?;
                match bytes.get(12..16)? {
                    b"VP8 " => {
                        let data = FrameData::new_with("I420", w, h, |buf, l| {
                            let ([y, u, v], strides) = split3(buf, l).ok_or_else(|| Error::encoding("planar layout"))?;
                            webp::decode_yuv_into(&bytes, y, u, v, strides).then_some(()).ok_or_else(|| Error::encoding("libwebp refused the picture"))
                        });
                        (data.ok()?, sys::AVPixelFormat::AV_PIX_FMT_YUV420P, VP8_YUV)
                    }
                    b"VP8L" => {
                        let data = FrameData::new_with("RGBA", w, h, |buf, l| webp::decode_rgba_into(&bytes, buf, l[0].stride).then_some(()).ok_or_else(|| Error::encoding("libwebp refused the picture")));
                        (data.ok()?, sys::AVPixelFormat::AV_PIX_FMT_RGBA, SRGB)
                    }
                    _ => return None,
                }
            }
            _ => return None,
        };
        drop(bytes);
        let (data, color) = match desired {
            Some(size) if (data.width, data.height) == size && data.format.name == "RGBA" => (data, SRGB),
            Some(size) => (resize_rgba(&data, format, size, scale::BICUBIC | scale::ACCURATE).ok()?, SRGB),
            None => (data, color),
        };
        Some(Decoded { data, timestamp: 0, duration: None, color })
    }

    /// Decode Progressive Frame for a progressive JPEG still arriving: the scans received so far,
    /// closed with an EOI marker, decoded to a lower-detail picture.
    fn decode_progressive(&mut self, scans: image_info::JpegScans) -> Result<Decoded> {
        if let Some((w, h)) = self.cfg.as_ref().and_then(|c| c.desired) {
            check_size(ErrorKind::Encoding, "ImageDecoder: desiredWidth×desiredHeight", w.into(), h.into())?;
        }
        let mut partial = Vec::new();
        partial.try_reserve_exact(scans.end + 2).map_err(|_| Error::encoding("out of memory for a partial JPEG"))?;
        {
            let b = self.bytes.read();
            if scans.ended {
                partial.extend_from_slice(&b);
            } else {
                partial.extend_from_slice(&b[..scans.end.min(b.len())]);
                partial.extend_from_slice(&[0xff, 0xd9]);
            }
        }
        let mut cur = FfCursor::open(Arc::new(RwLock::new(partial)), "jpeg_pipe", Container::Jpeg)?;
        let (frame, ts, dur) = cur.next_frame(true)?.ok_or_else(|| Error::encoding("the partial progressive JPEG gave no picture"))?;
        let cfg = self.cfg.as_ref();
        finish_ff(frame, ts, dur, false, cfg.and_then(|c| c.desired), cfg.is_none_or(|c| c.convert_color), None)
    }

    /// The progressive scans of a still JPEG still arriving, when a decode may use them.
    fn progressive_scans(&self, index: u32) -> Option<image_info::JpegScans> {
        if self.complete || index != 0 || self.container != Some(Container::Jpeg) {
            return None;
        }
        image_info::jpeg_progressive_scans(&self.bytes.read())
    }

    /// Answer every pending decode that can be answered now, in order.
    fn answer(&mut self, out: &mut Vec<ImageOutput>) {
        while let Some(&(id, index, complete_only)) = self.pending.front() {
            // decode step 1.2: completeFramesOnly false on a Progressive Image (a progressive JPEG
            // here) → Decode Progressive Frame: answer once a generation above the last one output
            // for this frame has arrived (step 6.1); otherwise wait. Other images, and all images
            // once complete, take Decode Complete Frame (step 1.3).
            if !complete_only {
                if let Some(scans) = self.progressive_scans(index) {
                    let last = self.generations.get(&index).copied().unwrap_or(0);
                    if scans.complete <= last && !scans.ended {
                        break;
                    }
                    self.pending.pop_front();
                    match self.decode_progressive(scans) {
                        Ok(d) => {
                            // 13. Every scan is in (EOI arrived): the final full-detail output,
                            // complete true, the generation entry removed. 14. Otherwise complete
                            // false, and the frame generation recorded.
                            if scans.ended {
                                self.generations.remove(&index);
                            } else {
                                self.generations.insert(index, scans.complete);
                            }
                            out.push(ImageOutput::Frame { id, data: d.data, timestamp: d.timestamp, duration: d.duration, rotation: self.orientation.0, flip: self.orientation.1, color: d.color, complete: scans.ended });
                        }
                        Err(e) => out.push(ImageOutput::DecodeError { id, error: Error::encoding(e.message) }),
                    }
                    continue;
                }
            }
            if index < self.available() && self.truncated(index) {
                self.pending.pop_front();
                out.push(ImageOutput::DecodeError { id, error: Error::encoding("ImageDecoder.decode: the image data is truncated (its end marker is missing)") });
            } else if index < self.available() {
                let result = self.decode_at(index);
                if let Ok(None) = result {
                    // The demuxer read ahead past the data: wait for more (a fresh cursor then).
                    self.cursor = None;
                    break;
                }
                self.pending.pop_front();
                match result {
                    Ok(None) => {}
                    Ok(Some(d)) => {
                        // Decode Complete Frame step 9 / Decode Progressive Frame step 13.2.
                        self.generations.remove(&index);
                        out.push(ImageOutput::Frame { id, data: d.data, timestamp: d.timestamp, duration: d.duration, rotation: self.orientation.0, flip: self.orientation.1, color: d.color, complete: true });
                    }
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
        let parser = self.parser.get_or_insert_with(|| image_info::Parser::new(c));
        let bytes = self.bytes.read();
        self.info = parser.feed(&bytes);
        // A header claiming a picture over the frame limits is bad data: refused before any
        // decoder (FFmpeg or libwebp) sizes a buffer by it.
        let claimed = [("picture size", self.info.size), ("frame size", self.info.largest_frame)];
        if let Some(m) = claimed.iter().find_map(|(what, s)| s.and_then(|(w, h)| size_problem(what, w, h))) {
            self.failed = true;
            let mime = self.cfg.as_ref().map_or("", |c| c.mime.as_str());
            return Err(Error::encoding(format!("ImageDecoder: bad {mime} header: {m}")));
        }
        if c == Container::Jpeg && self.orientation == (0, false) {
            if let Some(o) = image_info::jpeg_orientation(&bytes) {
                self.orientation = image_info::orientation_to_rotation_flip(o);
            }
        }
        if c == Container::Avif && self.info.header && self.avif.is_none() {
            let l = image_info::avif_layout(&bytes);
            if l.primary.is_none() && l.sequence.is_none() {
                self.failed = true;
                return Err(Error::encoding(format!("ImageDecoder: the AVIF has no decodable track: {}", l.primary_problem.as_deref().unwrap_or("no primary item and no image sequence"))));
            }
            self.avif = Some(l);
        }
        drop(bytes);
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
                self.bytes.append(d)?;
                self.refresh(out)
            }
            ImageItem::End => {
                self.complete = true;
                self.bytes.shrink();
                self.refresh(out)
            }
            ImageItem::Decode { id, index, complete_only } => {
                self.pending.push_back((id, index, complete_only));
                self.answer(out);
                Ok(())
            }
            // update the internal selected track index: 1.1 [[internal selected track index]] =
            // the index; 1.2 empty [[progressive frame generations]]. Decoding then reads the
            // newly selected track from its start.
            ImageItem::Track(i) => {
                self.track = i as usize;
                self.cursor = None;
                self.generations.clear();
                Ok(())
            }
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
        crate::codecs::release_memory_when_idle();
    }

    /// Rate-limited like `idle` (not the unconditional release the codecs' teardown does): a loop
    /// of one ImageDecoder per image would otherwise empty the buffer pool and trim the heap at
    /// every close, and each next picture would fault its pages in afresh (a third of the CPU a
    /// 1080p JPEG decode takes). RSS still follows live memory within a second.
    fn teardown(self) {
        drop(self);
        crate::codecs::release_memory_when_idle();
    }
}

#[cfg(test)]
mod tests {
    use super::default_track;

    /// CPU seconds (user + sys) of this thread so far, from /proc/thread-self/stat (10 ms ticks).
    fn thread_cpu() -> f64 {
        let s = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
        let f: Vec<&str> = s.rsplit(") ").next().unwrap_or("").split(' ').collect();
        let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        (tick(11) + tick(12)) / 100.0
    }

    /// The ceiling bench/images.js prints (not a test): the libraries alone on one thread, no
    /// ImageDecoder around them — libjpeg-turbo to planar YUV (`NWC_CEILING_JPEG`, a 4:2:0 file)
    /// and libwebp to planar YUV (`NWC_CEILING_WEBP`, a simple lossy file), into one reused
    /// buffer, `NWC_CEILING_N` (default 100) decodes each; prints CPU and wall ms per image.
    #[test]
    #[ignore]
    fn bench_library_ceiling() {
        use crate::ffi::{jpeg, webp};
        use std::time::Instant;
        let n: usize = std::env::var("NWC_CEILING_N").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
        let report = |what: &str, f: &mut dyn FnMut()| {
            f();
            let (c0, t0) = (thread_cpu(), Instant::now());
            for _ in 0..n {
                f();
            }
            let (cpu, wall) = ((thread_cpu() - c0) * 1000.0 / n as f64, t0.elapsed().as_secs_f64() * 1000.0 / n as f64);
            println!("CEILING {what}: {cpu:.2} ms CPU, {wall:.2} ms wall per image");
        };
        if let Ok(path) = std::env::var("NWC_CEILING_JPEG") {
            let bytes = std::fs::read(path).expect("JPEG file");
            let mut d = jpeg::Decompressor::new().expect("handle");
            let h = d.header(&bytes).expect("header");
            assert_eq!(h.subsampling, Some(jpeg::Subsampling::S420));
            let (w, ht) = (h.width as usize, h.height as usize);
            let (cw, ch) = (w.div_ceil(2), ht.div_ceil(2));
            let (mut y, mut u, mut v) = (vec![0u8; w * ht], vec![0u8; cw * ch], vec![0u8; cw * ch]);
            report("libjpeg-turbo to planar YUV", &mut || {
                d.decode_yuv(&bytes, &h, (1, 1), [&mut y, &mut u, &mut v], [w, cw, cw]).expect("decode");
            });
        }
        if let Ok(path) = std::env::var("NWC_CEILING_WEBP") {
            let bytes = std::fs::read(path).expect("WebP file");
            let (w, h) = webp::info(&bytes).expect("info");
            let (w, h) = (w as usize, h as usize);
            let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
            let (mut y, mut u, mut v) = (vec![0u8; w * h], vec![0u8; cw * ch], vec![0u8; cw * ch]);
            report("libwebp to planar YUV", &mut || {
                assert!(webp::decode_yuv_into(&bytes, &mut y, &mut u, &mut v, [w, cw, cw]));
            });
        }
    }

    #[test]
    fn default_selected_track_index() {
        // One still track: index 0 whatever is preferred.
        for prefer in [None, Some(true), Some(false)] {
            assert_eq!(default_track(&[false], None, prefer), 0);
        }
        // A still primary item and an animated sequence (AVIF), primary first.
        let tracks = [false, true];
        assert_eq!(default_track(&tracks, Some(0), None), 0, "no preference: the primary track");
        assert_eq!(default_track(&tracks, Some(0), Some(false)), 0, "the primary matches");
        assert_eq!(default_track(&tracks, Some(0), Some(true)), 1, "the earliest animated track");
        // No primary named: the earliest track matching, else 0.
        assert_eq!(default_track(&[true, false, false], None, Some(false)), 1);
        assert_eq!(default_track(&[false, false], None, Some(true)), 0);
        // A primary index out of range is ignored.
        assert_eq!(default_track(&tracks, Some(5), None), 0);
    }
}
