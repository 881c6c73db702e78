//! codecs layer: the VideoEncoder's per-codec settings table — which FFmpeg encoder opens each
//! codec string, its speed, threading and rate-control options, its pixel format, temporal layer
//! patterns — and `plan`, which checks a config against it and says how to open its encoder.
//! Nothing here opens one: the pipeline that does, with a `Plan`, is `encoder.rs`.
use super::encoder::{BitrateMode, EncoderConfig};
use crate::codecs::tables::codec_string::{parse_video, VideoCodec};
use crate::error::{Error, Result};
use crate::ffi::codec::Codec;
use crate::ffi::sys;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Family {
    Avc,
    Hevc,
    Vp8,
    Vp9,
    Av1,
}

pub(super) type Opts = &'static [(&'static str, &'static str)];

/// One row per codec: the encoder, its speed settings per latencyMode and its quantizer scale.
/// The speed settings are the measured defaults of docs/ENCODER-DEFAULTS.md.
pub(super) struct Row {
    pub(super) encoder: &'static str,
    /// latencyMode 'quality' (the default).
    pub(super) quality: Opts,
    /// latencyMode 'realtime': no lookahead, keeps up with 30 fps 1080p on 2 cores.
    pub(super) realtime: Opts,
    /// Always set (no reordering, no frame delay beyond what the mode needs, quiet logs). The
    /// lookahead and threading that bound the delay are set in `plan` (`Threads`).
    pub(super) common: Opts,
    /// Largest per-frame quantizer (`avc`/`hevc`: 0–51, `vp9`/`av1`: 0–63).
    pub(super) qp_max: u8,
    /// Constant rate factor used when no bitrate is given (variable/constant mode).
    pub(super) default_crf: u8,
}

pub(super) fn row(f: Family) -> &'static Row {
    const AVC: Row = Row {
        encoder: "libx264",
        // Baseline; Main/High and above: superfast (see `plan`). No lookahead, two frame threads
        // (see `plan`).
        quality: &[("preset", "veryfast")],
        realtime: &[("preset", "veryfast"), ("tune", "zerolatency")],
        common: &[("forced-idr", "1")],
        qp_max: 51,
        default_crf: 23,
    };
    const HEVC: Row = Row {
        encoder: "libx265",
        // superfast, plus 16×16 smallest CUs, no lookahead and one frame thread (set in `plan`):
        // as fast as ultrafast, 0.6 dB better (docs/ENCODER-DEFAULTS.md).
        quality: &[("preset", "superfast")],
        realtime: &[("preset", "ultrafast"), ("tune", "zerolatency")],
        common: &[("forced-idr", "1")],
        qp_max: 51,
        default_crf: 28,
    };
    const VP8: Row = Row {
        encoder: "libvpx",
        quality: &[("deadline", "good"), ("cpu-used", "4")],
        realtime: &[("deadline", "realtime"), ("cpu-used", "8")],
        common: &[("lag-in-frames", "0"), ("auto-alt-ref", "0")],
        qp_max: 63,
        default_crf: 10,
    };
    const VP9: Row = Row {
        encoder: "libvpx-vp9",
        quality: &[("deadline", "realtime"), ("cpu-used", "7")],
        realtime: &[("deadline", "realtime"), ("cpu-used", "8")],
        common: &[("lag-in-frames", "0"), ("auto-alt-ref", "0"), ("row-mt", "1")],
        qp_max: 63,
        default_crf: 32,
    };
    const AV1: Row = Row {
        encoder: "libaom-av1",
        quality: &[("usage", "realtime"), ("cpu-used", "8")],
        realtime: &[("usage", "realtime"), ("cpu-used", "8")],
        common: &[("lag-in-frames", "0"), ("row-mt", "1")],
        qp_max: 63,
        default_crf: 32,
    };
    match f {
        Family::Avc => &AVC,
        Family::Hevc => &HEVC,
        Family::Vp8 => &VP8,
        Family::Vp9 => &VP9,
        Family::Av1 => &AV1,
    }
}

/// How the encoder's packets become chunk bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Bitstream {
    /// Annex B H.264/HEVC converted to 4-byte length prefixes, with avcC/hvcC as description.
    LengthPrefixed,
    /// Packets as the encoder made them (Annex B H.264/HEVC, VP8, VP9, AV1 OBUs).
    AsIs,
}

