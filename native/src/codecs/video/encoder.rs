//! codecs layer: the VideoEncoder backend — one pipeline (convert → encode → package) for every
//! codec, driven by a per-codec table of settings (`encoder_settings.rs`, `plan`): H.264 (libx264), HEVC (libx265), VP8
//! and VP9 (libvpx), AV1 (libaom). Per-frame metadata travels as the frame's sequence number
//! (pts); the only side table maps in-flight sequence numbers to (timestamp, duration, temporal
//! layer), is bounded by the encoder's delay and is emptied by flush and reset.
use super::encoder_settings::{default_bitrate, layer_flags, plan, row, Bitstream, Family, Plan};
use super::{h264, hevc};
use crate::codecs::media::color_space::{VideoColorPrimaries, VideoColorSpace, VideoMatrixCoefficients, VideoTransferCharacteristics};
use crate::codecs::media::frame_data::{with_scaler, FrameData};
use crate::engine::Backend;
use crate::error::{Error, ErrorKind, Result};
use crate::ffi::codec::{CodecContext, Opened};
use crate::ffi::scale::{self, ImageDesc};
use crate::ffi::{sys, FramePool, Packet, Status};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BitrateMode {
    Constant,
    Variable,
    Quantizer,
}

#[derive(Clone, Debug)]
pub struct EncoderConfig {
    pub codec: String,
    pub width: u32,
    pub height: u32,
    pub display_width: u32,
    pub display_height: u32,
    pub bitrate: Option<u64>,
    pub framerate: Option<f64>,
    pub bitrate_mode: BitrateMode,
    pub realtime: bool,
    /// Annex B output (`avc.format` / `hevc.format` 'annexb') instead of length-prefixed NAL units.
    pub annexb: bool,
    pub alpha_keep: bool,
    pub scalability_mode: Option<String>,
    pub prefer_hardware: bool,
    pub content_hint: Option<String>,
    /// Non-standard opt-in (`bFrames`, H.264/HEVC only): most consecutive B-frames. 0 (the
    /// default) keeps chunks in presentation order, as Chrome's encoders emit them.
    pub b_frames: u8,
    /// Non-standard opt-in (`lookahead`, H.264/HEVC only): frames of rate-control lookahead, with
    /// frame threads as many as the cores allow. 0 (the default) holds at most one frame
    /// (`latencyMode` 'quality') or none ('realtime'), as Chrome's encoders.
    pub lookahead: u8,
}

/// The colour space of an encoded stream, every member known: what the encoder signals
/// (H.264/HEVC VUI, AV1 colour config, VP9 colour space and range; nothing in VP8) and what
/// decoderConfig.colorSpace reports. The first frame of a configuration decides it, as Chrome
/// does: a YUV frame is encoded as it is and the stream takes its colour space (`c`, the frame's).
/// RGB input is converted into REC709 (README "Colour of encoded frames"), and a YUV frame whose
/// matrix no encoder can signal (`rgb`) too. YUV with a matrix the encoders signal (bt709,
/// bt470bg, smpte170m, bt2020-ncl; null is bt709, the spec's REC709 default) keeps its colour;
/// null members are filled from the matrix: primaries the matrix's own (bt2020-ncl → bt2020),
/// transfer bt709 for bt709 and bt2020-ncl (BT.2020's SDR curve is BT.709's) and smpte170m for
/// the BT.601 matrices, fullRange false.
pub fn stream_color(c: &VideoColorSpace, rgb: bool) -> VideoColorSpace {
    use VideoColorPrimaries as P;
    use VideoMatrixCoefficients as M;
    use VideoTransferCharacteristics as T;
    if rgb {
        return VideoColorSpace::REC709;
    }
    let matrix = match c.matrix {
        None => M::Bt709,
        Some(M::Rgb) => return VideoColorSpace::REC709,
        Some(m) => m,
    };
    let own = match matrix {
        M::Bt2020Ncl => (P::Bt2020, T::Bt709),
        M::Bt470bg => (P::Bt470bg, T::Smpte170m),
        M::Smpte170m => (P::Smpte170m, T::Smpte170m),
        M::Bt709 | M::Rgb => (P::Bt709, T::Bt709),
    };
    VideoColorSpace {
        primaries: Some(c.primaries.unwrap_or(own.0)),
        transfer: Some(c.transfer.unwrap_or(own.1)),
        matrix: Some(matrix),
        full_range: Some(c.full_range.unwrap_or(false)),
    }
}

