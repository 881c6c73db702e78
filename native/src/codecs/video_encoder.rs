//! codecs layer: the VideoEncoder backend (H.264 through libx264). Per-frame metadata travels
//! as the frame's sequence number (pts); the only side table maps in-flight sequence numbers to
//! (timestamp, duration), is bounded by the encoder's delay and is emptied by flush and reset.
use super::codec_string::{parse_video, VideoCodec};
use super::frame_data::{matrix_of, with_scaler, FrameData};
use super::h264;
use crate::engine::Backend;
use crate::error::{Error, Result};
use crate::ffi::codec::{Codec, CodecContext, Opened};
use crate::ffi::scale::{self, ImageDesc, Matrix};
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
    pub annexb: bool,
    pub alpha_keep: bool,
    pub scalability_mode: Option<String>,
    pub prefer_hardware: bool,
}

/// The source colour of a frame (VideoColorSpace matrix / fullRange), for YUV → YUV and RGB → YUV.
#[derive(Clone, Debug, Default)]
pub struct FrameColor {
    pub matrix: Option<String>,
    pub full_range: Option<bool>,
}

pub struct EncodeItem {
    pub frame: Arc<FrameData>,
    /// visibleRect (x, y, width, height) of the VideoFrame.
    pub visible: (u32, u32, u32, u32),
    pub timestamp: i64,
    pub duration: Option<i64>,
    pub key_frame: bool,
    pub quantizer: Option<u8>,
    pub color: FrameColor,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DecoderConfigOut {
    pub codec: String,
    pub coded_width: u32,
    pub coded_height: u32,
    pub display_aspect_width: u32,
    pub display_aspect_height: u32,
    pub description: Option<Vec<u8>>,
}

pub enum ChunkBytes {
    Packet(Packet),
    Owned(Vec<u8>),
}

impl ChunkBytes {
    pub fn as_slice(&self) -> &[u8] {
        match self {
            ChunkBytes::Packet(p) => p.data(),
            ChunkBytes::Owned(v) => v,
        }
    }
}

pub struct EncodedChunk {
    pub data: ChunkBytes,
    pub key: bool,
    pub timestamp: i64,
    pub duration: Option<i64>,
    pub decoder_config: Option<DecoderConfigOut>,
}

/// Most frames an encoder may hold before its side table is a bug (x264's lookahead is ≤ 250).
const MAX_IN_FLIGHT: usize = 1024;

struct Plan {
    codec: Codec,
    level: u8,
    options: Vec<(&'static str, String)>,
    time_base: (i32, i32),
}

/// Check a config and work out how to open libx264 for it (NotSupportedError if it can't be).
fn plan(cfg: &EncoderConfig, qp: u8) -> Result<Plan> {
    let unsupported = |m: String| Err(Error::not_supported(m));
    let VideoCodec::Avc { profile, level, .. } = parse_video(&cfg.codec)? else {
        return unsupported(format!("VideoEncoder: codec {:?} has no encoder yet (H.264 avc1/avc3 is supported)", cfg.codec));
    };
    let profile_name = match profile {
        66 => "baseline",
        77 => "main",
        100 => "high",
        p => return unsupported(format!("VideoEncoder: H.264 profile_idc {p} (0x{p:02X}) is not supported; use 42 (Baseline), 4D (Main) or 64 (High)")),
    };
    if cfg.prefer_hardware {
        return unsupported("VideoEncoder: hardwareAcceleration 'prefer-hardware' is not available (software encoders only)".into());
    }
    if cfg.alpha_keep {
        return unsupported("VideoEncoder: alpha 'keep' is not supported by H.264".into());
    }
    if let Some(m) = cfg.scalability_mode.as_deref() {
        if m != "L1T1" {
            return unsupported(format!("VideoEncoder: scalabilityMode {m:?} is not supported (only L1T1)"));
        }
    }
    if cfg.width % 2 != 0 || cfg.height % 2 != 0 {
        return unsupported(format!("VideoEncoder: H.264 4:2:0 needs even dimensions, got {}×{}", cfg.width, cfg.height));
    }
    if cfg.width > 4096 * 2 || cfg.height > 4096 * 2 {
        return unsupported(format!("VideoEncoder: {}×{} is larger than H.264 allows", cfg.width, cfg.height));
    }
    let codec = Codec::encoder_by_name("libx264").ok_or_else(|| Error::not_supported("VideoEncoder: this FFmpeg has no libx264 encoder"))?;
    let mut options: Vec<(&'static str, String)> = vec![
        ("profile", profile_name.into()),
        ("forced-idr", "1".into()),
        // realtime: fast, no frame delay; quality: x264's default speed/quality balance.
        ("preset", if cfg.realtime { "veryfast" } else { "medium" }.into()),
    ];
    if cfg.realtime {
        options.push(("tune", "zerolatency".into()));
    }
    match cfg.bitrate_mode {
        BitrateMode::Quantizer => {
            options.push(("qp", qp.to_string()));
            options.push(("x264-params", "ipratio=1:pbratio=1".into()));
        }
        _ if cfg.bitrate.is_none() => options.push(("crf", "23".into())),
        _ => {}
    }
    let fps = cfg.framerate.filter(|f| f.is_finite() && *f > 0.0).unwrap_or(30.0);
    let den = (fps * 1000.0).round().clamp(1.0, i32::MAX as f64) as i32;
    Ok(Plan { codec, level, options, time_base: (1000, den) })
}

struct Active {
    ctx: CodecContext<Opened>,
    /// Sequence number → (timestamp, duration) of frames inside the encoder.
    in_flight: HashMap<i64, (i64, Option<i64>)>,
    sent_config: bool,
    qp: Option<u8>,
    /// After a drain, libx264 must be reopened before it takes frames again.
    drained: bool,
}

#[derive(Default)]
pub struct VideoEncoderBackend {
    cfg: Option<EncoderConfig>,
    active: Option<Active>,
    /// After a flush that could not keep the encoder (no AV_CODEC_CAP_ENCODER_FLUSH, as libx264 in
    /// FFmpeg 5.1): the drained encoder is freed at once (not held until the next frame), and this
    /// remembers (sent_config, qp) for the reopen.
    after_drain: Option<(bool, Option<u8>)>,
    pool: Option<FramePool>,
    seq: i64,
}

/// Validate and open once (isConfigSupported).
pub fn check_support(cfg: &EncoderConfig) -> Result<()> {
    open(cfg, DEFAULT_QP).map(|_| ())
}

/// The quantizer used in 'quantizer' mode when a frame gives none.
const DEFAULT_QP: u8 = 23;

/// Open libx264 for `cfg` (`qp` is the constant quantizer of 'quantizer' mode).
fn open(cfg: &EncoderConfig, qp: u8) -> Result<Active> {
    let p = plan(cfg, qp)?;
    let mut ctx = CodecContext::new(p.codec)?;
    ctx.set_video(cfg.width, cfg.height, sys::AVPixelFormat::AV_PIX_FMT_YUV420P);
    ctx.set_time_base(p.time_base.0, p.time_base.1);
    ctx.set_framerate(p.time_base.1, p.time_base.0);
    ctx.set_threads(0, true, cfg.realtime);
    ctx.set_global_header(!cfg.annexb);
    ctx.set_level(p.level as i32);
    if let (Some(b), true) = (cfg.bitrate, cfg.bitrate_mode != BitrateMode::Quantizer) {
        ctx.set_bit_rate(b as i64);
        if cfg.bitrate_mode == BitrateMode::Constant {
            ctx.set_rate_control(b as i64, b.min(i32::MAX as u64) as i32);
        }
    }
    if cfg.realtime {
        ctx.set_gop(i32::MAX.min(10 * 60 * 30), 0);
    }
    ctx.set_color(sys::AVColorRange::AVCOL_RANGE_MPEG, sys::AVColorSpace::AVCOL_SPC_BT709, sys::AVColorPrimaries::AVCOL_PRI_BT709, sys::AVColorTransferCharacteristic::AVCOL_TRC_BT709);
    let ctx = ctx.open(&p.options).map_err(|e| Error::not_supported(format!("VideoEncoder: libx264 refused the configuration: {}", e.to_error(crate::error::ErrorKind::NotSupported).message)))?;
    let qp = (cfg.bitrate_mode == BitrateMode::Quantizer).then_some(qp);
    Ok(Active { ctx, in_flight: HashMap::new(), sent_config: false, qp, drained: false })
}

impl VideoEncoderBackend {
    fn decoder_config(&self, a: &Active, cfg: &EncoderConfig) -> Result<DecoderConfigOut> {
        let description = if cfg.annexb {
            None
        } else {
            Some(h264::avcc_from_annexb(a.ctx.extradata(), 1, 8).ok_or_else(|| Error::encoding("libx264 produced no SPS/PPS global header"))?)
        };
        Ok(DecoderConfigOut {
            codec: cfg.codec.clone(),
            coded_width: cfg.width,
            coded_height: cfg.height,
            display_aspect_width: cfg.display_width,
            display_aspect_height: cfg.display_height,
            description,
        })
    }

