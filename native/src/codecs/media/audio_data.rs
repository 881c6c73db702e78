//! codecs layer: AudioData samples. `AudioSamples` keeps the samples in one pooled `MediaBuffer`
//! (the same storage as VideoFrame pixels), shared by clones through an `Arc` and freed when the
//! last handle is closed. Invariant: every size is checked (channels, frames, bytes) before
//! anything is allocated, and `copy_to` converts between the eight AudioSampleFormats: integer ↔
//! integer by shifts (exactly as libswresample: widening is lossless), integer ↔ float with
//! Chrome's asymmetric scale (negative values by 2^(n-1), positive by 2^(n-1) − 1, so the integer
//! maximum is exactly 1.0 — WPT audio-data.any.js requires u8 255 → 1.0), float → integer rounded
//! to nearest (ties to even) and clipped.
use super::buffer::MediaBuffer;
use crate::counters::{Kind, Live};
use crate::error::{Error, ErrorKind, Result};
use crate::ffi::{sys, Frame};

/// Most channels an AudioData may have (Opus channel mapping family 255 allows 255).
pub const MAX_CHANNELS: u32 = 256;
/// Sample-rate range accepted (Chrome's media::limits: 3 kHz to 768 kHz).
pub const MIN_SAMPLE_RATE: f64 = 3000.0;
pub const MAX_SAMPLE_RATE: f64 = 768_000.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleFormat {
    U8,
    S16,
    S32,
    F32,
    U8Planar,
    S16Planar,
    S32Planar,
    F32Planar,
}

use SampleFormat::*;

const ALL: [SampleFormat; 8] = [U8, S16, S32, F32, U8Planar, S16Planar, S32Planar, F32Planar];

impl SampleFormat {
    pub fn name(self) -> &'static str {
        match self {
            U8 => "u8",
            S16 => "s16",
            S32 => "s32",
            F32 => "f32",
            U8Planar => "u8-planar",
            S16Planar => "s16-planar",
            S32Planar => "s32-planar",
            F32Planar => "f32-planar",
        }
    }
    pub fn by_name(name: &str) -> Option<SampleFormat> {
        ALL.into_iter().find(|f| f.name() == name)
    }
    pub fn bytes(self) -> usize {
        match self {
            U8 | U8Planar => 1,
            S16 | S16Planar => 2,
            _ => 4,
        }
    }
    pub fn planar(self) -> bool {
        matches!(self, U8Planar | S16Planar | S32Planar | F32Planar)
    }
    pub fn av(self) -> sys::AVSampleFormat {
        use sys::AVSampleFormat::*;
        match self {
            U8 => AV_SAMPLE_FMT_U8,
            S16 => AV_SAMPLE_FMT_S16,
            S32 => AV_SAMPLE_FMT_S32,
            F32 => AV_SAMPLE_FMT_FLT,
            U8Planar => AV_SAMPLE_FMT_U8P,
            S16Planar => AV_SAMPLE_FMT_S16P,
            S32Planar => AV_SAMPLE_FMT_S32P,
            F32Planar => AV_SAMPLE_FMT_FLTP,
        }
    }
    /// The AudioSampleFormat of a raw AVSampleFormat value, if it has one.
    pub fn from_av(v: i32) -> Option<SampleFormat> {
        ALL.into_iter().find(|f| f.av() as i32 == v)
    }
}

/// The samples of one AudioData (immutable once made).
pub struct AudioSamples {
    pub format: SampleFormat,
    pub channels: u32,
    pub frames: usize,
    pub sample_rate: f64,
    bytes: MediaBuffer,
    _live: Live,
}

/// Bytes `frames` frames of `channels` channels in `format` take, or a RangeError.
pub fn byte_size(format: SampleFormat, channels: u32, frames: usize) -> Result<usize> {
    frames
        .checked_mul(channels as usize)
        .and_then(|n| n.checked_mul(format.bytes()))
        .ok_or_else(|| Error::new(ErrorKind::Range, format!("AudioData: {frames} frames of {channels} channels is too large")))
}

