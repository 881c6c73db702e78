//! codecs layer: the AudioEncoder backend (Opus via libopus, AAC-LC via FFmpeg's aac, FLAC, MP3
//! via libmp3lame, Vorbis via libvorbis, PCM/A-law/μ-law). Input of any AudioSampleFormat and any
//! length is converted by libswresample (and resampled for Opus at rates libopus lacks) into a
//! bounded FIFO cut into the codec's frame size; flush() encodes the remainder. Invariant: chunk
//! timestamps come from one base timestamp (the first input after configure/flush) plus samples
//! counted through FFmpeg's packet pts — no side table. Every codec's chunks start at the input
//! timestamp, as Chrome's: Chromium's `media/audio/audio_opus_encoder.cc` stamps each chunk with
//! an `AudioTimestampHelper` whose base is the first input after configure/flush and counts
//! samples from there, so the encoder delay is never a negative time. FFmpeg's priming pts (the
//! first packet's pts is −312 samples for Opus, −1024 for AAC, −1105 for MP3, −128 for Vorbis at
//! 48 kHz; Vorbis reports no `initial_padding`) are shifted so that the first packet of an opened
//! encoder is at the base. Opus's delay still reaches a muxer as the OpusHead pre-skip in the
//! description; AAC's and MP3's has no field in their registrations, so (as in Chrome) decoded
//! AAC/MP3 output starts with the priming samples at the input timestamp.
use crate::codecs::media::audio_data::{AudioSamples, MAX_CHANNELS};
use crate::codecs::tables::codec_string::{parse_audio, pcm_codec_name, AudioCodec};
use crate::engine::Backend;
use crate::error::{Error, ErrorKind, Result};
use crate::ffi::codec::{Codec, CodecContext, Opened};
use crate::ffi::resample::{self, Resampler};
use crate::ffi::{sys, Frame, Packet, Status};
use std::sync::Arc;

#[derive(Clone, Debug, Default)]
pub struct OpusConfig {
    pub ogg: bool,
    pub application: Option<String>,
    pub signal: Option<String>,
    /// Microseconds.
    pub frame_duration: u64,
    pub complexity: Option<u32>,
    pub packetlossperc: u32,
    pub useinbandfec: bool,
    pub usedtx: bool,
}

/// A validated AudioEncoderConfig, as plain owned values.
#[derive(Clone, Debug, Default)]
pub struct EncoderConfig {
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u32,
    pub bitrate: Option<u64>,
    pub constant_bitrate: bool,
    pub opus: OpusConfig,
    /// `aac: {format: 'adts'}`: chunks carry ADTS headers and there is no description.
    pub aac_adts: bool,
    pub flac_block_size: Option<u32>,
    pub flac_compress_level: Option<u32>,
}

