//! codecs layer: the VideoDecoder backend (H.264, HEVC, VP8, VP9 through FFmpeg's decoders, AV1
//! through libdav1d). Invariant: a chunk's timestamp and duration travel through FFmpeg in the
//! packet's and frame's own fields (pkt_timebase 1/1 000 000, so pts are microseconds), never in
//! a side table; decoded frames leave zero-copy as `FrameData` (converted only when FFmpeg's
//! pixel format has no VideoPixelFormat).
use super::decoded_frame::{display_size, frame_data, visible_rect};
use super::unit_check::{NalFraming, UnitCheck};
use crate::codecs::decode::{chunk_packet, send_draining, Draining};
use crate::codecs::media::color_space::{color_of, ColorReader, VideoColorSpace};
use crate::codecs::media::frame_data::FrameData;
use crate::codecs::tables::codec_string::{parse_video, VideoCodec};
use crate::engine::Backend;
use crate::error::{Error, ErrorKind, Result};
use crate::ffi::codec::{Codec, CodecContext, Opened, Unopened};
use crate::ffi::Frame;

/// Largest coded width or height accepted: the crate's one frame-size limit.
pub use crate::codecs::media::frame_data::MAX_DIMENSION;

/// A validated VideoDecoderConfig, as plain owned values.
#[derive(Clone, Debug, Default)]
pub struct DecoderConfig {
    pub codec: String,
    /// avcC (avc1/avc3), hvcC (hvc1/hev1), av1C (av01), or codec-specific bytes for VP9; absent
    /// for H.264/HEVC means the chunks are Annex B.
    pub description: Option<Vec<u8>>,
    pub coded_width: Option<u32>,
    pub coded_height: Option<u32>,
    pub display_aspect_width: Option<u32>,
    pub display_aspect_height: Option<u32>,
    /// Overrides the bitstream's colour values member by member (spec: VideoDecoderConfig.colorSpace;
    /// all None when absent).
    pub color_space: VideoColorSpace,
    pub prefer_hardware: bool,
    pub optimize_for_latency: bool,
    pub rotation: u32,
    pub flip: bool,
}

/// One EncodedVideoChunk.
#[derive(Clone, Debug)]
pub struct DecodeItem {
    pub data: Vec<u8>,
    pub key: bool,
    /// Microseconds.
    pub timestamp: i64,
    /// Microseconds.
    pub duration: Option<i64>,
}

/// One decoded VideoFrame.
pub struct DecodedFrame {
    /// The pixels; `data.width`/`data.height` are the coded size (the decoder's buffer size).
    pub data: FrameData,
    pub timestamp: i64,
    pub duration: Option<i64>,
    /// (x, y, width, height) inside the coded size: the bitstream's cropping.
    pub visible_rect: (u32, u32, u32, u32),
    pub display_width: u32,
    pub display_height: u32,
    pub color_space: VideoColorSpace,
    pub rotation: u32,
    pub flip: bool,
}

/// Which FFmpeg decoder a config uses.
struct Plan {
    codec: Codec,
    av1: bool,
    vp9: bool,
    /// H.264/HEVC/AV1: the unit headers each chunk is checked for ([`UnitCheck`]).
    units: Option<UnitCheck>,
}

fn unsupported(m: String) -> Error {
    Error::not_supported(format!("VideoDecoder: {m}"))
}

