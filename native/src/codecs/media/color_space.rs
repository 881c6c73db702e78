//! codecs layer: the one colour-space type, `VideoColorSpace` (WebCodecs' VideoColorSpaceInit: four
//! members, each None when unknown), its three enums with their WebCodecs names and FFmpeg values
//! (the only table between the two), and `color_of`, the one reading of a decoded frame's colour
//! for both decoders. Invariant: only the names WebCodecs defines exist here; an FFmpeg value
//! without one is None, and each caller says what None becomes.
use crate::ffi::scale::Matrix;
use crate::ffi::{sys, Frame};
use sys::AVColorPrimaries as P;
use sys::AVColorSpace as S;
use sys::AVColorTransferCharacteristic as T;

/// The enums of the VideoColorSpace members: their variants, WebCodecs names and FFmpeg values.
macro_rules! color_enums {
    ($($(#[$doc:meta])* $ty:ident: $av:ident { $($(#[$vdoc:meta])* $v:ident = $name:literal, $avv:ident;)* })*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $ty {
            $($(#[$vdoc])* $v,)*
        }

        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$v),*];

            /// The WebCodecs name.
            pub fn name(self) -> &'static str {
                match self {
                    $($ty::$v => $name,)*
                }
            }

            /// The value a WebCodecs name names; None if WebCodecs defines no such name.
            pub fn from_name(name: &str) -> Option<$ty> {
                match name {
                    $($name => Some($ty::$v),)*
                    _ => None,
                }
            }

            /// FFmpeg's value.
            pub fn av(self) -> $av {
                match self {
                    $($ty::$v => $av::$avv,)*
                }
            }

            /// The value FFmpeg's names; None when WebCodecs has no name for it (unspecified too).
            pub fn from_av(v: $av) -> Option<$ty> {
                Self::ALL.iter().copied().find(|c| c.av() == v)
            }
        }
    )*};
}

color_enums! {
    /// VideoColorPrimaries.
    VideoColorPrimaries: P {
        /// BT.709 = sRGB primaries.
        Bt709 = "bt709", AVCOL_PRI_BT709;
        /// BT.470 B/G (EBU 3213).
        Bt470bg = "bt470bg", AVCOL_PRI_BT470BG;
        /// SMPTE 170M (SMPTE C).
        Smpte170m = "smpte170m", AVCOL_PRI_SMPTE170M;
        Bt2020 = "bt2020", AVCOL_PRI_BT2020;
        /// SMPTE 432 (Display P3, D65).
        Smpte432 = "smpte432", AVCOL_PRI_SMPTE432;
    }

    /// VideoTransferCharacteristics.
    VideoTransferCharacteristics: T {
        Bt709 = "bt709", AVCOL_TRC_BT709;
        Smpte170m = "smpte170m", AVCOL_TRC_SMPTE170M;
        /// sRGB.
        Iec61966_2_1 = "iec61966-2-1", AVCOL_TRC_IEC61966_2_1;
        Linear = "linear", AVCOL_TRC_LINEAR;
        /// SMPTE 2084 (HDR).
        Pq = "pq", AVCOL_TRC_SMPTE2084;
        /// ARIB STD-B67 (HDR).
        Hlg = "hlg", AVCOL_TRC_ARIB_STD_B67;
    }

    /// VideoMatrixCoefficients.
    VideoMatrixCoefficients: S {
        Rgb = "rgb", AVCOL_SPC_RGB;
        Bt709 = "bt709", AVCOL_SPC_BT709;
        Bt470bg = "bt470bg", AVCOL_SPC_BT470BG;
        Smpte170m = "smpte170m", AVCOL_SPC_SMPTE170M;
        Bt2020Ncl = "bt2020-ncl", AVCOL_SPC_BT2020_NCL;
    }
}

/// A VideoColorSpace (or VideoColorSpaceInit): every member None when unknown or not given. What a
/// frame, a config, a stream or an image output says about its colour, everywhere in the crate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VideoColorSpace {
    pub primaries: Option<VideoColorPrimaries>,
    pub transfer: Option<VideoTransferCharacteristics>,
    pub matrix: Option<VideoMatrixCoefficients>,
    pub full_range: Option<bool>,
}