pub struct EncodeItem {
    pub samples: Arc<AudioSamples>,
    /// Microseconds.
    pub timestamp: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DecoderConfigOut {
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u32,
    pub description: Option<Vec<u8>>,
}

pub use crate::codecs::ChunkBytes;

pub struct EncodedChunk {
    pub data: ChunkBytes,
    pub timestamp: i64,
    pub duration: i64,
    pub decoder_config: Option<DecoderConfigOut>,
}

fn unsupported(m: impl std::fmt::Display) -> Error {
    Error::not_supported(format!("AudioEncoder: {m}"))
}

/// Which encoder, at which rate and sample format, with which options.
struct Plan {
    family: AudioCodec,
    codec: Codec,
    rate: u32,
    format: sys::AVSampleFormat,
    options: Vec<(&'static str, String)>,
}

const OPUS_RATES: [u32; 5] = [48000, 24000, 16000, 12000, 8000];

fn plan(cfg: &EncoderConfig) -> Result<Plan> {
    let family = parse_audio(&cfg.codec).map_err(|e| unsupported(e.message))?;
    if cfg.sample_rate < 3000 || cfg.sample_rate > 768_000 {
        return Err(unsupported(format!("expected a sampleRate between 3000 and 768000, got {}", cfg.sample_rate)));
    }
    let max_channels = match family {
        AudioCodec::Mp3 => 2,
        AudioCodec::Pcm(_) => MAX_CHANNELS,
        _ => 8,
    };
    if cfg.channels == 0 || cfg.channels > max_channels {
        return Err(unsupported(format!("{} encodes 1 to {max_channels} channels, got {}", cfg.codec, cfg.channels)));
    }
    let name = match family {
        AudioCodec::Opus => "libopus",
        AudioCodec::Aac { object_type: 2, mpeg2: false } => "aac",
        AudioCodec::Aac { .. } => return Err(unsupported(format!("{} can be decoded but not encoded (AAC-LC mp4a.40.2 can)", cfg.codec))),
        AudioCodec::Flac => "flac",
        AudioCodec::Mp3 if cfg.codec == "mp3" => "libmp3lame",
        AudioCodec::Mp3 => return Err(unsupported(format!("encode MP3 as \"mp3\", not {:?}", cfg.codec))),
        AudioCodec::Vorbis => "libvorbis",
        AudioCodec::Pcm(p) => pcm_codec_name(p),
    };
    let codec = Codec::encoder_by_name(name).ok_or_else(|| unsupported(format!("this FFmpeg has no {name} encoder")))?;
    // The codec's rate: the input's, except Opus at a rate libopus lacks (resampled to 48 kHz).
    let rates = codec.sample_rates();
    let rate = match family {
        AudioCodec::Opus if !OPUS_RATES.contains(&cfg.sample_rate) => 48000,
        _ if rates.is_empty() || rates.contains(&cfg.sample_rate) => cfg.sample_rate,
        _ => return Err(unsupported(format!("{} does not encode at {} Hz (it does at {rates:?})", cfg.codec, cfg.sample_rate))),
    };
    if matches!(family, AudioCodec::Flac) && rate > 655_350 {
        return Err(unsupported(format!("FLAC encodes at most 655350 Hz, got {rate}")));
    }
    // The sample format: FLAC stores 24 bits from s32 (s16 input stays bit-exact), the others take
    // their first (preferred) format.
    let formats = codec.sample_formats();
    let want = match family {
        AudioCodec::Flac => sys::AVSampleFormat::AV_SAMPLE_FMT_S32 as i32,
        AudioCodec::Opus => sys::AVSampleFormat::AV_SAMPLE_FMT_FLT as i32,
        _ => *formats.first().ok_or_else(|| unsupported(format!("{name} lists no sample format")))?,
    };
    let format = [
        sys::AVSampleFormat::AV_SAMPLE_FMT_U8,
        sys::AVSampleFormat::AV_SAMPLE_FMT_S16,
        sys::AVSampleFormat::AV_SAMPLE_FMT_S32,
        sys::AVSampleFormat::AV_SAMPLE_FMT_FLT,
        sys::AVSampleFormat::AV_SAMPLE_FMT_U8P,
        sys::AVSampleFormat::AV_SAMPLE_FMT_S16P,
        sys::AVSampleFormat::AV_SAMPLE_FMT_S32P,
        sys::AVSampleFormat::AV_SAMPLE_FMT_FLTP,
    ]
    .into_iter()
    .find(|f| *f as i32 == want && formats.contains(&want))
    .ok_or_else(|| unsupported(format!("{name} takes no sample format we can convert to")))?;
    let mut options = Vec::new();
    if let AudioCodec::Opus = family {
        let o = &cfg.opus;
        let ms = o.frame_duration as f64 / 1000.0;
        options.push(("frame_duration", format!("{ms}")));
        options.push(("packet_loss", o.packetlossperc.to_string()));
        options.push(("fec", if o.useinbandfec { "1" } else { "0" }.to_string()));
        options.push(("vbr", if cfg.constant_bitrate { "off" } else { "on" }.to_string()));
        if let Some(a) = o.application.as_deref() {
            options.push(("application", a.to_string()));
        }
        // OpusEncoderConfig.signal and usedtx: FFmpeg 5.1's libopus wrapper (`ffmpeg -h
        // encoder=libopus`: application, frame_duration, packet_loss, fec, vbr, mapping_family,
        // apply_phase_inv) has no option for OPUS_SET_SIGNAL or OPUS_SET_DTX, and its encoder
        // state is private, so neither can be honoured. The config stays valid (WPT expects
        // `supported: true`): `signal` behaves as 'auto' (libopus classifies speech/music itself)
        // and `usedtx` as false (silence is coded as ordinary, small packets, every one emitted;
        // Chrome drops the 1-byte DTX packets). test/conformance/audio-encoder.test.js pins this.
    }
    Ok(Plan { family, codec, rate, format, options })
}

struct Active {
    ctx: CodecContext<Opened>,
    rate: u32,
    format: sys::AVSampleFormat,
    frame_size: usize,
    variable: bool,
    small_last: bool,
    /// Samples added to packet pts for the chunk timestamp: minus the first packet's (negative)
    /// pts, the encoder's priming (see module doc); None until the first packet.
    pts_shift: Option<i64>,
    resampler: Resampler,
    /// The rate of the input the resampler was made for.
    in_format: sys::AVSampleFormat,
    fifo: Fifo,
    /// Samples sent to the encoder (its pts, at `rate`).
    sent: i64,
    /// Microseconds of the first input since open: timestamps count from here.
    base: Option<i64>,
    sent_config: bool,
    description: Option<Vec<u8>>,
    adts: Option<[u8; 3]>,
}

/// Converted samples waiting for a whole codec frame: one byte vector per plane.
struct Fifo {
    planes: Vec<Vec<u8>>,
    /// Bytes of one sample frame in each plane.
    frame_bytes: usize,
}

impl Fifo {
    fn new(format: sys::AVSampleFormat, channels: u32) -> Fifo {
        let (n, frame_bytes) = resample::layout(format, channels as usize);
        Fifo { planes: (0..n).map(|_| Vec::new()).collect(), frame_bytes }
    }
    fn len(&self) -> usize {
        self.planes.first().map_or(0, |p| p.len() / self.frame_bytes.max(1))
    }
    /// Spare room for `n` more samples at the end of every plane (fallible).
    fn grow(&mut self, n: usize) -> Result<Vec<&mut [u8]>> {
        let add = n.checked_mul(self.frame_bytes).ok_or_else(|| Error::new(ErrorKind::Range, "AudioEncoder: input too large"))?;
        let mut out = Vec::with_capacity(self.planes.len());
        for p in self.planes.iter_mut() {
            let at = p.len();
            p.try_reserve(add).map_err(|_| Error::new(ErrorKind::Range, format!("AudioEncoder: out of memory buffering {add} bytes")))?;
            p.resize(at + add, 0);
            out.push(&mut p[at..]);
        }
        Ok(out)
    }
    /// Keep only `n` of the `grown` samples just added.
    fn commit(&mut self, grown: usize, n: usize) {
        let drop = (grown - n.min(grown)) * self.frame_bytes;
        for p in self.planes.iter_mut() {
            p.truncate(p.len() - drop);
        }
    }
    /// Move the first `n` samples into a new frame's planes (zero-padded up to `alloc`).
    fn pop_into(&mut self, frame: &mut Frame, format: sys::AVSampleFormat, n: usize) -> Result<()> {
        let take = n * self.frame_bytes;
        let planes = frame.audio_planes_mut(format).ok_or_else(|| Error::encoding("AudioEncoder: could not write an audio frame"))?;
        for (dst, src) in planes.into_iter().zip(self.planes.iter_mut()) {
            let k = take.min(src.len()).min(dst.len());
            dst[..k].copy_from_slice(&src[..k]);
            dst[k..].fill(if matches!(format, sys::AVSampleFormat::AV_SAMPLE_FMT_U8 | sys::AVSampleFormat::AV_SAMPLE_FMT_U8P) { 0x80 } else { 0 });
            src.drain(..k);
        }
        Ok(())
    }
    fn clear(&mut self) {
        for p in self.planes.iter_mut() {
            *p = Vec::new();
        }
    }
}

/// Object type, frequency index and channel configuration from an AudioSpecificConfig.
fn adts_fields(asc: &[u8]) -> Option<[u8; 3]> {
    if asc.len() < 2 {
        return None;
    }
    let object = asc[0] >> 3;
    let freq = ((asc[0] & 7) << 1) | (asc[1] >> 7);
    let channels = (asc[1] >> 3) & 0xF;
    (object >= 1 && object <= 4 && freq < 13).then_some([object, freq, channels])
}

/// A 7-byte ADTS header (no CRC) for a raw AAC frame of `len` bytes.
fn adts_header(f: [u8; 3], len: usize) -> Option<[u8; 7]> {
    let full = len + 7;
    if full > 0x1FFF {
        return None;
    }
    let [object, freq, ch] = f;
    Some([
        0xFF,
        0xF1, // MPEG-4, layer 0, no CRC
        ((object - 1) << 6) | (freq << 2) | (ch >> 2),
        ((ch & 3) << 6) | (full >> 11) as u8,
        ((full >> 3) & 0xFF) as u8,
        (((full & 7) as u8) << 5) | 0x1F,
        0xFC,
    ])
}

/// The FLAC description: the "fLaC" marker and the STREAMINFO metadata block (flagged last).
fn flac_description(streaminfo: &[u8]) -> Option<Vec<u8>> {
    if streaminfo.len() != 34 {
        return None;
    }
    let mut v = b"fLaC".to_vec();
    v.extend_from_slice(&[0x80, 0, 0, 34]);
    v.extend_from_slice(streaminfo);
    Some(v)
}

fn open(cfg: &EncoderConfig, in_format: sys::AVSampleFormat, threads: bool) -> Result<Active> {
    let p = plan(cfg)?;
    let refused = |e: crate::ffi::AvError| unsupported(format!("FFmpeg refused the configuration: {}", e.to_error(ErrorKind::NotSupported).message));
    let mut ctx = CodecContext::new(p.codec)?;
    ctx.set_audio(p.rate, cfg.channels, p.format);
    ctx.set_time_base(1, p.rate as i32);
    ctx.set_global_header(true);
    if !threads {
        ctx.set_threads(1, false, false);
    }
    if let Some(b) = cfg.bitrate {
        ctx.set_bit_rate(b.min(i64::MAX as u64) as i64);
    }
    match p.family {
        AudioCodec::Opus => {
            if let Some(c) = cfg.opus.complexity {
                ctx.set_compression_level(c as i32);
            }
        }
        AudioCodec::Flac => {
            ctx.set_bits_per_raw_sample(24);
            if let Some(b) = cfg.flac_block_size.filter(|b| *b > 0) {
                ctx.set_frame_size(b.min(i32::MAX as u32) as i32);
            }
            if let Some(l) = cfg.flac_compress_level {
                ctx.set_compression_level(l.min(12) as i32);
            }
        }
        _ => {}
    }
    let ctx = ctx.open(&p.options).map_err(refused)?;
    let resampler = Resampler::new(cfg.channels, in_format, cfg.sample_rate, p.format, p.rate)?;
    let caps = ctx.codec_capabilities();
    let variable = caps & sys::AV_CODEC_CAP_VARIABLE_FRAME_SIZE != 0 || ctx.frame_size() == 0;
    let extradata = ctx.extradata().to_vec();
    let (description, adts) = match p.family {
        AudioCodec::Opus | AudioCodec::Vorbis => (Some(extradata), None),
        AudioCodec::Aac { .. } if cfg.aac_adts => (None, Some(adts_fields(&extradata).ok_or_else(|| Error::encoding("AudioEncoder: the AAC encoder gave no usable AudioSpecificConfig"))?)),
        AudioCodec::Aac { .. } => (Some(extradata), None),
        AudioCodec::Flac => (Some(flac_description(&extradata).ok_or_else(|| Error::encoding("AudioEncoder: the FLAC encoder gave no STREAMINFO"))?), None),
        _ => (None, None),
    };
    Ok(Active {
        frame_size: ctx.frame_size(),
        small_last: caps & sys::AV_CODEC_CAP_SMALL_LAST_FRAME != 0,
        ctx,
        rate: p.rate,
        format: p.format,
        variable,
        pts_shift: None,
        resampler,
        in_format,
        fifo: Fifo::new(p.format, cfg.channels),
        sent: 0,
        base: None,
        sent_config: false,
        description,
        adts,
    })
}

/// isConfigSupported: plan and open once, single-threaded.
pub fn check_support(cfg: &EncoderConfig) -> Result<()> {
    open(cfg, sys::AVSampleFormat::AV_SAMPLE_FMT_FLTP, false).map(drop)
}

fn us(samples: i64, rate: u32) -> i64 {
    ((samples as i128 * 1_000_000 + (rate as i128 / 2)).div_euclid(rate as i128)) as i64
}

#[derive(Default)]
pub struct AudioEncoderBackend {
    cfg: Option<EncoderConfig>,
    active: Option<Active>,
}

impl Active {
    /// Encode whole frames from the FIFO (and the short remainder when `last`).
    fn encode_fifo(&mut self, cfg: &EncoderConfig, last: bool, out: &mut Vec<EncodedChunk>) -> Result<()> {
        loop {
            let have = self.fifo.len();
            let n = if self.variable {
                have
            } else if have >= self.frame_size {
                self.frame_size
            } else if last && have > 0 {
                have
            } else {
                0
            };
            if n == 0 {
                return Ok(());
            }
            // A short last frame is sent short where the codec allows it, padded with silence otherwise.
            let alloc = if self.variable || n == self.frame_size || self.small_last { n } else { self.frame_size };
            let mut frame = Frame::new_audio(self.format, cfg.channels, self.rate, alloc)?;
            self.fifo.pop_into(&mut frame, self.format, n)?;
            frame.set_pts(Some(self.sent));
            self.sent += alloc as i64;
            loop {
                match self.ctx.send_frame(Some(&frame))? {
                    Status::Ready => break,
                    Status::Again => {
                        if self.receive(cfg, out)? == Status::Eof {
                            return Err(Error::encoding("AudioEncoder: the encoder is drained and refused a frame"));
                        }
                    }
                    Status::Eof => return Err(Error::encoding("AudioEncoder: the encoder is drained and refused a frame")),
                }
            }
            self.receive(cfg, out)?;
        }
    }