fn check_shape(channels: u32, frames: usize, sample_rate: f64) -> Result<()> {
    if channels == 0 || channels > MAX_CHANNELS {
        return Err(Error::not_supported(format!("AudioData: expected 1 to {MAX_CHANNELS} channels, got {channels}")));
    }
    if frames == 0 {
        return Err(Error::type_error("AudioData: expected at least one frame, got 0"));
    }
    if !(MIN_SAMPLE_RATE..=MAX_SAMPLE_RATE).contains(&sample_rate) {
        return Err(Error::not_supported(format!("AudioData: expected a sampleRate between {MIN_SAMPLE_RATE} and {MAX_SAMPLE_RATE}, got {sample_rate}")));
    }
    Ok(())
}

/// One sample, read in its own domain.
#[derive(Clone, Copy)]
enum Sample {
    /// An integer sample of `bits` bits, shifted up to the full i32 range (as swresample does).
    Int(i32, u32),
    Float(f32),
}

impl Sample {
    /// Chrome's integer → float: v / 2^(n-1) below zero, v / (2^(n-1) − 1) above.
    #[inline]
    fn to_float(self) -> f32 {
        match self {
            Sample::Float(f) => f,
            Sample::Int(v, bits) => {
                let v = (v >> (32 - bits)) as f64;
                let half = (1u64 << (bits - 1)) as f64;
                (if v < 0.0 { v / half } else { v / (half - 1.0) }) as f32
            }
        }
    }
}

#[inline]
fn read(format: SampleFormat, b: &[u8], i: usize) -> Sample {
    match format.bytes() {
        1 => Sample::Int(((b[i] as i32) - 0x80) << 24, 8),
        2 => Sample::Int((i16::from_le_bytes([b[2 * i], b[2 * i + 1]]) as i32) << 16, 16),
        _ => {
            let v = [b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]];
            if matches!(format, F32 | F32Planar) {
                Sample::Float(f32::from_le_bytes(v))
            } else {
                Sample::Int(i32::from_le_bytes(v), 32)
            }
        }
    }
}

/// Chrome's float → integer of `bits` bits: f × 2^(n-1) below zero, f × (2^(n-1) − 1) above,
/// rounded to nearest (ties to even; NaN is 0) and clipped.
#[inline]
fn from_float(f: f32, bits: u32) -> i64 {
    let half = (1u64 << (bits - 1)) as f64;
    let v = f as f64;
    let scaled = if v < 0.0 { v * half } else { v * (half - 1.0) };
    rint(scaled as f32 as f64).clamp(-half, half - 1.0) as i64
}

/// Round half to even; NaN becomes 0.
#[inline]
fn rint(v: f64) -> f64 {
    if v.is_nan() {
        0.0
    } else {
        v.round_ties_even()
    }
}

#[inline]
fn write(format: SampleFormat, b: &mut [u8], i: usize, s: Sample) {
    match (format, s) {
        (U8 | U8Planar, Sample::Int(v, _)) => b[i] = ((v >> 24) + 0x80) as u8,
        (U8 | U8Planar, Sample::Float(f)) => b[i] = (from_float(f, 8) + 0x80) as u8,
        (S16 | S16Planar, Sample::Int(v, _)) => b[2 * i..2 * i + 2].copy_from_slice(&((v >> 16) as i16).to_le_bytes()),
        (S16 | S16Planar, Sample::Float(f)) => b[2 * i..2 * i + 2].copy_from_slice(&(from_float(f, 16) as i16).to_le_bytes()),
        (S32 | S32Planar, Sample::Int(v, _)) => b[4 * i..4 * i + 4].copy_from_slice(&v.to_le_bytes()),
        (S32 | S32Planar, Sample::Float(f)) => b[4 * i..4 * i + 4].copy_from_slice(&(from_float(f, 32) as i32).to_le_bytes()),
        (F32 | F32Planar, s) => b[4 * i..4 * i + 4].copy_from_slice(&s.to_float().to_le_bytes()),
    }
}

