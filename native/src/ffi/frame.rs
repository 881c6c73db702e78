//! ffi layer: `Frame` owns an AVFrame (freed in Drop); `FramePool` hands out writable video
//! frames backed by one AVBufferPool of a fixed (format, width, height), so steady-state coding
//! reuses the same buffers instead of malloc/free per frame (docs/ARCHITECTURE.md, "Memory").
use super::error::{AvError, ENOMEM};
use super::sys;
use crate::counters::{Kind, Live};
use std::os::raw::c_int;
use std::ptr::NonNull;

pub struct Frame {
    ptr: NonNull<sys::AVFrame>,
    _live: Live,
}

// SAFETY: an AVFrame has no thread affinity; we hand it between threads by value, never share it.
unsafe impl Send for Frame {}
// SAFETY: every method taking &self only reads the frame (plane bytes, fields), so sharing references across threads is sound; mutation needs &mut self.
unsafe impl Sync for Frame {}

/// Number of planes of a pixel format (0 for an invalid one).
pub fn plane_count(format: sys::AVPixelFormat) -> usize {
    // SAFETY: pure lookup in a static table; invalid formats return a negative value.
    let n = unsafe { sys::av_pix_fmt_count_planes(format) };
    n.max(0) as usize
}

/// Chroma shift (log2 w, log2 h) of a pixel format.
pub fn chroma_shift(format: sys::AVPixelFormat) -> (u32, u32) {
    // SAFETY: av_pix_fmt_desc_get returns a pointer into a static table or null.
    let d = unsafe { sys::av_pix_fmt_desc_get(format) };
    if d.is_null() {
        return (0, 0);
    }
    // SAFETY: non-null pointer into libavutil's static, immutable descriptor table.
    let d = unsafe { &*d };
    (d.log2_chroma_w as u32, d.log2_chroma_h as u32)
}

/// Bit depth of the first component and whether the format is RGB (None for an unknown format).
pub fn depth_and_rgb(format: sys::AVPixelFormat) -> Option<(u32, bool)> {
    // SAFETY: av_pix_fmt_desc_get returns a pointer into a static table or null.
    let d = unsafe { sys::av_pix_fmt_desc_get(format) };
    if d.is_null() {
        return None;
    }
    // SAFETY: non-null pointer into libavutil's static, immutable descriptor table.
    let d = unsafe { &*d };
    Some((d.comp[0].depth.max(0) as u32, d.flags & sys::AV_PIX_FMT_FLAG_RGB as u64 != 0))
}

/// Bytes in one row of plane `p` for a frame `width` wide (0 if the plane does not exist).
pub fn plane_row_bytes(format: sys::AVPixelFormat, width: u32, p: usize) -> usize {
    // SAFETY: pure computation over the static descriptor table.
    let n = unsafe { sys::av_image_get_linesize(format, width as c_int, p as c_int) };
    n.max(0) as usize
}

/// Rows in plane `p` for a frame `height` tall. Planes 1 and 2 of YUV formats are chroma.
pub fn plane_rows(format: sys::AVPixelFormat, height: u32, p: usize) -> usize {
    let (_, sh) = chroma_shift(format);
    let is_chroma = (p == 1 || p == 2) && plane_count(format) >= 2 && !matches!(format, sys::AVPixelFormat::AV_PIX_FMT_GBRP);
    if is_chroma {
        ((height + (1 << sh) - 1) >> sh) as usize
    } else {
        height as usize
    }
}

/// The AVPixelFormat stored in an int field, if it is a known one.
pub fn pixel_format_from_int(v: c_int) -> Option<sys::AVPixelFormat> {
    if v < 0 || v >= sys::AVPixelFormat::AV_PIX_FMT_NB as c_int {
        return None;
    }
    // SAFETY: AVPixelFormat is a C enum of i32 whose values 0..AV_PIX_FMT_NB are all declared (bindgen emits them contiguously); we checked the range above.
    Some(unsafe { std::mem::transmute::<c_int, sys::AVPixelFormat>(v) })
}

