//! codecs layer: the pixels of a VideoFrame. One `FrameData` is shared by every clone of a frame
//! (`Arc`), and freed when the last handle is closed. Buffers come from a bounded per-size pool
//! so create/close loops reuse memory instead of growing the heap (docs/ARCHITECTURE.md, "Memory").
use super::buffer::MediaBuffer;
use super::color::{primaries_of, Conversion, Target, Transfer};
use super::color_space::{VideoColorPrimaries as Primaries, VideoColorSpace};
use crate::codecs::tables::pixel_format::{by_av, by_name, PixelFormatInfo};
use crate::counters::{Kind, Live};
use crate::error::{Error, ErrorKind, Result};
use crate::ffi::scale::{self, ImageDesc, Matrix, Planes, PlanesMut, Scaler};
use crate::ffi::Frame;
use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where one plane lies in a byte buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlaneLayout {
    pub offset: usize,
    pub stride: usize,
    pub row_bytes: usize,
    pub rows: usize,
}

impl PlaneLayout {
    /// Bytes the plane spans from `offset` (the last row need not be padded to `stride`).
    fn span(&self) -> usize {
        if self.rows == 0 {
            0
        } else {
            (self.rows - 1) * self.stride + self.row_bytes
        }
    }
}

/// One rectangular copy out of a plane into a destination buffer (x in bytes, y in rows).
#[derive(Clone, Copy, Debug)]
pub struct CopyOp {
    pub plane: usize,
    pub x: usize,
    pub y: usize,
    pub row_bytes: usize,
    pub rows: usize,
    pub dst_offset: usize,
    pub dst_stride: usize,
}

// ---- size limits (the one place) ----------------------------------------------------------
//
// Every width and height that comes from input — a VideoFrame's coded size, ImageDecoder's
// desiredWidth/desiredHeight, the dimensions a container header claims, the size a decoder
// reports — is checked here before any buffer is sized by it (docs/ARCHITECTURE.md, "Memory").

/// Largest width or height of any frame: what VideoFrame has always accepted, the largest
/// texture side GPUs commonly support, and the largest VP8/VP8L (14-bit) picture.
pub const MAX_DIMENSION: u32 = 16384;

/// Largest frame in pixels: 2^28 = 16384 × 16384, Chrome's `media::limits::kMaxCanvas`. Not lower
/// on purpose: a 16384 × 16384 picture is valid content that Chrome decodes, so refusing it would
/// be our bug. An RGBA frame of this size is 1 GiB; the buffer is allocated fallibly, so a machine
/// that cannot give it gets an error, not an abort.
pub const MAX_PIXELS: u64 = 1 << 28;

/// Largest frame buffer in bytes: `MAX_PIXELS` at the widest format (I444AP12: 4 planes × 2 bytes).
pub const MAX_FRAME_BYTES: usize = super::buffer::MAX_BUFFER_BYTES;

/// Why a `width × height` frame is refused, if it is (`what` names the size in the message).
pub fn size_problem(what: &str, width: u64, height: u64) -> Option<String> {
    let max = MAX_DIMENSION as u64;
    if width == 0 || height == 0 {
        Some(format!("{what} {width}×{height} is empty (expected at least 1×1)"))
    } else if width > max || height > max {
        Some(format!("{what} {width}×{height} exceeds the limit of {MAX_DIMENSION} per dimension"))
    } else if width * height > MAX_PIXELS {
        Some(format!("{what} {width}×{height} exceeds the limit of {MAX_PIXELS} pixels per frame"))
    } else {
        None
    }
}

/// `size_problem` as an error of `kind`.
pub fn check_size(kind: ErrorKind, what: &str, width: u64, height: u64) -> Result<()> {
    match size_problem(what, width, height) {
        Some(m) => Err(Error::new(kind, m)),
        None => Ok(()),
    }
}

// Pixels live in the shared media-buffer pool (`media::buffer`), as AudioData samples do.

// ---- frame pixels -------------------------------------------------------------------------

enum Storage {
    Bytes(MediaBuffer),
    /// A decoder's reference-counted output, kept as is (zero copy).
    Av(HeldAvFrame),
}