/// Check a config without opening anything (codec string, hardware preference, size, decoder present).
fn plan(cfg: &DecoderConfig) -> Result<Plan> {
    let parsed = parse_video(&cfg.codec).map_err(|e| unsupported(e.message))?;
    if cfg.prefer_hardware {
        return Err(unsupported("hardwareAcceleration 'prefer-hardware' is not available (software decoders only)".into()));
    }
    for (what, v) in [("codedWidth", cfg.coded_width), ("codedHeight", cfg.coded_height)] {
        if let Some(v) = v.filter(|v| *v > MAX_DIMENSION) {
            return Err(unsupported(format!("expected a {what} of at most {MAX_DIMENSION}, got {v}")));
        }
    }
    let names: &[&str] = match parsed {
        VideoCodec::Avc { profile, .. } => {
            // Baseline, Main, Extended, High, High 10, High 4:2:2, High 4:4:4 Predictive, CAVLC 4:4:4.
            if !matches!(profile, 66 | 77 | 88 | 100 | 110 | 122 | 244 | 44) {
                return Err(unsupported(format!("H.264 profile_idc {profile} (0x{profile:02X}) is not supported")));
            }
            &["h264"]
        }
        VideoCodec::Hevc { profile, .. } => {
            // Main, Main 10, Main Still Picture, Range Extensions.
            if !(1..=4).contains(&profile) {
                return Err(unsupported(format!("HEVC profile {profile} is not supported (1 to 4 are)")));
            }
            &["hevc"]
        }
        VideoCodec::Vp8 => &["vp8"],
        VideoCodec::Vp9 { .. } => &["vp9"],
        // FFmpeg 5.1's native "av1" decoder needs a hardware device; libdav1d decodes in software.
        VideoCodec::Av1 { .. } => &["libdav1d", "av1"],
    };
    let codec = names
        .iter()
        .find_map(|n| Codec::decoder_by_name(n))
        .ok_or_else(|| unsupported(format!("this FFmpeg has no decoder for {:?} (looked for {})", cfg.codec, names.join(", "))))?;
    let hevc = matches!(parsed, VideoCodec::Hevc { .. });
    let units = match parsed {
        VideoCodec::Avc { .. } | VideoCodec::Hevc { .. } => Some(UnitCheck::Nal(NalFraming::new(hevc, cfg.description.as_deref()))),
        VideoCodec::Av1 { .. } => Some(UnitCheck::Obu),
        _ => None,
    };
    Ok(Plan { codec, av1: matches!(parsed, VideoCodec::Av1 { .. }), vp9: matches!(parsed, VideoCodec::Vp9 { .. }), units })
}

/// An unopened context for `cfg`. `threads`: false opens single-threaded (support checks).
fn context(cfg: &DecoderConfig, p: &Plan, threads: bool) -> Result<CodecContext<Unopened>> {
    let mut ctx = CodecContext::new(p.codec)?;
    if let Some(d) = cfg.description.as_deref() {
        if d.len() > i32::MAX as usize / 2 {
            return Err(unsupported(format!("description of {} bytes is too large", d.len())));
        }
        ctx.set_extradata(d)?;
    }
    // Timestamps are microseconds on both sides (docs/ARCHITECTURE.md, "Memory").
    ctx.set_pkt_timebase(1, 1_000_000);
    // Keep the whole coded picture; the cropping becomes visibleRect.
    ctx.set_apply_cropping(false);
    ctx.set_max_pixels(MAX_DIMENSION as i64 * MAX_DIMENSION as i64);
    if !threads {
        ctx.set_threads(1, false, false);
    } else if cfg.optimize_for_latency {
        // No frame threading (each frame thread delays output by one frame); slice/tile threads
        // still help. H.264/HEVC keep their reorder buffer (LOW_DELAY there would output B-frame
        // streams out of order); libdav1d takes LOW_DELAY as max_frame_delay = 1.
        ctx.set_threads(0, false, true);
        ctx.set_low_delay(p.av1);
    } else {
        // As the ffmpeg CLI: automatic thread count, frame threading where the codec has it.
        ctx.set_threads(0, true, true);
    }
    Ok(ctx)
}

fn open(cfg: &DecoderConfig, threads: bool) -> Result<(CodecContext<Opened>, Plan)> {
    let p = plan(cfg)?;
    let ctx = context(cfg, &p, threads)?;
    let ctx = ctx.open(&[]).map_err(|e| unsupported(format!("FFmpeg refused the configuration: {}", e.to_error(ErrorKind::NotSupported).message)))?;
    Ok((ctx, p))
}

/// isConfigSupported: validate and open once, single-threaded (no thread is started).
pub fn check_support(cfg: &DecoderConfig) -> Result<()> {
    open(cfg, false).map(drop)
}

// ---- the backend -----------------------------------------------------------------------------

struct Active {
    ctx: CodecContext<Opened>,
    dar: Option<(u32, u32)>,
    color: VideoColorSpace,
    /// VP9: the bitstream's matrix implies primaries and transfer (`color_space::vp9_implied`).
    vp9: bool,
    /// H.264/HEVC/AV1: chunks are checked for corrupt unit headers ([`UnitCheck`]).
    units: Option<UnitCheck>,
    rotation: u32,
    flip: bool,
    /// A frame allocated for a receive that returned nothing, kept for the next one.
    spare: Option<Frame>,
    /// What the config expects of chunks, to explain a failure a chunk's bytes account for.
    check: super::chunk_hint::ChunkCheck,
}

