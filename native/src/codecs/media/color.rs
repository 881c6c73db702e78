//! codecs layer: colour management for `VideoFrame.copyTo({format, colorSpace})` — pure math, no
//! FFmpeg. Invariant: one pipeline for every target, linearize with the source transfer → 3×3
//! primaries matrix (source RGB → XYZ D65 → target RGB) → clip → encode with the target's sRGB
//! transfer; `is_identity` says when that pipeline is exactly the identity so callers can skip it.
use super::color_space::{VideoColorPrimaries as Primaries, VideoTransferCharacteristics};
use crate::error::{Error, Result};

/// How the pipeline decodes the source's VideoTransferCharacteristics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transfer {
    /// bt709, smpte170m, iec61966-2-1 (and unknown): decoded with the sRGB EOTF. SDR video's
    /// BT.709/SMPTE 170M curves are camera OETFs; displays and browsers render them with the sRGB
    /// curve (Chromium's gfx::ColorSpace does exactly this, "to match other media players"),
    /// so a grey stays the same grey in every target and 'srgb' output of SDR video equals the
    /// plain matrix conversion.
    SrgbLike,
    Linear,
}

/// The PredefinedColorSpace a copy is converted to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Srgb,
    DisplayP3,
}

/// The source's primaries: None (unknown) is BT.709, as Pick Color Space assumes.
pub fn primaries_of(p: Option<Primaries>) -> Primaries {
    p.unwrap_or(Primaries::Bt709)
}

/// Chromaticities (x, y) of red, green and blue.
fn xy(p: Primaries) -> [(f64, f64); 3] {
    match p {
        Primaries::Bt709 => [(0.64, 0.33), (0.30, 0.60), (0.15, 0.06)],
        Primaries::Bt470bg => [(0.64, 0.33), (0.29, 0.60), (0.15, 0.06)],
        Primaries::Smpte170m => [(0.630, 0.340), (0.310, 0.595), (0.155, 0.070)],
        Primaries::Bt2020 => [(0.708, 0.292), (0.170, 0.797), (0.131, 0.046)],
        Primaries::Smpte432 => [(0.680, 0.320), (0.265, 0.690), (0.150, 0.060)],
    }
}

impl Transfer {
    /// The source's transfer (None: unknown). PQ and HLG are HDR: converting them to an SDR
    /// target needs tone mapping, which is not implemented — a NotSupportedError, never a guess.
    pub fn of(t: Option<VideoTransferCharacteristics>) -> Result<Transfer> {
        use VideoTransferCharacteristics as T;
        Ok(match t {
            None | Some(T::Bt709 | T::Smpte170m | T::Iec61966_2_1) => Transfer::SrgbLike,
            Some(T::Linear) => Transfer::Linear,
            Some(other @ (T::Pq | T::Hlg)) => {
                let name = other.name();
                return Err(Error::not_supported(format!("converting the {name:?} transfer (HDR) to an SDR colour space needs tone mapping, which is not supported")));
            }
        })
    }

    fn decode(self, v: f64) -> f64 {
        match self {
            Transfer::SrgbLike => srgb_eotf(v),
            Transfer::Linear => v,
        }
    }
}

impl Target {
    pub fn from_name(name: Option<&str>) -> Result<Target> {
        match name {
            None | Some("srgb") => Ok(Target::Srgb),
            Some("display-p3") => Ok(Target::DisplayP3),
            Some(other) => Err(Error::type_error(format!("expected colorSpace 'srgb' or 'display-p3', got {other:?}"))),
        }
    }

    fn primaries(self) -> Primaries {
        match self {
            Target::Srgb => Primaries::Bt709,
            Target::DisplayP3 => Primaries::Smpte432,
        }
    }
}

pub fn srgb_eotf(v: f64) -> f64 {
    if v <= 0.04045 {
        v / 12.92
    } else {
        ((v + 0.055) / 1.055).powf(2.4)
    }
}

pub fn srgb_oetf(l: f64) -> f64 {
    if l <= 0.003_130_8 {
        l * 12.92
    } else {
        1.055 * l.powf(1.0 / 2.4) - 0.055
    }
}

type M3 = [[f64; 3]; 3];