impl AudioSamples {
    /// Copy `src` (laid out as `format` says: interleaved, or one plane per channel back to back).
    pub fn from_bytes(format: SampleFormat, sample_rate: f64, channels: u32, frames: usize, src: &[u8]) -> Result<AudioSamples> {
        check_shape(channels, frames, sample_rate)?;
        let len = byte_size(format, channels, frames)?;
        if src.len() < len {
            return Err(Error::type_error(format!("AudioData: expected data of at least {len} bytes for {frames} frames of {channels} channels in {}, got {}", format.name(), src.len())));
        }
        let mut bytes = MediaBuffer::take(len)?;
        bytes.as_mut_slice().copy_from_slice(&src[..len]);
        Ok(AudioSamples { format, channels, frames, sample_rate, bytes, _live: Live::new(Kind::AudioData) })
    }

    /// Copy `count` frames from `start` of a decoded FFmpeg frame (its format must be one of the eight).
    pub fn from_av_frame(frame: &Frame, start: usize, count: usize) -> Result<AudioSamples> {
        let raw = frame.format_raw();
        let format = SampleFormat::from_av(raw).ok_or_else(|| Error::encoding(format!("the decoder produced samples in FFmpeg sample format {raw}, which has no AudioSampleFormat")))?;
        let (channels, rate) = (frame.channels(), frame.sample_rate());
        if start.checked_add(count).is_none_or(|end| end > frame.nb_samples()) {
            return Err(Error::encoding(format!("samples {start}+{count} are outside the decoded frame of {}", frame.nb_samples())));
        }
        let frames = count;
        check_shape(channels, frames, rate as f64).map_err(|e| Error::encoding(e.message))?;
        let len = byte_size(format, channels, frames)?;
        let mut bytes = MediaBuffer::take(len)?;
        let planes = if format.planar() { channels as usize } else { 1 };
        let per_plane = len / planes;
        let skip = byte_size(format, if format.planar() { 1 } else { channels }, start)?;
        for p in 0..planes {
            let src = frame.audio_plane(format.av(), p).ok_or_else(|| Error::encoding(format!("the decoded frame has no plane {p}")))?;
            bytes.as_mut_slice()[p * per_plane..(p + 1) * per_plane].copy_from_slice(&src[skip..skip + per_plane]);
        }
        Ok(AudioSamples { format, channels, frames, sample_rate: rate as f64, bytes, _live: Live::new(Kind::AudioData) })
    }

    /// The planes as stored: one (interleaved) or one per channel.
    /// Bytes of native memory the samples keep alive.
    pub fn native_bytes(&self) -> usize {
        self.bytes.len()
    }

    pub fn planes(&self) -> Vec<&[u8]> {
        let b = self.bytes.as_slice();
        if self.format.planar() {
            let n = b.len() / self.channels as usize;
            b.chunks_exact(n.max(1)).collect()
        } else {
            vec![b]
        }
    }

    /// Compute Copy Element Count: elements (samples) a copy of `frame_count` frames from
    /// `frame_offset` of plane `plane` writes in `dst` format, or the spec's RangeError.
    pub fn copy_element_count(&self, plane: usize, frame_offset: usize, frame_count: Option<usize>, dst: SampleFormat) -> Result<usize> {
        let range = |m: String| Error::new(ErrorKind::Range, format!("AudioData.copyTo: {m}"));
        // step 2: interleaved destination and planeIndex > 0.
        if !dst.planar() && plane > 0 {
            return Err(range(format!("expected planeIndex 0 for the interleaved format {}, got {plane}", dst.name())));
        }
        // step 3: planar destination and planeIndex ≥ channels.
        if dst.planar() && plane >= self.channels as usize {
            return Err(range(format!("expected a planeIndex below {} (the number of channels), got {plane}", self.channels)));
        }
        // steps 5–6: frameOffset must be inside the plane.
        if frame_offset >= self.frames {
            return Err(range(format!("expected a frameOffset below {}, got {frame_offset}", self.frames)));
        }
        // steps 7–8: at most the frames left.
        let left = self.frames - frame_offset;
        let count = match frame_count {
            Some(c) if c > left => return Err(range(format!("expected a frameCount of at most {left}, got {c}"))),
            Some(c) => c,
            None => left,
        };
        // steps 9–10: interleaved destinations hold every channel.
        Ok(if dst.planar() { count } else { count * self.channels as usize })
    }