impl Frame {
    pub fn new() -> Result<Frame, AvError> {
        // SAFETY: av_frame_alloc has no preconditions; null means out of memory.
        let p = unsafe { sys::av_frame_alloc() };
        NonNull::new(p)
            .map(|ptr| Frame { ptr, _live: Live::new(Kind::AvFrames) })
            .ok_or(AvError { code: ENOMEM, what: "av_frame_alloc" })
    }

    pub fn as_ptr(&self) -> *const sys::AVFrame {
        self.ptr.as_ptr()
    }

    pub fn as_mut_ptr(&mut self) -> *mut sys::AVFrame {
        self.ptr.as_ptr()
    }

    fn raw(&self) -> &sys::AVFrame {
        // SAFETY: ptr is a live AVFrame owned by self for self's lifetime.
        unsafe { self.ptr.as_ref() }
    }

    fn raw_mut(&mut self) -> &mut sys::AVFrame {
        // SAFETY: as raw(); &mut self guarantees exclusive access.
        unsafe { self.ptr.as_mut() }
    }

    pub fn width(&self) -> u32 {
        self.raw().width.max(0) as u32
    }
    pub fn height(&self) -> u32 {
        self.raw().height.max(0) as u32
    }
    pub fn pixel_format(&self) -> Option<sys::AVPixelFormat> {
        pixel_format_from_int(self.raw().format)
    }
    pub fn pts(&self) -> Option<i64> {
        let p = self.raw().pts;
        (p != sys::AV_NOPTS_VALUE).then_some(p)
    }
    pub fn set_pts(&mut self, pts: Option<i64>) {
        self.raw_mut().pts = pts.unwrap_or(sys::AV_NOPTS_VALUE);
    }
    pub fn duration(&self) -> i64 {
        // FFmpeg 6.0 renamed `pkt_duration` to `duration` (7.0 removed the old name).
        #[cfg(ffmpeg_6_0)]
        return self.raw().duration;
        #[cfg(not(ffmpeg_6_0))]
        return self.raw().pkt_duration;
    }
    /// Decoders: the frame's timestamp as libavcodec best guesses it (pts, else from dts).
    pub fn best_effort_timestamp(&self) -> Option<i64> {
        let p = self.raw().best_effort_timestamp;
        (p != sys::AV_NOPTS_VALUE).then_some(p)
    }
    /// Cropping still to apply (left, top, right, bottom), as the decoder left it when
    /// `apply_cropping` is off. Saturated to u32.
    pub fn crop(&self) -> (u32, u32, u32, u32) {
        let f = self.raw();
        let c = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        (c(f.crop_left), c(f.crop_top), c(f.crop_right), c(f.crop_bottom))
    }
    /// Sample (pixel) aspect ratio; (0, 1) when unknown.
    pub fn sample_aspect_ratio(&self) -> (i32, i32) {
        let r = self.raw().sample_aspect_ratio;
        (r.num, r.den)
    }
    /// Ask the encoder for a key frame (or let it choose).
    pub fn set_force_key(&mut self, key: bool) {
        self.raw_mut().pict_type = if key { sys::AVPictureType::AV_PICTURE_TYPE_I } else { sys::AVPictureType::AV_PICTURE_TYPE_NONE };
    }
    /// Set one entry of the frame's metadata dictionary (libvpx reads `vp8-flags` and
    /// `temporal_id` from it per frame). Freed with the frame.
    pub fn set_metadata(&mut self, key: &str, value: &str) -> Result<(), AvError> {
        let (k, v) = match (std::ffi::CString::new(key), std::ffi::CString::new(value)) {
            (Ok(k), Ok(v)) => (k, v),
            _ => return Err(AvError { code: super::error::EINVAL, what: "av_dict_set (frame metadata)" }),
        };
        let f = self.raw_mut();
        // SAFETY: f.metadata is the frame's own (possibly null) dictionary; strings are copied.
        super::error::check(unsafe { sys::av_dict_set(&mut f.metadata, k.as_ptr(), v.as_ptr(), 0) }, "av_dict_set (frame metadata)")?;
        Ok(())
    }
    pub fn set_color(&mut self, range: sys::AVColorRange, space: sys::AVColorSpace, primaries: sys::AVColorPrimaries, trc: sys::AVColorTransferCharacteristic) {
        let f = self.raw_mut();
        f.color_range = range;
        f.colorspace = space;
        f.color_primaries = primaries;
        f.color_trc = trc;
    }
    pub fn color(&self) -> (sys::AVColorRange, sys::AVColorSpace, sys::AVColorPrimaries, sys::AVColorTransferCharacteristic) {
        let f = self.raw();
        (f.color_range, f.colorspace, f.color_primaries, f.color_trc)
    }
    /// The ICC profile the decoder found in the image (JPEG APP2, PNG iCCP, WebP ICCP), if any.
    pub fn icc_profile(&self) -> Option<&[u8]> {
        // SAFETY: ptr is a live AVFrame; the result is null or side data owned by the frame.
        let sd = unsafe { sys::av_frame_get_side_data(self.ptr.as_ptr(), sys::AVFrameSideDataType::AV_FRAME_DATA_ICC_PROFILE) };
        if sd.is_null() {
            return None;
        }
        // SAFETY: sd is live side data of this frame: `data` holds `size` bytes while the frame (borrowed by the slice) is unchanged.
        let (data, size) = unsafe { ((*sd).data, (*sd).size) };
        if data.is_null() || size == 0 {
            return None;
        }
        // SAFETY: see above.
        Some(unsafe { std::slice::from_raw_parts(data, size as usize) })
    }
    pub fn linesize(&self, p: usize) -> usize {
        if p >= 8 {
            return 0;
        }
        self.raw().linesize[p].max(0) as usize
    }

