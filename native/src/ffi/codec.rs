//! ffi layer: `CodecContext<Unopened>` is configured through typed setters and becomes a
//! `CodecContext<Opened>` by `open()`; only an opened context can send and receive. Drop frees it.
use super::error::{check, status, AvError, Status, EINVAL, ENOMEM};
use super::frame::Frame;
use super::packet::Packet;
use super::sys;
use crate::counters::{Kind, Live};
use std::ffi::CString;
use std::marker::PhantomData;
use std::os::raw::c_int;
use std::ptr::NonNull;

/// A codec implementation (a pointer into FFmpeg's static codec table).
#[derive(Clone, Copy)]
pub struct Codec(NonNull<sys::AVCodec>);

// SAFETY: AVCodec entries are immutable static data.
unsafe impl Send for Codec {}

impl Codec {
    pub fn encoder_by_name(name: &str) -> Option<Codec> {
        let c = CString::new(name).ok()?;
        // SAFETY: c is a valid NUL-terminated string; the result is static or null.
        let p = unsafe { sys::avcodec_find_encoder_by_name(c.as_ptr()) } as *mut sys::AVCodec;
        NonNull::new(p).map(Codec)
    }
    pub fn decoder_by_name(name: &str) -> Option<Codec> {
        let c = CString::new(name).ok()?;
        // SAFETY: c is a valid NUL-terminated string; the result is static or null.
        let p = unsafe { sys::avcodec_find_decoder_by_name(c.as_ptr()) } as *mut sys::AVCodec;
        NonNull::new(p).map(Codec)
    }
    pub fn decoder_by_id(id: sys::AVCodecID) -> Option<Codec> {
        // SAFETY: lookup in a static table.
        let p = unsafe { sys::avcodec_find_decoder(id) } as *mut sys::AVCodec;
        NonNull::new(p).map(Codec)
    }
    /// Capability bits (AV_CODEC_CAP_*).
    pub fn capabilities(&self) -> u32 {
        // SAFETY: reading an immutable field of a static AVCodec.
        unsafe { self.0.as_ref().capabilities as u32 }
    }
    /// The sample formats an audio encoder takes, in its order of preference (raw AVSampleFormat values).
    pub fn sample_formats(&self) -> Vec<c_int> {
        // SAFETY: sample_fmts is null or a static list ended by AV_SAMPLE_FMT_NONE (-1); read as ints.
        let mut p = unsafe { self.0.as_ref().sample_fmts } as *const c_int;
        let mut v = Vec::new();
        while !p.is_null() && v.len() < 64 {
            // SAFETY: within the terminated static list (stops at the terminator).
            let x = unsafe { *p };
            if x < 0 {
                break;
            }
            v.push(x);
            // SAFETY: the terminator has not been reached, so the next element exists.
            p = unsafe { p.add(1) };
        }
        v
    }
    /// The sample rates an audio encoder takes (empty = any).
    pub fn sample_rates(&self) -> Vec<u32> {
        // SAFETY: supported_samplerates is null or a static list ended by 0.
        let mut p = unsafe { self.0.as_ref().supported_samplerates };
        let mut v = Vec::new();
        while !p.is_null() && v.len() < 64 {
            // SAFETY: within the terminated static list (stops at the terminator).
            let x = unsafe { *p };
            if x <= 0 {
                break;
            }
            v.push(x as u32);
            // SAFETY: the terminator has not been reached, so the next element exists.
            p = unsafe { p.add(1) };
        }
        v
    }
}

pub struct Unopened;
pub struct Opened;

pub struct CodecContext<S> {
    ptr: NonNull<sys::AVCodecContext>,
    codec: Codec,
    _live: Live,
    _state: PhantomData<S>,
}

// SAFETY: a codec context is driven by one thread at a time; we move it, never share it.
unsafe impl<S> Send for CodecContext<S> {}

impl<S> CodecContext<S> {
    fn raw(&self) -> &sys::AVCodecContext {
        // SAFETY: ptr is live for self's lifetime.
        unsafe { self.ptr.as_ref() }
    }
    /// Codec-specific global header (avcC for H.264 with GLOBAL_HEADER, …).
    pub fn extradata(&self) -> &[u8] {
        let c = self.raw();
        if c.extradata.is_null() || c.extradata_size <= 0 {
            return &[];
        }
        // SAFETY: extradata holds extradata_size bytes owned by the context.
        unsafe { std::slice::from_raw_parts(c.extradata, c.extradata_size as usize) }
    }
}