/// Most decoder outputs kept zero copy at once, process-wide. A decoder's output buffers come from
/// its own FFmpeg pool, which grows to the most frames ever held and gives nothing back until the
/// decoder closes; so a program that forgets (or hoards) output frames would pin that memory for
/// the decoder's life. Past this many, outputs are copied into media buffers (which the media
/// pool bounds and returns) and the decoder's buffer is released at once: the decoder never stalls
/// and its pool stays at about this many frames plus its reference frames. Chrome's software
/// decoders neither stall nor limit held frames, and free pool buffers unused for 10 s
/// (media/base/frame_buffer_pool.cc, kStaleFrameLimitSecs); FFmpeg's pool has no such expiry.
pub const MAX_ZERO_COPY_OUTPUTS: usize = 16;

static HELD_AV: AtomicUsize = AtomicUsize::new(0);

/// A decoder output counted in `HELD_AV` while it lives.
struct HeldAvFrame(Frame);

impl Drop for HeldAvFrame {
    fn drop(&mut self) {
        HELD_AV.fetch_sub(1, Ordering::Relaxed);
    }
}

pub struct FrameData {
    pub format: &'static PixelFormatInfo,
    pub width: u32,
    pub height: u32,
    planes: Vec<PlaneLayout>,
    storage: Storage,
    _live: Live,
}

/// The source's colour space (the frame's VideoColorSpace), and what the copy is converted to.
#[derive(Clone, Copy, Debug, Default)]
pub struct SourceColor<'a> {
    pub space: VideoColorSpace,
    /// The PredefinedColorSpace asked for ('srgb' when None).
    pub target: Option<&'a str>,
    /// Write 255 to every alpha/X byte (an X destination, or a source without alpha).
    pub opaque: bool,
}

thread_local! {
    static SCALER: RefCell<Option<Scaler>> = const { RefCell::new(None) };
}

/// Run `f` with a cached scaler for (src, dst, flags) on this thread.
pub fn with_scaler<T>(src: ImageDesc, dst: ImageDesc, flags: i32, f: impl FnOnce(&mut Scaler) -> Result<T>) -> Result<T> {
    SCALER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if !slot.as_ref().is_some_and(|s| s.matches(&src, &dst, flags)) {
            *slot = None;
            *slot = Some(Scaler::new(src, dst, flags).map_err(|e| Error::not_supported(e.to_error(crate::error::ErrorKind::NotSupported).message))?);
        }
        f(slot.as_mut().expect("scaler just set"))
    })
}

/// Drop this thread's cached scaler (so live counters can reach zero).
pub fn drop_cached_scaler() {
    SCALER.with(|cell| *cell.borrow_mut() = None);
}

impl FrameData {
    /// Copy `format` planes out of `src` (each where `sources` says) into a new pooled buffer.
    pub fn from_planes(format_name: &str, width: u32, height: u32, src: &[u8], sources: &[PlaneLayout]) -> Result<FrameData> {
        let format = by_name(format_name).ok_or_else(|| Error::type_error(format!("unknown pixel format {format_name:?}")))?;
        if size_problem("coded size", width.into(), height.into()).is_some() {
            return Err(Error::type_error(format!("expected a coded size between 1×1 and {MAX_DIMENSION}×{MAX_DIMENSION}, got {width}×{height}")));
        }
        if sources.len() != format.planes.len() {
            return Err(Error::type_error(format!("{} has {} planes, got {}", format.name, format.planes.len(), sources.len())));
        }
        let mut planes = Vec::with_capacity(sources.len());
        let mut total = 0usize;
        for (p, s) in sources.iter().enumerate() {
            let (row_bytes, rows) = (format.row_bytes(p, width), format.rows(p, height));
            if s.row_bytes != row_bytes || s.rows != rows || s.stride < row_bytes {
                return Err(Error::type_error(format!("plane {p} of {} {width}×{height} needs {rows} rows of {row_bytes} bytes, got {} rows of {} with stride {}", format.name, s.rows, s.row_bytes, s.stride)));
            }
            if s.offset.checked_add(s.span()).is_none_or(|end| end > src.len()) {
                return Err(Error::type_error(format!("plane {p} ends past the end of the data ({} bytes)", src.len())));
            }
            planes.push(PlaneLayout { offset: total, stride: row_bytes, row_bytes, rows });
            total += row_bytes * rows;
        }
        let mut bytes = MediaBuffer::take(total)?;
        for (s, d) in sources.iter().zip(&planes) {
            copy_rows(&src[s.offset..], s.stride, &mut bytes.as_mut_slice()[d.offset..], d.stride, d.row_bytes, d.rows);
        }
        Ok(FrameData { format, width, height, planes, storage: Storage::Bytes(bytes), _live: Live::new(Kind::VideoFrames) })
    }