#[derive(Default)]
pub struct VideoDecoderBackend {
    active: Option<Active>,
}

impl VideoDecoderBackend {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Draining<DecodedFrame> for Active {
    fn codec(&mut self) -> &mut CodecContext<Opened> {
        &mut self.ctx
    }
    fn spare(&mut self) -> &mut Option<Frame> {
        &mut self.spare
    }
    fn take(&mut self, frame: Frame, out: &mut Vec<DecodedFrame>) -> Result<()> {
        out.push(self.output(frame)?);
        Ok(())
    }
}

impl Active {
    /// Output VideoFrames (spec "Output VideoFrames" step 1): wrap a decoded frame with its
    /// timestamp and duration (from the frame itself), visible rect, display size and colour.
    fn output(&self, frame: Frame) -> Result<DecodedFrame> {
        let (w, h) = (frame.width(), frame.height());
        if w == 0 || h == 0 || w > MAX_DIMENSION || h > MAX_DIMENSION {
            return Err(Error::encoding(format!("VideoDecoder: decoded frame of {w}×{h} is outside 1×1 to {MAX_DIMENSION}×{MAX_DIMENSION}")));
        }
        // The packet's pts/duration, carried by FFmpeg onto the frame made from it.
        let timestamp = frame.pts().or_else(|| frame.best_effort_timestamp()).unwrap_or(0);
        let duration = duration_from_ffmpeg(frame.duration());
        let visible = visible_rect(&frame);
        let (display_width, display_height) = display_size((visible.2, visible.3), self.dar, frame.sample_aspect_ratio());
        let color_space = color_of(&frame, ColorReader::Video { config: &self.color, vp9: self.vp9 });
        let data = frame_data(frame)?;
        Ok(DecodedFrame { data, timestamp, duration, visible_rect: visible, display_width, display_height, color_space, rotation: self.rotation, flip: self.flip })
    }
}

impl Backend for VideoDecoderBackend {
    type Config = DecoderConfig;
    type Item = DecodeItem;
    type Output = DecodedFrame;

    /// configure() control message: "configure the [[codec implementation]] with config". A
    /// reconfigure first emits the frames the previous configuration still holds.
    fn configure(&mut self, cfg: DecoderConfig, out: &mut Vec<DecodedFrame>) -> Result<()> {
        if let Some(mut a) = self.active.take() {
            a.drain(out, "VideoDecoder")?;
        }
        let (ctx, p) = open(&cfg, true)?;
        let check = super::chunk_hint::ChunkCheck::new(&cfg.codec, cfg.description.as_deref());
        let dar = cfg.display_aspect_width.zip(cfg.display_aspect_height);
        self.active = Some(Active { ctx, dar, color: cfg.color_space, vp9: p.vp9, units: p.units, rotation: cfg.rotation, flip: cfg.flip, spare: None, check });
        Ok(())
    }

    /// decode() control message: decode the chunk, then output every frame FFmpeg has ready.
    fn push(&mut self, item: DecodeItem, out: &mut Vec<DecodedFrame>) -> Result<()> {
        let a = self.active.as_mut().ok_or_else(|| Error::new(ErrorKind::InvalidState, "VideoDecoder: decode while unconfigured"))?;
        let mut pkt = chunk_packet(&item.data, "VideoDecoder")?;
        a.check.note(&item.data);
        // A chunk whose unit headers are impossible is corrupt (or framed other than the config
        // says: the hint, if any, names that first).
        if a.units.is_some_and(|u| u.corrupt(&item.data)) {
            let what = if a.units == Some(UnitCheck::Obu) { "an OBU header with obu_forbidden_bit set" } else { "a NAL unit header with forbidden_zero_bit set or an invalid temporal id" };
            return Err(a.check.explain(Error::encoding(format!("VideoDecoder: the chunk is corrupt ({what})"))));
        }
        drop(item.data);
        pkt.set_pts(Some(item.timestamp));
        // No decode timestamps: the chunk order is the decode order.
        pkt.set_dts(None);
        pkt.set_duration(duration_to_ffmpeg(item.duration));
        pkt.set_key(item.key);
        // A failure a chunk's bytes account for (a container file, avcC vs Annex B) names it.
        let sent = send_draining(a, &pkt, out, "VideoDecoder");
        drop(pkt);
        sent.and_then(|()| a.receive_all(out).map(drop)).map_err(|e| a.check.explain(e))
    }