    /// Output EncodedAudioChunks for every packet the encoder has ready.
    fn receive(&mut self, cfg: &EncoderConfig, out: &mut Vec<EncodedChunk>) -> Result<Status> {
        loop {
            let mut pkt = Packet::new()?;
            match self.ctx.receive_packet(&mut pkt)? {
                Status::Ready => {}
                s => return Ok(s),
            }
            if pkt.data().is_empty() {
                continue; // FLAC's last packet only carries updated STREAMINFO side data
            }
            let pts = pkt.pts().ok_or_else(|| Error::encoding("AudioEncoder: the encoder returned a packet without a timestamp"))?;
            let base = self.base.unwrap_or(0);
            let shift = *self.pts_shift.get_or_insert(-pts.min(0));
            let timestamp = base + us(pts + shift, self.rate);
            let duration = us(pkt.duration().max(0), self.rate);
            let data = match self.adts {
                Some(f) => {
                    let h = adts_header(f, pkt.data().len()).ok_or_else(|| Error::encoding("AudioEncoder: an AAC frame too large for ADTS"))?;
                    let mut v = Vec::with_capacity(7 + pkt.data().len());
                    v.extend_from_slice(&h);
                    v.extend_from_slice(pkt.data());
                    ChunkBytes::Owned(v)
                }
                None => ChunkBytes::Packet(pkt),
            };
            let decoder_config = if self.sent_config {
                None
            } else {
                self.sent_config = true;
                // sampleRate: the encoded stream's rate (48000 for Opus input resampled from a rate
                // libopus lacks), as current Chrome reports it (encoded_buffer.params.sample_rate()).
                Some(DecoderConfigOut { codec: cfg.codec.clone(), sample_rate: self.rate, channels: cfg.channels, description: self.description.clone() })
            };
            out.push(EncodedChunk { data, timestamp, duration, decoder_config });
        }
    }
}

impl Backend for AudioEncoderBackend {
    type Config = EncoderConfig;
    type Item = EncodeItem;
    type Output = EncodedChunk;