pub struct EncodeItem {
    pub frame: Arc<FrameData>,
    /// visibleRect (x, y, width, height) of the VideoFrame.
    pub visible: (u32, u32, u32, u32),
    pub timestamp: i64,
    pub duration: Option<i64>,
    pub key_frame: bool,
    pub quantizer: Option<u8>,
    pub color: VideoColorSpace,
    /// The frame's [[rotation]] (0/90/180/270) and [[flip]] (carried into decoderConfig).
    pub rotation: u16,
    pub flip: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DecoderConfigOut {
    pub codec: String,
    pub coded_width: u32,
    pub coded_height: u32,
    pub display_aspect_width: u32,
    pub display_aspect_height: u32,
    pub description: Option<Vec<u8>>,
    pub rotation: u16,
    pub flip: bool,
    /// decoderConfig.colorSpace: the stream's colour space ([`stream_color`]).
    pub color: VideoColorSpace,
}

pub use crate::codecs::ChunkBytes;

pub struct EncodedChunk {
    pub data: ChunkBytes,
    pub key: bool,
    pub timestamp: i64,
    pub duration: Option<i64>,
    pub decoder_config: Option<DecoderConfigOut>,
    /// metadata.svc.temporalLayerId (Some only when scalabilityMode has temporal layers).
    pub temporal_layer: Option<u8>,
    /// metadata.alphaSideData: the alpha plane's own bitstream (VP8/VP9 with alpha 'keep').
    pub alpha_side_data: Option<Vec<u8>>,
}

/// Most frames an encoder may hold before its side table is a bug (x264's lookahead is ≤ 250).
const MAX_IN_FLIGHT: usize = 1024;


/// In-flight frame data (by sequence number) until its packet comes out.
struct InFlight {
    timestamp: i64,
    duration: Option<i64>,
    layer: Option<u8>,
}

struct Active {
    ctx: CodecContext<Opened>,
    plan: Plan,
    in_flight: HashMap<i64, InFlight>,
    /// Frames given to this context (positions in the temporal layer pattern).
    sent: u64,
    /// The first packet of a context carries the decoderConfig (JS drops an unchanged one).
    sent_config: bool,
    /// The orientation of the first frame of this configuration.
    orientation: Option<(u16, bool)>,
    /// The colour properties this context was opened with.
    color: VideoColorSpace,
}

#[derive(Default)]
pub struct VideoEncoderBackend {
    cfg: Option<EncoderConfig>,
    active: Option<Active>,
    /// After a flush: the drained encoder is freed at once — holding
    /// it (lookahead and reference buffers) until the next frame kept a whole encoder's memory per
    /// flush cycle — and this keeps the configuration's orientation for the reopen.
    after_drain: Option<Option<(u16, bool)>>,
    /// The stream's colour space: decided by the first frame of a configuration (None before it).
    stream_color: Option<VideoColorSpace>,
    pool: Option<FramePool>,
    seq: i64,
}

/// Validate and open once (isConfigSupported).
pub fn check_support(cfg: &EncoderConfig) -> Result<()> {
    open(cfg, DEFAULT_QP, VideoColorSpace::REC709).map(|_| ())
}

/// The quantizer used in 'quantizer' mode when a frame gives none.
const DEFAULT_QP: u8 = 23;

/// Open the encoder for `cfg` (`qp` is the constant quantizer of 'quantizer' mode) signalling `color`.
fn open(cfg: &EncoderConfig, qp: u8, color: VideoColorSpace) -> Result<Active> {
    let p = plan(cfg, qp)?;
    let mut ctx = CodecContext::new(p.codec)?;
    ctx.set_video(cfg.width, cfg.height, p.pix_fmt);
    ctx.set_time_base(p.time_base.0, p.time_base.1);
    ctx.set_framerate(p.time_base.1, p.time_base.0);
    ctx.set_threads(p.threads.count, p.threads.frame, p.threads.slice);
    ctx.set_global_header(p.bitstream == Bitstream::LengthPrefixed);
    if let Some(l) = p.level {
        ctx.set_level(l);
    }
    // No B-frames unless the non-standard `bFrames` opt-in asks (H.264/HEVC).
    let b = if matches!(p.family, Family::Avc | Family::Hevc) { cfg.b_frames as i32 } else { 0 };
    ctx.set_max_b_frames(b);
    let fps = p.time_base.1 as f64 / p.time_base.0 as f64;
    match (cfg.bitrate_mode, p.family) {
        (BitrateMode::Quantizer, Family::Vp8 | Family::Vp9 | Family::Av1) => {
            let q = p.qp.unwrap_or(DEFAULT_QP) as i32;
            ctx.set_qrange(q, q);
        }
        (BitrateMode::Quantizer, _) => {}
        (mode, family) => {
            let needs_rate = family == Family::Vp8 || !p.layers.is_empty();
            if let Some(b) = cfg.bitrate.or_else(|| needs_rate.then(|| default_bitrate(cfg, fps))) {
                ctx.set_bit_rate(b as i64);
                if mode == BitrateMode::Constant {
                    ctx.set_rate_control(b as i64, b.min(i32::MAX as u64) as i32);
                    ctx.set_min_rate(b as i64);
                }
            }
        }
    }
    if cfg.realtime && matches!(p.family, Family::Avc | Family::Hevc) {
        ctx.set_gop(10 * 60 * 30, b);
    }
    // The encoders read the colour properties at open only (libvpx VP8 has none to write).
    let (range, space, primaries, trc) = color.av();
    ctx.set_color(range, space, primaries, trc);
    let name = row(p.family).encoder;
    let ctx = ctx.open(&p.options).map_err(|e| Error::not_supported(format!("VideoEncoder: {name} refused the configuration: {}", e.to_error(ErrorKind::NotSupported).message)))?;
    Ok(Active { ctx, plan: p, in_flight: HashMap::new(), sent: 0, sent_config: false, orientation: None, color })
}

impl VideoEncoderBackend {
    fn decoder_config(a: &Active, cfg: &EncoderConfig) -> Result<DecoderConfigOut> {
        let p = &a.plan;
        let description = match (p.bitstream, p.family) {
            (Bitstream::LengthPrefixed, Family::Avc) => Some(h264::avcc_from_annexb(a.ctx.extradata(), p.chroma_idc, p.bit_depth).ok_or_else(|| Error::encoding("libx264 produced no SPS/PPS global header"))?),
            (Bitstream::LengthPrefixed, _) => Some(hevc::hvcc_from_annexb(a.ctx.extradata(), p.chroma_idc, p.bit_depth).ok_or_else(|| Error::encoding("libx265 produced no VPS/SPS/PPS global header"))?),
            (Bitstream::AsIs, _) => None,
        };
        let (rotation, flip) = a.orientation.unwrap_or((0, false));
        Ok(DecoderConfigOut {
            codec: cfg.codec.clone(),
            coded_width: cfg.width,
            coded_height: cfg.height,
            display_aspect_width: cfg.display_width,
            display_aspect_height: cfg.display_height,
            description,
            rotation,
            flip,
            color: a.color,
        })
    }