    /// A new frame of `format`, tightly packed, filled by `fill(bytes, layouts)`.
    /// A size over the limits is a RangeError; so is a buffer the allocator cannot give.
    pub fn new_with(format_name: &str, width: u32, height: u32, fill: impl FnOnce(&mut [u8], &[PlaneLayout]) -> Result<()>) -> Result<FrameData> {
        let format = by_name(format_name).ok_or_else(|| Error::type_error(format!("unknown pixel format {format_name:?}")))?;
        check_size(ErrorKind::Range, "frame size", width.into(), height.into())?;
        let mut planes = Vec::with_capacity(format.planes.len());
        let mut total = 0usize;
        for p in 0..format.planes.len() {
            let (row_bytes, rows) = (format.row_bytes(p, width), format.rows(p, height));
            planes.push(PlaneLayout { offset: total, stride: row_bytes, row_bytes, rows });
            total += row_bytes * rows;
        }
        let mut bytes = MediaBuffer::take(total)?;
        fill(bytes.as_mut_slice(), &planes)?;
        Ok(FrameData { format, width, height, planes, storage: Storage::Bytes(bytes), _live: Live::new(Kind::VideoFrames) })
    }

    /// A decoded AVFrame as the frame's pixels: kept as is (no copy) while fewer than
    /// `MAX_ZERO_COPY_OUTPUTS` such frames live, copied into a media buffer otherwise.
    pub fn from_av_frame(frame: Frame) -> Result<FrameData> {
        let av = frame.pixel_format().ok_or_else(|| Error::encoding("decoder produced a frame without a pixel format"))?;
        let format = by_av(av).ok_or_else(|| Error::not_supported(format!("decoder output pixel format {av:?} has no VideoPixelFormat")))?;
        let (width, height) = (frame.width(), frame.height());
        check_size(ErrorKind::Encoding, "decoded frame size", width.into(), height.into())?;
        let mut planes = Vec::new();
        for p in 0..format.planes.len() {
            let len = frame.plane(p).map(|s| s.len()).ok_or_else(|| Error::encoding(format!("decoded frame lacks plane {p}")))?;
            let pl = PlaneLayout { offset: 0, stride: frame.linesize(p), row_bytes: format.row_bytes(p, width), rows: format.rows(p, height) };
            if pl.span() > len {
                return Err(Error::encoding("decoded frame planes are smaller than their geometry"));
            }
            planes.push(pl);
        }
        if HELD_AV.fetch_add(1, Ordering::Relaxed) >= MAX_ZERO_COPY_OUTPUTS {
            HELD_AV.fetch_sub(1, Ordering::Relaxed);
            return FrameData::new_with(format.name, width, height, |bytes, layout| {
                for (p, (src, dst)) in planes.iter().zip(layout).enumerate() {
                    let plane = frame.plane(p).unwrap_or(&[]);
                    copy_rows(plane, src.stride, &mut bytes[dst.offset..], dst.stride, dst.row_bytes, dst.rows);
                }
                Ok(())
            });
        }
        Ok(FrameData { format, width, height, planes, storage: Storage::Av(HeldAvFrame(frame)), _live: Live::new(Kind::VideoFrames) })
    }

    /// Bytes of native memory the pixels keep alive (a decoder output's planes as allocated).
    pub fn native_bytes(&self) -> usize {
        match &self.storage {
            Storage::Bytes(b) => b.len(),
            Storage::Av(f) => (0..self.planes.len()).filter_map(|p| f.0.plane(p)).map(<[u8]>::len).sum(),
        }
    }

    pub fn planes(&self) -> &[PlaneLayout] {
        &self.planes
    }