    /// configure() control message: a reconfigure first emits what the previous one still holds.
    fn configure(&mut self, cfg: EncoderConfig, out: &mut Vec<EncodedChunk>) -> Result<()> {
        self.flush(out)?;
        self.active = None;
        // Check (and open once) now, so an unsupported config fails at configure().
        let a = open(&cfg, sys::AVSampleFormat::AV_SAMPLE_FMT_FLTP, true)?;
        self.active = Some(a);
        self.cfg = Some(cfg);
        Ok(())
    }

    /// encode() control message: convert, buffer, encode every whole frame.
    fn push(&mut self, item: EncodeItem, out: &mut Vec<EncodedChunk>) -> Result<()> {
        let cfg = self.cfg.as_ref().ok_or_else(|| Error::new(ErrorKind::InvalidState, "AudioEncoder: encode while unconfigured"))?;
        let s = &item.samples;
        if s.channels != cfg.channels || s.sample_rate != cfg.sample_rate as f64 {
            return Err(Error::encoding(format!(
                "AudioEncoder: expected AudioData of {} channels at {} Hz (the configuration), got {} channels at {} Hz",
                cfg.channels, cfg.sample_rate, s.channels, s.sample_rate
            )));
        }
        let in_format = s.format.av();
        let reopen = match self.active.as_ref() {
            None => true,
            // A new input format on an idle encoder: rebuild the converter with the codec.
            Some(a) => a.in_format != in_format && a.fifo.len() == 0 && a.sent == 0,
        };
        if reopen {
            self.active = Some(open(cfg, in_format, true)?);
        }
        let a = self.active.as_mut().expect("opened above");
        if a.in_format != in_format {
            a.resampler = Resampler::new(cfg.channels, in_format, cfg.sample_rate, a.format, a.rate)?;
            a.in_format = in_format;
        }
        if a.base.is_none() {
            a.base = Some(item.timestamp);
        }
        let frames = s.frames;
        let room = (frames as u64 * a.rate as u64).div_ceil(cfg.sample_rate as u64) as usize + a.resampler.delay(a.rate).max(0) as usize + 64;
        let got = {
            let mut dst = a.fifo.grow(room)?;
            let planes = s.planes();
            a.resampler.convert(&mut dst, room, Some((&planes, frames)))?
        };
        a.fifo.commit(room, got);
        drop(item);
        a.encode_fifo(cfg, false, out)
    }