    fn drain(&mut self, out: &mut Vec<EncodedChunk>) -> Result<Status> {
        let cfg = self.cfg.as_ref().ok_or_else(|| Error::new(ErrorKind::InvalidState, "VideoEncoder: not configured"))?;
        let Some(a) = self.active.as_mut() else { return Ok(Status::Eof) };
        loop {
            let mut pkt = Packet::new()?;
            match a.ctx.receive_packet(&mut pkt)? {
                Status::Ready => {}
                s => return Ok(s),
            }
            let seq = pkt.pts().ok_or_else(|| Error::encoding("the encoder returned a packet without a timestamp"))?;
            let f = a.in_flight.remove(&seq).ok_or_else(|| Error::encoding(format!("the encoder returned a packet for unknown frame {seq}")))?;
            let key = pkt.is_key();
            let alpha_side_data = pkt.block_additional().map(<[u8]>::to_vec);
            let data = match a.plan.bitstream {
                Bitstream::LengthPrefixed => ChunkBytes::Owned(h264::annexb_to_avc(pkt.data())),
                Bitstream::AsIs => ChunkBytes::Packet(pkt),
            };
            let decoder_config = if a.sent_config { None } else { Some(Self::decoder_config(a, cfg)?) };
            a.sent_config = true;
            out.push(EncodedChunk { data, key, timestamp: f.timestamp, duration: f.duration, decoder_config, temporal_layer: f.layer, alpha_side_data });
        }
    }

