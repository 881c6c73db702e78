//! ffi layer: `Resampler` owns a SwrContext (freed in Drop): sample-format, layout and rate
//! conversion for the audio encoder. `convert` takes plane slices and checks every plane holds the
//! samples it claims before libswresample touches it, so callers stay safe Rust.
use super::error::{check, AvError, EINVAL, ENOMEM};
use super::sys;
use crate::counters::{Kind, Live};
use std::os::raw::c_int;
use std::ptr::NonNull;

/// Bytes per sample of a sample format (0 for an unknown one).
pub fn bytes_per_sample(fmt: sys::AVSampleFormat) -> usize {
    // SAFETY: pure lookup in a static table; unknown formats return 0.
    unsafe { sys::av_get_bytes_per_sample(fmt) }.max(0) as usize
}

/// Whether a sample format stores one plane per channel.
pub fn is_planar(fmt: sys::AVSampleFormat) -> bool {
    // SAFETY: pure lookup in a static table.
    let planar = unsafe { sys::av_sample_fmt_is_planar(fmt) };
    planar == 1
}

/// Planes a buffer of `fmt` with `channels` channels has, and bytes per sample frame in each.
pub fn layout(fmt: sys::AVSampleFormat, channels: usize) -> (usize, usize) {
    let bps = bytes_per_sample(fmt);
    if is_planar(fmt) {
        (channels, bps)
    } else {
        (1, bps * channels)
    }
}

/// A default (native order) channel layout of `channels` channels.
pub(crate) fn default_layout(channels: u32) -> sys::AVChannelLayout {
    // SAFETY: AVChannelLayout is a plain C struct for which all-zero is a valid (unspecified) value.
    let mut l: sys::AVChannelLayout = unsafe { std::mem::zeroed() };
    // SAFETY: l is a valid layout to fill; a native-order default holds no allocated map.
    unsafe { sys::av_channel_layout_default(&mut l, channels as c_int) };
    l
}

pub struct Resampler {
    ptr: NonNull<sys::SwrContext>,
    channels: usize,
    in_fmt: sys::AVSampleFormat,
    out_fmt: sys::AVSampleFormat,
    _live: Live,
}

// SAFETY: a SwrContext is used by one thread at a time (we move it, never share it).
unsafe impl Send for Resampler {}

impl Resampler {
    pub fn new(channels: u32, in_fmt: sys::AVSampleFormat, in_rate: u32, out_fmt: sys::AVSampleFormat, out_rate: u32) -> Result<Resampler, AvError> {
        if channels == 0 || in_rate == 0 || out_rate == 0 || in_rate > i32::MAX as u32 || out_rate > i32::MAX as u32 {
            return Err(AvError { code: EINVAL, what: "Resampler::new" });
        }
        let mut in_layout = default_layout(channels);
        let mut out_layout = default_layout(channels);
        let mut p: *mut sys::SwrContext = std::ptr::null_mut();
        // SAFETY: p is null (allocate); layouts are valid native-order layouts (copied by swr).
        let r = unsafe { sys::swr_alloc_set_opts2(&mut p, &mut out_layout, out_fmt, out_rate as c_int, &mut in_layout, in_fmt, in_rate as c_int, 0, std::ptr::null_mut()) };
        let ptr = NonNull::new(p).ok_or(AvError { code: ENOMEM, what: "swr_alloc_set_opts2" });
        let ptr = match (check(r, "swr_alloc_set_opts2"), ptr) {
            (Ok(_), Ok(ptr)) => ptr,
            (Err(e), Ok(ptr)) => {
                let mut q = ptr.as_ptr();
                // SAFETY: we own the context just allocated; swr_free frees it once.
                unsafe { sys::swr_free(&mut q) };
                return Err(e);
            }
            (_, Err(e)) => return Err(e),
        };
        let me = Resampler { ptr, channels: channels as usize, in_fmt, out_fmt, _live: Live::new(Kind::SwrContexts) };
        // SAFETY: a configured, not yet initialised context.
        check(unsafe { sys::swr_init(me.ptr.as_ptr()) }, "swr_init")?;
        Ok(me)
    }