impl CodecContext<Unopened> {
    pub fn new(codec: Codec) -> Result<Self, AvError> {
        // SAFETY: codec points into the static codec table.
        let p = unsafe { sys::avcodec_alloc_context3(codec.0.as_ptr()) };
        let ptr = NonNull::new(p).ok_or(AvError { code: ENOMEM, what: "avcodec_alloc_context3" })?;
        Ok(CodecContext { ptr, codec, _live: Live::new(Kind::CodecContexts), _state: PhantomData })
    }
    /// For ffi code that fills the context from stream parameters.
    pub(crate) fn as_mut_ptr_unopened(&mut self) -> *mut sys::AVCodecContext {
        self.ptr.as_ptr()
    }
    fn raw_mut(&mut self) -> &mut sys::AVCodecContext {
        // SAFETY: live and unique through &mut self; only plain-value fields are written by setters.
        unsafe { self.ptr.as_mut() }
    }
    pub fn set_video(&mut self, width: u32, height: u32, pix_fmt: sys::AVPixelFormat) {
        let c = self.raw_mut();
        c.width = width as c_int;
        c.height = height as c_int;
        c.pix_fmt = pix_fmt;
    }
    /// Timestamps are microseconds: time base 1/1 000 000 (docs/ARCHITECTURE.md, "Memory").
    pub fn set_time_base(&mut self, num: c_int, den: c_int) {
        self.raw_mut().time_base = sys::AVRational { num, den };
    }
    pub fn set_framerate(&mut self, num: c_int, den: c_int) {
        self.raw_mut().framerate = sys::AVRational { num, den };
    }
    pub fn set_bit_rate(&mut self, bps: i64) {
        self.raw_mut().bit_rate = bps;
    }
    pub fn set_rate_control(&mut self, max_rate: i64, buffer_size: c_int) {
        let c = self.raw_mut();
        c.rc_max_rate = max_rate;
        c.rc_buffer_size = buffer_size;
    }
    pub fn set_gop(&mut self, gop: c_int, max_b_frames: c_int) {
        let c = self.raw_mut();
        c.gop_size = gop;
        c.max_b_frames = max_b_frames;
    }
    /// Most consecutive B-frames (0: chunks come out in presentation order).
    pub fn set_max_b_frames(&mut self, n: c_int) {
        self.raw_mut().max_b_frames = n;
    }
    /// 0 = auto (what the ffmpeg CLI uses).
    pub fn set_threads(&mut self, count: c_int, frame_threads: bool, slice_threads: bool) {
        let c = self.raw_mut();
        c.thread_count = count;
        c.thread_type = (if frame_threads { sys::FF_THREAD_FRAME } else { 0 }) | (if slice_threads { sys::FF_THREAD_SLICE } else { 0 });
    }
    pub fn set_global_header(&mut self, on: bool) {
        let c = self.raw_mut();
        let f = sys::AV_CODEC_FLAG_GLOBAL_HEADER as c_int;
        c.flags = if on { c.flags | f } else { c.flags & !f };
    }
    /// Rate control for constant bitrate (libvpx/libaom switch to CBR when min = max = bit_rate).
    pub fn set_min_rate(&mut self, min_rate: i64) {
        self.raw_mut().rc_min_rate = min_rate;
    }
    /// The quantizer range (libvpx/libaom: 0–63 on their public scale).
    pub fn set_qrange(&mut self, qmin: c_int, qmax: c_int) {
        let c = self.raw_mut();
        c.qmin = qmin;
        c.qmax = qmax;
    }
    /// AVCodecContext.profile (libvpx/libaom: g_profile).
    pub fn set_profile(&mut self, profile: c_int) {
        self.raw_mut().profile = profile;
    }
    /// The codec level (H.264 level_idc, e.g. 31 for 3.1); the profile is a private option.
    pub fn set_level(&mut self, level: c_int) {
        self.raw_mut().level = level;
    }
    pub fn set_color(&mut self, range: sys::AVColorRange, space: sys::AVColorSpace, primaries: sys::AVColorPrimaries, trc: sys::AVColorTransferCharacteristic) {
        let c = self.raw_mut();
        c.color_range = range;
        c.colorspace = space;
        c.color_primaries = primaries;
        c.color_trc = trc;
    }
    /// Decoders: the time base of packet timestamps (1/1 000 000: microseconds in and out).
    pub fn set_pkt_timebase(&mut self, num: c_int, den: c_int) {
        self.raw_mut().pkt_timebase = sys::AVRational { num, den };
    }
    /// Decoders: false leaves frames uncropped, with the bitstream's cropping in the frame's
    /// crop_* fields (so coded size and visible rect can both be reported exactly).
    pub fn set_apply_cropping(&mut self, on: bool) {
        self.raw_mut().apply_cropping = c_int::from(on);
    }
    /// Decoders: the most pixels (width × height) a frame may have; larger streams fail to decode
    /// instead of allocating.
    pub fn set_max_pixels(&mut self, n: i64) {
        self.raw_mut().max_pixels = n;
    }
    /// AV_CODEC_FLAG_LOW_DELAY: output each frame as soon as the codec can.
    pub fn set_low_delay(&mut self, on: bool) {
        let c = self.raw_mut();
        let f = sys::AV_CODEC_FLAG_LOW_DELAY as c_int;
        c.flags = if on { c.flags | f } else { c.flags & !f };
    }
    /// Audio: sample rate, channel count (default layout) and sample format.
    pub fn set_audio(&mut self, sample_rate: u32, channels: u32, sample_fmt: sys::AVSampleFormat) {
        let layout = super::resample::default_layout(channels);
        let c = self.raw_mut();
        c.sample_rate = sample_rate.min(c_int::MAX as u32) as c_int;
        c.sample_fmt = sample_fmt;
        // A native-order default layout owns no memory, so plain assignment replaces it safely.
        c.ch_layout = layout;
    }
    /// Decoders: the sample format wished for (a decoder may ignore it).
    pub fn set_request_sample_fmt(&mut self, fmt: sys::AVSampleFormat) {
        self.raw_mut().request_sample_fmt = fmt;
    }
    /// Audio encoders: samples per frame wished for (FLAC's block size); 0 = the codec's choice.
    pub fn set_frame_size(&mut self, n: c_int) {
        self.raw_mut().frame_size = n;
    }
    /// Decoders: report the samples to skip (priming, padding) as frame side data instead of
    /// trimming them and shifting timestamps (AV_CODEC_FLAG2_SKIP_MANUAL).
    pub fn set_skip_manual(&mut self) {
        self.raw_mut().flags2 |= sys::AV_CODEC_FLAG2_SKIP_MANUAL as c_int;
    }
    pub fn set_compression_level(&mut self, level: c_int) {
        self.raw_mut().compression_level = level;
    }
    /// Encoders: the sample depth to store (e.g. 24 for FLAC from 32-bit samples).
    pub fn set_bits_per_raw_sample(&mut self, bits: c_int) {
        self.raw_mut().bits_per_raw_sample = bits;
    }
    /// Copy codec-specific global header bytes into the context (av_malloc'd, padded).
    pub fn set_extradata(&mut self, bytes: &[u8]) -> Result<(), AvError> {
        if bytes.is_empty() {
            return Ok(());
        }
        let pad = sys::AV_INPUT_BUFFER_PADDING_SIZE as usize;
        // SAFETY: av_mallocz returns zeroed memory of the requested size, or null.
        let p = unsafe { sys::av_mallocz(bytes.len() + pad) } as *mut u8;
        if p.is_null() {
            return Err(AvError { code: ENOMEM, what: "av_mallocz" });
        }
        // SAFETY: p holds len + pad bytes; source is a valid slice; no overlap.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len()) };
        let c = self.raw_mut();
        if !c.extradata.is_null() {
            // SAFETY: extradata was av_malloc'd by us or FFmpeg and is owned by the context.
            unsafe { sys::av_free(c.extradata as *mut _) };
        }
        c.extradata = p;
        c.extradata_size = bytes.len() as c_int;
        Ok(())
    }