    /// Plane `p` from its first byte (rows are `planes()[p].stride` apart).
    pub fn plane(&self, p: usize) -> &[u8] {
        let l = &self.planes[p];
        match &self.storage {
            Storage::Bytes(b) => &b.as_slice()[l.offset..l.offset + l.span()],
            Storage::Av(f) => f.0.plane(p).map(|s| &s[..l.span()]).unwrap_or(&[]),
        }
    }

    /// Copy rectangles out of planes into `dest`, every range checked.
    pub fn copy_planes(&self, dest: &mut [u8], ops: &[CopyOp]) -> Result<()> {
        for op in ops {
            let l = self.planes.get(op.plane).ok_or_else(|| Error::type_error(format!("no plane {}", op.plane)))?;
            if op.x + op.row_bytes > l.row_bytes || op.y + op.rows > l.rows {
                return Err(Error::type_error(format!("copy rectangle outside plane {}", op.plane)));
            }
            let dst = PlaneLayout { offset: op.dst_offset, stride: op.dst_stride, row_bytes: op.row_bytes, rows: op.rows };
            if (op.rows > 1 && op.dst_stride < op.row_bytes) || op.dst_offset.checked_add(dst.span()).is_none_or(|e| e > dest.len()) {
                return Err(Error::type_error(format!("destination is too small for plane {}", op.plane)));
            }
            let src = &self.plane(op.plane)[op.y * l.stride + op.x..];
            copy_rows(src, l.stride, &mut dest[op.dst_offset..], op.dst_stride, op.row_bytes, op.rows);
        }
        Ok(())
    }

