//! codecs layer: the ImageDecoder backend. Encoded bytes accumulate in one buffer (the whole file
//! at most); frame counts come from the pure container parsers in `image_info`; frames are decoded
//! on demand, sequentially (`cursor`), by FFmpeg (PNG/APNG, GIF, AVIF, BMP, and the JPEG/WebP
//! stills the direct path leaves) or, for animated WebP (which FFmpeg 5.1 cannot decode), by
//! libwebp per frame composited in `webp_anim`. Complete still JPEGs and simple still WebPs go
//! straight to libjpeg-turbo and libwebp (`direct`). AVIF: the primary item (a still) is located
//! by `image_info::avif_layout` and its AV1 OBUs go to libdav1d with the item's av1C (`direct`);
//! an image sequence (`moov`) is a second track, decoded through FFmpeg's mov demuxer. `output`
//! makes a decoded picture the output (its format, size and colour space). Decode requests for
//! frames that have not arrived wait.
//!
//! This file is the session: the bytes, the tracks, the pending decodes, and `impl Backend`.
mod cursor;
mod direct;
mod output;

use super::info::{self as image_info, Container, Info};
use super::webp_anim::WebpAnim;
use crate::codecs::media::color_space::VideoColorSpace;
use crate::codecs::media::frame_data::{check_size, size_problem, FrameData};
use crate::engine::Backend;
use crate::error::{Error, ErrorKind, Result};
use crate::ffi::format::ByteSource;
use crate::ffi::jpeg;
use cursor::{demuxer_name, FfCursor, FrameCursor};
use output::{finish_ff, Decoded};
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

pub enum ImageOutput {
    Tracks { tracks: Vec<TrackInfo>, selected: i32, complete: bool },
    /// `complete` false: a progressive partial decode (ImageDecodeResult.complete).
    Frame { id: u64, data: FrameData, timestamp: i64, duration: Option<i64>, rotation: u32, flip: bool, color: VideoColorSpace, complete: bool },
    DecodeError { id: u64, error: Error },
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
    cursor: Option<FrameCursor>,
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

    /// Decode frame `index` (whose bytes have arrived, as the parser counts them). Ok(None): the
    /// demuxer wanted bytes past those (it reads ahead): try again when more data arrives.
    fn decode_at(&mut self, index: u32) -> Result<Option<Decoded>> {
        let c = self.container.expect("configured");
        // A desired size over the frame limits is refused before anything is decoded or sized.
        if let Some((w, h)) = self.cfg.as_ref().and_then(|c| c.desired) {
            check_size(ErrorKind::Encoding, "ImageDecoder: desiredWidth×desiredHeight", w.into(), h.into())?;
        }
        if self.selected_avif() == Some(AvifTrack::Item) {
            let item = self.avif.as_ref().and_then(|l| l.primary.as_ref()).ok_or_else(|| Error::encoding("AVIF: no primary item"))?;
            return direct::decode_avif_item(item, &self.bytes, self.cfg.as_ref()).map(Some);
        }
        let animated = self.animated();
        if index == 0 && self.complete && !animated {
            if let Some(d) = direct::decode_still(c, self.cfg.as_ref(), &self.bytes, &mut self.tj) {
                return Ok(Some(d));
            }
        }
        // Both cursors read the shared, growing bytes: they stay valid as data arrives and
        // decoding goes on from where it is (frames are decoded in order; an earlier frame
        // restarts it).
        let stale = self.cursor.as_ref().is_none_or(|cur| cur.next() > index);
        if stale {
            self.cursor = None;
            // libwebp + our compositor for animated WebP (FFmpeg 5.1 cannot); FFmpeg's webp
            // decoder for stills (lossy WebP then comes out as I420, as in Chrome).
            let cur = if c == Container::Webp && self.info.animated {
                // The VP8X canvas (refresh() has checked it against the frame limits).
                let (w, h) = self.info.size.ok_or_else(|| Error::encoding("WebP: an animated WebP without a VP8X canvas size"))?;
                FrameCursor::AnimatedWebp(WebpAnim::new(w as u32, h as u32)?)
            } else {
                FrameCursor::Ffmpeg(FfCursor::open(self.bytes.source(), demuxer_name(c, animated), c)?)
            };
            self.cursor = Some(cur);
        }
        let desired = self.cfg.as_ref().and_then(|c| c.desired);
        let convert = self.cfg.as_ref().is_none_or(|c| c.convert_color);
        let complete = self.complete;
        let cur = self.cursor.as_mut().expect("cursor");
        cur.decode(index, &self.bytes, complete, animated, desired, convert)
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