    fn plane_len(&self, p: usize) -> Option<usize> {
        let f = self.raw();
        if p >= 8 || f.data[p].is_null() || f.linesize[p] <= 0 {
            return None;
        }
        let fmt = self.pixel_format()?;
        if p >= plane_count(fmt) {
            return None;
        }
        Some(f.linesize[p] as usize * plane_rows(fmt, self.height(), p))
    }

    /// Plane `p` as bytes: `linesize(p) * rows` (video frames with positive line sizes only).
    pub fn plane(&self, p: usize) -> Option<&[u8]> {
        let len = self.plane_len(p)?;
        // SAFETY: video frames from FFmpeg (get_buffer2 / our pool) hold at least linesize*rows bytes per plane for their width/height/format; the slice borrows self.
        Some(unsafe { std::slice::from_raw_parts(self.raw().data[p], len) })
    }

    /// Plane `p` writable. Only for frames we allocated writable (FramePool::get).
    pub fn plane_mut(&mut self, p: usize) -> Option<&mut [u8]> {
        let len = self.plane_len(p)?;
        // SAFETY: av_frame_is_writable checks the buffers are not shared.
        if unsafe { sys::av_frame_is_writable(self.ptr.as_ptr()) } == 0 {
            return None;
        }
        // SAFETY: as plane(); the buffer is exclusively ours (checked writable) and &mut self is unique.
        Some(unsafe { std::slice::from_raw_parts_mut(self.raw().data[p], len) })
    }

    /// Every plane of a writable video frame at once, with its line size (None if the frame is
    /// shared, a plane is missing, or two planes overlap).
    pub fn planes_mut(&mut self) -> Option<super::scale::PlanesMut<'_>> {
        let n = plane_count(self.pixel_format()?);
        let mut spans = [(0usize, 0usize); 4];
        for (p, span) in spans.iter_mut().enumerate().take(n) {
            *span = (self.raw().data[p] as usize, self.plane_len(p)?);
        }
        let disjoint = (0..n).all(|a| (a + 1..n).all(|b| spans[a].0 + spans[a].1 <= spans[b].0 || spans[b].0 + spans[b].1 <= spans[a].0));
        // SAFETY: av_frame_is_writable checks the buffers are not shared.
        if !disjoint || unsafe { sys::av_frame_is_writable(self.ptr.as_ptr()) } == 0 {
            return None;
        }
        let stride = [0, 1, 2, 3].map(|p| if p < n { self.linesize(p) } else { 0 });
        let ptrs = self.raw().data;
        let mut data: [&mut [u8]; 4] = [&mut [], &mut [], &mut [], &mut []];
        for p in 0..n {
            // SAFETY: as plane_mut(); the planes were checked above not to overlap, so the n borrows are disjoint, all tied to &mut self.
            data[p] = unsafe { std::slice::from_raw_parts_mut(ptrs[p], spans[p].1) };
        }
        Some(super::scale::PlanesMut { data, stride })
    }

    /// Raw plane pointers and line sizes, for swscale.
    pub(crate) fn data_ptrs(&self) -> ([*const u8; 4], [c_int; 4]) {
        let f = self.raw();
        ([f.data[0], f.data[1], f.data[2], f.data[3]], [f.linesize[0], f.linesize[1], f.linesize[2], f.linesize[3]])
    }

    pub fn unref(&mut self) {
        // SAFETY: ptr is a live AVFrame; unref leaves it blank and reusable.
        unsafe { sys::av_frame_unref(self.ptr.as_ptr()) }
    }
}

