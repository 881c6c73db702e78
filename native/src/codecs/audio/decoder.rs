//! codecs layer: the AudioDecoder backend (Opus via libopus, AAC, FLAC, MP3, Vorbis and PCM through
//! FFmpeg's decoders). Output keeps the decoder's natural sample format (f32 for Opus as Chrome,
//! f32-planar for AAC/MP3/Vorbis, s16/s32 for FLAC and PCM). Invariant: output timestamps are
//! those of Chromium's `media/base/audio_discard_helper.cc`: the base is the timestamp of the first
//! chunk after configure, flush (Chrome re-initializes its decoder after a flush,
//! `decoder_template.cc` OnFlushDone) or reset, clamped to zero, and every output is stamped with
//! the base plus the samples output since — later chunk timestamps are not looked at, so a
//! demuxer's negative edit-list start (−23,220 µs for an ffmpeg-made AAC track) never reaches an
//! AudioData. Priming the codec reports (Opus pre-skip from the OpusHead description) is trimmed
//! here (FFmpeg's SKIP_MANUAL) without moving the base. One base value, no side table.
use crate::codecs::decode::{chunk_packet, send_draining, Draining};
use crate::codecs::media::audio_data::{AudioSamples, MAX_CHANNELS};
use crate::codecs::tables::codec_string::{parse_audio, pcm_codec_name, AudioCodec};
use crate::engine::Backend;
use crate::error::{Error, ErrorKind, Result};
use crate::ffi::codec::{Codec, CodecContext, Opened};
use crate::ffi::{sys, Frame};

#[derive(Clone, Debug, Default)]
pub struct DecoderConfig {
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u32,
    pub description: Option<Vec<u8>>,
}

pub struct DecodeItem {
    pub data: Vec<u8>,
    /// Microseconds.
    pub timestamp: i64,
}

pub struct DecodedAudio {
    pub samples: AudioSamples,
    pub timestamp: i64,
}

fn unsupported(m: impl std::fmt::Display) -> Error {
    Error::not_supported(format!("AudioDecoder: {m}"))
}

/// The configuration checks that need no decoder instance, and the FFmpeg decoder for the codec.
/// The flag is false when the codec needs a description (FLAC, Vorbis) and has none.
fn find_decoder(cfg: &DecoderConfig) -> Result<(AudioCodec, Codec, bool)> {
    let family = parse_audio(&cfg.codec).map_err(|e| unsupported(e.message))?;
    if cfg.sample_rate == 0 || cfg.sample_rate > 768_000 {
        return Err(unsupported(format!("expected a sampleRate between 1 and 768000, got {}", cfg.sample_rate)));
    }
    if cfg.channels == 0 || cfg.channels > MAX_CHANNELS {
        return Err(unsupported(format!("expected 1 to {MAX_CHANNELS} channels, got {}", cfg.channels)));
    }
    let names: &[&str] = match family {
        // libopus outputs interleaved f32 as Chrome does; FFmpeg's own decoder is the fallback.
        AudioCodec::Opus => &["libopus", "opus"],
        AudioCodec::Aac { .. } => &["aac", "aac_fixed"],
        AudioCodec::Flac => &["flac"],
        AudioCodec::Mp3 => &["mp3float", "mp3"],
        AudioCodec::Vorbis => &["vorbis", "libvorbis"],
        AudioCodec::Pcm(p) => &[pcm_codec_name(p)][..],
    };
    let codec = names.iter().find_map(|n| Codec::decoder_by_name(n)).ok_or_else(|| unsupported(format!("this FFmpeg has no decoder for {:?}", cfg.codec)))?;
    let needs_description = matches!(family, AudioCodec::Flac | AudioCodec::Vorbis);
    let has_description = cfg.description.as_deref().is_some_and(|d| !d.is_empty());
    Ok((family, codec, has_description || !needs_description))
}

/// An Opus description must be an identification header (RFC 7845 §5.1, the Opus registration's
/// AudioDecoderConfig.description) that can map `channels` channels: at least its 19 fixed bytes,
/// and for more than 2 channels a channel mapping table (family ≠ 0, 21 + channels bytes). FFmpeg
/// would otherwise quietly fall back to its defaults. Like FFmpeg, the "OpusHead" magic and
/// version are not checked. WPT audio-decoder: "Opus with more than two channels and with a
/// description that is too short" fails configure() with NotSupportedError.
fn check_opus_head(d: &[u8], channels: u32) -> Result<()> {
    let bad = |m: String| Err(unsupported(format!("the Opus description is not a usable OpusHead: {m}")));
    if d.len() < 19 {
        return bad(format!("expected at least 19 bytes, got {}", d.len()));
    }
    let family = d[18];
    if family == 0 {
        if channels > 2 {
            return bad(format!("channel mapping family 0 has 1 or 2 channels, the config {channels}"));
        }
        return Ok(());
    }
    let need = 21 + d[9] as usize;
    if d.len() < need || d[19] == 0 || d[20] > d[19] {
        return bad(format!("channel mapping family {family} needs stream counts and a {}-entry table", d[9]));
    }
    Ok(())
}