    /// flush(): encode the remainder (with what the resampler holds), drain, and start afresh.
    fn flush(&mut self, out: &mut Vec<EncodedChunk>) -> Result<()> {
        let (Some(cfg), Some(a)) = (self.cfg.as_ref(), self.active.as_mut()) else { return Ok(()) };
        if a.sent == 0 && a.fifo.len() == 0 && a.base.is_none() {
            return Ok(()); // nothing was encoded: the encoder stays as it is
        }
        loop {
            let room = 4096;
            let got = {
                let mut dst = a.fifo.grow(room)?;
                a.resampler.convert(&mut dst, room, None)?
            };
            a.fifo.commit(room, got);
            if got == 0 {
                break;
            }
        }
        a.encode_fifo(cfg, true, out)?;
        a.ctx.send_frame(None)?;
        while a.receive(cfg, out)? != Status::Eof {}
        a.fifo.clear();
        // Drained encoders take no more input: the next encode() opens a fresh one.
        self.active = None;
        Ok(())
    }

    fn reset(&mut self) {
        self.active = None;
        self.cfg = None;
    }

    crate::release_memory_hooks!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codecs::media::audio_data::SampleFormat;

    fn cfg(codec: &str, rate: u32, channels: u32) -> EncoderConfig {
        EncoderConfig { codec: codec.into(), sample_rate: rate, channels, opus: OpusConfig { frame_duration: 20000, ..Default::default() }, ..Default::default() }
    }