    fn drain(&mut self, out: &mut Vec<EncodedChunk>) -> Result<Status> {
        let cfg = self.cfg.as_ref().expect("configured");
        loop {
            let a = self.active.as_mut().expect("active");
            let mut pkt = Packet::new()?;
            match a.ctx.receive_packet(&mut pkt)? {
                Status::Ready => {}
                s => return Ok(s),
            }
            let seq = pkt.pts().ok_or_else(|| Error::encoding("libx264 returned a packet without a timestamp"))?;
            let (timestamp, duration) = a.in_flight.remove(&seq).ok_or_else(|| Error::encoding(format!("libx264 returned a packet for unknown frame {seq}")))?;
            let key = pkt.is_key();
            let data = if cfg.annexb { ChunkBytes::Packet(pkt) } else { ChunkBytes::Owned(h264::annexb_to_avc(pkt.data())) };
            let decoder_config = if a.sent_config {
                None
            } else {
                let a = self.active.as_ref().expect("active");
                let dc = self.decoder_config(a, cfg)?;
                self.active.as_mut().expect("active").sent_config = true;
                Some(dc)
            };
            out.push(EncodedChunk { data, key, timestamp, duration, decoder_config });
        }
    }

    /// Put the item's visible rect, scaled/converted, into a pooled yuv420p frame.
    fn prepare(&mut self, item: &EncodeItem) -> Result<crate::ffi::Frame> {
        let cfg = self.cfg.as_ref().expect("configured");
        let fmt = sys::AVPixelFormat::AV_PIX_FMT_YUV420P;
        if !self.pool.as_ref().is_some_and(|p| p.matches(fmt, cfg.width, cfg.height)) {
            self.pool = Some(FramePool::new(fmt, cfg.width, cfg.height)?);
        }
        let mut frame = self.pool.as_ref().expect("pool").get()?;
        let (x, y, w, h) = item.visible;
        let src = item.frame.planes_at(x, y)?;
        let src_fmt = item.frame.format;
        // Plane copy only when nothing needs converting: I420 at the configured size, already
        // BT.709 limited range (what the encoder signals); otherwise swscale converts.
        let bt709_limited = matches!(item.color.matrix.as_deref(), None | Some("bt709")) && item.color.full_range != Some(true);
        if src_fmt.without_alpha().name == "I420" && w == cfg.width && h == cfg.height && bt709_limited {
            for p in 0..3 {
                let rows = src_fmt.rows(p, h);
                let row = src_fmt.row_bytes(p, w);
                let ls = frame.linesize(p);
                let dst = frame.plane_mut(p).ok_or_else(|| Error::encoding("pooled frame is not writable"))?;
                for r in 0..rows {
                    dst[r * ls..r * ls + row].copy_from_slice(&src.data[p][r * src.stride[p]..r * src.stride[p] + row]);
                }
            }
        } else {
            let src_desc = item.frame.image_desc(w, h)?;
            let dst_desc = ImageDesc { format: fmt, width: cfg.width, height: cfg.height };
            let src_m = matrix_of(item.color.matrix.as_deref());
            let src_full = if src_fmt.rgb { true } else { item.color.full_range.unwrap_or(false) };
            with_scaler(src_desc, dst_desc, scale::BICUBIC, |s| {
                s.set_colorspace(src_m, src_full, Matrix::Bt709, false)?;
                s.scale_into_frame(&src, &mut frame)?;
                Ok(())
            })
            .map_err(|e| if e.kind == crate::error::ErrorKind::NotSupported { Error::not_supported(format!("VideoEncoder: cannot convert {} frames: {}", src_fmt.name, e.message)) } else { e })?;
        }
        frame.set_color(sys::AVColorRange::AVCOL_RANGE_MPEG, sys::AVColorSpace::AVCOL_SPC_BT709, sys::AVColorPrimaries::AVCOL_PRI_BT709, sys::AVColorTransferCharacteristic::AVCOL_TRC_BT709);
        Ok(frame)
    }
}

impl Backend for VideoEncoderBackend {
    type Config = EncoderConfig;
    type Item = EncodeItem;
    type Output = EncodedChunk;

