//! codecs layer: the direct paths — stills decoded straight by their library, with no demuxer.
//! Complete still JPEGs (Y'CbCr 4:2:0/4:2:2/4:4:4) go to libjpeg-turbo and simple still WebPs (a
//! lone VP8 or VP8L chunk) to libwebp, each into the output's own format (planar YUV stays YUV),
//! with DCT-domain scaling for a smaller desired JPEG size: a fast path, which leaves every other
//! picture to FFmpeg. An AVIF's primary item (a still) goes to libdav1d with the item's av1C.
use super::output::{finish_ff, resize_rgba, Decoded, JPEG_YUV, SRGB, VP8_YUV};
use super::{Bytes, ImageConfig};
use crate::codecs::image::info::{self as image_info, AvifItem, Container};
use crate::codecs::media::frame_data::{size_problem, FrameData, MAX_PIXELS};
use crate::error::{Error, ErrorKind, Result};
use crate::ffi::codec::{Codec, CodecContext};
use crate::ffi::jpeg::{self, Subsampling};
use crate::ffi::scale;
use crate::ffi::webp;
use crate::ffi::{sys, Frame, Packet, Status};

/// Whether a lossy still WebP is decoded with libwebp's worker thread (`use_threads`: its loop
/// filter and output on a second thread, handed each macroblock row). Off: measured on the
/// shared 2-core machine (docs/PERFORMANCE.md, "The WebP ceiling"), the hand-offs — two context
/// switches per row — cost about 40 % more CPU per picture, and with no idle core the picture
/// also took longer; a session already has its own thread, and the many-sessions case wants one
/// core per picture.
const WEBP_WORKER_THREAD: bool = false;

/// A complete still JPEG or simple WebP decoded straight by libjpeg-turbo / libwebp into the
/// output's own format: no demuxer or FFmpeg decoder to set up, no colour conversion (the
/// samples are those FFmpeg's decoders give, in the same VideoPixelFormat and colour space).
/// None leaves the picture to the FFmpeg path: another layout (gray, 4:4:0, CMYK, alpha, an
/// extended WebP), an ICC profile to apply, or data the library refuses.
pub(super) fn decode_still(c: Container, cfg: Option<&ImageConfig>, bytes: &Bytes, tj: &mut Option<jpeg::Decompressor>) -> Option<Decoded> {
    let cfg = cfg?;
    let (desired, convert) = (cfg.desired, cfg.convert_color);
    let bytes = bytes.read();
    let (data, format, color) = match c {
        Container::Jpeg => {
            if convert && image_info::jpeg_has_icc(&bytes) {
                return None;
            }
            if tj.is_none() {
                *tj = jpeg::Decompressor::new().ok();
            }
            let tj = tj.as_mut()?;
            let h = tj.header(&bytes).ok().filter(|h| h.ycbcr && size_problem("JPEG size", h.width.into(), h.height.into()).is_none())?;
            use sys::AVPixelFormat::*;
            let (name, format) = match h.subsampling? {
                Subsampling::S420 => ("I420", AV_PIX_FMT_YUVJ420P),
                Subsampling::S422 => ("I422", AV_PIX_FMT_YUVJ422P),
                Subsampling::S444 => ("I444", AV_PIX_FMT_YUVJ444P),
            };
            let factor = jpeg_factor((h.width, h.height), desired);
            let (w, ht) = (jpeg::scaled(h.width, factor), jpeg::scaled(h.height, factor));
            // A desired size: RGBA at the nearest DCT scale at or above it, by libjpeg-turbo
            // itself (its upsampling and conversion), resized only if it is not exact.
            let data = if desired.is_some() {
                FrameData::new_with("RGBA", w, ht, |buf, l| tj.decode_rgba(&bytes, &h, factor, buf, l[0].stride).map(|_| ()).map_err(Error::encoding))
            } else {
                FrameData::new_with(name, w, ht, |buf, l| {
                    let (planes, strides) = split3(buf, l).ok_or_else(|| Error::encoding("planar layout"))?;
                    tj.decode_yuv(&bytes, &h, factor, planes, strides).map(|_| ()).map_err(Error::encoding)
                })
            };
            let format = if desired.is_some() { AV_PIX_FMT_RGBA } else { format };
            (data.ok()?, format, JPEG_YUV)
        }
        Container::Webp => {
            let (w, h) = webp::info(&bytes).filter(|&(w, h)| size_problem("WebP size", w.into(), h.into()).is_none())?;
            match bytes.get(12..16)? {
                b"VP8 " => {
                    let data = FrameData::new_with("I420", w, h, |buf, l| {
                        let (planes, strides) = split3(buf, l).ok_or_else(|| Error::encoding("planar layout"))?;
                        webp::decode(&bytes, webp::Target::Yuv(planes, strides), WEBP_WORKER_THREAD).map_err(|e| Error::encoding(format!("libwebp: {e}")))
                    });
                    (data.ok()?, sys::AVPixelFormat::AV_PIX_FMT_YUV420P, VP8_YUV)
                }
                b"VP8L" => {
                    let data = FrameData::new_with("RGBA", w, h, |buf, l| webp::decode(&bytes, webp::Target::Rgba(buf, l[0].stride), false).map_err(|e| Error::encoding(format!("libwebp: {e}"))));
                    (data.ok()?, sys::AVPixelFormat::AV_PIX_FMT_RGBA, SRGB)
                }
                _ => return None,
            }
        }
        _ => return None,
    };
    drop(bytes);
    let (data, color) = match desired {
        Some(size) if (data.width, data.height) == size && data.format.name == "RGBA" => (data, SRGB),
        Some(size) => (resize_rgba(&data, format, size, scale::BICUBIC | scale::ACCURATE).ok()?, SRGB),
        None => (data, color),
    };
    Some(Decoded { data, timestamp: 0, duration: None, color })
}

