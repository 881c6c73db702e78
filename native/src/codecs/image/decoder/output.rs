//! codecs layer: a decoded picture as ImageDecoder outputs it — `Decoded` (pixels, timing, colour
//! space), the colour spaces the decode paths name, and what FFmpeg's frames go through on the way
//! (kept in their own format where a VideoPixelFormat exists, else to RGBA with swscale; an
//! embedded ICC profile applied with qcms; resized to the desired size).
use crate::codecs::media::color_space::{color_of, ColorReader, VideoColorSpace, VideoMatrixCoefficients as M, VideoTransferCharacteristics as T};
use crate::codecs::media::frame_data::{with_scaler, FrameData};
use crate::codecs::tables::pixel_format::by_av;
use crate::error::{Error, Result};
use crate::ffi::scale::{self, ImageDesc, PlanesMut};
use crate::ffi::{sys, Frame};

/// A decoded picture, ready to be output: its pixels, timing (µs) and colour space.
pub(super) struct Decoded {
    pub(super) data: FrameData,
    pub(super) timestamp: i64,
    pub(super) duration: Option<i64>,
    pub(super) color: VideoColorSpace,
}

pub(super) const SRGB: VideoColorSpace = VideoColorSpace::SRGB;
/// A JPEG's Y'CbCr as `color_of` names FFmpeg's JPEG frames: BT.601 (bt470bg), full range, sRGB.
pub(super) const JPEG_YUV: VideoColorSpace = VideoColorSpace { matrix: Some(M::Bt470bg), ..SRGB };
/// A lossy WebP's Y'CbCr (VP8) as `color_of` names FFmpeg's VP8 frames: BT.601, limited range.
pub(super) const VP8_YUV: VideoColorSpace = VideoColorSpace { transfer: Some(T::Bt709), matrix: Some(M::Bt470bg), full_range: Some(false), ..SRGB };

/// colorSpaceConversion 'default': a transform from the frame's embedded ICC profile to sRGB
/// (qcms, Firefox's colour management), or None when there is no profile, it is sRGB already, or
/// it cannot be read (an unreadable profile is ignored, as browsers do).
fn icc_to_srgb(icc: &[u8]) -> Option<qcms::Transform> {
    let input = qcms::Profile::new_from_slice(icc, false)?;
    if input.is_sRGB() {
        return None;
    }
    let mut srgb = qcms::Profile::new_sRGB();
    srgb.precache_output_transform();
    qcms::Transform::new(&input, &srgb, qcms::DataType::RGBA8, qcms::Intent::default())
}

/// Convert any decoded frame to RGBA (size `out`) with swscale, then through `icc` if given.
fn to_rgba(frame: &Frame, out: (u32, u32), icc: Option<&qcms::Transform>) -> Result<FrameData> {
    let fmt = frame.pixel_format().ok_or_else(|| Error::encoding("decoded frame has no pixel format"))?;
    let src = ImageDesc { format: fmt, width: frame.width(), height: frame.height() };
    let dst = ImageDesc { format: sys::AVPixelFormat::AV_PIX_FMT_RGBA, width: out.0, height: out.1 };
    FrameData::new_with("RGBA", out.0, out.1, |bytes, layout| {
        with_scaler(src, dst, scale::BICUBIC | scale::ACCURATE, |s| {
            s.scale_frame(frame, &mut PlanesMut { data: [&mut *bytes, &mut [], &mut [], &mut []], stride: [layout[0].stride, 0, 0, 0] })?;
            Ok(())
        })?;
        if let Some(t) = icc {
            let row = out.0 as usize * 4;
            for line in bytes.chunks_mut(layout[0].stride.max(1)) {
                let n = row.min(line.len());
                t.apply(&mut line[..n]);
            }
        }
        Ok(())
    })
    .map_err(|e| Error::encoding(e.message))
}

/// `src` (planes of the FFmpeg format `format`) resized to `size` as RGBA with swscale.
pub(super) fn resize_rgba(src: &FrameData, format: sys::AVPixelFormat, size: (u32, u32), flags: i32) -> Result<FrameData> {
    let desc = ImageDesc { format, width: src.width, height: src.height };
    let out = ImageDesc { format: sys::AVPixelFormat::AV_PIX_FMT_RGBA, width: size.0, height: size.1 };
    let planes = src.planes_at(0, 0)?;
    FrameData::new_with("RGBA", size.0, size.1, |dst, l| {
        with_scaler(desc, out, flags, |s| {
            s.scale(&planes, &mut PlanesMut { data: [dst, &mut [], &mut [], &mut []], stride: [l[0].stride, 0, 0, 0] })?;
            Ok(())
        })
    })
    .map_err(|e| Error::encoding(e.message))
}

/// A decoded FFmpeg frame as the output: kept in its own format where a VideoPixelFormat exists
/// (YUV stays YUV), else RGBA; resized to desiredWidth×desiredHeight; with colorSpaceConversion
/// 'default', an embedded ICC profile is applied (the output is then sRGB RGBA).
pub(super) fn finish_ff(frame: Frame, ts: i64, dur: i64, animated: bool, desired: Option<(u32, u32)>, convert: bool, icc: Option<&[u8]>) -> Result<Decoded> {
    let fmt = frame.pixel_format();
    // `icc`: a profile the container gives (an AVIF colr property), else the frame's own.
    let icc = if convert { icc.or_else(|| frame.icc_profile()).and_then(icc_to_srgb) } else { None };
    let direct = desired.is_none() && icc.is_none() && fmt.and_then(by_av).is_some();
    let yuv = direct && fmt.and_then(by_av).is_some_and(|f| !f.rgb);
    let color = if icc.is_some() { SRGB } else { color_of(&frame, ColorReader::Image { yuv }) };
    let data = if direct {
        FrameData::from_av_frame(frame)?
    } else {
        let size = desired.unwrap_or((frame.width(), frame.height()));
        to_rgba(&frame, size, icc.as_ref())?
    };
    Ok(Decoded { data, timestamp: if animated { ts } else { 0 }, duration: (animated && dur > 0).then_some(dur), color })
}