fn mul(a: &M3, b: &M3) -> M3 {
    let mut r = [[0.0; 3]; 3];
    for i in 0..3 {
        for j in 0..3 {
            r[i][j] = (0..3).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    r
}

fn inverse(m: &M3) -> M3 {
    let det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    let c = |a: usize, b: usize, c: usize, d: usize| m[a][b] * m[c][d];
    [
        [(c(1, 1, 2, 2) - c(1, 2, 2, 1)) / det, (c(0, 2, 2, 1) - c(0, 1, 2, 2)) / det, (c(0, 1, 1, 2) - c(0, 2, 1, 1)) / det],
        [(c(1, 2, 2, 0) - c(1, 0, 2, 2)) / det, (c(0, 0, 2, 2) - c(0, 2, 2, 0)) / det, (c(0, 2, 1, 0) - c(0, 0, 1, 2)) / det],
        [(c(1, 0, 2, 1) - c(1, 1, 2, 0)) / det, (c(0, 1, 2, 0) - c(0, 0, 2, 1)) / det, (c(0, 0, 1, 1) - c(0, 1, 1, 0)) / det],
    ]
}

/// RGB → XYZ for primaries with a D65 white point (every primaries set here uses D65).
fn rgb_to_xyz(p: Primaries) -> M3 {
    let (wx, wy) = (0.3127, 0.3290);
    let white = [wx / wy, 1.0, (1.0 - wx - wy) / wy];
    let xy = xy(p);
    let cols: Vec<[f64; 3]> = xy.iter().map(|&(x, y)| [x / y, 1.0, (1.0 - x - y) / y]).collect();
    let m: M3 = [[cols[0][0], cols[1][0], cols[2][0]], [cols[0][1], cols[1][1], cols[2][1]], [cols[0][2], cols[1][2], cols[2][2]]];
    let inv = inverse(&m);
    let s: Vec<f64> = (0..3).map(|i| (0..3).map(|k| inv[i][k] * white[k]).sum()).collect();
    let mut r = m;
    for row in r.iter_mut() {
        for (j, v) in row.iter_mut().enumerate() {
            *v *= s[j];
        }
    }
    r
}

/// Linear-light RGB in `src` primaries → linear-light RGB in `dst` primaries.
pub fn primaries_matrix(src: Primaries, dst: Primaries) -> [[f64; 3]; 3] {
    mul(&inverse(&rgb_to_xyz(dst)), &rgb_to_xyz(src))
}

/// One conversion, with its lookup tables built once per call.
pub struct Conversion {
    decode: Vec<f32>,
    m: [[f32; 3]; 3],
    encode: Vec<f32>,
}

/// The 16-bit code of 1.0: swscale's RGBA64 output widens 8-bit white to 255 << 8, so the
/// pipeline's input is in units of 1/65280 (values above clip to 1).
pub const FULL_SCALE: f64 = 65280.0;

/// Entries of the encode table over linear [0, 1]: steps of 1/65535 (≤ 0.05 output levels
/// even where the sRGB curve is steepest).
const ENCODE_STEPS: usize = 65536;

impl Conversion {
    /// True when source and target agree, so the pipeline would give back its input.
    pub fn is_identity(primaries: Primaries, transfer: Transfer, target: Target) -> bool {
        primaries == target.primaries() && transfer == Transfer::SrgbLike
    }

    pub fn new(primaries: Primaries, transfer: Transfer, target: Target) -> Conversion {
        let decode = (0..65536).map(|i| transfer.decode((i as f64 / FULL_SCALE).min(1.0)) as f32).collect();
        let m64 = primaries_matrix(primaries, target.primaries());
        let m = m64.map(|r| r.map(|v| v as f32));
        let encode = (0..ENCODE_STEPS).map(|i| (srgb_oetf(i as f64 / (ENCODE_STEPS - 1) as f64) * 255.0) as f32).collect();
        Conversion { decode, m, encode }
    }

    /// 16-bit non-linear source RGB (1.0 = `FULL_SCALE`) → 8-bit target RGB (rounded, gamut clipped).
    pub fn apply(&self, rgb: [u16; 3]) -> [u8; 3] {
        let l = rgb.map(|v| self.decode[v as usize]);
        let mut out = [0u8; 3];
        for (i, o) in out.iter_mut().enumerate() {
            let v = self.m[i][0] * l[0] + self.m[i][1] * l[1] + self.m[i][2] * l[2];
            let idx = (v.clamp(0.0, 1.0) * (ENCODE_STEPS - 1) as f32 + 0.5) as usize;
            *o = (self.encode[idx.min(ENCODE_STEPS - 1)] + 0.5) as u8;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srgb_to_p3_matrix_matches_the_published_one() {
        // CSS Color 4: linear sRGB → linear Display P3.
        let m = primaries_matrix(Primaries::Bt709, Primaries::Smpte432);
        let want = [[0.822_461_9, 0.177_538_1, 0.0], [0.033_194_2, 0.966_805_8, 0.0], [0.017_082_7, 0.072_397_4, 0.910_519_9]];
        for i in 0..3 {
            for j in 0..3 {
                assert!((m[i][j] - want[i][j]).abs() < 2e-4, "{m:?}");
            }
        }
        let id = primaries_matrix(Primaries::Bt2020, Primaries::Bt2020);
        assert!((id[0][0] - 1.0).abs() < 1e-9 && id[0][1].abs() < 1e-9);
    }

    #[test]
    fn pure_srgb_red_in_p3() {
        let c = Conversion::new(Primaries::Bt709, Transfer::SrgbLike, Target::DisplayP3);
        // color(srgb 1 0 0) = color(display-p3 0.9175 0.2003 0.1386).
        assert_eq!(c.apply([65280, 0, 0]), [234, 51, 35]);
        assert_eq!(c.apply([65280, 65280, 65280]), [255, 255, 255]);
        assert_eq!(c.apply([65535, 65535, 65535]), [255, 255, 255]);
        assert_eq!(c.apply([0, 0, 0]), [0, 0, 0]);
        let g = 128 << 8;
        assert_eq!(c.apply([g, g, g]), [128, 128, 128], "greys stay grey");
    }

    #[test]
    fn names() {
        assert_eq!(primaries_of(None), Primaries::Bt709);
        assert!(Transfer::of(Some(VideoTransferCharacteristics::Pq)).is_err_and(|e| e.kind == crate::error::ErrorKind::NotSupported));
        assert!(Conversion::is_identity(Primaries::Bt709, Transfer::SrgbLike, Target::Srgb));
        assert!(!Conversion::is_identity(Primaries::Smpte170m, Transfer::SrgbLike, Target::Srgb));
        assert!(!Conversion::is_identity(Primaries::Bt709, Transfer::SrgbLike, Target::DisplayP3));
    }
}
