//! ffi layer: `Scaler` owns a SwsContext (freed in Drop). `scale` takes plane slices and checks
//! every plane covers its rows × stride before swscale touches it, so callers stay safe Rust.
use super::error::{check, AvError, EINVAL, ENOMEM};
use super::frame::{plane_count, plane_row_bytes, plane_rows, Frame};
use super::sys;
use crate::counters::{Kind, Live};
use std::os::raw::c_int;
use std::ptr::NonNull;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageDesc {
    pub format: sys::AVPixelFormat,
    pub width: u32,
    pub height: u32,
}

/// Colour matrix of YUV data, as swscale names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Matrix {
    Bt601,
    Bt709,
    Bt2020,
}

impl Matrix {
    fn sws(self) -> c_int {
        match self {
            Matrix::Bt601 => sys::SWS_CS_ITU601,
            Matrix::Bt709 => sys::SWS_CS_ITU709,
            Matrix::Bt2020 => sys::SWS_CS_BT2020,
        }
    }
}

/// Read-only planes of an image: plane p starts at data[p][0], rows are stride[p] apart.
pub struct Planes<'a> {
    pub data: [&'a [u8]; 4],
    pub stride: [usize; 4],
}

pub struct PlanesMut<'a> {
    pub data: [&'a mut [u8]; 4],
    pub stride: [usize; 4],
}

pub struct Scaler {
    ptr: NonNull<sys::SwsContext>,
    src: ImageDesc,
    dst: ImageDesc,
    flags: c_int,
    color: Option<(Matrix, bool, Matrix, bool)>,
    /// The (source, destination) full-range flags the context was initialised with.
    ranges: (bool, bool),
    _live: Live,
}

// SAFETY: a SwsContext is used by one thread at a time (we move it, never share it).
unsafe impl Send for Scaler {}

fn covers(desc: &ImageDesc, lens: [usize; 4], stride: [usize; 4]) -> bool {
    let n = plane_count(desc.format);
    (0..n).all(|p| {
        let rows = plane_rows(desc.format, desc.height, p);
        let row = plane_row_bytes(desc.format, desc.width, p);
        rows == 0 || (stride[p] >= row && stride[p] <= i32::MAX as usize && lens[p] >= (rows - 1) * stride[p] + row)
    })
}

/// Whether swscale treats a format as YUV (or grey): neither RGB nor palette.
fn is_yuv(format: sys::AVPixelFormat) -> bool {
    // SAFETY: av_pix_fmt_desc_get returns a pointer into a static table or null.
    let d = unsafe { sys::av_pix_fmt_desc_get(format) };
    if d.is_null() {
        return false;
    }
    // SAFETY: non-null pointer into libavutil's static, immutable descriptor table.
    let flags = unsafe { (*d).flags };
    flags & (sys::AV_PIX_FMT_FLAG_RGB | sys::AV_PIX_FMT_FLAG_PAL) as u64 == 0
}

pub const BICUBIC: c_int = sys::SWS_BICUBIC;
pub const BILINEAR: c_int = sys::SWS_BILINEAR;
pub const ACCURATE: c_int = sys::SWS_ACCURATE_RND | sys::SWS_FULL_CHR_H_INT;

impl Scaler {
    pub fn new(src: ImageDesc, dst: ImageDesc, flags: c_int) -> Result<Scaler, AvError> {
        if src.width == 0 || src.height == 0 || dst.width == 0 || dst.height == 0 {
            return Err(AvError { code: EINVAL, what: "sws_getContext" });
        }
        // SAFETY: plain values; null filters/params are allowed; null result means unsupported.
        let p = unsafe {
            sys::sws_getContext(
                src.width as c_int,
                src.height as c_int,
                src.format,
                dst.width as c_int,
                dst.height as c_int,
                dst.format,
                flags,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null(),
            )
        };
        let ptr = NonNull::new(p).ok_or(AvError { code: EINVAL, what: "sws_getContext" })?;
        Ok(Scaler { ptr, src, dst, flags, color: None, ranges: (false, false), _live: Live::new(Kind::SwsContexts) })
    }