impl VideoColorSpace {
    /// sRGB: the colour of RGB pixels (js/lib/video-color-space.js `SRGB`).
    pub const SRGB: VideoColorSpace = VideoColorSpace {
        primaries: Some(VideoColorPrimaries::Bt709),
        transfer: Some(VideoTransferCharacteristics::Iec61966_2_1),
        matrix: Some(VideoMatrixCoefficients::Rgb),
        full_range: Some(true),
    };
    /// BT.709 limited range, the spec's REC709 (js/lib/video-color-space.js `REC709`).
    pub const REC709: VideoColorSpace = VideoColorSpace {
        primaries: Some(VideoColorPrimaries::Bt709),
        transfer: Some(VideoTransferCharacteristics::Bt709),
        matrix: Some(VideoMatrixCoefficients::Bt709),
        full_range: Some(false),
    };

    /// Each member `self`'s when it has one, else `fallback`'s.
    pub fn or(self, fallback: VideoColorSpace) -> VideoColorSpace {
        VideoColorSpace {
            primaries: self.primaries.or(fallback.primaries),
            transfer: self.transfer.or(fallback.transfer),
            matrix: self.matrix.or(fallback.matrix),
            full_range: self.full_range.or(fallback.full_range),
        }
    }

    /// FFmpeg's (range, matrix, primaries, transfer); None is FFmpeg's "unspecified".
    pub fn av(&self) -> (sys::AVColorRange, S, P, T) {
        let range = match self.full_range {
            Some(true) => sys::AVColorRange::AVCOL_RANGE_JPEG,
            Some(false) => sys::AVColorRange::AVCOL_RANGE_MPEG,
            None => sys::AVColorRange::AVCOL_RANGE_UNSPECIFIED,
        };
        (
            range,
            self.matrix.map_or(S::AVCOL_SPC_UNSPECIFIED, VideoMatrixCoefficients::av),
            self.primaries.map_or(P::AVCOL_PRI_UNSPECIFIED, VideoColorPrimaries::av),
            self.transfer.map_or(T::AVCOL_TRC_UNSPECIFIED, VideoTransferCharacteristics::av),
        )
    }

    /// swscale's matrix for the YUV of this colour space (BT.709 when the matrix is unknown or rgb).
    pub fn sws_matrix(&self) -> Matrix {
        use VideoMatrixCoefficients as M;
        match self.matrix {
            Some(M::Bt470bg | M::Smpte170m) => Matrix::Bt601,
            Some(M::Bt2020Ncl) => Matrix::Bt2020,
            _ => Matrix::Bt709,
        }
    }
}

/// Who reads a decoded frame's colour ([`color_of`]), and so what fills in what FFmpeg leaves
/// unspecified or names in a way WebCodecs does not.
#[derive(Clone, Copy, Debug)]
pub enum ColorReader<'a> {
    /// VideoDecoder: each member the frame's, null where FFmpeg has no WebCodecs name, then each
    /// member `config`'s where it has one (VideoDecoderConfig.colorSpace: "the provided values will
    /// override any in-band values"). `vp9`: first complete what the VP9 bitstream implies
    /// ([`vp9_implied`]).
    Video { config: &'a VideoColorSpace, vp9: bool },
    /// ImageDecoder, for pixels output as `yuv` (kept in the decoder's YUV format) or not. RGB
    /// pixels are sRGB. YUV pixels get what an image means when it says nothing: BT.601
    /// (smpte170m) for an unnamed or `rgb` matrix, FFmpeg's default for images; sRGB's primaries;
    /// the sRGB transfer at full range, else BT.709's; full range only when signalled. Primaries and
    /// transfer the bitstream declares (AVIF nclx, …) are kept, SMPTE 240M primaries and the
    /// BT.2020 10/12-bit transfers (no WebCodecs names) named smpte170m.
    Image { yuv: bool },
}