// ---- audio frames ----------------------------------------------------------------------------

impl Frame {
    /// A writable audio frame of `nb_samples` samples (buffers from av_frame_get_buffer).
    pub fn new_audio(format: sys::AVSampleFormat, channels: u32, sample_rate: u32, nb_samples: usize) -> Result<Frame, AvError> {
        if channels == 0 || nb_samples == 0 || nb_samples > c_int::MAX as usize || sample_rate > c_int::MAX as u32 {
            return Err(AvError { code: super::error::EINVAL, what: "Frame::new_audio" });
        }
        let mut f = Frame::new()?;
        {
            let r = f.raw_mut();
            r.format = format as c_int;
            r.nb_samples = nb_samples as c_int;
            r.sample_rate = sample_rate as c_int;
            r.ch_layout = super::resample::default_layout(channels);
        }
        // SAFETY: format, nb_samples and ch_layout are set, as av_frame_get_buffer requires for audio.
        super::error::check(unsafe { sys::av_frame_get_buffer(f.ptr.as_ptr(), 0) }, "av_frame_get_buffer")?;
        Ok(f)
    }
    /// AV_FRAME_DATA_SKIP_SAMPLES side data (decoders with SKIP_MANUAL): samples to drop from the
    /// start and from the end of this frame.
    pub fn skip_samples(&self) -> Option<(u32, u32)> {
        // SAFETY: the frame is live; the result is null or side data owned by the frame.
        let sd = unsafe { sys::av_frame_get_side_data(self.ptr.as_ptr(), sys::AVFrameSideDataType::AV_FRAME_DATA_SKIP_SAMPLES) };
        if sd.is_null() {
            return None;
        }
        // SAFETY: non-null side data of the frame, valid while the frame is borrowed.
        let sd = unsafe { &*sd };
        if sd.data.is_null() || sd.size < 8 {
            return None;
        }
        // SAFETY: data holds `size` (≥ 8) bytes.
        let b = unsafe { std::slice::from_raw_parts(sd.data, 8) };
        Some((u32::from_le_bytes([b[0], b[1], b[2], b[3]]), u32::from_le_bytes([b[4], b[5], b[6], b[7]])))
    }
    pub fn nb_samples(&self) -> usize {
        self.raw().nb_samples.max(0) as usize
    }
    /// Send fewer samples than allocated (the last, short frame of a stream).
    pub fn set_nb_samples(&mut self, n: usize) {
        let r = self.raw_mut();
        r.nb_samples = r.nb_samples.min(n.min(c_int::MAX as usize) as c_int);
    }
    pub fn sample_rate(&self) -> u32 {
        self.raw().sample_rate.max(0) as u32
    }
    pub fn channels(&self) -> u32 {
        self.raw().ch_layout.nb_channels.max(0) as u32
    }
    /// The frame's `format` field as stored (an AVSampleFormat for audio frames).
    pub fn format_raw(&self) -> c_int {
        self.raw().format
    }
    /// Bytes of plane `p` an audio frame of `fmt` holds: (planes, bytes per plane).
    fn audio_geometry(&self, fmt: sys::AVSampleFormat) -> (usize, usize) {
        let (planes, frame_bytes) = super::resample::layout(fmt, self.channels() as usize);
        (planes, frame_bytes.saturating_mul(self.nb_samples()))
    }
    fn audio_ptr(&self, p: usize) -> *mut u8 {
        let f = self.raw();
        if f.extended_data.is_null() {
            return std::ptr::null_mut();
        }
        // SAFETY: extended_data holds one pointer per plane (checked p < planes by callers).
        unsafe { *f.extended_data.add(p) }
    }
    /// Plane `p` of an audio frame whose format is `fmt` (the caller read it from `format_raw`).
    pub fn audio_plane(&self, fmt: sys::AVSampleFormat, p: usize) -> Option<&[u8]> {
        let (planes, len) = self.audio_geometry(fmt);
        if p >= planes || self.raw().format != fmt as c_int {
            return None;
        }
        let ptr = self.audio_ptr(p);
        if ptr.is_null() {
            return None;
        }
        // SAFETY: an audio frame of this format holds nb_samples samples of every channel in each plane.
        Some(unsafe { std::slice::from_raw_parts(ptr, len) })
    }
    /// Plane `p` writable (frames from `new_audio`, not shared).
    pub fn audio_plane_mut(&mut self, fmt: sys::AVSampleFormat, p: usize) -> Option<&mut [u8]> {
        let (planes, len) = self.audio_geometry(fmt);
        if p >= planes || self.raw().format != fmt as c_int {
            return None;
        }
        // SAFETY: av_frame_is_writable checks the buffers are not shared.
        if unsafe { sys::av_frame_is_writable(self.ptr.as_ptr()) } == 0 {
            return None;
        }
        let ptr = self.audio_ptr(p);
        if ptr.is_null() {
            return None;
        }
        // SAFETY: as audio_plane; exclusively ours (writable) and &mut self is unique.
        Some(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
    }
    /// Every plane of an audio frame, writable at once (to fill them in one swr_convert call).
    pub fn audio_planes_mut(&mut self, fmt: sys::AVSampleFormat) -> Option<Vec<&mut [u8]>> {
        let (planes, len) = self.audio_geometry(fmt);
        if self.raw().format != fmt as c_int {
            return None;
        }
        // SAFETY: av_frame_is_writable checks the buffers are not shared.
        if unsafe { sys::av_frame_is_writable(self.ptr.as_ptr()) } == 0 {
            return None;
        }
        let mut v = Vec::with_capacity(planes);
        for p in 0..planes {
            let ptr = self.audio_ptr(p);
            if ptr.is_null() {
                return None;
            }
            // SAFETY: distinct planes of one writable frame never overlap; each holds len bytes; the borrows are tied to &mut self.
            v.push(unsafe { std::slice::from_raw_parts_mut(ptr, len) });
        }
        Some(v)
    }
}

impl Drop for Frame {
    fn drop(&mut self) {
        let mut p = self.ptr.as_ptr();
        // SAFETY: we own the frame; av_frame_free unrefs its buffers and frees it.
        unsafe { sys::av_frame_free(&mut p) }
    }
}

/// Writable frames of one (format, width, height), all planes in one pooled buffer.
pub struct FramePool {
    pool: NonNull<sys::AVBufferPool>,
    format: sys::AVPixelFormat,
    width: u32,
    height: u32,
    linesize: [c_int; 4],
    offset: [usize; 4],
    planes: usize,
}

// SAFETY: AVBufferPool is thread-safe (internally locked); we own the pool pointer.
unsafe impl Send for FramePool {}

const ALIGN: usize = 64;

impl FramePool {
    pub fn new(format: sys::AVPixelFormat, width: u32, height: u32) -> Result<FramePool, AvError> {
        let planes = plane_count(format);
        if planes == 0 || planes > 4 || width == 0 || height == 0 {
            return Err(AvError { code: super::error::EINVAL, what: "FramePool::new" });
        }
        let mut linesize = [0 as c_int; 4];
        let mut offset = [0usize; 4];
        let mut size = 0usize;
        for p in 0..planes {
            let row = plane_row_bytes(format, width, p);
            let ls = (row + ALIGN - 1) / ALIGN * ALIGN;
            linesize[p] = ls as c_int;
            offset[p] = size;
            size += ls * plane_rows(format, height, p);
        }
        // SAFETY: av_buffer_pool_init with the default allocator; null means out of memory.
        let pool = unsafe { sys::av_buffer_pool_init(size + ALIGN, Some(sys::av_buffer_allocz)) };
        let pool = NonNull::new(pool).ok_or(AvError { code: ENOMEM, what: "av_buffer_pool_init" })?;
        Ok(FramePool { pool, format, width, height, linesize, offset, planes })
    }