    /// A context initialised with the given ranges (sws_getContext's are both limited). swscale
    /// picks its unscaled converters (a plain plane copy for YUV → same YUV) at initialisation,
    /// and only when the ranges are equal; ranges set later by sws_setColorspaceDetails are then
    /// ignored, so a YUV → YUV range change needs them here, as libavfilter's scale filter does.
    fn with_ranges(src: ImageDesc, dst: ImageDesc, flags: c_int, ranges: (bool, bool)) -> Result<NonNull<sys::SwsContext>, AvError> {
        // SAFETY: allocates an empty context (null on failure), set up below and freed on error.
        let ptr = NonNull::new(unsafe { sys::sws_alloc_context() }).ok_or(AvError { code: ENOMEM, what: "sws_alloc_context" })?;
        let opts: [(&[u8], i64); 9] = [
            (b"srcw\0", src.width as i64),
            (b"srch\0", src.height as i64),
            (b"src_format\0", src.format as i64),
            (b"dstw\0", dst.width as i64),
            (b"dsth\0", dst.height as i64),
            (b"dst_format\0", dst.format as i64),
            (b"sws_flags\0", flags as i64),
            (b"src_range\0", ranges.0 as i64),
            (b"dst_range\0", ranges.1 as i64),
        ];
        let mut r = 0;
        for (name, v) in opts {
            if r >= 0 {
                // SAFETY: the context is live and an AVClass object; name is a NUL-terminated option of it.
                r = unsafe { sys::av_opt_set_int(ptr.as_ptr().cast(), name.as_ptr().cast(), v, 0) };
            }
        }
        if r >= 0 {
            // SAFETY: the context is live and fully set; null filters are allowed.
            r = unsafe { sys::sws_init_context(ptr.as_ptr(), std::ptr::null_mut(), std::ptr::null_mut()) };
        }
        if r < 0 {
            // SAFETY: we own the context and free it once, here.
            unsafe { sys::sws_freeContext(ptr.as_ptr()) };
            return Err(AvError { code: if r == -1 { EINVAL } else { r }, what: "sws_init_context" });
        }
        Ok(ptr)
    }

    pub fn matches(&self, src: &ImageDesc, dst: &ImageDesc, flags: c_int) -> bool {
        self.src == *src && self.dst == *dst && self.flags == flags
    }

    /// Set the YUV matrix and ranges of source and destination (ignored for RGB sides).
    pub fn set_colorspace(&mut self, src: Matrix, src_full: bool, dst: Matrix, dst_full: bool) -> Result<(), AvError> {
        if self.color == Some((src, src_full, dst, dst_full)) {
            return Ok(());
        }
        // YUV → YUV: the ranges must be the context's own (see `with_ranges`).
        if is_yuv(self.src.format) && is_yuv(self.dst.format) && self.ranges != (src_full, dst_full) {
            let ptr = Self::with_ranges(self.src, self.dst, self.flags, (src_full, dst_full))?;
            // SAFETY: we own the old context; it is replaced at once and never used again.
            unsafe { sys::sws_freeContext(self.ptr.as_ptr()) };
            self.ptr = ptr;
            self.ranges = (src_full, dst_full);
        }
        // SAFETY: sws_getCoefficients returns a pointer to a static table of 4 ints.
        let (inv, table) = unsafe { (sys::sws_getCoefficients(src.sws()), sys::sws_getCoefficients(dst.sws())) };
        // SAFETY: ctx is live; the tables are static; brightness/contrast/saturation are the defaults.
        let r = unsafe { sys::sws_setColorspaceDetails(self.ptr.as_ptr(), inv, src_full as c_int, table, dst_full as c_int, 0, 1 << 16, 1 << 16) };
        // sws_setColorspaceDetails returns -1 when the conversion does not use the tables (e.g. RGB→RGB): not an error.
        let _ = r;
        self.color = Some((src, src_full, dst, dst_full));
        Ok(())
    }