/// The primary item of an AVIF: its extents gathered into one packet of AV1 OBUs, decoded by
/// libdav1d configured with the item's av1C (as the VideoDecoder decodes an av01 chunk).
pub(super) fn decode_avif_item(item: &AvifItem, bytes: &Bytes, cfg: Option<&ImageConfig>) -> Result<Decoded> {
    let obus = {
        let bytes = bytes.read();
        let len = bytes.len() as u64;
        let mut v: Vec<u8> = Vec::new();
        for r in &item.extents {
            let end = if r.end == u64::MAX { len } else { r.end };
            if r.start > end || end > len {
                return Err(Error::encoding(format!("AVIF: the primary item's data ({}..{}) lies outside the {len}-byte file", r.start, r.end)));
            }
            let n = (end - r.start) as usize;
            if v.len() + n > i32::MAX as usize {
                return Err(Error::encoding("AVIF: the primary item's data exceeds 2 GiB"));
            }
            v.try_reserve(n).map_err(|_| Error::encoding(format!("AVIF: out of memory for the primary item's {n} bytes")))?;
            v.extend_from_slice(&bytes[r.start as usize..end as usize]);
        }
        v
    };
    let codec = Codec::decoder_by_name("libdav1d").ok_or_else(|| Error::encoding("AVIF: this FFmpeg has no libdav1d decoder"))?;
    let mut ctx = CodecContext::new(codec)?;
    ctx.set_extradata(&item.av1c)?;
    ctx.set_threads(1, false, false);
    // The decoder refuses a sequence header over the frame limits before it allocates.
    ctx.set_max_pixels(MAX_PIXELS as i64);
    let mut dec = ctx.open(&[]).map_err(|e| e.to_error(ErrorKind::Encoding))?;
    let mut pkt = Packet::from_bytes(&obus)?;
    pkt.set_pts(Some(0));
    pkt.set_key(true);
    dec.send_packet(Some(&pkt)).map_err(|e| e.to_error(ErrorKind::Encoding))?;
    dec.send_packet(None).map_err(|e| e.to_error(ErrorKind::Encoding))?;
    let mut frame = Frame::new()?;
    match dec.receive_frame(&mut frame).map_err(|e| e.to_error(ErrorKind::Encoding))? {
        Status::Ready => {}
        _ => return Err(Error::encoding("AVIF: the primary item's AV1 data gave no picture")),
    }
    let convert = cfg.is_none_or(|c| c.convert_color);
    finish_ff(frame, 0, 0, false, cfg.and_then(|c| c.desired), convert, item.icc.as_deref())
}