fn open(cfg: &DecoderConfig, threads: bool) -> Result<CodecContext<Opened>> {
    let (family, codec, complete) = find_decoder(cfg)?;
    if let (AudioCodec::Opus, Some(d)) = (family, cfg.description.as_deref().filter(|d| !d.is_empty())) {
        check_opus_head(d, cfg.channels)?;
    }
    // The FLAC and Vorbis registrations require a description (configure() throws a TypeError
    // in js/ first, as Chrome's VerifyDescription); a native caller without one is refused here.
    if !complete {
        return Err(unsupported(format!("{} needs a description ({})", cfg.codec, if matches!(family, AudioCodec::Flac) { "the fLaC marker and STREAMINFO block" } else { "the Xiph-laced identification, comment and setup headers" })));
    }
    let description = cfg.description.as_deref().filter(|d| !d.is_empty());
    let mut ctx = CodecContext::new(codec)?;
    ctx.set_audio(cfg.sample_rate, cfg.channels, sys::AVSampleFormat::AV_SAMPLE_FMT_NONE);
    if matches!(family, AudioCodec::Opus) {
        // Chrome outputs Opus as interleaved f32 (WPT audio-encoder "Encoding and decoding").
        ctx.set_request_sample_fmt(sys::AVSampleFormat::AV_SAMPLE_FMT_FLT);
    }
    // Priming (Opus pre-skip) is trimmed here, not by FFmpeg, so timestamps are not shifted.
    ctx.set_skip_manual();
    ctx.set_pkt_timebase(1, 1_000_000);
    if !threads {
        ctx.set_threads(1, false, false);
    }
    if let Some(d) = description {
        if d.len() > 1 << 24 {
            return Err(unsupported(format!("a description of {} bytes is too large", d.len())));
        }
        ctx.set_extradata(d)?;
    }
    ctx.open(&[]).map_err(|e| unsupported(format!("FFmpeg refused the configuration: {}", e.to_error(ErrorKind::NotSupported).message)))
}

/// isConfigSupported: validate and open once, single-threaded. It answers for the codec: FLAC or
/// Vorbis without the description their registrations require is supported when this FFmpeg has
/// the decoder (nothing to open yet; configure() requires the description).
pub fn check_support(cfg: &DecoderConfig) -> Result<()> {
    match find_decoder(cfg)? {
        (_, _, false) => Ok(()),
        _ => open(cfg, false).map(drop),
    }
}

struct Active {
    ctx: CodecContext<Opened>,
    /// Microseconds of the first sample counted: the first chunk's timestamp after
    /// configure/flush, clamped to zero (module doc).
    base: Option<i64>,
    /// (samples output since `base`, their rate); a rate change moves `base` to the end of them.
    counted: (i64, u32),
    /// Priming samples still to drop (FFmpeg reports them once, possibly more than a frame holds).
    skip: u64,
    spare: Option<Frame>,
}

#[derive(Default)]
pub struct AudioDecoderBackend {
    active: Option<Active>,
}

fn us(samples: i64, rate: u32) -> i64 {
    ((samples as i128 * 1_000_000 + (rate as i128 / 2)).div_euclid(rate.max(1) as i128)) as i64
}

impl Draining<DecodedAudio> for Active {
    fn codec(&mut self) -> &mut CodecContext<Opened> {
        &mut self.ctx
    }
    fn spare(&mut self) -> &mut Option<Frame> {
        &mut self.spare
    }
    fn take(&mut self, mut frame: Frame, out: &mut Vec<DecodedAudio>) -> Result<()> {
        let total = frame.nb_samples();
        let (start_skip, end_skip) = frame.skip_samples().unwrap_or((0, 0));
        self.skip += start_skip as u64;
        let head = (self.skip.min(total as u64)) as usize;
        self.skip -= head as u64;
        let tail = (end_skip as usize).min(total - head);
        let keep = total - head - tail;
        let rate = frame.sample_rate();
        if keep == 0 {
            frame.unref();
            self.spare = Some(frame);
            return Ok(());
        }
        let samples = AudioSamples::from_av_frame(&frame, head, keep)?;
        let n = keep as i64;
        frame.unref();
        self.spare = Some(frame);
        // The base plus the samples output since (audio_discard_helper.cc: GetTimestamp, AddFrames).
        let mut base = self.base.unwrap_or(0);
        let (mut count, r) = self.counted;
        if r != rate && count > 0 {
            base += us(count, r);
            count = 0;
        }
        let timestamp = base + us(count, rate);
        self.base = Some(base);
        self.counted = (count + n, rate);
        out.push(DecodedAudio { samples, timestamp });
        Ok(())
    }
}