    fn sine(rate: u32, channels: u32, frames: usize, start: usize) -> Arc<AudioSamples> {
        let mut b = Vec::new();
        for c in 0..channels as usize {
            for i in 0..frames {
                let v = (((start + i) as f32) * 0.05 * (c + 1) as f32).sin() * 0.5;
                b.extend_from_slice(&v.to_le_bytes());
            }
        }
        Arc::new(AudioSamples::from_bytes(SampleFormat::F32Planar, rate as f64, channels, frames, &b).unwrap())
    }

    #[test]
    fn opus_chunks_start_at_the_input_timestamp_and_cover_it() {
        let mut e = AudioEncoderBackend::default();
        let mut out = Vec::new();
        e.configure(cfg("opus", 48000, 2), &mut out).unwrap();
        for i in 0..10 {
            e.push(EncodeItem { samples: sine(48000, 2, 4800, i * 4800), timestamp: -10000 + i as i64 * 100_000 }, &mut out).unwrap();
        }
        e.flush(&mut out).unwrap();
        assert_eq!(out[0].timestamp, -10000);
        let desc = out[0].decoder_config.as_ref().unwrap().description.clone().unwrap();
        assert_eq!(&desc[..8], b"OpusHead");
        assert!(out.iter().skip(1).all(|c| c.decoder_config.is_none()));
        let total: i64 = out.iter().map(|c| c.duration).sum();
        assert!(total >= 1_000_000, "{total}");
        for w in out.windows(2) {
            assert_eq!(w[1].timestamp - w[0].timestamp, 20000);
        }
    }