    /// copyTo(): the elements of plane `plane` from `frame_offset`, converted to `dst`, into `dest`.
    pub fn copy_to(&self, dest: &mut [u8], plane: usize, frame_offset: usize, frame_count: Option<usize>, dst: SampleFormat) -> Result<()> {
        let elements = self.copy_element_count(plane, frame_offset, frame_count, dst)?;
        let need = elements.checked_mul(dst.bytes()).ok_or_else(|| Error::new(ErrorKind::Range, "AudioData.copyTo: too large"))?;
        if dest.len() < need {
            return Err(Error::new(ErrorKind::Range, format!("AudioData.copyTo: expected a destination of at least {need} bytes, got {}", dest.len())));
        }
        let dest = &mut dest[..need];
        let ch = self.channels as usize;
        let src = self.bytes.as_slice();
        let bps = self.format.bytes();
        let plane_bytes = self.frames * bps;
        // Fast paths: the same format, contiguous on both sides.
        if dst == self.format {
            let start = if dst.planar() { plane * plane_bytes + frame_offset * bps } else { frame_offset * ch * bps };
            dest.copy_from_slice(&src[start..start + need]);
            return Ok(());
        }
        let frames = if dst.planar() { elements } else { elements / ch };
        for f in 0..frames {
            let frame = frame_offset + f;
            let channels: std::ops::Range<usize> = if dst.planar() { plane..plane + 1 } else { 0..ch };
            for c in channels {
                let s = if self.format.planar() { read(self.format, &src[c * plane_bytes..(c + 1) * plane_bytes], frame) } else { read(self.format, src, frame * ch + c) };
                let i = if dst.planar() { f } else { f * ch + c };
                write(dst, dest, i, s);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f32s(b: &[u8]) -> Vec<f32> {
        b.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect()
    }

    #[test]
    fn formats_round_trip_by_name_and_av() {
        for f in ALL {
            assert_eq!(SampleFormat::by_name(f.name()), Some(f));
            assert_eq!(SampleFormat::from_av(f.av() as i32), Some(f));
            assert_eq!(crate::ffi::resample::bytes_per_sample(f.av()), f.bytes());
            assert_eq!(crate::ffi::resample::is_planar(f.av()), f.planar());
        }
        assert!(SampleFormat::by_name("s24").is_none());
    }

    #[test]
    fn integer_conversions_match_swresample() {
        // s16 interleaved, 2 channels × 3 frames, converted by us and by swr to every format.
        let vals: [i16; 6] = [-32768, 32767, 16384, -16384, 0, 1];
        let src: Vec<u8> = vals.iter().flat_map(|v| v.to_le_bytes()).collect();
        let a = AudioSamples::from_bytes(S16, 8000.0, 2, 3, &src).unwrap();
        for start in ALL {
            // Convert to `start` first (exercises from-s16), then from `start` to every format.
            let mut mid = vec![0u8; byte_size(start, 2, 3).unwrap()];
            if start.planar() {
                let half = mid.len() / 2;
                a.copy_to(&mut mid[..half], 0, 0, None, start).unwrap();
                a.copy_to(&mut mid[half..], 1, 0, None, start).unwrap();
            } else {
                a.copy_to(&mut mid, 0, 0, None, start).unwrap();
            }
            let b = AudioSamples::from_bytes(start, 8000.0, 2, 3, &mid).unwrap();
            for dst in ALL {
                // Integer ↔ float follows Chrome's asymmetric scale, not swresample's.
                if start.bytes() == 4 && matches!(start, F32 | F32Planar) != matches!(dst, F32 | F32Planar) {
                    continue;
                }
                if matches!(start, F32 | F32Planar) != matches!(dst, F32 | F32Planar) {
                    continue;
                }
                let n = byte_size(dst, 2, 3).unwrap();
                let mut ours = vec![0u8; n];
                if dst.planar() {
                    b.copy_to(&mut ours[..n / 2], 0, 0, None, dst).unwrap();
                    b.copy_to(&mut ours[n / 2..], 1, 0, None, dst).unwrap();
                } else {
                    b.copy_to(&mut ours, 0, 0, None, dst).unwrap();
                }
                let mut r = crate::ffi::resample::Resampler::new(2, start.av(), 8000, dst.av(), 8000).unwrap();
                let mut theirs = vec![0u8; n];
                let got = {
                    let mut outs: Vec<&mut [u8]> = if dst.planar() { theirs.chunks_mut(n / 2).collect() } else { vec![&mut theirs[..]] };
                    r.convert(&mut outs, 3, Some((&b.planes(), 3))).unwrap()
                };
                assert_eq!(got, 3);
                assert_eq!(ours, theirs, "{} → {}", start.name(), dst.name());
            }
        }
    }

    #[test]
    fn integer_float_scale_is_chromes() {
        let v: Vec<u8> = vec![0, 128, 255];
        let a = AudioSamples::from_bytes(U8, 8000.0, 1, 3, &v).unwrap();
        let mut d = vec![0u8; 12];
        a.copy_to(&mut d, 0, 0, None, F32).unwrap();
        assert_eq!(f32s(&d), [-1.0, 0.0, 1.0]);
        let f: Vec<u8> = [-1.0f32, 1.0, 0.5, -0.5, 2.0].iter().flat_map(|x| x.to_le_bytes()).collect();
        let b = AudioSamples::from_bytes(F32, 8000.0, 1, 5, &f).unwrap();
        let mut s16 = vec![0u8; 10];
        b.copy_to(&mut s16, 0, 0, None, S16).unwrap();
        let s: Vec<i16> = s16.chunks_exact(2).map(|c| i16::from_le_bytes([c[0], c[1]])).collect();
        assert_eq!(s, [-32768, 32767, 16384, -16384, 32767]);
    }

    #[test]
    fn copy_rules_and_ranges() {
        let src: Vec<u8> = [-1.0f32, 0.0, 1.0, -1.0, 0.5, -0.5, 0.0, 1.0, 0.0, 0.0].iter().flat_map(|v| v.to_le_bytes()).collect();
        let a = AudioSamples::from_bytes(F32, 8000.0, 2, 5, &src).unwrap();
        let mut d = vec![0u8; 20];
        a.copy_to(&mut d, 1, 0, None, F32Planar).unwrap();
        assert_eq!(f32s(&d), [0.0, -1.0, -0.5, 1.0, 0.0]);
        let mut d = vec![0u8; 8];
        a.copy_to(&mut d, 0, 3, Some(1), F32).unwrap();
        assert_eq!(f32s(&d), [0.0, 1.0]);
        assert_eq!(a.copy_to(&mut d, 1, 0, None, F32).unwrap_err().kind, ErrorKind::Range);
        assert_eq!(a.copy_to(&mut d, 2, 0, None, F32Planar).unwrap_err().kind, ErrorKind::Range);
        assert_eq!(a.copy_to(&mut d, 0, 5, None, F32Planar).unwrap_err().kind, ErrorKind::Range);
        assert_eq!(a.copy_to(&mut d, 0, 4, Some(2), F32Planar).unwrap_err().kind, ErrorKind::Range);
        assert_eq!(a.copy_to(&mut d[..3], 0, 0, Some(1), F32Planar).unwrap_err().kind, ErrorKind::Range);
        // Sizes from input are checked before allocating.
        assert_eq!(AudioSamples::from_bytes(F32, 8000.0, 2, usize::MAX / 2, &src).err().unwrap().kind, ErrorKind::Range);
        assert_eq!(AudioSamples::from_bytes(F32, 8000.0, 2, 6, &src).err().unwrap().kind, ErrorKind::Type);
        assert_eq!(AudioSamples::from_bytes(F32, 8000.0, 0, 1, &src).err().unwrap().kind, ErrorKind::NotSupported);
        assert_eq!(AudioSamples::from_bytes(F32, 100.0, 1, 1, &src).err().unwrap().kind, ErrorKind::NotSupported);
    }
}