    /// Put the item's visible rect, scaled/converted, into a pooled frame of the encoder's format
    /// in the stream's colour `sc`.
    fn prepare(&mut self, item: &EncodeItem, fmt: sys::AVPixelFormat, sc: VideoColorSpace) -> Result<crate::ffi::Frame> {
        let cfg = self.cfg.as_ref().ok_or_else(|| Error::new(ErrorKind::InvalidState, "VideoEncoder: not configured"))?;
        if !self.pool.as_ref().is_some_and(|p| p.matches(fmt, cfg.width, cfg.height)) {
            self.pool = Some(FramePool::new(fmt, cfg.width, cfg.height)?);
        }
        let mut frame = self.pool.as_ref().ok_or_else(|| Error::encoding("no frame pool"))?.get()?;
        let (x, y, w, h) = item.visible;
        let src = item.frame.planes_at(x, y)?;
        let src_fmt = item.frame.format;
        // Plane copy only when nothing needs converting: the encoder's format at the configured
        // size, YUV with the stream's matrix and range; otherwise swscale converts (RGB → YUV,
        // repacking, scaling, or another matrix/range into the stream's). Primaries and transfer
        // are not converted (swscale has no gamut mapping): a later frame with other primaries
        // is encoded as if it had the stream's.
        let src_m = item.color.sws_matrix();
        let src_full = if src_fmt.rgb { true } else { item.color.full_range.unwrap_or(false) };
        let (dst_m, dst_full) = (sc.sws_matrix(), sc.full_range.unwrap_or(false));
        let same_color = !src_fmt.rgb && src_m == dst_m && src_full == dst_full;
        let same_format = src_fmt.av == Some(fmt) || (src_fmt.without_alpha().av == Some(fmt));
        if same_format && w == cfg.width && h == cfg.height && same_color {
            for p in 0..crate::ffi::frame::plane_count(fmt) {
                let rows = src_fmt.rows(p, h);
                let row = src_fmt.row_bytes(p, w);
                let ls = frame.linesize(p);
                let dst = frame.plane_mut(p).ok_or_else(|| Error::encoding("pooled frame is not writable"))?;
                for r in 0..rows {
                    dst[r * ls..r * ls + row].copy_from_slice(&src.data[p][r * src.stride[p]..r * src.stride[p] + row]);
                }
            }
        } else if super::rgb_to_yuv::applies(src_fmt, fmt, (w, h), (cfg.width, cfg.height)) {
            // Packed RGB to I420 at the same size: integer math, ~5× faster than swscale (rgb_to_yuv.rs).
            super::rgb_to_yuv::into_frame(&src, src_fmt, &mut frame, dst_m, dst_full)?;
        } else {
            let src_desc = item.frame.image_desc(w, h)?;
            let dst_desc = ImageDesc { format: fmt, width: cfg.width, height: cfg.height };
            with_scaler(src_desc, dst_desc, scale::BICUBIC, |s| {
                s.set_colorspace(src_m, src_full, dst_m, dst_full)?;
                s.scale_into_frame(&src, &mut frame)?;
                Ok(())
            })
            .map_err(|e| if e.kind == ErrorKind::NotSupported { Error::not_supported(format!("VideoEncoder: cannot convert {} frames: {}", src_fmt.name, e.message)) } else { e })?;
        }
        let (range, space, primaries, trc) = sc.av();
        frame.set_color(range, space, primaries, trc);
        Ok(frame)
    }
}

impl Backend for VideoEncoderBackend {
    type Config = EncoderConfig;
    type Item = EncodeItem;
    type Output = EncodedChunk;

    fn configure(&mut self, cfg: EncoderConfig, out: &mut Vec<EncodedChunk>) -> Result<()> {
        // A reconfigure first delivers what the previous configuration still holds.
        if self.active.is_some() {
            self.flush(out)?;
        }
        self.active = None;
        self.after_drain = None;
        // The next frame decides the new configuration's colour space; until then the encoder is
        // open with REC709 (reopened at that frame if it decides another).
        self.stream_color = None;
        let a = open(&cfg, DEFAULT_QP, VideoColorSpace::REC709)?;
        self.active = Some(a);
        self.cfg = Some(cfg);
        Ok(())
    }

