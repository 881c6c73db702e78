//! codecs layer: the one table between VideoColorSpace member names and FFmpeg's colour enums,
//! both ways — decoders name what a bitstream signals, the encoder signals what a stream is.
//! Only names WebCodecs defines appear; callers choose their own fallback for the rest.
use crate::ffi::sys;
use sys::AVColorPrimaries as P;
use sys::AVColorSpace as S;
use sys::AVColorTransferCharacteristic as T;

const PRIMARIES: &[(P, &str)] = &[
    (P::AVCOL_PRI_BT709, "bt709"),
    (P::AVCOL_PRI_BT470BG, "bt470bg"),
    (P::AVCOL_PRI_SMPTE170M, "smpte170m"),
    (P::AVCOL_PRI_BT2020, "bt2020"),
    (P::AVCOL_PRI_SMPTE432, "smpte432"),
];

const TRANSFERS: &[(T, &str)] = &[
    (T::AVCOL_TRC_BT709, "bt709"),
    (T::AVCOL_TRC_SMPTE170M, "smpte170m"),
    (T::AVCOL_TRC_IEC61966_2_1, "iec61966-2-1"),
    (T::AVCOL_TRC_LINEAR, "linear"),
    (T::AVCOL_TRC_SMPTE2084, "pq"),
    (T::AVCOL_TRC_ARIB_STD_B67, "hlg"),
];

const MATRICES: &[(S, &str)] = &[
    (S::AVCOL_SPC_RGB, "rgb"),
    (S::AVCOL_SPC_BT709, "bt709"),
    (S::AVCOL_SPC_BT470BG, "bt470bg"),
    (S::AVCOL_SPC_SMPTE170M, "smpte170m"),
    (S::AVCOL_SPC_BT2020_NCL, "bt2020-ncl"),
];

fn name_in<E: PartialEq>(table: &[(E, &'static str)], v: E) -> Option<&'static str> {
    table.iter().find(|(e, _)| *e == v).map(|(_, n)| *n)
}

fn entry<E: Copy>(table: &[(E, &'static str)], name: &str) -> Option<(E, &'static str)> {
    table.iter().find(|(_, n)| *n == name).copied()
}

pub fn primaries_name(p: P) -> Option<&'static str> {
    name_in(PRIMARIES, p)
}
pub fn transfer_name(t: T) -> Option<&'static str> {
    name_in(TRANSFERS, t)
}
pub fn matrix_name(m: S) -> Option<&'static str> {
    name_in(MATRICES, m)
}

/// A VideoColorPrimaries name: (FFmpeg's value, the name as a static string); None if unknown.
pub fn primaries(name: &str) -> Option<(P, &'static str)> {
    entry(PRIMARIES, name)
}
pub fn transfer(name: &str) -> Option<(T, &'static str)> {
    entry(TRANSFERS, name)
}
pub fn matrix(name: &str) -> Option<(S, &'static str)> {
    entry(MATRICES, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &(p, n) in PRIMARIES {
            assert_eq!((primaries_name(p), primaries(n)), (Some(n), Some((p, n))));
        }
        for &(t, n) in TRANSFERS {
            assert_eq!((transfer_name(t), transfer(n)), (Some(n), Some((t, n))));
        }
        for &(m, n) in MATRICES {
            assert_eq!((matrix_name(m), matrix(n)), (Some(n), Some((m, n))));
        }
        assert_eq!(primaries("BT709"), None);
        assert_eq!(matrix_name(S::AVCOL_SPC_FCC), None);
    }
}