pub(super) struct Plan {
    pub(super) family: Family,
    pub(super) codec: Codec,
    pub(super) pix_fmt: sys::AVPixelFormat,
    pub(super) chroma_idc: u8,
    pub(super) bit_depth: u8,
    pub(super) level: Option<i32>,
    pub(super) options: Vec<(&'static str, String)>,
    pub(super) time_base: (i32, i32),
    pub(super) bitstream: Bitstream,
    /// Temporal layer id of each frame in one period of the pattern (empty: one layer).
    pub(super) layers: &'static [u8],
    /// Quantizer mode: the constant quantizer this context was opened with.
    pub(super) qp: Option<u8>,
    pub(super) threads: Threads,
}

/// AVCodecContext threading: `count` threads (0: as many as the encoder picks for the cores), of
/// frame and/or slice type. libx264 reads the type (frame threads delay output by count − 1
/// frames, slice threads not at all); libx265, libvpx and libaom only the count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Threads {
    pub(super) count: i32,
    pub(super) frame: bool,
    pub(super) slice: bool,
}

// libvpx per-frame encode flags (vp8cx.h), given through the frame's `vp8-flags` metadata.
// FFmpeg 5.1's own `ts_layering_mode` patterns leave the base layer referencing upper-layer
// frames (measured: base-only decode diverges from frame 2 on), so the references are set here.
pub(super) const NO_REF_GF: u32 = 1 << 17;
pub(super) const NO_UPD_LAST: u32 = 1 << 18;
pub(super) const NO_UPD_ENTROPY: u32 = 1 << 20;
pub(super) const NO_REF_ARF: u32 = 1 << 21;
pub(super) const NO_UPD_GF: u32 = 1 << 22;
pub(super) const NO_UPD_ARF: u32 = 1 << 23;
/// (layer id per frame of the period, encode flags per frame). Layer 0 references and updates
/// LAST only; upper layers never update LAST nor the entropy context, so the base layer decodes
/// alone.
pub(super) const L1T2: ([u8; 2], [u32; 2]) = ([0, 1], [NO_REF_GF | NO_REF_ARF | NO_UPD_GF | NO_UPD_ARF, NO_REF_GF | NO_REF_ARF | NO_UPD_LAST | NO_UPD_GF | NO_UPD_ARF | NO_UPD_ENTROPY]);
/// L1T3: layer 1 keeps its frame in GOLDEN, which layer 2 may also reference.
pub(super) const L1T3: ([u8; 4], [u32; 4]) = (
    [0, 2, 1, 2],
    [
        NO_REF_GF | NO_REF_ARF | NO_UPD_GF | NO_UPD_ARF,
        NO_REF_GF | NO_REF_ARF | NO_UPD_LAST | NO_UPD_GF | NO_UPD_ARF | NO_UPD_ENTROPY,
        NO_REF_GF | NO_REF_ARF | NO_UPD_LAST | NO_UPD_ARF | NO_UPD_ENTROPY,
        NO_REF_ARF | NO_UPD_LAST | NO_UPD_GF | NO_UPD_ARF | NO_UPD_ENTROPY,
    ],
);

/// The encode flags of position `i` of a layer pattern.
pub(super) fn layer_flags(layers: &[u8], i: usize) -> u32 {
    if layers.len() == 2 {
        L1T2.1[i % 2]
    } else {
        L1T3.1[i % 4]
    }
}

/// Default bitrate when a mode needs one and the config gives none (≈ 0.1 bit per pixel).
pub(super) fn default_bitrate(cfg: &EncoderConfig, fps: f64) -> u64 {
    ((cfg.width as f64 * cfg.height as f64 * fps * 0.1) as u64).clamp(100_000, 50_000_000)
}