/// The three planes of a tightly packed planar frame being filled, split at their offsets.
fn split3<'a>(bytes: &'a mut [u8], l: &[crate::codecs::media::frame_data::PlaneLayout]) -> Option<([&'a mut [u8]; 3], [usize; 3])> {
    let (y, rest) = bytes.split_at_mut(l.get(1)?.offset);
    let (u, v) = rest.split_at_mut(l.get(2)?.offset.checked_sub(l[1].offset)?);
    Some(([y, u, v], [l[0].stride, l[1].stride, l[2].stride]))
}

/// The smallest DCT scaling factor (at most 1/1) whose picture still covers `desired`, so the
/// final resize only ever shrinks; 1/1 when none does (or nothing smaller is asked for).
fn jpeg_factor(size: (u32, u32), desired: Option<(u32, u32)>) -> (u32, u32) {
    let Some((dw, dh)) = desired else { return (1, 1) };
    jpeg::scaling_factors()
        .into_iter()
        .filter(|&f| f.0 <= f.1 && jpeg::scaled(size.0, f) >= dw && jpeg::scaled(size.1, f) >= dh)
        .min_by(|a, b| (u64::from(a.0) * u64::from(b.1)).cmp(&(u64::from(b.0) * u64::from(a.1))))
        .unwrap_or((1, 1))
}

#[cfg(test)]
mod tests {
    /// CPU seconds (user + sys) of this process so far, every thread (libwebp's worker too), from
    /// /proc/self/stat (10 ms ticks). The test harness runs this one test; its other threads idle.
    fn process_cpu() -> f64 {
        let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        let f: Vec<&str> = s.rsplit(") ").next().unwrap_or("").split(' ').collect();
        let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        (tick(11) + tick(12)) / 100.0
    }

    /// The ceiling bench/images.js prints (not a test): the libraries alone, no ImageDecoder
    /// around them — libjpeg-turbo to planar YUV (`NWC_CEILING_JPEG`, a 4:2:0 file) and libwebp
    /// to planar YUV (`NWC_CEILING_WEBP`, a simple lossy file; `webp::decode`, the direct path's
    /// call) on one thread and with libwebp's worker thread, into one reused buffer,
    /// `NWC_CEILING_N` (default 100) decodes each; prints CPU (all threads) and wall ms per image.
    #[test]
    #[ignore]
    fn bench_library_ceiling() {
        use crate::ffi::{jpeg, webp};
        use std::time::Instant;
        let n: usize = std::env::var("NWC_CEILING_N").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
        let report = |what: &str, f: &mut dyn FnMut()| {
            f();
            let (c0, t0) = (process_cpu(), Instant::now());
            for _ in 0..n {
                f();
            }
            let (cpu, wall) = ((process_cpu() - c0) * 1000.0 / n as f64, t0.elapsed().as_secs_f64() * 1000.0 / n as f64);
            println!("CEILING {what}: {cpu:.2} ms CPU, {wall:.2} ms wall per image");
        };
        if let Ok(path) = std::env::var("NWC_CEILING_JPEG") {
            let bytes = std::fs::read(path).expect("JPEG file");
            let mut d = jpeg::Decompressor::new().expect("handle");
            let h = d.header(&bytes).expect("header");
            assert_eq!(h.subsampling, Some(jpeg::Subsampling::S420));
            let (w, ht) = (h.width as usize, h.height as usize);
            let (cw, ch) = (w.div_ceil(2), ht.div_ceil(2));
            let (mut y, mut u, mut v) = (vec![0u8; w * ht], vec![0u8; cw * ch], vec![0u8; cw * ch]);
            report("libjpeg-turbo to planar YUV", &mut || {
                d.decode_yuv(&bytes, &h, (1, 1), [&mut y, &mut u, &mut v], [w, cw, cw]).expect("decode");
            });
        }
        if let Ok(path) = std::env::var("NWC_CEILING_WEBP") {
            let bytes = std::fs::read(path).expect("WebP file");
            let (w, h) = webp::info(&bytes).expect("info");
            let (w, h) = (w as usize, h as usize);
            let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
            let (mut y, mut u, mut v) = (vec![0u8; w * h], vec![0u8; cw * ch], vec![0u8; cw * ch]);
            for (threads, what) in [(false, "one thread"), (true, "with its worker thread")] {
                report(&format!("libwebp to planar YUV, {what}"), &mut || {
                    webp::decode(&bytes, webp::Target::Yuv([&mut y, &mut u, &mut v], [w, cw, cw]), threads).expect("decode");
                });
            }
        }
    }
}