    /// Convert `input` (`in_samples` samples in its planes; None = drain what swr holds) into
    /// `output`, at most `out_capacity` samples. Returns the samples written.
    pub fn convert(&mut self, output: &mut [&mut [u8]], out_capacity: usize, input: Option<(&[&[u8]], usize)>) -> Result<usize, AvError> {
        let bad = AvError { code: EINVAL, what: "swr_convert (plane sizes)" };
        let (out_planes, out_frame) = layout(self.out_fmt, self.channels);
        if output.len() != out_planes || out_capacity > i32::MAX as usize || output.iter().any(|p| p.len() / out_frame.max(1) < out_capacity) {
            return Err(bad);
        }
        let mut out_ptrs: Vec<*mut u8> = output.iter_mut().map(|p| p.as_mut_ptr()).collect();
        let (in_ptrs, in_count) = match input {
            Some((planes, n)) => {
                let (in_planes, in_frame) = layout(self.in_fmt, self.channels);
                if planes.len() != in_planes || n > i32::MAX as usize || planes.iter().any(|p| p.len() / in_frame.max(1) < n) {
                    return Err(bad);
                }
                (planes.iter().map(|p| p.as_ptr()).collect::<Vec<_>>(), n)
            }
            None => (Vec::new(), 0),
        };
        let in_arg = if input.is_some() { in_ptrs.as_ptr() as *mut *const u8 } else { std::ptr::null_mut() };
        // SAFETY: every output plane holds out_capacity samples and every input plane in_count samples (checked above); the pointer arrays live until the call returns.
        let n = unsafe { sys::swr_convert(self.ptr.as_ptr(), out_ptrs.as_mut_ptr(), out_capacity as c_int, in_arg, in_count as c_int) };
        Ok(check(n, "swr_convert")? as usize)
    }

    /// Samples (at `rate`) swr holds but has not output yet.
    pub fn delay(&self, rate: u32) -> i64 {
        // SAFETY: initialised context.
        unsafe { sys::swr_get_delay(self.ptr.as_ptr(), rate as i64) }
    }
}

impl Drop for Resampler {
    fn drop(&mut self) {
        let mut p = self.ptr.as_ptr();
        // SAFETY: we own the context; swr_free frees it once and nulls the pointer.
        unsafe { sys::swr_free(&mut p) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sys::AVSampleFormat::*;
    #[test]
    fn converts_interleaved_s16_to_planar_float_and_frees() {
        let before = crate::counters::get(Kind::SwrContexts);
        let mut r = Resampler::new(2, AV_SAMPLE_FMT_S16, 48000, AV_SAMPLE_FMT_FLTP, 48000).unwrap();
        let input: Vec<u8> = [16384i16, -16384, 0, 32767].iter().flat_map(|v| v.to_le_bytes()).collect();
        let (mut l, mut rr) = (vec![0u8; 8], vec![0u8; 8]);
        let n = {
            let mut out: [&mut [u8]; 2] = [&mut l, &mut rr];
            r.convert(&mut out, 2, Some((&[&input], 2))).unwrap()
        };
        assert_eq!(n, 2);
        let f = |b: &[u8], i: usize| f32::from_le_bytes(b[i * 4..i * 4 + 4].try_into().unwrap());
        assert_eq!((f(&l, 0), f(&rr, 0), f(&l, 1)), (0.5, -0.5, 0.0));
        // A plane too small is refused before swr sees it.
        let mut small = [0u8; 4];
        let mut out: [&mut [u8]; 2] = [&mut small, &mut [0u8; 8]];
        assert!(r.convert(&mut out, 2, Some((&[&input], 2))).is_err());
        assert_eq!(crate::counters::get(Kind::SwrContexts), before + 1);
        drop(r);
        assert_eq!(crate::counters::get(Kind::SwrContexts), before);
    }
}