    /// Open the codec with private options (`preset`, `tune`, `x264-params`, …).
    /// Unknown options are an error (so a typo cannot silently change behaviour).
    pub fn open(self, options: &[(&str, String)]) -> Result<CodecContext<Opened>, AvError> {
        let mut dict: *mut sys::AVDictionary = std::ptr::null_mut();
        for (k, v) in options {
            let (k, v) = match (CString::new(*k), CString::new(v.as_str())) {
                (Ok(k), Ok(v)) => (k, v),
                _ => return Err(AvError { code: EINVAL, what: "avcodec_open2 (option)" }),
            };
            // SAFETY: dict is a valid (possibly null) dictionary pointer; strings are copied.
            unsafe { sys::av_dict_set(&mut dict, k.as_ptr(), v.as_ptr(), 0) };
        }
        // SAFETY: ptr is a live unopened context for this codec; dict is ours and freed below.
        let r = unsafe { sys::avcodec_open2(self.ptr.as_ptr(), self.codec.0.as_ptr(), &mut dict) };
        // SAFETY: entries left in dict are the options nobody consumed.
        let leftover = unsafe { sys::av_dict_count(dict) };
        // SAFETY: dict is ours (null is fine).
        unsafe { sys::av_dict_free(&mut dict) };
        check(r, "avcodec_open2")?;
        if leftover > 0 {
            return Err(AvError { code: EINVAL, what: "avcodec_open2 (unknown codec option)" });
        }
        let me = std::mem::ManuallyDrop::new(self);
        // SAFETY: `me` is never dropped, so moving `_live` out with ptr::read transfers it exactly once; the context pointer now belongs to the returned value alone.
        let live = unsafe { std::ptr::read(&me._live) };
        Ok(CodecContext { ptr: me.ptr, codec: me.codec, _live: live, _state: PhantomData })
    }
}