/// The colour space of a decoded frame, as `reader` names it.
pub fn color_of(frame: &Frame, reader: ColorReader) -> VideoColorSpace {
    use sys::AVPixelFormat::*;
    let (range, space, primaries, trc) = frame.color();
    let jpeg_format = matches!(frame.pixel_format(), Some(AV_PIX_FMT_YUVJ420P | AV_PIX_FMT_YUVJ422P | AV_PIX_FMT_YUVJ444P));
    let full_range = match range {
        sys::AVColorRange::AVCOL_RANGE_JPEG => Some(true),
        _ if jpeg_format => Some(true),
        sys::AVColorRange::AVCOL_RANGE_MPEG => Some(false),
        _ => None,
    };
    match reader {
        ColorReader::Video { config, vp9 } => {
            let (space, primaries, trc) = if vp9 { vp9_implied(frame.pixel_format(), space, primaries, trc) } else { (space, primaries, trc) };
            let in_band = VideoColorSpace {
                primaries: VideoColorPrimaries::from_av(primaries),
                transfer: VideoTransferCharacteristics::from_av(trc),
                matrix: VideoMatrixCoefficients::from_av(space),
                full_range,
            };
            config.or(in_band)
        }
        ColorReader::Image { yuv: false } => VideoColorSpace::SRGB,
        ColorReader::Image { yuv: true } => {
            let full = full_range == Some(true);
            let matrix = VideoMatrixCoefficients::from_av(space).filter(|m| *m != VideoMatrixCoefficients::Rgb);
            let primaries = match primaries {
                P::AVCOL_PRI_SMPTE240M => VideoColorPrimaries::Smpte170m,
                p => VideoColorPrimaries::from_av(p).unwrap_or(VideoColorPrimaries::Bt709),
            };
            let transfer = match trc {
                T::AVCOL_TRC_BT2020_10 | T::AVCOL_TRC_BT2020_12 => VideoTransferCharacteristics::Smpte170m,
                t => VideoTransferCharacteristics::from_av(t).unwrap_or(if full { VideoTransferCharacteristics::Iec61966_2_1 } else { VideoTransferCharacteristics::Bt709 }),
            };
            VideoColorSpace {
                primaries: Some(primaries),
                transfer: Some(transfer),
                matrix: Some(matrix.unwrap_or(VideoMatrixCoefficients::Smpte170m)),
                full_range: Some(full),
            }
        }
    }
}