    /// Planes starting at the pixel (x, y), which must sit on the chroma grid.
    pub fn planes_at(&self, x: u32, y: u32) -> Result<Planes<'_>> {
        let mut data: [&[u8]; 4] = [&[], &[], &[], &[]];
        let mut stride = [0usize; 4];
        for (p, g) in self.format.planes.iter().enumerate() {
            if x % g.sub_x != 0 || y % g.sub_y != 0 {
                return Err(Error::type_error(format!("rect origin ({x}, {y}) is not aligned to the {} chroma grid", self.format.name)));
            }
            let l = &self.planes[p];
            let start = (y / g.sub_y) as usize * l.stride + (x / g.sub_x * g.bytes) as usize;
            data[p] = self.plane(p).get(start..).unwrap_or(&[]);
            stride[p] = l.stride;
        }
        Ok(Planes { data, stride })
    }

    pub fn image_desc(&self, width: u32, height: u32) -> Result<ImageDesc> {
        let av = self.format.av.ok_or_else(|| Error::not_supported(format!("{} frames cannot be converted", self.format.name)))?;
        Ok(ImageDesc { format: av, width, height })
    }

    /// Convert the rect (x, y, w, h) to a packed RGB format into `dest` at (offset, stride), in the
    /// colour space `color.target` ("Convert to RGB frame"). When the source's primaries and
    /// transfer already are the target's, swscale's matrix conversion is the whole job; otherwise
    /// swscale gives 16-bit non-linear RGB and `color::Conversion` maps it (linearize, primaries,
    /// clip, sRGB encode) into the 8-bit destination.
    #[allow(clippy::too_many_arguments)]
    pub fn convert_to_rgb(&self, dest: &mut [u8], rect: (u32, u32, u32, u32), dst_format: &str, dst_offset: usize, dst_stride: usize, color: SourceColor) -> Result<()> {
        let (x, y, w, h) = rect;
        if w == 0 || h == 0 || x.checked_add(w).is_none_or(|r| r > self.width) || y.checked_add(h).is_none_or(|b| b > self.height) {
            return Err(Error::type_error(format!("rect {x},{y} {w}×{h} is outside the coded size {}×{}", self.width, self.height)));
        }
        let dst = by_name(dst_format).filter(|f| f.rgb).ok_or_else(|| Error::not_supported(format!("conversion to {dst_format:?} is not supported (RGBA, RGBX, BGRA, BGRX are)")))?;
        let dst_av = dst.av.ok_or_else(|| Error::not_supported(format!("{} has no FFmpeg pixel format", dst.name)))?;
        let target = Target::from_name(color.target)?;
        // An RGB source is sRGB unless its VideoColorSpace says otherwise (Pick Color Space).
        let primaries = primaries_of(color.space.primaries);
        let transfer = Transfer::of(color.space.transfer)?;
        let src_desc = self.image_desc(w, h)?;
        let src = self.planes_at(x, y)?;
        let need = PlaneLayout { offset: dst_offset, stride: dst_stride, row_bytes: w as usize * 4, rows: h as usize };
        if dst_stride < need.row_bytes || dst_offset.checked_add(need.span()).is_none_or(|e| e > dest.len()) {
            return Err(Error::type_error("destination is too small for the converted rect"));
        }
        let out = &mut dest[dst_offset..];
        let yuv = !self.format.rgb;
        let set_matrix = |s: &mut Scaler| -> Result<()> {
            if yuv {
                s.set_colorspace(color.space.sws_matrix(), color.space.full_range.unwrap_or(false), Matrix::Bt709, true)?;
            }
            Ok(())
        };
        if Conversion::is_identity(primaries, transfer, target) {
            let dst_desc = ImageDesc { format: dst_av, width: w, height: h };
            with_scaler(src_desc, dst_desc, scale::BILINEAR | scale::ACCURATE, |s| {
                set_matrix(s)?;
                s.scale(&src, &mut PlanesMut { data: [&mut *out, &mut [], &mut [], &mut []], stride: [dst_stride, 0, 0, 0] })?;
                Ok(())
            })?;
            if color.opaque {
                for r in 0..h as usize {
                    for px in out[r * dst_stride..r * dst_stride + w as usize * 4].chunks_exact_mut(4) {
                        px[3] = 255;
                    }
                }
            }
            return Ok(());
        }
        // 16 bits per channel (R, G, B, A), little endian, row by row of the whole rect.
        let row16 = w as usize * 8;
        let mut tmp = MediaBuffer::take(row16 * h as usize)?;
        let tmp = tmp.as_mut_slice();
        if self.format.rgb {
            // 8-bit RGB widened as swscale widens it (v << 8; 1.0 is color::FULL_SCALE).
            let swap = matches!(self.format.name, "BGRA" | "BGRX");
            for r in 0..h as usize {
                let src_row = src.data[0].get(r * src.stride[0]..r * src.stride[0] + w as usize * 4).ok_or_else(|| Error::type_error("source rect outside the frame"))?;
                for (s, d) in src_row.chunks_exact(4).zip(tmp[r * row16..(r + 1) * row16].chunks_exact_mut(8)) {
                    let (red, blue) = if swap { (s[2], s[0]) } else { (s[0], s[2]) };
                    for (i, v) in [red, s[1], blue, s[3]].into_iter().enumerate() {
                        d[2 * i..2 * i + 2].copy_from_slice(&(u16::from(v) << 8).to_le_bytes());
                    }
                }
            }
        } else {
            let dst_desc = ImageDesc { format: crate::ffi::sys::AVPixelFormat::AV_PIX_FMT_RGBA64LE, width: w, height: h };
            with_scaler(src_desc, dst_desc, scale::BILINEAR | scale::ACCURATE, |s| {
                set_matrix(s)?;
                s.scale(&src, &mut PlanesMut { data: [&mut *tmp, &mut [], &mut [], &mut []], stride: [row16, 0, 0, 0] })?;
                Ok(())
            })?;
        }
        let bgr = matches!(dst.name, "BGRA" | "BGRX");
        with_conversion(primaries, transfer, target, |conv| {
            for r in 0..h as usize {
                let src_row = &tmp[r * row16..(r + 1) * row16];
                let dst_row = &mut out[r * dst_stride..r * dst_stride + w as usize * 4];
                for (s, d) in src_row.chunks_exact(8).zip(dst_row.chunks_exact_mut(4)) {
                    let c = |i: usize| u16::from_le_bytes([s[2 * i], s[2 * i + 1]]);
                    let [red, green, blue] = conv.apply([c(0), c(1), c(2)]);
                    // Alpha was widened by << 8 (swscale, and the RGB path above): >> 8 undoes it.
                    let a = if color.opaque { 255 } else { (c(3) >> 8) as u8 };
                    d.copy_from_slice(&if bgr { [blue, green, red, a] } else { [red, green, blue, a] });
                }
            }
        });
        Ok(())
    }
}

type ConversionKey = (Primaries, Transfer, Target);