impl Backend for AudioDecoderBackend {
    type Config = DecoderConfig;
    type Item = DecodeItem;
    type Output = DecodedAudio;

    fn configure(&mut self, cfg: DecoderConfig, out: &mut Vec<DecodedAudio>) -> Result<()> {
        self.flush(out)?;
        self.active = Some(Active { ctx: open(&cfg, true)?, base: None, counted: (0, 0), skip: 0, spare: None });
        Ok(())
    }

    fn push(&mut self, item: DecodeItem, out: &mut Vec<DecodedAudio>) -> Result<()> {
        let a = self.active.as_mut().ok_or_else(|| Error::new(ErrorKind::InvalidState, "AudioDecoder: decode while unconfigured"))?;
        let mut pkt = chunk_packet(&item.data, "AudioDecoder")?;
        drop(item.data);
        // The first chunk after configure/flush sets the base, clamped to zero (module doc).
        a.base.get_or_insert(item.timestamp.max(0));
        pkt.set_pts(Some(item.timestamp));
        pkt.set_key(true);
        send_draining(a, &pkt, out, "AudioDecoder")?;
        drop(pkt);
        a.receive_all(out)?;
        Ok(())
    }

    fn flush(&mut self, out: &mut Vec<DecodedAudio>) -> Result<()> {
        let Some(a) = self.active.as_mut() else { return Ok(()) };
        // A decoder without AV_CODEC_CAP_DELAY (Vorbis, AAC, MP3, FLAC, PCM, libopus) has output
        // everything it was given: nothing to drain, and no avcodec_flush_buffers(), which would
        // make vorbisdec take the next packet for a stream's first and output nothing for it
        // (WPT audioDecoder-codec-specific "decoding after flush" expects an output).
        if a.ctx.codec_capabilities() & sys::AV_CODEC_CAP_DELAY != 0 {
            a.drain(out, "AudioDecoder")?;
        }
        a.base = None;
        a.counted = (0, 0);
        a.skip = 0;
        Ok(())
    }

    fn reset(&mut self) {
        self.active = None;
    }

    crate::release_memory_hooks!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codecs::media::audio_data::SampleFormat;
    use crate::codecs::audio::encoder::{AudioEncoderBackend, EncodeItem, EncoderConfig, OpusConfig};
    use std::sync::Arc;

    /// Encode a 2-channel sine with `codec`, decode it, and return (input, decoded chunks).
    fn round_trip(codec: &str, rate: u32) -> (Vec<f32>, Vec<DecodedAudio>) {
        let frames = rate as usize; // one second
        let mut planar = Vec::new();
        let mut left = Vec::new();
        for c in 0..2 {
            for i in 0..frames {
                let v = ((i as f32) * 2.0 * std::f32::consts::PI * 440.0 * (c + 1) as f32 / rate as f32).sin() * 0.5;
                if c == 0 {
                    left.push(v);
                }
                planar.extend_from_slice(&v.to_le_bytes());
            }
        }
        let s = Arc::new(AudioSamples::from_bytes(SampleFormat::F32Planar, rate as f64, 2, frames, &planar).unwrap());
        let mut e = AudioEncoderBackend::default();
        let mut chunks = Vec::new();
        e.configure(EncoderConfig { codec: codec.into(), sample_rate: rate, channels: 2, opus: OpusConfig { frame_duration: 20000, ..Default::default() }, ..Default::default() }, &mut chunks).unwrap();
        e.push(EncodeItem { samples: s, timestamp: 0 }, &mut chunks).unwrap();
        e.flush(&mut chunks).unwrap();
        let dc = chunks[0].decoder_config.clone().unwrap();
        let mut d = AudioDecoderBackend::default();
        let mut out = Vec::new();
        d.configure(DecoderConfig { codec: dc.codec, sample_rate: dc.sample_rate, channels: dc.channels, description: dc.description }, &mut out).unwrap();
        for c in chunks {
            d.push(DecodeItem { data: c.data.as_slice().to_vec(), timestamp: c.timestamp }, &mut out).unwrap();
        }
        d.flush(&mut out).unwrap();
        (left, out)
    }