    fn flush(&mut self, out: &mut Vec<DecodedFrame>) -> Result<()> {
        match self.active.as_mut() {
            Some(a) => a.drain(out, "VideoDecoder").map_err(|e| a.check.explain(e)),
            None => Ok(()),
        }
    }

    fn reset(&mut self) {
        self.active = None;
    }

    crate::release_memory_hooks!();
}

/// A chunk's duration on its way through FFmpeg. FFmpeg's packet and frame durations use 0 for
/// "unknown", but a chunk's duration of 0 is a value: the frame decoded from it has duration 0, not
/// null (spec "Output VideoFrames": the duration of the associated chunk). So a known duration `d`
/// travels as `d + 1` and absence as 0.
fn duration_to_ffmpeg(d: Option<i64>) -> i64 {
    d.filter(|d| *d >= 0).map_or(0, |d| d.saturating_add(1))
}

/// The inverse of [`duration_to_ffmpeg`].
fn duration_from_ffmpeg(d: i64) -> Option<i64> {
    (d > 0).then(|| d - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codecs::media::color_space::{VideoColorPrimaries, VideoMatrixCoefficients};
    use crate::ffi::format::Demuxer;
    use crate::ffi::{Packet, Status};
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::PathBuf;
    use std::process::Command;
    use std::sync::{Arc, OnceLock};

    fn encoders() -> &'static str {
        static E: OnceLock<String> = OnceLock::new();
        E.get_or_init(|| {
            Command::new("ffmpeg").args(["-hide_banner", "-encoders"]).output().map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default()
        })
    }

    /// Encode `frames` of testsrc2 at 25 fps (40 ms: whole microseconds in every time base) with
    /// `args` into `file`; None (with the reason printed) when the CLI cannot.
    fn encode(encoder: &str, size: &str, frames: u32, args: &[&str], file: &str) -> Option<Vec<u8>> {
        crate::ffi::log::init(); // FFmpeg's concealment warnings stay quiet
        if !encoders().contains(&format!(" {encoder} ")) {
            eprintln!("skipped: the ffmpeg CLI has no {encoder} encoder");
            return None;
        }
        let dir: PathBuf = std::env::temp_dir().join(format!("nwc-vdec-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let path = dir.join(file);
        let src = format!("testsrc2=size={size}:rate=25");
        let frames = frames.to_string();
        let mut cmd = Command::new("ffmpeg");
        cmd.args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", &src, "-frames:v", &frames, "-c:v", encoder]);
        cmd.args(args).arg(&path);
        let o = cmd.output().ok()?;
        if !o.status.success() {
            eprintln!("skipped: ffmpeg {encoder} {args:?} failed: {}", String::from_utf8_lossy(&o.stderr));
            return None;
        }
        let bytes = std::fs::read(&path).ok();
        let _ = std::fs::remove_file(&path);
        bytes
    }

    struct Stream {
        chunks: Vec<DecodeItem>,
        extradata: Vec<u8>,
    }

    /// Demux a file in memory (mp4 → avcC/hvcC/av1C + length-prefixed samples; mpegts → Annex B;
    /// ivf → VP8/VP9/AV1 frames), timestamps converted to microseconds.
    fn demux(bytes: Vec<u8>, format: &str) -> Stream {
        let mut d = Demuxer::open(Arc::from(bytes), format, true).expect("demuxer opens");
        let s = d.video_stream().expect("video stream");
        let extradata = d.decoder_for(s).expect("parameters").extradata().to_vec();
        let (num, den) = d.time_base(s);
        let us = |v: i64| (v as i128 * num as i128 * 1_000_000 / den as i128) as i64;
        let mut pkt = Packet::new().unwrap();
        let mut chunks = vec![];
        while d.read(&mut pkt).expect("read") == Status::Ready {
            if pkt.stream_index() != s {
                continue;
            }
            let dur = pkt.duration();
            chunks.push(DecodeItem { data: pkt.data().to_vec(), key: pkt.is_key(), timestamp: us(pkt.pts().expect("pts")), duration: (dur > 0).then(|| us(dur)) });
        }
        Stream { chunks, extradata }
    }

    fn config(codec: &str, description: Option<Vec<u8>>) -> DecoderConfig {
        DecoderConfig { codec: codec.into(), description, ..Default::default() }
    }

    fn decode(b: &mut VideoDecoderBackend, chunks: &[DecodeItem]) -> Result<Vec<DecodedFrame>> {
        let mut out = vec![];
        for c in chunks {
            b.push(c.clone(), &mut out)?;
        }
        b.flush(&mut out)?;
        Ok(out)
    }

    fn decode_all(cfg: DecoderConfig, chunks: &[DecodeItem]) -> Vec<DecodedFrame> {
        let mut b = VideoDecoderBackend::new();
        b.configure(cfg, &mut vec![]).expect("configure");
        decode(&mut b, chunks).expect("decode")
    }

    /// Frames come out in presentation order, with exactly the chunks' timestamps and durations.
    fn assert_presentation_order(frames: &[DecodedFrame], chunks: &[DecodeItem]) {
        let ts: Vec<i64> = frames.iter().map(|f| f.timestamp).collect();
        let want: Vec<i64> = chunks.iter().map(|c| c.timestamp).collect::<BTreeSet<_>>().into_iter().collect();
        assert_eq!(ts, want, "timestamps in presentation order");
        let dur: BTreeMap<i64, Option<i64>> = chunks.iter().map(|c| (c.timestamp, c.duration)).collect();
        for f in frames {
            assert_eq!(f.duration, dur[&f.timestamp], "duration of the frame at {}", f.timestamp);
        }
    }

    /// Give every chunk a distinct duration, so a mix-up under reordering would show; some chunks
    /// have duration 0 (the frame's duration is then 0, not null) and some none (null).
    fn mark_durations(chunks: &mut [DecodeItem]) {
        for (i, c) in chunks.iter_mut().enumerate() {
            c.duration = match i % 7 {
                3 => Some(0),
                5 => None,
                _ => Some(40_000 + i as i64),
            };
        }
    }

    #[test]
    fn durations_through_ffmpeg() {
        for d in [None, Some(0), Some(1), Some(33_333), Some(i64::MAX - 1)] {
            assert_eq!(duration_from_ffmpeg(duration_to_ffmpeg(d)), d);
        }
        assert_eq!(duration_to_ffmpeg(None), 0, "FFmpeg's unknown");
        assert_eq!(duration_from_ffmpeg(0), None);
    }

    fn h264_args() -> Vec<&'static str> {
        vec!["-pix_fmt", "yuv420p", "-bf", "2", "-g", "12", "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"]
    }

    #[test]
    fn h264_avcc_with_b_frames() {
        let mut args = h264_args();
        args.extend(["-f", "mp4"]);
        let Some(mp4) = encode("libx264", "160x120", 30, &args, "a.mp4") else { return };
        let mut s = demux(mp4, "mov");
        assert_eq!(s.extradata.first(), Some(&1), "avcC");
        mark_durations(&mut s.chunks);
        // decode order differs from presentation order (B-frames)
        assert!(s.chunks.windows(2).any(|w| w[1].timestamp < w[0].timestamp));
        let frames = decode_all(config("avc1.64000C", Some(s.extradata.clone())), &s.chunks);
        assert_eq!(frames.len(), 30);
        assert_presentation_order(&frames, &s.chunks);
        let f = &frames[0];
        assert_eq!(f.data.format.name, "I420");
        // 120 rows are coded as 8 macroblock rows (128) and cropped.
        assert_eq!((f.data.width, f.data.height), (160, 128));
        assert_eq!(f.visible_rect, (0, 0, 160, 120));
        assert_eq!((f.display_width, f.display_height), (160, 120));
        assert_eq!(f.color_space, VideoColorSpace::REC709);
    }

    #[test]
    fn h264_annexb_and_latency_mode() {
        let mut args = h264_args();
        args.extend(["-f", "mpegts"]);
        let Some(ts) = encode("libx264", "160x120", 30, &args, "a.ts") else { return };
        let mut s = demux(ts, "mpegts");
        mark_durations(&mut s.chunks);
        assert_eq!(s.chunks.len(), 30);
        for (codec, latency) in [("avc3.64000C", false), ("avc1.64000C", true)] {
            let cfg = DecoderConfig { optimize_for_latency: latency, ..config(codec, None) };
            let frames = decode_all(cfg, &s.chunks);
            assert_eq!(frames.len(), 30, "{codec}");
            assert_presentation_order(&frames, &s.chunks);
        }
    }

    #[test]
    fn h264_10_bit() {
        let Some(mp4) = encode("libx264", "64x64", 10, &["-pix_fmt", "yuv420p10le", "-profile:v", "high10", "-f", "mp4"], "b.mp4") else { return };
        let s = demux(mp4, "mov");
        let frames = decode_all(config("avc1.6E000C", Some(s.extradata)), &s.chunks);
        assert_eq!(frames.len(), 10);
        assert_eq!(frames[0].data.format.name, "I420P10");
        assert_presentation_order(&frames, &s.chunks);
    }

    #[test]
    fn hevc_hvcc_and_annexb() {
        let x265 = ["-x265-params", "log-level=none:bframes=2:keyint=12"];
        let Some(mp4) = encode("libx265", "160x120", 20, &[&x265[..], &["-tag:v", "hvc1", "-f", "mp4"]].concat(), "c.mp4") else { return };
        let mut s = demux(mp4, "mov");
        mark_durations(&mut s.chunks);
        let frames = decode_all(config("hvc1.1.6.L93.B0", Some(s.extradata.clone())), &s.chunks);
        assert_eq!(frames.len(), 20);
        assert_eq!(frames[0].data.format.name, "I420");
        assert_eq!(frames[0].visible_rect, (0, 0, 160, 120));
        assert_presentation_order(&frames, &s.chunks);

        let Some(ts) = encode("libx265", "160x120", 20, &[&x265[..], &["-f", "mpegts"]].concat(), "c.ts") else { return };
        let s = demux(ts, "mpegts");
        let frames = decode_all(config("hev1.1.6.L93.B0", None), &s.chunks);
        assert_eq!(frames.len(), 20);
        assert_presentation_order(&frames, &s.chunks);

        // Main 10
        let Some(mp4) = encode("libx265", "64x64", 6, &[&x265[..], &["-pix_fmt", "yuv420p10le", "-f", "mp4"]].concat(), "c10.mp4") else { return };
        let s = demux(mp4, "mov");
        let frames = decode_all(config("hvc1.2.4.L93.B0", Some(s.extradata)), &s.chunks);
        assert_eq!(frames.len(), 6);
        assert_eq!(frames[0].data.format.name, "I420P10");
        assert_presentation_order(&frames, &s.chunks);
    }

    #[test]
    fn vp8() {
        let Some(ivf) = encode("libvpx", "160x120", 20, &["-deadline", "realtime", "-cpu-used", "8", "-f", "ivf"], "d.ivf") else { return };
        let mut s = demux(ivf, "ivf");
        mark_durations(&mut s.chunks);
        let frames = decode_all(config("vp8", None), &s.chunks);
        assert_eq!(frames.len(), 20);
        assert_eq!(frames[0].data.format.name, "I420");
        assert_eq!(frames[0].visible_rect, (0, 0, 160, 120));
        assert_presentation_order(&frames, &s.chunks);
    }

    #[test]
    fn vp9_profiles() {
        for (profile, pix, codec, want) in [
            (0, "yuv420p", "vp09.00.10.08", "I420"),
            (1, "yuv444p", "vp09.01.10.08", "I444"),
            (2, "yuv420p10le", "vp09.02.10.10", "I420P10"),
            (3, "yuv444p10le", "vp09.03.10.10", "I444P10"),
        ] {
            let p = profile.to_string();
            let Some(ivf) = encode("libvpx-vp9", "66x50", 12, &["-pix_fmt", pix, "-profile:v", &p, "-deadline", "realtime", "-cpu-used", "8", "-f", "ivf"], &format!("e{profile}.ivf")) else { return };
            let mut s = demux(ivf, "ivf");
            mark_durations(&mut s.chunks);
            let frames = decode_all(config(codec, None), &s.chunks);
            assert_eq!(frames.len(), 12, "{codec}");
            assert_eq!(frames[0].data.format.name, want, "{codec}");
            assert_eq!(frames[0].visible_rect, (0, 0, 66, 50), "{codec}");
            assert_presentation_order(&frames, &s.chunks);
        }
    }

    #[test]
    fn av1_with_and_without_av1c() {
        let aom = ["-cpu-used", "8", "-usage", "realtime", "-row-mt", "1"];
        let Some(mp4) = encode("libaom-av1", "64x48", 8, &[&aom[..], &["-f", "mp4"]].concat(), "f.mp4") else { return };
        let mut s = demux(mp4, "mov");
        assert_eq!(s.extradata.first(), Some(&0x81), "av1C");
        mark_durations(&mut s.chunks);
        let frames = decode_all(config("av01.0.04M.08", Some(s.extradata.clone())), &s.chunks);
        assert_eq!(frames.len(), 8);
        assert_eq!(frames[0].data.format.name, "I420");
        assert_eq!(frames[0].visible_rect, (0, 0, 64, 48));
        assert_presentation_order(&frames, &s.chunks);
        // The samples carry their sequence header: no description is needed either.
        let cfg = DecoderConfig { optimize_for_latency: true, ..config("av01.0.04M.08", None) };
        assert_eq!(decode_all(cfg, &s.chunks).len(), 8);

        // 10-bit and 4:4:4 (profile 1) from IVF, odd size
        for (pix, codec, want) in [("yuv420p10le", "av01.0.04M.10", "I420P10"), ("yuv444p", "av01.1.04M.08", "I444")] {
            let Some(ivf) = encode("libaom-av1", "64x48", 4, &[&aom[..], &["-vf", "scale=63:47", "-pix_fmt", pix, "-f", "ivf"]].concat(), "f.ivf") else { return };
            let s = demux(ivf, "ivf");
            let frames = decode_all(config(codec, None), &s.chunks);
            assert_eq!(frames.len(), 4, "{codec}");
            assert_eq!(frames[0].data.format.name, want, "{codec}");
            assert_eq!(frames[0].visible_rect, (0, 0, 63, 47), "{codec}");
            assert_presentation_order(&frames, &s.chunks);
        }
    }

    #[test]
    fn corrupt_and_truncated_data_error_or_conceal_never_panic() {
        let mut args = h264_args();
        args.extend(["-f", "mpegts"]);
        let Some(ts) = encode("libx264", "160x120", 30, &args, "g.ts") else { return };
        let s = demux(ts, "mpegts");
        // an empty chunk is an EncodingError
        let mut b = VideoDecoderBackend::new();
        b.configure(config("avc1.64000C", None), &mut vec![]).unwrap();
        let e = b.push(DecodeItem { data: vec![], key: true, timestamp: 0, duration: None }, &mut vec![]).unwrap_err();
        assert_eq!(e.name(), "EncodingError");
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rnd = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut errors = 0;
        for round in 0..12 {
            let mut chunks = s.chunks.clone();
            for c in chunks.iter_mut() {
                match round % 3 {
                    0 => c.data.truncate(c.data.len() / 2 + 1),
                    1 => {
                        for _ in 0..4 {
                            let i = rnd() as usize % c.data.len();
                            c.data[i] ^= 1 << (rnd() % 8);
                        }
                    }
                    _ => c.data = (0..c.data.len()).map(|_| rnd() as u8).collect(),
                }
            }
            for codec in ["avc1.64000C", "hvc1.1.6.L93.B0", "vp8", "vp09.00.10.08", "av01.0.04M.08"] {
                let mut b = VideoDecoderBackend::new();
                b.configure(config(codec, None), &mut vec![]).unwrap();
                match decode(&mut b, &chunks) {
                    Ok(frames) => assert!(frames.len() <= 31, "{codec}: {}", frames.len()),
                    Err(e) => {
                        assert_eq!(e.name(), "EncodingError", "{codec}: {e}");
                        errors += 1;
                    }
                }
            }
        }
        eprintln!("corrupt streams that raised EncodingError: {errors} of 60");
        assert!(errors > 0, "garbage fed to VP8/VP9/AV1 should fail somewhere");
    }

    #[test]
    fn flush_then_decode_again_reconfigure_and_reset() {
        let mut args = h264_args();
        args.extend(["-f", "mpegts"]);
        let Some(ts) = encode("libx264", "160x120", 30, &args, "h.ts") else { return };
        let s = demux(ts, "mpegts");
        let mut b = VideoDecoderBackend::new();
        b.configure(config("avc1.64000C", None), &mut vec![]).unwrap();
        let first = decode(&mut b, &s.chunks).unwrap();
        let second = decode(&mut b, &s.chunks).unwrap();
        assert_eq!(first.len(), 30);
        assert_presentation_order(&second, &s.chunks);
        // a flush with nothing pending is fine
        assert!(decode(&mut b, &[]).unwrap().is_empty());

        // reconfigure delivers what the old configuration held
        let mut out = vec![];
        for c in &s.chunks[..10] {
            b.push(c.clone(), &mut out).unwrap();
        }
        let before = out.len();
        b.configure(config("avc1.64000C", None), &mut out).unwrap();
        assert_eq!(out.len(), 10, "{before} before reconfigure");

        // reset: unconfigured, then usable after configure
        b.push(s.chunks[0].clone(), &mut vec![]).unwrap();
        b.reset();
        assert_eq!(b.push(s.chunks[0].clone(), &mut vec![]).unwrap_err().name(), "InvalidStateError");
        assert!(decode(&mut b, &[]).unwrap().is_empty());
        b.configure(config("avc1.64000C", None), &mut vec![]).unwrap();
        assert_eq!(decode(&mut b, &s.chunks).unwrap().len(), 30);
    }

    #[test]
    fn display_size_and_colour_from_config() {
        let mut args = h264_args();
        args.extend(["-vf", "setsar=4/3", "-f", "mpegts"]);
        let Some(ts) = encode("libx264", "160x120", 5, &args, "i.ts") else { return };
        let s = demux(ts, "mpegts");
        let frames = decode_all(config("avc1.64000C", None), &s.chunks);
        assert_eq!((frames[0].display_width, frames[0].display_height), (213, 120), "from the SAR");
        let cfg = DecoderConfig {
            display_aspect_width: Some(1),
            display_aspect_height: Some(1),
            color_space: VideoColorSpace { matrix: Some(VideoMatrixCoefficients::Smpte170m), full_range: Some(true), ..Default::default() },
            rotation: 90,
            flip: true,
            ..config("avc1.64000C", None)
        };
        let frames = decode_all(cfg, &s.chunks);
        let f = &frames[0];
        assert_eq!((f.display_width, f.display_height), (160, 160), "from the config's aspect");
        assert_eq!(f.color_space.matrix, Some(VideoMatrixCoefficients::Smpte170m));
        assert_eq!(f.color_space.full_range, Some(true));
        assert_eq!(f.color_space.primaries, Some(VideoColorPrimaries::Bt709), "in-band where the config is silent");
        assert_eq!((f.rotation, f.flip), (90, true));
    }

    #[test]
    fn check_support_answers() {
        let ok = |codec: &str| check_support(&config(codec, None));
        for c in ["avc1.42001E", "avc3.64001F", "avc1.4D401E", "avc1.6E0028", "hvc1.1.6.L93.B0", "hev1.2.4.L120.B0", "vp8", "vp09.00.10.08", "vp09.01.10.08", "vp09.02.10.10", "vp09.03.10.12", "av01.0.04M.08", "av01.0.08M.10"] {
            assert!(ok(c).is_ok(), "{c}: {:?}", ok(c));
        }
        for c in ["vp9", "avc1", "av01", "hvc1", "avc1.FF001E", "hvc1.9.6.L93.B0", "mp4a.40.2", "opus", "", "avc1.42001é"] {
            assert_eq!(ok(c).unwrap_err().name(), "NotSupportedError", "{c}");
        }
        let hw = DecoderConfig { prefer_hardware: true, ..config("avc1.42001E", None) };
        assert_eq!(check_support(&hw).unwrap_err().name(), "NotSupportedError");
        let big = DecoderConfig { coded_width: Some(16385), coded_height: Some(16), ..config("vp8", None) };
        assert_eq!(check_support(&big).unwrap_err().name(), "NotSupportedError");
        let fine = DecoderConfig { coded_width: Some(16384), coded_height: Some(16384), ..config("vp8", None) };
        assert!(check_support(&fine).is_ok());
    }

    #[test]
    fn live_counts_return_to_zero_after_frames_drop() {
        use crate::counters::{get, Kind};
        let Some(ivf) = encode("libvpx", "32x32", 3, &["-f", "ivf"], "j.ivf") else { return };
        let s = demux(ivf, "ivf");
        let ctx_before = get(Kind::CodecContexts);
        let frames = decode_all(config("vp8", None), &s.chunks);
        assert_eq!(frames.len(), 3);
        assert_eq!(get(Kind::CodecContexts), ctx_before, "backend dropped with decode_all");
        drop(frames);
    }
}