thread_local! {
    static CONVERSION: RefCell<Option<(ConversionKey, Conversion)>> = const { RefCell::new(None) };
}

/// Run `f` with this thread's cached conversion tables for (primaries, transfer, target).
fn with_conversion<T>(p: Primaries, t: Transfer, target: Target, f: impl FnOnce(&Conversion) -> T) -> T {
    CONVERSION.with(|cell| {
        let mut slot = cell.borrow_mut();
        let key = (p, t, target);
        let conv = match slot.take() {
            Some((k, c)) if k == key => c,
            _ => Conversion::new(p, t, target),
        };
        let r = f(&conv);
        *slot = Some((key, conv));
        r
    })
}

fn copy_rows(src: &[u8], src_stride: usize, dst: &mut [u8], dst_stride: usize, row_bytes: usize, rows: usize) {
    if src_stride == row_bytes && dst_stride == row_bytes {
        let n = row_bytes * rows;
        dst[..n].copy_from_slice(&src[..n]);
        return;
    }
    for r in 0..rows {
        dst[r * dst_stride..r * dst_stride + row_bytes].copy_from_slice(&src[r * src_stride..r * src_stride + row_bytes]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn tight(format: &str, w: u32, h: u32) -> (Vec<PlaneLayout>, usize) {
        let f = by_name(format).unwrap();
        let mut off = 0;
        let mut v = vec![];
        for p in 0..f.planes.len() {
            let (rb, rows) = (f.row_bytes(p, w), f.rows(p, h));
            v.push(PlaneLayout { offset: off, stride: rb, row_bytes: rb, rows });
            off += rb * rows;
        }
        (v, off)
    }
    #[test]
    fn create_copy_round_trip_odd_size() {
        let (layout, size) = tight("I420", 33, 17);
        let src: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let f = FrameData::from_planes("I420", 33, 17, &src, &layout).unwrap();
        let mut out = vec![0u8; size];
        let ops: Vec<CopyOp> = layout.iter().enumerate().map(|(p, l)| CopyOp { plane: p, x: 0, y: 0, row_bytes: l.row_bytes, rows: l.rows, dst_offset: l.offset, dst_stride: l.stride }).collect();
        f.copy_planes(&mut out, &ops).unwrap();
        assert_eq!(out, src);
        assert!(f.copy_planes(&mut out[..10], &ops).is_err());
    }
    #[test]
    fn size_limits() {
        assert_eq!(size_problem("x", 1, 1), None);
        assert_eq!(size_problem("x", 16384, 16384), None);
        assert_eq!(size_problem("x", 16385, 1).as_deref(), Some("x 16385×1 exceeds the limit of 16384 per dimension"));
        assert!(size_problem("x", 0, 5).is_some_and(|m| m.contains("empty")));
        assert!(size_problem("x", u64::MAX, u64::MAX).is_some());
        let e = check_size(ErrorKind::Encoding, "desired", 100000, 100000).unwrap_err();
        assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Encoding, "desired 100000×100000 exceeds the limit of 16384 per dimension"));
        assert_eq!(MAX_PIXELS, u64::from(MAX_DIMENSION) * u64::from(MAX_DIMENSION));
    }
    #[test]
    fn oversized_buffers_are_errors_not_aborts() {
        let e = MediaBuffer::take(usize::MAX).err().unwrap();
        assert_eq!(e.kind, ErrorKind::Range);
        assert!(MediaBuffer::take(MAX_FRAME_BYTES + 1).is_err());
        let e = FrameData::new_with("RGBA", 100000, 100000, |_, _| Ok(())).err().unwrap();
        assert_eq!(e.kind, ErrorKind::Range);
        assert!(e.message.contains("16384 per dimension"), "{}", e.message);
        assert!(FrameData::new_with("RGBA", 0, 4, |_, _| Ok(())).is_err());
        let (layout, _) = tight("RGBA", 2, 2);
        assert!(FrameData::from_planes("RGBA", 100000, 100000, &[0; 16], &layout).is_err_and(|e| e.kind == ErrorKind::Type));
    }
    #[test]
    fn rejects_short_source() {
        let (layout, size) = tight("RGBA", 4, 4);
        assert!(FrameData::from_planes("RGBA", 4, 4, &vec![0; size - 1], &layout).is_err());
        assert!(FrameData::from_planes("RGBA", 4, 4, &vec![0; size], &layout[..0]).is_err());
    }
    #[test]
    fn colour_pipeline_keeps_white_black_and_grey() {
        // Through the 16-bit path (display-p3): white, black and greys are D65 greys in both
        // spaces, so they must come out as they went in (limited-range Y 16..235 → 0..255).
        let (layout, size) = tight("I444", 3, 1);
        let mut src = vec![128u8; size];
        src[..3].copy_from_slice(&[235, 16, 126]);
        let f = FrameData::from_planes("I444", 3, 1, &src, &layout).unwrap();
        let mut out = vec![0u8; 12];
        let color = SourceColor { target: Some("display-p3"), ..SourceColor::default() };
        f.convert_to_rgb(&mut out, (0, 0, 3, 1), "RGBA", 0, 12, color).unwrap();
        assert_eq!(&out[..8], &[255, 255, 255, 255, 0, 0, 0, 255], "{out:?}");
        let g = ((126.0 - 16.0) / 219.0 * 255.0f64).round() as i32;
        assert!(out[8..11].iter().all(|&v| (v as i32 - g).abs() <= 1), "{out:?} vs {g}");
        drop_cached_scaler();
    }
    #[test]
    fn i420_to_rgba() {
        let (layout, size) = tight("I420", 2, 2);
        let mut src = vec![0u8; size];
        src[..4].fill(235); // white in limited range
        src[4..].fill(128);
        let f = FrameData::from_planes("I420", 2, 2, &src, &layout).unwrap();
        let mut out = vec![0u8; 16];
        f.convert_to_rgb(&mut out, (0, 0, 2, 2), "RGBA", 0, 8, SourceColor::default()).unwrap();
        assert!(out.chunks(4).all(|p| p[0] >= 253 && p[1] >= 253 && p[2] >= 253 && p[3] == 255), "{out:?}");
        drop_cached_scaler();
    }

    #[test]
    fn decoder_outputs_past_the_zero_copy_limit_are_copies_with_the_same_pixels() {
        use crate::ffi::{sys::AVPixelFormat, FramePool};
        let (w, h) = (34u32, 18u32);
        let pool = FramePool::new(AVPixelFormat::AV_PIX_FMT_YUV420P, w, h).unwrap();
        let zero_copy = |d: &FrameData| matches!(d.storage, Storage::Av(_));
        let mut held = Vec::new();
        for i in 0..MAX_ZERO_COPY_OUTPUTS + 4 {
            let mut f = pool.get().unwrap();
            for p in 0..3 {
                for (k, b) in f.plane_mut(p).unwrap().iter_mut().enumerate() {
                    *b = (i * 7 + p * 31 + k) as u8;
                }
            }
            let expect: Vec<Vec<u8>> = (0..3).map(|p| f.plane(p).unwrap().to_vec()).collect();
            let d = FrameData::from_av_frame(f).unwrap();
            for p in 0..3 {
                let l = d.planes()[p];
                let src_stride = if zero_copy(&d) { l.stride } else { pool_stride(&expect, p, &d) };
                for r in 0..l.rows {
                    assert_eq!(&d.plane(p)[r * l.stride..r * l.stride + l.row_bytes], &expect[p][r * src_stride..r * src_stride + l.row_bytes], "frame {i} plane {p} row {r}");
                }
            }
            assert!(d.native_bytes() >= (w * h * 3 / 2) as usize);
            held.push(d);
        }
        let kept = held.iter().filter(|d| zero_copy(d)).count();
        assert!(kept >= 1 && kept <= MAX_ZERO_COPY_OUTPUTS, "{kept} zero-copy outputs held at once");
        assert!(!zero_copy(held.last().unwrap()), "past the limit, outputs are copies");
        held.clear();
        assert!(zero_copy(&FrameData::from_av_frame(pool.get().unwrap()).unwrap()), "zero copy again once released");
    }

    /// The source stride of plane `p` of a pooled AVFrame (its bytes per row, 64-aligned).
    fn pool_stride(planes: &[Vec<u8>], p: usize, d: &FrameData) -> usize {
        planes[p].len() / d.planes()[p].rows
    }
}