    /// Channel 0 of decoded output as f32, without its first `priming` samples; checks that the
    /// output starts at timestamp 0 and that each output follows the last without a gap.
    fn left_after(out: &[DecodedAudio], priming: usize) -> Vec<f32> {
        let mut v = Vec::new();
        let mut counted = 0;
        for o in out {
            assert_eq!(o.timestamp, us(counted, o.samples.sample_rate as u32), "outputs are contiguous from 0");
            counted += o.samples.frames as i64;
            let mut b = vec![0u8; o.samples.frames * 4];
            o.samples.copy_to(&mut b, 0, 0, None, SampleFormat::F32Planar).unwrap();
            v.extend(b.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())));
        }
        v.split_off(priming.min(v.len()))
    }

    fn snr(a: &[f32], b: &[f32]) -> f64 {
        let n = a.len().min(b.len());
        let sig: f64 = a[..n].iter().map(|x| (*x as f64).powi(2)).sum();
        let err: f64 = a[..n].iter().zip(&b[..n]).map(|(x, y)| ((*x - *y) as f64).powi(2)).sum();
        10.0 * (sig / err.max(1e-20)).log10()
    }

    #[test]
    fn support_answers_for_the_codec_and_configure_needs_the_description() {
        for codec in ["flac", "vorbis"] {
            let cfg = DecoderConfig { codec: codec.into(), sample_rate: 48000, channels: 2, description: None };
            check_support(&cfg).unwrap_or_else(|e| panic!("{codec}: {e}"));
            let err = AudioDecoderBackend::default().configure(cfg, &mut Vec::new()).unwrap_err();
            assert_eq!(err.kind, ErrorKind::NotSupported, "{codec}");
            assert!(err.message.contains("needs a description"), "{codec}: {}", err.message);
        }
        let bogus = DecoderConfig { codec: "flac".into(), sample_rate: 0, channels: 2, description: None };
        assert_eq!(check_support(&bogus).unwrap_err().kind, ErrorKind::NotSupported);
    }

    #[test]
    fn opus_descriptions_must_map_the_channels() {
        let head = |channels: u8, family: u8, table: &[u8]| {
            let mut h = b"OpusHead".to_vec();
            h.extend_from_slice(&[1, channels, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, family]);
            h.extend_from_slice(table);
            h
        };
        let opus = |channels: u32, d: Vec<u8>| DecoderConfig { codec: "opus".into(), sample_rate: 48000, channels, description: Some(d) };
        check_support(&opus(2, head(2, 0, &[]))).unwrap();
        check_support(&opus(3, head(3, 1, &[2, 1, 0, 1, 2]))).unwrap();
        for (what, cfg) in [
            ("too short", opus(3, vec![0; 9])),
            ("too short for stereo", opus(2, vec![0; 18])),
            ("family 0 with 3 channels", opus(3, head(3, 0, &[]))),
            ("no mapping table", opus(3, head(3, 1, &[2, 1]))),
            ("more coupled than streams", opus(3, head(3, 1, &[1, 2, 0, 1, 2]))),
        ] {
            assert_eq!(check_support(&cfg).unwrap_err().kind, ErrorKind::NotSupported, "{what}");
        }
    }

    #[test]
    fn round_trips_line_up() {
        // Priming left in the decoded output (the chunks start at the input timestamp, as Chrome's):
        // none where the description carries it (Opus pre-skip) or the codec has none; AAC's 1024
        // and MP3's 1105 (LAME's 576 + the decoder's 529) samples otherwise.
        for (codec, rate, min_snr, priming) in [("opus", 48000, 15.0, 0), ("mp4a.40.2", 48000, 15.0, 1024), ("flac", 48000, 90.0, 0), ("pcm-f32", 48000, 200.0, 0), ("pcm-s16", 48000, 80.0, 0), ("vorbis", 48000, 15.0, 0), ("mp3", 48000, 15.0, 1105)] {
            let (input, out) = round_trip(codec, rate);
            assert_eq!(out[0].samples.channels, 2);
            let got = left_after(&out, priming);
            assert!(got.len() >= input.len(), "{codec}: {} decoded < {} input", got.len(), input.len());
            let s = snr(&input, &got);
            assert!(s > min_snr, "{codec}: SNR {s:.1} dB");
        }
    }
}