    fn push(&mut self, item: EncodeItem, out: &mut Vec<EncodedChunk>) -> Result<()> {
        let not_configured = || Error::new(ErrorKind::InvalidState, "VideoEncoder: not configured");
        let quantizer_mode = self.cfg.as_ref().ok_or_else(not_configured)?.bitrate_mode == BitrateMode::Quantizer;
        // No encoder here changes its constant quantizer in place through FFmpeg 5.1 (libx264's
        // reconfig ignores it; libx265, libvpx and libaom read it at open only), so a new
        // per-frame quantizer drains the encoder and reopens it at that quantizer: the next chunk
        // is then a key chunk.
        let qp_max = self.active.as_ref().map_or(63, |a| row(a.plan.family).qp_max);
        let want_qp = quantizer_mode.then(|| item.quantizer.unwrap_or(DEFAULT_QP).min(qp_max));
        let qp_changed = want_qp.is_some() && self.active.as_ref().is_some_and(|a| a.plan.qp != want_qp);
        // The first frame of a configuration decides the stream's colour space. The encoder reads
        // its colour properties at open only, so one opened with others is reopened; at the first
        // frame it has been given nothing (flushed first all the same if it ever had been).
        let color = *self.stream_color.get_or_insert_with(|| stream_color(&item.color, item.frame.format.rgb));
        let color_changed = self.active.as_ref().is_some_and(|a| a.color != color);
        let fed = self.active.as_ref().is_some_and(|a| a.sent_config || !a.in_flight.is_empty());
        if qp_changed || (color_changed && fed) {
            self.flush(out)?;
        }
        if qp_changed || color_changed || self.active.is_none() {
            let orientation = self.active.as_ref().and_then(|a| a.orientation).or(self.after_drain.take().flatten());
            self.active = None;
            let cfg = self.cfg.as_ref().ok_or_else(not_configured)?;
            let mut a = open(cfg, want_qp.unwrap_or(DEFAULT_QP), color).map_err(|e| Error::encoding(e.message))?;
            a.orientation = orientation;
            self.active = Some(a);
        }
        let fmt = self.active.as_ref().map(|a| a.plan.pix_fmt).ok_or_else(|| Error::encoding("VideoEncoder: no encoder"))?;
        let mut frame = self.prepare(&item, fmt, color)?;
        let seq = self.seq;
        self.seq += 1;
        frame.set_pts(Some(seq));
        frame.set_force_key(item.key_frame);
        let a = self.active.as_mut().ok_or_else(|| Error::encoding("VideoEncoder: no encoder"))?;
        if a.in_flight.len() >= MAX_IN_FLIGHT {
            return Err(Error::encoding(format!("VideoEncoder: the encoder holds more than {MAX_IN_FLIGHT} frames")));
        }
        // The orientation of the configuration is its first frame's (JS rejects a different one).
        a.orientation.get_or_insert((item.rotation, item.flip));
        let layers = a.plan.layers;
        // A key frame restarts the layer pattern (its frame is layer 0).
        if item.key_frame {
            a.sent = 0;
        }
        let pos = a.sent as usize;
        let layer = (!layers.is_empty()).then(|| layers[pos % layers.len()]);
        if let Some(l) = layer {
            frame.set_metadata("vp8-flags", &layer_flags(layers, pos).to_string())?;
            frame.set_metadata("temporal_id", &l.to_string())?;
        }
        a.sent += 1;
        a.in_flight.insert(seq, InFlight { timestamp: item.timestamp, duration: item.duration, layer });
        drop(item);
        loop {
            let a = self.active.as_mut().ok_or_else(|| Error::encoding("VideoEncoder: no encoder"))?;
            match a.ctx.send_frame(Some(&frame))? {
                Status::Again => {
                    self.drain(out)?;
                }
                _ => break,
            }
        }
        drop(frame);
        self.drain(out)?;
        Ok(())
    }

    fn flush(&mut self, out: &mut Vec<EncodedChunk>) -> Result<()> {
        let Some(a) = self.active.as_mut() else { return Ok(()) };
        a.ctx.send_frame(None)?;
        while self.drain(out)? != Status::Eof {}
        let Some(a) = self.active.as_mut() else { return Ok(()) };
        a.in_flight.clear();
        // The next push reopens the encoder. (libx264 in FFmpeg 7.1 declares
        // AV_CODEC_CAP_ENCODER_FLUSH, but after a full drain and avcodec_flush_buffers() its next
        // frame fails with "Generic error in an external library": every encoder is reopened, as
        // all were on FFmpeg 5.1, whose wrappers have no encoder flush.)
        self.after_drain = Some(a.orientation);
        self.active = None;
        Ok(())
    }

    fn reset(&mut self) {
        self.active = None;
        self.after_drain = None;
        self.stream_color = None;
        self.cfg = None;
        self.pool = None;
    }