    pub fn matches(&self, format: sys::AVPixelFormat, width: u32, height: u32) -> bool {
        self.format == format && self.width == width && self.height == height
    }


    /// A writable frame from the pool (its buffer returns to the pool when the frame is unref'd).
    pub fn get(&self) -> Result<Frame, AvError> {
        let mut frame = Frame::new()?;
        // SAFETY: the pool is live; returns a new reference or null on OOM.
        let buf = unsafe { sys::av_buffer_pool_get(self.pool.as_ptr()) };
        if buf.is_null() {
            return Err(AvError { code: ENOMEM, what: "av_buffer_pool_get" });
        }
        let f = frame.raw_mut();
        f.buf[0] = buf;
        // SAFETY: buf is a valid AVBufferRef whose data holds size + ALIGN bytes; every offset plus its plane size lies within `size` (computed in new()).
        let base = unsafe { (*buf).data };
        for p in 0..self.planes {
            // SAFETY: see above — offset[p] < size.
            f.data[p] = unsafe { base.add(self.offset[p]) };
            f.linesize[p] = self.linesize[p];
        }
        f.format = self.format as c_int;
        f.width = self.width as c_int;
        f.height = self.height as c_int;
        Ok(frame)
    }
}

impl Drop for FramePool {
    fn drop(&mut self) {
        let mut p = self.pool.as_ptr();
        // SAFETY: we own the pool; uninit frees it once every outstanding buffer has returned.
        unsafe { sys::av_buffer_pool_uninit(&mut p) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counters::{get, Kind};
    #[test]
    fn pool_frames_are_writable_and_freed() {
        let pool = FramePool::new(sys::AVPixelFormat::AV_PIX_FMT_YUV420P, 33, 17).unwrap();
        let before = get(Kind::AvFrames);
        {
            let mut f = pool.get().unwrap();
            assert_eq!(get(Kind::AvFrames), before + 1);
            assert_eq!(f.plane(0).unwrap().len(), 64 * 17);
            assert_eq!(f.plane(1).unwrap().len(), 64 * 9);
            f.plane_mut(2).unwrap()[0] = 7;
            assert!(f.plane(3).is_none());
        }
        assert_eq!(get(Kind::AvFrames), before);
    }
    #[test]
    fn planes_mut_gives_every_plane_at_once() {
        let pool = FramePool::new(sys::AVPixelFormat::AV_PIX_FMT_YUV420P, 33, 17).unwrap();
        let mut f = pool.get().unwrap();
        let p = f.planes_mut().unwrap();
        assert_eq!(p.stride, [64, 64, 64, 0]);
        assert_eq!([p.data[0].len(), p.data[1].len(), p.data[2].len(), p.data[3].len()], [64 * 17, 64 * 9, 64 * 9, 0]);
        let [y, u, v, _] = p.data;
        (y[0], u[0], v[0]) = (1, 2, 3);
        assert_eq!((f.plane(0).unwrap()[0], f.plane(1).unwrap()[0], f.plane(2).unwrap()[0]), (1, 2, 3));
    }
    #[test]
    fn geometry() {
        use sys::AVPixelFormat::*;
        assert_eq!(plane_count(AV_PIX_FMT_NV12), 2);
        assert_eq!(plane_row_bytes(AV_PIX_FMT_NV12, 5, 1), 6);
        assert_eq!(plane_rows(AV_PIX_FMT_NV12, 5, 1), 3);
        assert_eq!(plane_rows(AV_PIX_FMT_YUVA420P, 5, 3), 5);
        assert_eq!(plane_row_bytes(AV_PIX_FMT_YUV420P10LE, 5, 1), 6);
        assert_eq!(plane_row_bytes(AV_PIX_FMT_RGBA, 5, 0), 20);
    }
}