    /// Convert/scale `src` (described by self.src) into `dst` (self.dst).
    pub fn scale(&mut self, src: &Planes, dst: &mut PlanesMut) -> Result<(), AvError> {
        let slens = [src.data[0].len(), src.data[1].len(), src.data[2].len(), src.data[3].len()];
        let dlens = [dst.data[0].len(), dst.data[1].len(), dst.data[2].len(), dst.data[3].len()];
        if !covers(&self.src, slens, src.stride) || !covers(&self.dst, dlens, dst.stride) {
            return Err(AvError { code: EINVAL, what: "sws_scale (plane buffers too small)" });
        }
        let sp: [*const u8; 4] = [src.data[0].as_ptr(), src.data[1].as_ptr(), src.data[2].as_ptr(), src.data[3].as_ptr()];
        let ss: [c_int; 4] = src.stride.map(|s| s as c_int);
        let dp: [*mut u8; 4] = [dst.data[0].as_mut_ptr(), dst.data[1].as_mut_ptr(), dst.data[2].as_mut_ptr(), dst.data[3].as_mut_ptr()];
        let ds: [c_int; 4] = dst.stride.map(|s| s as c_int);
        // SAFETY: every plane the formats use was checked above to cover rows × stride of the declared sizes; unused planes are ignored by swscale; the context is live and ours.
        let r = unsafe { sys::sws_scale(self.ptr.as_ptr(), sp.as_ptr(), ss.as_ptr(), 0, self.src.height as c_int, dp.as_ptr(), ds.as_ptr()) };
        check(r, "sws_scale").map(|_| ())
    }

    /// Convert a decoded frame (any FFmpeg format, palette included) into `dst` planes.
    pub fn scale_frame(&mut self, src: &Frame, dst: &mut PlanesMut) -> Result<(), AvError> {
        if src.pixel_format() != Some(self.src.format) || src.width() != self.src.width || src.height() != self.src.height {
            return Err(AvError { code: EINVAL, what: "sws_scale (source frame geometry)" });
        }
        let dlens = [dst.data[0].len(), dst.data[1].len(), dst.data[2].len(), dst.data[3].len()];
        if !covers(&self.dst, dlens, dst.stride) {
            return Err(AvError { code: EINVAL, what: "sws_scale (plane buffers too small)" });
        }
        let (sp, ss) = src.data_ptrs();
        if ss.iter().take(plane_count(self.src.format)).any(|l| *l <= 0) {
            return Err(AvError { code: EINVAL, what: "sws_scale (negative line size)" });
        }
        let dp: [*mut u8; 4] = [dst.data[0].as_mut_ptr(), dst.data[1].as_mut_ptr(), dst.data[2].as_mut_ptr(), dst.data[3].as_mut_ptr()];
        let ds: [c_int; 4] = dst.stride.map(|s| s as c_int);
        // SAFETY: a decoded frame holds valid planes (and palette for PAL8) for its own format and size, which equal self.src (checked); destination planes were checked to cover self.dst.
        let r = unsafe { sys::sws_scale(self.ptr.as_ptr(), sp.as_ptr(), ss.as_ptr(), 0, self.src.height as c_int, dp.as_ptr(), ds.as_ptr()) };
        check(r, "sws_scale").map(|_| ())
    }

    /// Convert `src` planes into a writable pooled frame of self.dst's geometry.
    pub fn scale_into_frame(&mut self, src: &Planes, frame: &mut Frame) -> Result<(), AvError> {
        if frame.pixel_format() != Some(self.dst.format) || frame.width() != self.dst.width || frame.height() != self.dst.height {
            return Err(AvError { code: EINVAL, what: "sws_scale (frame geometry)" });
        }
        let (ptrs, lines) = frame.data_ptrs();
        let n = plane_count(self.dst.format);
        let mut lens = [0usize; 4];
        for p in 0..n {
            lens[p] = frame.plane(p).map(|s| s.len()).ok_or(AvError { code: ENOMEM, what: "sws_scale (frame plane)" })?;
        }
        let _ = frame.plane_mut(0).ok_or(AvError { code: EINVAL, what: "sws_scale (frame not writable)" })?;
        let sp: [*const u8; 4] = [src.data[0].as_ptr(), src.data[1].as_ptr(), src.data[2].as_ptr(), src.data[3].as_ptr()];
        let slens = [src.data[0].len(), src.data[1].len(), src.data[2].len(), src.data[3].len()];
        if !covers(&self.src, slens, src.stride) || !covers(&self.dst, lens, lines.map(|l| l.max(0) as usize)) {
            return Err(AvError { code: EINVAL, what: "sws_scale (plane buffers too small)" });
        }
        let ss: [c_int; 4] = src.stride.map(|s| s as c_int);
        let dp: [*mut u8; 4] = ptrs.map(|p| p as *mut u8);
        // SAFETY: source planes checked as in scale(); destination is a writable frame (checked) whose planes cover linesize × rows of self.dst (Frame::plane lengths checked above).
        let r = unsafe { sys::sws_scale(self.ptr.as_ptr(), sp.as_ptr(), ss.as_ptr(), 0, self.src.height as c_int, dp.as_ptr(), lines.as_ptr()) };
        check(r, "sws_scale").map(|_| ())
    }
}