impl CodecContext<Opened> {
    /// Send a frame (None = start draining). Again means: receive first.
    pub fn send_frame(&mut self, frame: Option<&Frame>) -> Result<Status, AvError> {
        let f = frame.map_or(std::ptr::null(), |f| f.as_ptr());
        // SAFETY: opened context; f is a live frame or null (drain); FFmpeg refs, not takes, it.
        status(unsafe { sys::avcodec_send_frame(self.ptr.as_ptr(), f) }, "avcodec_send_frame")
    }
    pub fn receive_packet(&mut self, pkt: &mut Packet) -> Result<Status, AvError> {
        // SAFETY: opened context and a live packet.
        status(unsafe { sys::avcodec_receive_packet(self.ptr.as_ptr(), pkt.as_mut_ptr()) }, "avcodec_receive_packet")
    }
    pub fn send_packet(&mut self, pkt: Option<&Packet>) -> Result<Status, AvError> {
        let p = pkt.map_or(std::ptr::null(), |p| p.as_ptr());
        // SAFETY: opened context; p is a live packet or null (drain).
        status(unsafe { sys::avcodec_send_packet(self.ptr.as_ptr(), p) }, "avcodec_send_packet")
    }
    pub fn receive_frame(&mut self, frame: &mut Frame) -> Result<Status, AvError> {
        // SAFETY: opened context and a live frame.
        status(unsafe { sys::avcodec_receive_frame(self.ptr.as_ptr(), frame.as_mut_ptr()) }, "avcodec_receive_frame")
    }
    /// Audio encoders: samples per frame (0 = any number).
    pub fn frame_size(&self) -> usize {
        self.raw().frame_size.max(0) as usize
    }
    pub fn sample_rate(&self) -> u32 {
        self.raw().sample_rate.max(0) as u32
    }
    pub fn channels(&self) -> u32 {
        self.raw().ch_layout.nb_channels.max(0) as u32
    }
    pub fn codec_capabilities(&self) -> u32 {
        self.codec.capabilities()
    }
    /// Drop all buffered data (after a drain, to accept input again).
    pub fn flush_buffers(&mut self) {
        // SAFETY: opened context.
        unsafe { sys::avcodec_flush_buffers(self.ptr.as_ptr()) }
    }
}

impl<S> Drop for CodecContext<S> {
    fn drop(&mut self) {
        let mut p = self.ptr.as_ptr();
        // SAFETY: we own the context; avcodec_free_context closes and frees it once.
        unsafe { sys::avcodec_free_context(&mut p) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn open_and_free_counts() {
        let before = crate::counters::get(Kind::CodecContexts);
        let codec = Codec::decoder_by_id(sys::AVCodecID::AV_CODEC_ID_H264).expect("h264 decoder");
        let ctx = CodecContext::new(codec).unwrap();
        let opened = ctx.open(&[]).unwrap();
        assert_eq!(crate::counters::get(Kind::CodecContexts), before + 1);
        drop(opened);
        assert_eq!(crate::counters::get(Kind::CodecContexts), before);
        // an unknown option is refused (and the context still freed)
        let codec = Codec::decoder_by_id(sys::AVCodecID::AV_CODEC_ID_H264).unwrap();
        let ctx = CodecContext::new(codec).unwrap();
        assert!(ctx.open(&[("no_such_option", "1".into())]).is_err());
        assert_eq!(crate::counters::get(Kind::CodecContexts), before);
    }
}