/// The pixel format (and 4:2:0/4:4:4, bit depth) a codec string asks for.
pub(super) fn pixel_format(family: Family, codec: &VideoCodec, cfg: &EncoderConfig) -> Result<(sys::AVPixelFormat, u8, u8)> {
    use sys::AVPixelFormat::*;
    let unsupported = |m: String| Err(Error::not_supported(m));
    let fmt = match (family, codec) {
        (Family::Avc, VideoCodec::Avc { profile, .. }) => match profile {
            66 | 77 | 100 => (AV_PIX_FMT_YUV420P, 1, 8),
            110 => (AV_PIX_FMT_YUV420P10LE, 1, 10),
            244 => (AV_PIX_FMT_YUV444P, 3, 8),
            p => return unsupported(format!("VideoEncoder: H.264 profile_idc {p} (0x{p:02X}) is not supported; use 42 (Baseline), 4D (Main), 64 (High), 6E (High 10) or F4 (High 4:4:4)")),
        },
        (Family::Hevc, VideoCodec::Hevc { profile, .. }) => match profile {
            1 => (AV_PIX_FMT_YUV420P, 1, 8),
            2 => (AV_PIX_FMT_YUV420P10LE, 1, 10),
            4 => (AV_PIX_FMT_YUV444P, 3, 8),
            p => return unsupported(format!("VideoEncoder: HEVC profile {p} is not supported; use 1 (Main), 2 (Main 10) or 4 (Range Extensions, 4:4:4)")),
        },
        (Family::Vp8, _) => (AV_PIX_FMT_YUV420P, 1, 8),
        (Family::Vp9, VideoCodec::Vp9 { profile, bit_depth, .. }) => match (profile, bit_depth) {
            (0, 8) => (AV_PIX_FMT_YUV420P, 1, 8),
            (1, 8) => (AV_PIX_FMT_YUV444P, 3, 8),
            (2, 10) => (AV_PIX_FMT_YUV420P10LE, 1, 10),
            (2, 12) => (AV_PIX_FMT_YUV420P12LE, 1, 12),
            (3, 10) => (AV_PIX_FMT_YUV444P10LE, 3, 10),
            (3, 12) => (AV_PIX_FMT_YUV444P12LE, 3, 12),
            (p, d) => return unsupported(format!("VideoEncoder: VP9 profile {p} has no {d}-bit form (profiles 0/1 are 8-bit, 2/3 are 10/12-bit)")),
        },
        (Family::Av1, VideoCodec::Av1 { profile, bit_depth, .. }) => match (profile, bit_depth) {
            (0, 8) => (AV_PIX_FMT_YUV420P, 1, 8),
            (0, 10) => (AV_PIX_FMT_YUV420P10LE, 1, 10),
            (1, 8) => (AV_PIX_FMT_YUV444P, 3, 8),
            (1, 10) => (AV_PIX_FMT_YUV444P10LE, 3, 10),
            (p, d) => return unsupported(format!("VideoEncoder: AV1 profile {p} at {d} bits is not supported (profile 0 or 1, 8 or 10 bits)")),
        },
        _ => return Err(Error::encoding("VideoEncoder: codec family mismatch")),
    };
    if cfg.alpha_keep {
        // libvpx encodes the alpha plane as a second 4:2:0 8-bit stream (BlockAdditional).
        return match (family, fmt.0) {
            (Family::Vp8 | Family::Vp9, AV_PIX_FMT_YUV420P) => Ok((AV_PIX_FMT_YUVA420P, 1, 8)),
            _ => unsupported(format!("VideoEncoder: alpha 'keep' is supported for VP8 and VP9 profile 0 only, not {:?}", cfg.codec)),
        };
    }
    Ok(fmt)
}

