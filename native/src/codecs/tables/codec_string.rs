//! codecs layer (pure table): parse WebCodecs codec strings as Chrome does. Ambiguous forms
//! (`vp9`, `av01`, bare `avc1`, `hvc1`) are not supported, with a message naming the full form.
use crate::error::{Error, Result};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VideoCodec {
    /// `avc1.PPCCLL` / `avc3.PPCCLL`: profile_idc, constraint flags byte, level_idc.
    Avc { profile: u8, constraints: u8, level: u8, in_band: bool },
    Hevc { profile: u8, tier_high: bool, level: u8 },
    Vp8,
    Vp9 { profile: u8, level: u8, bit_depth: u8 },
    Av1 { profile: u8, level: u8, tier_high: bool, bit_depth: u8 },
}

fn hex_byte(s: &str) -> Option<u8> {
    (s.len() == 2).then(|| u8::from_str_radix(s, 16).ok()).flatten()
}

fn dec(s: &str, max: u32) -> Option<u8> {
    (!s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok().filter(|v| *v <= max).map(|v| v as u8)).flatten()
}

const AVC_HINT: &str = ": use the full form avc1.PPCCLL, e.g. avc1.42001E (Baseline), avc1.4D401F (Main) or avc1.64001F (High)";
const HEVC_HINT: &str = ": use the full form hvc1.P.C.TL.B, e.g. hvc1.1.6.L93.B0 (Main) or hvc1.2.4.L93.B0 (Main 10)";
const VP9_HINT: &str = ": use the full form vp09.PP.LL.DD, e.g. vp09.00.10.08";
const AV1_HINT: &str = ": use the full form av01.P.LLT.DD, e.g. av01.0.04M.08";

/// The names people try first (`h264`, `hevc`, `av1`, a MIME type …), which no browser accepts:
/// the hint names the codec string to use instead. Codec strings are case-sensitive, as in Chrome.
fn video_alias_hint(codec: &str) -> Option<&'static str> {
    let lower = codec.trim().to_ascii_lowercase();
    if lower.contains('/') || lower.contains(';') {
        return Some(": pass the codec string alone (e.g. avc1.42001E), not a MIME type such as video/mp4; codecs=\"…\"");
    }
    let bare: String = lower.chars().filter(|c| !matches!(c, '.' | '-' | '_' | ' ')).collect();
    Some(match bare.as_str() {
        "h264" | "avc" | "x264" | "openh264" | "mpeg4avc" => AVC_HINT,
        "avc1" | "avc3" if codec == lower => return None, // the parser's own message below
        "avc1" | "avc3" => AVC_HINT,
        "h265" | "hevc" | "x265" | "hvc1" | "hev1" if codec != bare => HEVC_HINT,
        "h265" | "hevc" | "x265" => HEVC_HINT,
        "vp9" | "vp09" | "libvpxvp9" if codec != "vp9" && codec != "vp09" => VP9_HINT,
        "av1" | "libaom" | "aom" | "svtav1" | "dav1d" | "av01" if codec != "av01" => AV1_HINT,
        "vp8" if codec != "vp8" => ": codec strings are case-sensitive: use vp8",
        "opus" | "aac" | "mp3" | "flac" | "vorbis" | "mp4a402" => ": this is an audio codec: use AudioEncoder/AudioDecoder",
        _ => return None,
    })
}