/// VP9 signals only its matrix (color_space) and range; the primaries and transfer it implies are
/// Chrome's (media/filters/vpx_video_decoder.cc, used when the config has no colour space): BT.709
/// and BT.601/SMPTE 170M imply the same primaries and transfer, BT.2020 implies BT.2020 primaries
/// (and the BT.709 transfer curve at 8 bits; the 10/12-bit BT.2020 transfers have no WebCodecs
/// name), sRGB implies BT.709 primaries and the sRGB transfer. FFmpeg's vp9 decoder reports
/// BT.601 as bt470bg, which is the same matrix Chrome names smpte170m.
fn vp9_implied(format: Option<sys::AVPixelFormat>, space: S, primaries: P, trc: T) -> (S, P, T) {
    use sys::AVPixelFormat::*;
    if primaries != P::AVCOL_PRI_UNSPECIFIED || trc != T::AVCOL_TRC_UNSPECIFIED {
        return (space, primaries, trc);
    }
    let deep = matches!(
        format,
        Some(AV_PIX_FMT_YUV420P10LE | AV_PIX_FMT_YUV422P10LE | AV_PIX_FMT_YUV440P10LE | AV_PIX_FMT_YUV444P10LE | AV_PIX_FMT_GBRP10LE
            | AV_PIX_FMT_YUV420P12LE | AV_PIX_FMT_YUV422P12LE | AV_PIX_FMT_YUV440P12LE | AV_PIX_FMT_YUV444P12LE | AV_PIX_FMT_GBRP12LE)
    );
    match space {
        S::AVCOL_SPC_BT470BG | S::AVCOL_SPC_SMPTE170M => (S::AVCOL_SPC_SMPTE170M, P::AVCOL_PRI_SMPTE170M, T::AVCOL_TRC_SMPTE170M),
        S::AVCOL_SPC_BT709 => (space, P::AVCOL_PRI_BT709, T::AVCOL_TRC_BT709),
        S::AVCOL_SPC_BT2020_NCL => (space, P::AVCOL_PRI_BT2020, if deep { T::AVCOL_TRC_UNSPECIFIED } else { T::AVCOL_TRC_BT709 }),
        S::AVCOL_SPC_RGB => (space, P::AVCOL_PRI_BT709, T::AVCOL_TRC_IEC61966_2_1),
        _ => (space, primaries, trc),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_names_round_trip() {
        for &p in VideoColorPrimaries::ALL {
            assert_eq!((VideoColorPrimaries::from_name(p.name()), VideoColorPrimaries::from_av(p.av())), (Some(p), Some(p)));
        }
        for &t in VideoTransferCharacteristics::ALL {
            assert_eq!((VideoTransferCharacteristics::from_name(t.name()), VideoTransferCharacteristics::from_av(t.av())), (Some(t), Some(t)));
        }
        for &m in VideoMatrixCoefficients::ALL {
            assert_eq!((VideoMatrixCoefficients::from_name(m.name()), VideoMatrixCoefficients::from_av(m.av())), (Some(m), Some(m)));
        }
        assert_eq!(VideoColorPrimaries::from_name("BT709"), None);
        assert_eq!(VideoMatrixCoefficients::from_av(S::AVCOL_SPC_FCC), None);
        assert_eq!(VideoColorPrimaries::from_av(P::AVCOL_PRI_UNSPECIFIED), None);
    }

    #[test]
    fn color_space_or_and_av() {
        let config = VideoColorSpace { matrix: Some(VideoMatrixCoefficients::Smpte170m), full_range: Some(true), ..Default::default() };
        assert_eq!(config.or(VideoColorSpace::REC709), VideoColorSpace { matrix: Some(VideoMatrixCoefficients::Smpte170m), full_range: Some(true), ..VideoColorSpace::REC709 });
        assert_eq!(VideoColorSpace::default().or(VideoColorSpace::SRGB), VideoColorSpace::SRGB);
        assert_eq!(VideoColorSpace::SRGB.av(), (sys::AVColorRange::AVCOL_RANGE_JPEG, S::AVCOL_SPC_RGB, P::AVCOL_PRI_BT709, T::AVCOL_TRC_IEC61966_2_1));
        assert_eq!(VideoColorSpace::default().av(), (sys::AVColorRange::AVCOL_RANGE_UNSPECIFIED, S::AVCOL_SPC_UNSPECIFIED, P::AVCOL_PRI_UNSPECIFIED, T::AVCOL_TRC_UNSPECIFIED));
        assert_eq!(VideoColorSpace::REC709.sws_matrix(), Matrix::Bt709);
        assert_eq!(config.sws_matrix(), Matrix::Bt601);
    }

    #[test]
    fn color_of_vp9_implied() {
        use sys::AVPixelFormat::*;
        let un = (P::AVCOL_PRI_UNSPECIFIED, T::AVCOL_TRC_UNSPECIFIED);
        assert_eq!(vp9_implied(Some(AV_PIX_FMT_YUV420P), S::AVCOL_SPC_BT470BG, un.0, un.1), (S::AVCOL_SPC_SMPTE170M, P::AVCOL_PRI_SMPTE170M, T::AVCOL_TRC_SMPTE170M));
        assert_eq!(vp9_implied(Some(AV_PIX_FMT_YUV420P10LE), S::AVCOL_SPC_BT2020_NCL, un.0, un.1), (S::AVCOL_SPC_BT2020_NCL, P::AVCOL_PRI_BT2020, T::AVCOL_TRC_UNSPECIFIED));
        assert_eq!(vp9_implied(Some(AV_PIX_FMT_YUV420P), S::AVCOL_SPC_BT2020_NCL, un.0, un.1), (S::AVCOL_SPC_BT2020_NCL, P::AVCOL_PRI_BT2020, T::AVCOL_TRC_BT709));
        // Signalled primaries or transfer: nothing is implied.
        assert_eq!(vp9_implied(None, S::AVCOL_SPC_BT709, P::AVCOL_PRI_BT2020, un.1), (S::AVCOL_SPC_BT709, P::AVCOL_PRI_BT2020, un.1));
    }
}
