//! codecs layer (pure table): WebCodecs VideoPixelFormat ↔ FFmpeg AVPixelFormat, with each
//! format's plane geometry (bytes per sample, subsampling) as the spec defines it.
use crate::ffi::PixelFormat as Av;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlaneGeom {
    /// Bytes per sample in this plane (RGBA: 4, NV12 UV: 2, 10/12-bit: 2).
    pub bytes: u32,
    pub sub_x: u32,
    pub sub_y: u32,
}

#[derive(Debug, PartialEq, Eq)]
pub struct PixelFormatInfo {
    pub name: &'static str,
    pub av: Option<Av>,
    pub planes: &'static [PlaneGeom],
    pub rgb: bool,
    pub alpha: bool,
}

impl PixelFormatInfo {
    pub fn row_bytes(&self, p: usize, width: u32) -> usize {
        let g = &self.planes[p];
        (width.div_ceil(g.sub_x) * g.bytes) as usize
    }
    pub fn rows(&self, p: usize, height: u32) -> usize {
        height.div_ceil(self.planes[p].sub_y) as usize
    }
    /// The format without its alpha plane (I420A → I420), for `alpha: 'discard'` and encoders.
    pub fn without_alpha(&'static self) -> &'static PixelFormatInfo {
        match self.name {
            "I420A" => by_name("I420").unwrap(),
            "I420AP10" => by_name("I420P10").unwrap(),
            "I420AP12" => by_name("I420P12").unwrap(),
            "I422A" => by_name("I422").unwrap(),
            "I422AP10" => by_name("I422P10").unwrap(),
            "I422AP12" => by_name("I422P12").unwrap(),
            "I444A" => by_name("I444").unwrap(),
            "I444AP10" => by_name("I444P10").unwrap(),
            "I444AP12" => by_name("I444P12").unwrap(),
            "RGBA" => by_name("RGBX").unwrap(),
            "BGRA" => by_name("BGRX").unwrap(),
            _ => self,
        }
    }
}

const fn g(bytes: u32, sub_x: u32, sub_y: u32) -> PlaneGeom {
    PlaneGeom { bytes, sub_x, sub_y }
}

const Y8: PlaneGeom = g(1, 1, 1);
const Y16: PlaneGeom = g(2, 1, 1);
const P420_8: [PlaneGeom; 3] = [Y8, g(1, 2, 2), g(1, 2, 2)];
const P420_16: [PlaneGeom; 3] = [Y16, g(2, 2, 2), g(2, 2, 2)];
const P420A_8: [PlaneGeom; 4] = [Y8, g(1, 2, 2), g(1, 2, 2), Y8];
const P420A_16: [PlaneGeom; 4] = [Y16, g(2, 2, 2), g(2, 2, 2), Y16];
const P422_8: [PlaneGeom; 3] = [Y8, g(1, 2, 1), g(1, 2, 1)];
const P422_16: [PlaneGeom; 3] = [Y16, g(2, 2, 1), g(2, 2, 1)];
const P422A_8: [PlaneGeom; 4] = [Y8, g(1, 2, 1), g(1, 2, 1), Y8];
const P422A_16: [PlaneGeom; 4] = [Y16, g(2, 2, 1), g(2, 2, 1), Y16];
const P444_8: [PlaneGeom; 3] = [Y8, Y8, Y8];
const P444_16: [PlaneGeom; 3] = [Y16, Y16, Y16];
const P444A_8: [PlaneGeom; 4] = [Y8, Y8, Y8, Y8];
const P444A_16: [PlaneGeom; 4] = [Y16, Y16, Y16, Y16];
const NV12: [PlaneGeom; 2] = [Y8, g(2, 2, 2)];
const PACKED4: [PlaneGeom; 1] = [g(4, 1, 1)];

macro_rules! fmt {
    ($name:expr, $av:expr, $planes:expr, $rgb:expr, $alpha:expr) => {
        PixelFormatInfo { name: $name, av: $av, planes: &$planes, rgb: $rgb, alpha: $alpha }
    };
}

pub static FORMATS: &[PixelFormatInfo] = &[
    fmt!("I420", Some(Av::AV_PIX_FMT_YUV420P), P420_8, false, false),
    fmt!("I420P10", Some(Av::AV_PIX_FMT_YUV420P10LE), P420_16, false, false),
    fmt!("I420P12", Some(Av::AV_PIX_FMT_YUV420P12LE), P420_16, false, false),
    fmt!("I420A", Some(Av::AV_PIX_FMT_YUVA420P), P420A_8, false, true),
    fmt!("I420AP10", Some(Av::AV_PIX_FMT_YUVA420P10LE), P420A_16, false, true),
    // FFmpeg has no yuva420p12: stored and copied, not converted or encoded.
    fmt!("I420AP12", None, P420A_16, false, true),
    fmt!("I422", Some(Av::AV_PIX_FMT_YUV422P), P422_8, false, false),
    fmt!("I422P10", Some(Av::AV_PIX_FMT_YUV422P10LE), P422_16, false, false),
    fmt!("I422P12", Some(Av::AV_PIX_FMT_YUV422P12LE), P422_16, false, false),
    fmt!("I422A", Some(Av::AV_PIX_FMT_YUVA422P), P422A_8, false, true),
    fmt!("I422AP10", Some(Av::AV_PIX_FMT_YUVA422P10LE), P422A_16, false, true),
    fmt!("I422AP12", Some(Av::AV_PIX_FMT_YUVA422P12LE), P422A_16, false, true),
    fmt!("I444", Some(Av::AV_PIX_FMT_YUV444P), P444_8, false, false),
    fmt!("I444P10", Some(Av::AV_PIX_FMT_YUV444P10LE), P444_16, false, false),
    fmt!("I444P12", Some(Av::AV_PIX_FMT_YUV444P12LE), P444_16, false, false),
    fmt!("I444A", Some(Av::AV_PIX_FMT_YUVA444P), P444A_8, false, true),
    fmt!("I444AP10", Some(Av::AV_PIX_FMT_YUVA444P10LE), P444A_16, false, true),
    fmt!("I444AP12", Some(Av::AV_PIX_FMT_YUVA444P12LE), P444A_16, false, true),
    fmt!("NV12", Some(Av::AV_PIX_FMT_NV12), NV12, false, false),
    fmt!("RGBA", Some(Av::AV_PIX_FMT_RGBA), PACKED4, true, true),
    fmt!("RGBX", Some(Av::AV_PIX_FMT_RGB0), PACKED4, true, false),
    fmt!("BGRA", Some(Av::AV_PIX_FMT_BGRA), PACKED4, true, true),
    fmt!("BGRX", Some(Av::AV_PIX_FMT_BGR0), PACKED4, true, false),
];

pub fn by_name(name: &str) -> Option<&'static PixelFormatInfo> {
    FORMATS.iter().find(|f| f.name == name)
}