/// Check a config and work out how to open its encoder (NotSupportedError if it can't be).
pub(super) fn plan(cfg: &EncoderConfig, qp: u8) -> Result<Plan> {
    let unsupported = |m: String| Err(Error::not_supported(m));
    let parsed = parse_video(&cfg.codec)?;
    let family = match parsed {
        VideoCodec::Avc { .. } => Family::Avc,
        VideoCodec::Hevc { .. } => Family::Hevc,
        VideoCodec::Vp8 => Family::Vp8,
        VideoCodec::Vp9 { .. } => Family::Vp9,
        VideoCodec::Av1 { .. } => Family::Av1,
    };
    let r = row(family);
    if cfg.prefer_hardware {
        return unsupported("VideoEncoder: hardwareAcceleration 'prefer-hardware' is not available (software encoders only)".into());
    }
    let (pix_fmt, chroma_idc, bit_depth) = pixel_format(family, &parsed, cfg)?;
    // scalabilityMode: temporal layers where the encoder has them (libvpx: L1T2 = 0,1 and L1T3 =
    // 0,2,1,2, each frame's references set by per-frame flags, see `LAYER_FLAGS`).
    let layers: &'static [u8] = match cfg.scalability_mode.as_deref() {
        None | Some("L1T1") => &[],
        Some(m @ ("L1T2" | "L1T3")) if matches!(family, Family::Vp8 | Family::Vp9) => {
            if cfg.bitrate_mode == BitrateMode::Quantizer {
                return unsupported(format!("VideoEncoder: scalabilityMode {m} needs a bitrate per layer; it is not supported with bitrateMode 'quantizer'"));
            }
            if m == "L1T2" {
                &L1T2.0
            } else {
                &L1T3.0
            }
        }
        Some(m) => return unsupported(format!("VideoEncoder: scalabilityMode {m:?} is not supported for {:?} (L1T1; L1T2 and L1T3 with VP8 and VP9)", cfg.codec)),
    };
    let needs_even = chroma_idc == 1 && matches!(family, Family::Avc | Family::Hevc);
    if needs_even && (cfg.width % 2 != 0 || cfg.height % 2 != 0) {
        return unsupported(format!("VideoEncoder: {:?} 4:2:0 needs even dimensions, got {}×{}", cfg.codec, cfg.width, cfg.height));
    }
    let max = if family == Family::Avc { 8192 } else { 16384 };
    if cfg.width > max || cfg.height > max {
        return unsupported(format!("VideoEncoder: {}×{} is larger than {:?} allows ({max})", cfg.width, cfg.height, cfg.codec));
    }
    let codec = Codec::encoder_by_name(r.encoder).ok_or_else(|| Error::not_supported(format!("VideoEncoder: this FFmpeg has no {} encoder", r.encoder)))?;
    let mut options: Vec<(&'static str, String)> = Vec::new();
    let speed = if cfg.realtime { r.realtime } else { r.quality };
    options.extend(speed.iter().chain(r.common).map(|(k, v)| (*k, v.to_string())));
    let fps = cfg.framerate.filter(|f| f.is_finite() && *f > 0.0).unwrap_or(30.0);
    let hint = cfg.content_hint.as_deref();
    let screen = matches!(hint, Some("text" | "detail"));
    let quantizer = cfg.bitrate_mode == BitrateMode::Quantizer;
    let mut level = None;
    // Frames an encoder holds back: at most one in 'quality', none in 'realtime'
    // (docs/ENCODER-DEFAULTS.md), as Chrome's encoders emit each chunk about one frame after its
    // input (Chromium media/video/vpx_video_encoder.cc and av1_video_encoder.cc:
    // g_lag_in_frames = 0); more
    // (lookahead, frame threads) only with the `lookahead` opt-in. libvpx and libaom hold none
    // with lag-in-frames 0, whatever their threads.
    let mut threads = Threads { count: 0, frame: true, slice: cfg.realtime };
    match (family, &parsed) {
        (Family::Avc, VideoCodec::Avc { profile, level: l, .. }) => {
            let name = match profile {
                66 => "baseline",
                77 => "main",
                100 => "high",
                110 => "high10",
                _ => "high444",
            };
            options.push(("profile", name.into()));
            level = Some(*l as i32);
            // Main/High and above (CABAC, 8×8 transforms) at `superfast` are faster than Baseline
            // at `veryfast` and better per bit; Baseline at `superfast` would lose 0.5 dB
            // (docs/ENCODER-DEFAULTS.md).
            if !cfg.realtime && *profile != 66 {
                options.retain(|(k, _)| *k != "preset");
                options.push(("preset", "superfast".into()));
            }
            // contentHint 'text': x264's still-image tune (no other hint has an x264 tune).
            if hint == Some("text") {
                let tune = if cfg.realtime { "stillimage,zerolatency" } else { "stillimage" };
                options.retain(|(k, _)| *k != "tune");
                options.push(("tune", tune.into()));
            }
            // x264 holds lookahead (with mbtree or VBV) + frame threads − 1 + sync lookahead + 1
            // unless force-cfr (encoder.c, `frames.i_delay`).
            let mut params: Vec<String> = Vec::new();
            if cfg.lookahead > 0 {
                // With mbtree, which the faster presets leave off and which is what lookahead is for.
                params.push(format!("rc-lookahead={}:mbtree=1", cfg.lookahead));
                threads = Threads { count: 0, frame: true, slice: false };
            } else if cfg.realtime {
                // zerolatency's sliced threads: FFmpeg gives x264 frame threads unless the thread
                // type is slice alone.
                threads = Threads { count: 0, frame: false, slice: true };
            } else {
                // One frame held: two frame threads, no lookahead. force-cfr drops x264's frame of
                // timestamp lookahead; our timestamps are frame numbers, constant rate anyway.
                params.push("rc-lookahead=0:sync-lookahead=0:force-cfr=1".into());
                threads = Threads { count: 2, frame: true, slice: false };
            }
            if quantizer {
                // QP 0 is lossless, which x264 allows in High 4:4:4 Predictive only: elsewhere
                // avc.quantizer 0 encodes at 1.
                let q = if *profile == 244 { qp } else { qp.max(1) };
                options.push(("qp", q.to_string()));
                params.push("ipratio=1:pbratio=1".into());
            } else if cfg.bitrate.is_none() {
                options.push(("crf", r.default_crf.to_string()));
            }
            if !params.is_empty() {
                options.push(("x264-params", params.join(":")));
            }
        }
        (Family::Hevc, VideoCodec::Hevc { profile, .. }) => {
            let name = match profile {
                1 => "main",
                2 => "main10",
                _ => "main444-8",
            };
            options.push(("profile", name.into()));
            // open-gop=0: a requested key frame is an IDR, not a CRA (x265's default open GOP
            // makes forced key frames CRAs, whose leading pictures may refer to the previous GOP).
            let mut params = format!("log-level=error:open-gop=0:bframes={}", cfg.b_frames);
            // 'quality': 16×16 CTUs (and CUs) give the wavefront more rows to spread over the
            // cores with one frame thread: with 64×64 CTUs one frame thread lost 18 % of frames/s
            // on 2 cores; with 16×16 it keeps the frames/s of the old frame-threaded, lookahead
            // default at less CPU and the same PSNR (docs/ENCODER-DEFAULTS.md).
            if !cfg.realtime {
                params.push_str(":min-cu-size=16:ctu=16");
            }
            // x265 holds its lookahead plus frame threads − 1; zerolatency ('realtime') has
            // neither. frame-threads=0 is x265's choice for the cores. x265 wants a lookahead
            // longer than the B-frame run (`bFrames` is an opt-in into delay already).
            let min_lookahead = if cfg.b_frames > 0 { cfg.b_frames + 1 } else { 0 };
            if cfg.lookahead > 0 {
                params.push_str(&format!(":rc-lookahead={}:frame-threads=0", cfg.lookahead.max(min_lookahead)));
            } else if !cfg.realtime || cfg.b_frames > 0 {
                params.push_str(&format!(":rc-lookahead={min_lookahead}:frame-threads=1"));
            }
            if quantizer {
                options.push(("qp", qp.to_string()));
                params.push_str(":ipratio=1:pbratio=1");
            } else if cfg.bitrate.is_none() {
                options.push(("crf", r.default_crf.to_string()));
            }
            options.push(("x265-params", params));
        }
        (Family::Vp8 | Family::Vp9, _) => {
            if quantizer {
                options.push(("crf", qp.to_string()));
            } else if cfg.bitrate.is_none() && family == Family::Vp9 {
                options.push(("crf", r.default_crf.to_string()));
            }
            // contentHint 'text'/'detail': VP9's screen-content tuning (VP8's is not exposed by FFmpeg 5.1).
            if family == Family::Vp9 && (screen || hint == Some("motion")) {
                options.push(("tune-content", if screen { "screen" } else { "film" }.into()));
            }
            if !layers.is_empty() {
                let total = cfg.bitrate.unwrap_or_else(|| default_bitrate(cfg, fps)) / 1000;
                let (n, rates, dec, ids) = if layers.len() == 2 {
                    (2, format!("{},{}", total * 6 / 10, total), "2,1", "0,1")
                } else {
                    (3, format!("{},{},{}", total * 4 / 10, total * 6 / 10, total), "4,2,1", "0,2,1,2")
                };
                // VP9 also predicts motion vectors from the previous frame (an upper-layer one);
                // error-resilient mode turns that off, as WebRTC does for temporal layers.
                if family == Family::Vp9 {
                    options.push(("error-resilient", "default".into()));
                }
                options.push(("ts-parameters", format!("ts_number_layers={n}:ts_target_bitrate={rates}:ts_rate_decimator={dec}:ts_periodicity={}:ts_layer_id={ids}", layers.len())));
            }
        }
        (Family::Av1, _) => {
            if quantizer {
                options.push(("crf", qp.to_string()));
            } else if cfg.bitrate.is_none() {
                options.push(("crf", r.default_crf.to_string()));
            }
            // libaom 3.6 crashes (SIGSEGV) in realtime screen-content mode at 10 bits, so the
            // screen tune is for 8-bit streams only.
            if screen && bit_depth == 8 {
                options.push(("aom-params", "tune-content=screen".into()));
            }
        }
        _ => {}
    }
    let bitstream = if matches!(family, Family::Avc | Family::Hevc) && !cfg.annexb { Bitstream::LengthPrefixed } else { Bitstream::AsIs };
    let den = (fps * 1000.0).round().clamp(1.0, i32::MAX as f64) as i32;
    Ok(Plan { family, codec, pix_fmt, chroma_idc, bit_depth, level, options, time_base: (1000, den), bitstream, layers, qp: quantizer.then_some(qp), threads })
}