    /// Chrome's timestamps (module doc): for every codec the first chunk is at the first input's
    /// timestamp, chunks follow each other without gaps, and after a flush the next input sets a new base.
    #[test]
    fn every_codec_starts_at_the_input_timestamp_after_configure_and_flush() {
        for c in ["opus", "mp4a.40.2", "flac", "mp3", "vorbis", "pcm-s16", "alaw"] {
            let mut e = AudioEncoderBackend::default();
            let mut out = Vec::new();
            e.configure(cfg(c, 48000, 2), &mut out).unwrap();
            for (round, t0) in [(0, 0i64), (1, 5_000_000)] {
                out.clear();
                for i in 0..5 {
                    e.push(EncodeItem { samples: sine(48000, 2, 4800, i * 4800), timestamp: t0 + i as i64 * 100_000 }, &mut out).unwrap();
                }
                e.flush(&mut out).unwrap();
                assert!(!out.is_empty(), "{c}");
                assert_eq!(out[0].timestamp, t0, "{c} round {round}: first chunk at the input timestamp");
                for w in out.windows(2) {
                    assert!((w[1].timestamp - (w[0].timestamp + w[0].duration)).abs() <= 1, "{c}: chunks contiguous: {} + {} vs {}", w[0].timestamp, w[0].duration, w[1].timestamp);
                }
            }
        }
    }

    #[test]
    fn aac_adts_and_mismatched_input() {
        let mut c = cfg("mp4a.40.2", 44100, 2);
        c.aac_adts = true;
        let mut e = AudioEncoderBackend::default();
        let mut out = Vec::new();
        e.configure(c, &mut out).unwrap();
        e.push(EncodeItem { samples: sine(44100, 2, 5000, 0), timestamp: 0 }, &mut out).unwrap();
        e.flush(&mut out).unwrap();
        assert!(out.len() >= 5);
        assert!(out[0].decoder_config.as_ref().unwrap().description.is_none());
        for ch in &out {
            let d = ch.data.as_slice();
            assert_eq!((d[0], d[1] & 0xF6), (0xFF, 0xF0));
            assert_eq!((((d[3] & 3) as usize) << 11) | ((d[4] as usize) << 3) | ((d[5] >> 5) as usize), d.len());
        }
        // The first chunk is at the input timestamp (AAC's 1024-sample priming is not a negative time).
        assert_eq!(out[0].timestamp, 0);
        assert_eq!(e.push(EncodeItem { samples: sine(48000, 2, 100, 0), timestamp: 0 }, &mut out).unwrap_err().kind, ErrorKind::Encoding);
    }

    #[test]
    fn unsupported_configs() {
        for (c, r, ch) in [("bogus", 48000, 2), ("opus", 1, 2), ("opus", 10_000_000, 2), ("opus", 8000, 1024), ("opus.123", 48000, 2), ("mp4a.FF.9", 48000, 2), ("mp4a.40.5", 48000, 2)] {
            assert_eq!(check_support(&cfg(c, r, ch)).unwrap_err().kind, ErrorKind::NotSupported, "{c} {r} {ch}");
        }
        let mut low = cfg("opus", 48000, 2);
        low.bitrate = Some(1);
        assert_eq!(check_support(&low).unwrap_err().kind, ErrorKind::NotSupported);
        for c in ["opus", "mp4a.40.2", "flac", "mp3", "vorbis", "pcm-u8", "pcm-s16", "pcm-s24", "pcm-s32", "pcm-f32", "alaw", "ulaw"] {
            check_support(&cfg(c, 48000, 2)).unwrap_or_else(|e| panic!("{c}: {e}"));
        }
        check_support(&cfg("opus", 13000, 1)).unwrap();
    }
}