pub fn by_av(av: Av) -> Option<&'static PixelFormatInfo> {
    FORMATS.iter().find(|f| f.av == Some(av)).or_else(|| match av {
        // JPEG's full-range ("J") variants have the same memory layout; the range travels in the colour space.
        Av::AV_PIX_FMT_YUVJ420P => by_name("I420"),
        Av::AV_PIX_FMT_YUVJ422P => by_name("I422"),
        Av::AV_PIX_FMT_YUVJ444P => by_name("I444"),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::frame::{plane_count, plane_row_bytes, plane_rows};
    #[test]
    fn geometry_agrees_with_ffmpeg() {
        for f in FORMATS {
            let Some(av) = f.av else { continue };
            assert_eq!(plane_count(av), f.planes.len(), "{}", f.name);
            for (w, h) in [(1, 1), (33, 17), (640, 480)] {
                for p in 0..f.planes.len() {
                    assert_eq!(plane_row_bytes(av, w, p), f.row_bytes(p, w), "{} plane {p} w {w}", f.name);
                    assert_eq!(plane_rows(av, h, p), f.rows(p, h), "{} plane {p} h {h}", f.name);
                }
            }
        }
    }
    #[test]
    fn lookups() {
        assert_eq!(by_name("NV12").unwrap().planes.len(), 2);
        assert!(by_name("nv12").is_none());
        assert_eq!(by_av(Av::AV_PIX_FMT_YUV420P).unwrap().name, "I420");
        assert_eq!(by_name("I420A").unwrap().without_alpha().name, "I420");
    }
}