    fn configure(&mut self, cfg: EncoderConfig, out: &mut Vec<EncodedChunk>) -> Result<()> {
        // A reconfigure first delivers what the previous configuration still holds.
        if self.active.as_ref().is_some_and(|a| !a.drained) {
            self.flush(out)?;
        }
        self.active = None;
        self.after_drain = None;
        let a = open(&cfg, DEFAULT_QP)?;
        self.active = Some(a);
        self.cfg = Some(cfg);
        Ok(())
    }

    fn push(&mut self, item: EncodeItem, out: &mut Vec<EncodedChunk>) -> Result<()> {
        let cfg = self.cfg.clone().ok_or_else(|| Error::new(crate::error::ErrorKind::InvalidState, "VideoEncoder: not configured"))?;
        // libx264 cannot change its constant quantizer mid-stream (x264_encoder_reconfig ignores
        // it), so a new avc.quantizer drains the encoder and reopens it at that quantizer: the
        // next chunk is then a key chunk.
        let want_qp = (cfg.bitrate_mode == BitrateMode::Quantizer).then(|| item.quantizer.unwrap_or(DEFAULT_QP).min(51));
        let qp_changed = want_qp.is_some() && self.active.as_ref().is_some_and(|a| a.qp != want_qp);
        if qp_changed {
            self.flush(out)?;
        }
        let drained_qp_changed = self.active.is_none() && self.after_drain.is_some_and(|(_, qp)| want_qp.is_some() && qp != want_qp);
        let qp_changed = qp_changed || drained_qp_changed;
        if qp_changed || self.active.as_ref().is_none_or(|a| a.drained) {
            let had_config = self.active.as_ref().map(|a| a.sent_config).or(self.after_drain.map(|(sent, _)| sent)).unwrap_or(false);
            self.after_drain = None;
            let mut a = open(&cfg, want_qp.unwrap_or(DEFAULT_QP)).map_err(|e| Error::encoding(e.message))?;
            // A new QP changes the PPS (pic_init_qp), so the description is announced again; a
            // reopen after a drain at the same QP has nothing new to announce.
            a.sent_config = had_config && !qp_changed;
            self.active = Some(a);
        }
        let mut frame = self.prepare(&item)?;
        let seq = self.seq;
        self.seq += 1;
        frame.set_pts(Some(seq));
        frame.set_force_key(item.key_frame);
        let a = self.active.as_mut().expect("active");
        if a.in_flight.len() >= MAX_IN_FLIGHT {
            return Err(Error::encoding(format!("VideoEncoder: the encoder holds more than {MAX_IN_FLIGHT} frames")));
        }
        a.in_flight.insert(seq, (item.timestamp, item.duration));
        drop(item);
        loop {
            let a = self.active.as_mut().expect("active");
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
        if a.drained {
            return Ok(());
        }
        a.ctx.send_frame(None)?;
        while self.drain(out)? != Status::Eof {}
        let a = self.active.as_mut().expect("active");
        a.in_flight.clear();
        // libx264 supports avcodec_flush_buffers (AV_CODEC_CAP_ENCODER_FLUSH): it accepts frames
        // again without being reopened.
        if a.ctx.supports_encoder_flush() {
            a.ctx.flush_buffers();
        } else {
            // Free the drained encoder now: holding it (x264: lookahead and reference buffers)
            // until the next frame kept a whole encoder's memory per flush cycle, and let the
            // idle trim run while it was still allocated.
            self.after_drain = Some((a.sent_config, a.qp));
            self.active = None;
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.active = None;
        self.after_drain = None;
        self.cfg = None;
        self.pool = None;
    }

    crate::release_memory_hooks!();
}