impl Drop for Scaler {
    fn drop(&mut self) {
        // SAFETY: we own the context; freed once.
        unsafe { sys::sws_freeContext(self.ptr.as_ptr()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sys::AVPixelFormat::*;
    #[test]
    fn rgba_to_i420_and_back() {
        let (w, h) = (4u32, 2u32);
        let rgba: Vec<u8> = (0..w * h).flat_map(|_| [200u8, 30, 60, 255]).collect();
        let mut y = vec![0u8; 8];
        let mut u = vec![0u8; 2];
        let mut v = vec![0u8; 2];
        let mut s = Scaler::new(ImageDesc { format: AV_PIX_FMT_RGBA, width: w, height: h }, ImageDesc { format: AV_PIX_FMT_YUV420P, width: w, height: h }, BICUBIC | ACCURATE).unwrap();
        s.scale(&Planes { data: [&rgba, &[], &[], &[]], stride: [16, 0, 0, 0] }, &mut PlanesMut { data: [&mut y, &mut u, &mut v, &mut []], stride: [4, 2, 2, 0] }).unwrap();
        let mut back = vec![0u8; 32];
        let mut s2 = Scaler::new(ImageDesc { format: AV_PIX_FMT_YUV420P, width: w, height: h }, ImageDesc { format: AV_PIX_FMT_RGBA, width: w, height: h }, BICUBIC | ACCURATE).unwrap();
        s2.scale(&Planes { data: [&y, &u, &v, &[]], stride: [4, 2, 2, 0] }, &mut PlanesMut { data: [&mut back, &mut [], &mut [], &mut []], stride: [16, 0, 0, 0] }).unwrap();
        for px in back.chunks(4) {
            assert!((px[0] as i32 - 200).abs() <= 3 && (px[1] as i32 - 30).abs() <= 3 && (px[2] as i32 - 60).abs() <= 3, "{px:?}");
        }
    }
    #[test]
    fn yuv_range_change_is_applied_by_a_same_format_copy() {
        // Full → limited range between two identical yuv420p images: swscale's plain-copy
        // converter would leave Y at 255 and 0.
        let (w, h) = (4u32, 2u32);
        let desc = ImageDesc { format: AV_PIX_FMT_YUV420P, width: w, height: h };
        let y: Vec<u8> = [0u8, 255, 128, 255].repeat(2);
        let (u, v) = (vec![128u8; 2], vec![128u8; 2]);
        let run = |s: &mut Scaler| {
            let (mut oy, mut ou, mut ov) = (vec![0u8; 8], vec![0u8; 2], vec![0u8; 2]);
            s.scale(&Planes { data: [&y, &u, &v, &[]], stride: [4, 2, 2, 0] }, &mut PlanesMut { data: [&mut oy, &mut ou, &mut ov, &mut []], stride: [4, 2, 2, 0] }).unwrap();
            oy
        };
        let mut s = Scaler::new(desc, desc, BICUBIC).unwrap();
        s.set_colorspace(Matrix::Bt709, true, Matrix::Bt709, false).unwrap();
        let oy = run(&mut s);
        assert!((oy[0] as i32 - 16).abs() <= 1 && (oy[1] as i32 - 235).abs() <= 1, "{oy:?}");
        // And back to equal ranges: a plain copy again.
        s.set_colorspace(Matrix::Bt709, false, Matrix::Bt709, false).unwrap();
        assert_eq!(run(&mut s), y);
    }
    #[test]
    fn short_buffers_are_refused() {
        let mut s = Scaler::new(ImageDesc { format: AV_PIX_FMT_RGBA, width: 4, height: 2 }, ImageDesc { format: AV_PIX_FMT_RGBA, width: 4, height: 2 }, BILINEAR).unwrap();
        let small = vec![0u8; 20];
        let mut out = vec![0u8; 32];
        assert!(s.scale(&Planes { data: [&small, &[], &[], &[]], stride: [16, 0, 0, 0] }, &mut PlanesMut { data: [&mut out, &mut [], &mut [], &mut []], stride: [16, 0, 0, 0] }).is_err());
    }
}
