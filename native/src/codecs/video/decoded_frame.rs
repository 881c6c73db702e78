//! codecs layer: what a VideoDecoder's decoded AVFrame becomes — its visible rect and display
//! size, and its pixels as a VideoPixelFormat (`FrameData`, zero-copy unless FFmpeg's format has
//! no VideoPixelFormat). Its colour space is `color_space::color_of`'s, shared with ImageDecoder.
use crate::codecs::media::frame_data::{with_scaler, FrameData};
use crate::codecs::tables::pixel_format::{by_av, by_name};
use crate::error::{Error, Result};
use crate::ffi::frame::{chroma_shift, depth_and_rgb, plane_count};
use crate::ffi::scale::{self, ImageDesc, PlanesMut};
use crate::ffi::{sys, Frame};

fn clamp_dim(v: f64) -> u32 {
    v.round().clamp(1.0, u32::MAX as f64) as u32
}

/// displayWidth/Height for a visible size, as Chrome's VideoAspectRatio::GetNaturalSize: a
/// display aspect ratio (config) or a pixel aspect ratio (bitstream) only ever enlarges one side.
pub(super) fn display_size(visible: (u32, u32), dar: Option<(u32, u32)>, sar: (i32, i32)) -> (u32, u32) {
    let (w, h) = (visible.0 as f64, visible.1 as f64);
    if visible.0 == 0 || visible.1 == 0 {
        return visible;
    }
    if let Some((aw, ah)) = dar.filter(|(a, b)| *a > 0 && *b > 0) {
        let r = aw as f64 / ah as f64;
        return if r >= w / h { (clamp_dim(h * r), visible.1) } else { (visible.0, clamp_dim(w / r)) };
    }
    if sar.0 > 0 && sar.1 > 0 && sar.0 != sar.1 {
        let r = sar.0 as f64 / sar.1 as f64;
        return if r >= 1.0 { (clamp_dim(w * r), visible.1) } else { (visible.0, clamp_dim(h / r)) };
    }
    visible
}

/// The visible rect from the frame's pending cropping (the whole frame if the crop is invalid).
pub(super) fn visible_rect(frame: &Frame) -> (u32, u32, u32, u32) {
    let (w, h) = (frame.width(), frame.height());
    let (l, t, r, b) = frame.crop();
    match (l.checked_add(r).and_then(|x| w.checked_sub(x)), t.checked_add(b).and_then(|y| h.checked_sub(y))) {
        (Some(vw), Some(vh)) if vw > 0 && vh > 0 => (l, t, vw, vh),
        _ => (0, 0, w, h),
    }
}

/// The VideoPixelFormat a decoder format without one is converted to (same bit depth class and
/// chroma layout where possible).
fn fallback_format(av: sys::AVPixelFormat) -> &'static str {
    let (depth, rgb) = depth_and_rgb(av).unwrap_or((8, false));
    if rgb {
        return "RGBX";
    }
    let chroma = if plane_count(av) < 3 { (1, 1) } else { chroma_shift(av) };
    match (depth > 8, chroma) {
        (false, (1, 1)) => "I420",
        (false, (1, 0)) => "I422",
        (false, _) => "I444",
        (true, (1, 1)) => "I420P10",
        (true, (1, 0)) => "I422P10",
        (true, _) => "I444P10",
    }
}

/// Keep the frame as is if its format is a VideoPixelFormat; otherwise convert it with swscale.
pub(super) fn frame_data(frame: Frame) -> Result<FrameData> {
    let av = frame.pixel_format().ok_or_else(|| Error::encoding("VideoDecoder: the decoder produced a frame without a pixel format"))?;
    if by_av(av).is_some() {
        return FrameData::from_av_frame(frame);
    }
    let target = fallback_format(av);
    let dst_av = by_name(target).and_then(|f| f.av).ok_or_else(|| Error::encoding(format!("VideoDecoder: no conversion for {av:?}")))?;
    let (w, h) = (frame.width(), frame.height());
    let src = ImageDesc { format: av, width: w, height: h };
    let dst = ImageDesc { format: dst_av, width: w, height: h };
    FrameData::new_with(target, w, h, |bytes, layout| {
        let mut data: [&mut [u8]; 4] = [&mut [], &mut [], &mut [], &mut []];
        let mut stride = [0usize; 4];
        let mut rest = bytes;
        let mut at = 0usize;
        for (p, l) in layout.iter().enumerate().take(4) {
            let gap = l.offset.checked_sub(at).ok_or_else(|| Error::encoding("overlapping plane layout"))?;
            let tail = std::mem::take(&mut rest);
            let (_, tail) = tail.split_at_mut(gap);
            let (plane, tail) = tail.split_at_mut(l.stride * l.rows);
            data[p] = plane;
            stride[p] = l.stride;
            rest = tail;
            at = l.offset + l.stride * l.rows;
        }
        with_scaler(src, dst, scale::BICUBIC | scale::ACCURATE, |s| {
            s.scale_frame(&frame, &mut PlanesMut { data, stride })?;
            Ok(())
        })
    })
    .map_err(|e| Error::encoding(format!("VideoDecoder: converting {av:?} to {target}: {}", e.message)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_size_rules() {
        assert_eq!(display_size((160, 120), Some((16, 9)), (0, 1)), (213, 120));
        assert_eq!(display_size((160, 120), Some((1, 1)), (0, 1)), (160, 160));
        assert_eq!(display_size((160, 120), None, (1, 2)), (160, 240));
        assert_eq!(display_size((160, 120), None, (1, 1)), (160, 120));
        assert_eq!(display_size((160, 120), Some((0, 1)), (0, 0)), (160, 120));
    }

    #[test]
    fn fallback_formats() {
        use sys::AVPixelFormat::*;
        assert_eq!(fallback_format(AV_PIX_FMT_GBRP), "RGBX");
        assert_eq!(fallback_format(AV_PIX_FMT_GRAY8), "I420");
        assert_eq!(fallback_format(AV_PIX_FMT_GRAY10LE), "I420P10");
        assert_eq!(fallback_format(AV_PIX_FMT_YUV440P), "I444");
        assert_eq!(fallback_format(AV_PIX_FMT_YUV420P9LE), "I420P10");
    }
}