    crate::release_memory_hooks!();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(codec: &str) -> EncoderConfig {
        EncoderConfig {
            codec: codec.into(),
            width: 64,
            height: 48,
            display_width: 64,
            display_height: 48,
            bitrate: Some(200_000),
            framerate: Some(30.0),
            bitrate_mode: BitrateMode::Variable,
            realtime: false,
            annexb: false,
            alpha_keep: false,
            scalability_mode: None,
            prefer_hardware: false,
            content_hint: None,
            b_frames: 0,
            lookahead: 0,
        }
    }

    #[test]
    fn every_codec_opens() {
        for c in ["avc1.42001E", "avc1.64001F", "avc1.6E001F", "hvc1.1.6.L93.B0", "hev1.2.4.L93.B0", "vp8", "vp09.00.10.08", "vp09.01.10.08", "vp09.02.10.10", "vp09.03.10.10", "av01.0.04M.08", "av01.0.04M.10", "av01.1.04M.08"] {
            check_support(&cfg(c)).unwrap_or_else(|e| panic!("{c}: {}", e.message));
        }
    }

    #[test]
    fn stream_color_keeps_yuv_and_fills_null_members() {
        let fc = |p: Option<&str>, t: Option<&str>, m: Option<&str>, f: Option<bool>| VideoColorSpace {
            primaries: p.map(|p| VideoColorPrimaries::from_name(p).unwrap()),
            transfer: t.map(|t| VideoTransferCharacteristics::from_name(t).unwrap()),
            matrix: m.map(|m| VideoMatrixCoefficients::from_name(m).unwrap()),
            full_range: f,
        };
        let sc = |p, t, m, f| fc(Some(p), Some(t), Some(m), Some(f));
        // RGB input, and a YUV matrix no encoder signals, are converted into REC709.
        assert_eq!(stream_color(&fc(Some("bt709"), Some("iec61966-2-1"), Some("rgb"), Some(true)), true), VideoColorSpace::REC709);
        assert_eq!(stream_color(&fc(None, None, Some("rgb"), Some(true)), false), VideoColorSpace::REC709);
        assert_eq!(stream_color(&VideoColorSpace::default(), false), VideoColorSpace::REC709);
        assert_eq!(stream_color(&fc(Some("smpte170m"), Some("smpte170m"), Some("smpte170m"), Some(false)), false), sc("smpte170m", "smpte170m", "smpte170m", false));
        assert_eq!(stream_color(&fc(Some("bt709"), Some("bt709"), Some("bt709"), Some(true)), false), sc("bt709", "bt709", "bt709", true));
        assert_eq!(stream_color(&fc(None, None, Some("bt470bg"), Some(true)), false), sc("bt470bg", "smpte170m", "bt470bg", true));
        assert_eq!(stream_color(&fc(None, None, Some("bt2020-ncl"), None), false), sc("bt2020", "bt709", "bt2020-ncl", false));
        assert_eq!(stream_color(&fc(Some("smpte432"), Some("pq"), None, None), false), sc("smpte432", "pq", "bt709", false));
        let (range, space, primaries, trc) = sc("smpte170m", "smpte170m", "smpte170m", true).av();
        assert_eq!(range, sys::AVColorRange::AVCOL_RANGE_JPEG);
        assert_eq!(space, sys::AVColorSpace::AVCOL_SPC_SMPTE170M);
        assert_eq!(primaries, sys::AVColorPrimaries::AVCOL_PRI_SMPTE170M);
        assert_eq!(trc, sys::AVColorTransferCharacteristic::AVCOL_TRC_SMPTE170M);
    }

    #[test]
    fn unsupported_combinations_say_why() {
        for (c, f) in [
            ("vp09.00.10.10", None),
            ("av01.2.04M.12", None),
            ("avc1.42001E", Some("alpha")),
            ("avc1.42001E", Some("L1T2")),
            ("av01.0.04M.08", Some("L1T3")),
            ("hvc1.1.6.L93.B0", Some("L1T2")),
        ] {
            let mut k = cfg(c);
            match f {
                Some("alpha") => k.alpha_keep = true,
                Some(m) => k.scalability_mode = Some(m.into()),
                None => {}
            }
            let e = check_support(&k).err().unwrap_or_else(|| panic!("{c} {f:?} should be unsupported"));
            assert_eq!(e.kind, ErrorKind::NotSupported, "{c} {f:?}");
        }
        let mut k = cfg("vp8");
        k.scalability_mode = Some("L1T3".into());
        check_support(&k).unwrap();
        k.alpha_keep = true;
        check_support(&k).unwrap();
    }
}