pub fn parse_video(codec: &str) -> Result<VideoCodec> {
    let bad = |hint: &str| Error::not_supported(format!("unsupported codec string {codec:?}{hint}"));
    // Every codec string we know is ASCII; anything else (any Unicode) is unsupported, and the
    // slicing below can then never split a character.
    if !codec.is_ascii() {
        return Err(bad(": codec strings are ASCII"));
    }
    if let Some(hint) = video_alias_hint(codec) {
        return Err(bad(hint));
    }
    let parts: Vec<&str> = codec.split('.').collect();
    match parts[0] {
        "avc1" | "avc3" => {
            if parts.len() != 2 || parts[1].len() != 6 {
                return Err(bad(AVC_HINT));
            }
            let p = &parts[1];
            let (profile, constraints, level) = match (hex_byte(&p[0..2]), hex_byte(&p[2..4]), hex_byte(&p[4..6])) {
                (Some(a), Some(b), Some(c)) => (a, b, c),
                _ => return Err(bad(": PPCCLL must be hexadecimal, e.g. avc1.42001E")),
            };
            // level_idc: the levels H.264 Table A-1 defines (9 is level 1b); others are unsupported, as in Chrome.
            const LEVELS: [u8; 20] = [9, 10, 11, 12, 13, 20, 21, 22, 30, 31, 32, 40, 41, 42, 50, 51, 52, 60, 61, 62];
            if !LEVELS.contains(&level) {
                return Err(bad(": the level (LL) is not an H.264 level, e.g. 1E for 3.0"));
            }
            Ok(VideoCodec::Avc { profile, constraints, level, in_band: parts[0] == "avc3" })
        }
        "hvc1" | "hev1" => {
            // hvc1.P.C.TL.B — profile space/idc, compatibility, tier+level, constraints
            if parts.len() < 4 {
                return Err(bad(HEVC_HINT));
            }
            let prof = parts[1].trim_start_matches(['A', 'B', 'C']);
            let profile = dec(prof, 255).ok_or_else(|| bad(": bad HEVC profile"))?;
            let tl = parts[3];
            let tier_high = match tl.chars().next() {
                Some('L') => false,
                Some('H') => true,
                _ => return Err(bad(": HEVC tier must be L or H")),
            };
            let level = tl.get(1..).and_then(|l| dec(l, 255)).ok_or_else(|| bad(": bad HEVC level"))?;
            Ok(VideoCodec::Hevc { profile, tier_high, level })
        }
        "vp8" if parts.len() == 1 => Ok(VideoCodec::Vp8),
        "vp9" => Err(bad(VP9_HINT)),
        "vp09" => {
            if parts.len() < 4 {
                return Err(bad(VP9_HINT));
            }
            let profile = dec(parts[1], 3).filter(|_| parts[1].len() == 2).ok_or_else(|| bad(": VP9 profile must be 00-03"))?;
            let level = dec(parts[2], 62).filter(|_| parts[2].len() == 2).ok_or_else(|| bad(": bad VP9 level"))?;
            const LEVELS: [u8; 14] = [10, 11, 20, 21, 30, 31, 40, 41, 50, 51, 52, 60, 61, 62];
            if !LEVELS.contains(&level) {
                return Err(bad(": bad VP9 level"));
            }
            let bit_depth = dec(parts[3], 12).filter(|d| [8, 10, 12].contains(d) && parts[3].len() == 2).ok_or_else(|| bad(": VP9 bit depth must be 08, 10 or 12"))?;
            Ok(VideoCodec::Vp9 { profile, level, bit_depth })
        }
        "av01" => {
            if parts.len() < 4 {
                return Err(bad(AV1_HINT));
            }
            let profile = dec(parts[1], 2).filter(|_| parts[1].len() == 1).ok_or_else(|| bad(": AV1 profile must be 0, 1 or 2"))?;
            let lt = parts[2];
            if lt.len() != 3 {
                return Err(bad(": AV1 level must be two digits and a tier (M or H)"));
            }
            let level = dec(&lt[..2], 31).ok_or_else(|| bad(": bad AV1 level"))?;
            let tier_high = match &lt[2..] {
                "M" => false,
                "H" => true,
                _ => return Err(bad(": AV1 tier must be M or H")),
            };
            let bit_depth = dec(parts[3], 12).filter(|d| [8, 10, 12].contains(d) && parts[3].len() == 2).ok_or_else(|| bad(": AV1 bit depth must be 08, 10 or 12"))?;
            Ok(VideoCodec::Av1 { profile, level, tier_high, bit_depth })
        }
        _ => Err(bad("")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn avc() {
        assert_eq!(parse_video("avc1.42001E").unwrap(), VideoCodec::Avc { profile: 0x42, constraints: 0, level: 0x1e, in_band: false });
        assert_eq!(parse_video("avc3.64001f").unwrap(), VideoCodec::Avc { profile: 0x64, constraints: 0, level: 0x1f, in_band: true });
        let e = parse_video("avc1").unwrap_err();
        assert_eq!(e.name(), "NotSupportedError");
        assert!(e.message.contains("avc1.42001E"));
        assert!(parse_video("avc1.42001").is_err());
        assert!(parse_video("avc1.4200ZZ").is_err());
        assert!(parse_video("avc1.4D401D").is_err(), "level 2.9 does not exist");
    }
    #[test]
    fn others() {
        assert_eq!(parse_video("vp8").unwrap(), VideoCodec::Vp8);
        assert!(parse_video("vp9").unwrap_err().message.contains("vp09.00.10.08"));
        assert_eq!(parse_video("vp09.00.10.08").unwrap(), VideoCodec::Vp9 { profile: 0, level: 10, bit_depth: 8 });
        assert!(parse_video("vp09.00.99.08").is_err());
        assert_eq!(parse_video("av01.0.04M.08").unwrap(), VideoCodec::Av1 { profile: 0, level: 4, tier_high: false, bit_depth: 8 });
        assert!(parse_video("av01").is_err());
        assert_eq!(parse_video("hvc1.1.6.L93.B0").unwrap(), VideoCodec::Hevc { profile: 1, tier_high: false, level: 93 });
        assert!(parse_video("hvc1").is_err());
        assert!(parse_video("h264").is_err());
        // The names people try first get the codec string to use.
        for (alias, want) in [("h264", "avc1.42001E"), ("H.264", "avc1.42001E"), ("avc", "avc1.42001E"), ("AVC1", "avc1.42001E"), ("hevc", "hvc1.1.6.L93.B0"),
            ("h265", "hvc1.1.6.L93.B0"), ("HEVC", "hvc1.1.6.L93.B0"), ("av1", "av01.0.04M.08"), ("AV1", "av01.0.04M.08"), ("av01", "av01.0.04M.08"),
            ("VP9", "vp09.00.10.08"), ("vp9", "vp09.00.10.08"), ("VP8", "use vp8"), ("video/mp4; codecs=\"avc1.42001E\"", "not a MIME type"), ("opus", "AudioEncoder")] {
            let e = parse_video(alias).unwrap_err();
            assert_eq!(e.name(), "NotSupportedError", "{alias}");
            assert!(e.message.contains(want), "{alias}: {}", e.message);
        }
        // Valid strings are untouched by the alias table.
        for ok in ["vp8", "avc1.64001F", "avc3.42001E", "hev1.1.6.L93.B0", "av01.0.04M.10", "vp09.02.10.10"] {
            assert!(parse_video(ok).is_ok(), "{ok}");
        }
        assert!(parse_video("").is_err());
    }
    #[test]
    fn any_unicode_is_unsupported_never_a_panic() {
        for s in ["avc1.aé€", "av01.0.aé.08", "avc1.42😀", "hvc1.1.6.é.B0", "vp09.0é.10.08", "é", "avc1.42001\u{0}", "hvc1.1.6.L.B0", "hvc1.1.6..B0"] {
            let e = parse_video(s).unwrap_err();
            assert_eq!(e.name(), "NotSupportedError", "{s:?}");
        }
    }
}

// ---- audio codec strings ----------------------------------------------------------------------

/// The PCM variants of the PCM, A-law and μ-law registrations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pcm {
    U8,
    S16,
    S24,
    S32,
    F32,
    Alaw,
    Ulaw,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AudioCodec {
    Opus,
    /// AAC by MPEG-4 audio object type (2 LC, 5 HE-AAC/SBR, 29 HE-AACv2/PS); `mpeg2` for mp4a.67.
    Aac { object_type: u8, mpeg2: bool },
    Flac,
    Mp3,
    Vorbis,
    Pcm(Pcm),
}

/// Parse an audio codec string of the WebCodecs registry (case-sensitive, as Chrome).
pub fn parse_audio(codec: &str) -> Result<AudioCodec> {
    use AudioCodec::*;
    Ok(match codec {
        "opus" => Opus,
        "flac" => Flac,
        "vorbis" => Vorbis,
        // MP3 registration: "mp3", and MPEG-1/2 layer III in MP4 object types 0x6B / 0x69.
        "mp3" | "mp4a.69" | "mp4a.6B" | "mp4a.6b" | "mp4a.40.34" => Mp3,
        "mp4a.40.2" | "mp4a.40.02" => Aac { object_type: 2, mpeg2: false },
        "mp4a.40.5" | "mp4a.40.05" => Aac { object_type: 5, mpeg2: false },
        "mp4a.40.29" => Aac { object_type: 29, mpeg2: false },
        "mp4a.67" => Aac { object_type: 2, mpeg2: true },
        "pcm-u8" => Pcm(self::Pcm::U8),
        "pcm-s16" => Pcm(self::Pcm::S16),
        "pcm-s24" => Pcm(self::Pcm::S24),
        "pcm-s32" => Pcm(self::Pcm::S32),
        "pcm-f32" => Pcm(self::Pcm::F32),
        "alaw" => Pcm(self::Pcm::Alaw),
        "ulaw" => Pcm(self::Pcm::Ulaw),
        _ => {
            let lower = codec.trim().to_ascii_lowercase();
            let hint = match lower.as_str() {
                "aac" | "mp4a" | "mp4a.40" | "aac-lc" | "he-aac" => ": AAC is mp4a.40.2 (AAC-LC) or mp4a.40.5 (HE-AAC); ",
                "opus" | "flac" | "mp3" | "vorbis" | "alaw" | "ulaw" => ": codec strings are case-sensitive; ",
                "pcm" | "wav" | "s16" | "f32" => ": PCM is pcm-s16, pcm-f32 (or pcm-u8, pcm-s24, pcm-s32); ",
                _ if parse_video(codec).is_ok() || video_alias_hint(codec).is_some_and(|h| h.contains("full form")) => ": this is a video codec: use VideoEncoder/VideoDecoder; ",
                _ => " (",
            };
            let close = if hint == " (" { ")" } else { "" };
            return Err(Error::not_supported(format!("unsupported audio codec string {codec:?}{hint}expected opus, mp4a.40.2, mp4a.40.5, mp4a.40.29, mp4a.67, flac, mp3, vorbis, pcm-u8, pcm-s16, pcm-s24, pcm-s32, pcm-f32, alaw or ulaw{close}")));
        }
    })
}

/// The FFmpeg PCM codec of a PCM variant (both directions: the encoder and decoder share a name).
pub fn pcm_codec_name(p: Pcm) -> &'static str {
    match p {
        Pcm::U8 => "pcm_u8",
        Pcm::S16 => "pcm_s16le",
        Pcm::S24 => "pcm_s24le",
        Pcm::S32 => "pcm_s32le",
        Pcm::F32 => "pcm_f32le",
        Pcm::Alaw => "pcm_alaw",
        Pcm::Ulaw => "pcm_mulaw",
    }
}

#[cfg(test)]
mod audio_tests {
    use super::*;
    #[test]
    fn audio_strings() {
        assert_eq!(parse_audio("opus"), Ok(AudioCodec::Opus));
        assert_eq!(parse_audio("mp4a.40.29"), Ok(AudioCodec::Aac { object_type: 29, mpeg2: false }));
        assert_eq!(parse_audio("pcm-s24"), Ok(AudioCodec::Pcm(Pcm::S24)));
        for bad in ["", "Opus", "opus.123", "mp4a.FF.9", "vp8", "vp9", "audio/webm; codecs=\"opus\"", "mp4a.40", "pcm"] {
            assert_eq!(parse_audio(bad).unwrap_err().kind, crate::error::ErrorKind::NotSupported, "{bad}");
        }
        for (alias, want) in [("aac", "mp4a.40.2"), ("AAC", "mp4a.40.2"), ("Opus", "case-sensitive"), ("vp8", "VideoEncoder"), ("h264", "VideoEncoder"), ("pcm", "pcm-s16"), ("xyz", "(expected opus")] {
            let m = parse_audio(alias).unwrap_err().message;
            assert!(m.contains(want), "{alias}: {m}");
        }
    }
}
