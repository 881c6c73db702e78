//! codecs layer (pure): the unit headers a VideoDecoder checks in each chunk before FFmpeg sees
//! it — H.264/HEVC NAL units and AV1 OBUs whose header no encoder writes. Invariant: only reads
//! the bytes.

/// What a chunk's unit headers are checked for before FFmpeg sees them: H.264/HEVC NAL units
/// ([`corrupt_nal`]) or AV1 OBUs ([`corrupt_obu`]). FFmpeg's parsers and libdav1d skip a unit
/// whose header is impossible without an error, so a corrupt chunk would decode to nothing at
/// all; WebCodecs wants an EncodingError (WPT videoDecoder-codec-specific "Decode corrupt frame",
/// "Test decoding a corrupt frame after reset in a flush callback").
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum UnitCheck {
    Nal(NalFraming),
    Obu,
}

impl UnitCheck {
    pub(super) fn corrupt(self, data: &[u8]) -> bool {
        match self {
            UnitCheck::Nal(f) => corrupt_nal(data, f),
            UnitCheck::Obu => corrupt_obu(data),
        }
    }
}

/// Whether `data` (an AV1 temporal unit in the low-overhead format, AV1 §5.2) holds an OBU
/// header with obu_forbidden_bit set (§6.2.2: "must be set to 0"). libdav1d reads such a header
/// as whatever type its other bits spell (0xFF: a padding OBU) and skips it silently.
fn corrupt_obu(data: &[u8]) -> bool {
    let mut at = 0;
    while let Some(&h) = data.get(at) {
        if h & 0x80 != 0 {
            return true;
        }
        at += if h & 0x04 != 0 { 2 } else { 1 };
        if h & 0x02 == 0 {
            return false; // no size field: the OBU runs to the end of the chunk
        }
        // leb128 obu_size (at most 8 bytes).
        let mut size: u64 = 0;
        for i in 0..8 {
            let Some(&b) = data.get(at) else { return false };
            at += 1;
            size |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                break;
            }
        }
        at = match usize::try_from(size).ok().and_then(|n| at.checked_add(n)) {
            Some(next) => next,
            None => return false,
        };
    }
    false
}

/// H.264 or HEVC NAL units in a chunk: Annex B start codes, or length prefixes of `length_size`
/// bytes (from the avcC/hvcC description).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct NalFraming {
    hevc: bool,
    length_size: Option<usize>,
}

impl NalFraming {
    pub(super) fn new(hevc: bool, description: Option<&[u8]>) -> Self {
        // avcC byte 4 and hvcC byte 21: lengthSizeMinusOne in the two low bits.
        let at = if hevc { 21 } else { 4 };
        let length_size = description.filter(|d| !d.is_empty()).map(|d| d.get(at).map_or(4, |b| (b & 3) as usize + 1));
        NalFraming { hevc, length_size }
    }
}

/// Whether `data` holds a NAL unit whose header no encoder writes: forbidden_zero_bit set (H.264
/// and HEVC), or an HEVC nuh_temporal_id_plus1 of 0. FFmpeg's parser skips such a unit without an
/// error (h2645_parse.c "Invalid NAL unit, skipping"). Length prefixes running past the chunk are
/// left to FFmpeg, which refuses them.
fn corrupt_nal(data: &[u8], f: NalFraming) -> bool {
    let bad = |nal: &[u8]| match nal {
        [] => false,
        [h, ..] if h & 0x80 != 0 => true,
        [_, t, ..] if f.hevc => t & 7 == 0,
        _ => false,
    };
    match f.length_size {
        None => super::h264::split_annexb(data).into_iter().any(bad),
        Some(n) => {
            let mut at = 0;
            while at + n <= data.len() {
                let len = data[at..at + n].iter().fold(0usize, |v, b| (v << 8) | *b as usize);
                at += n;
                let Some(nal) = data.get(at..at.saturating_add(len)) else { return false };
                if bad(nal) {
                    return true;
                }
                at += len;
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_nal_headers_are_found_in_both_framings() {
        let annexb = |h: bool| NalFraming { hevc: h, length_size: None };
        // HEVC: a valid slice header (type 1, temporal id 0 + 1), then forbidden bit, then tid 0.
        assert!(!corrupt_nal(&[0, 0, 0, 1, 0x02, 0x01, 0xaa, 0, 0, 1, 0x40, 0x01, 0xbb], annexb(true)));
        assert!(corrupt_nal(&[0, 0, 0, 1, 0x82, 0x01, 0xaa], annexb(true)));
        assert!(corrupt_nal(&[0, 0, 1, 0x02, 0x00, 0xaa], annexb(true)));
        // H.264: only forbidden_zero_bit (the second byte is payload).
        assert!(!corrupt_nal(&[0, 0, 0, 1, 0x65, 0x00, 0x88], annexb(false)));
        assert!(corrupt_nal(&[0, 0, 0, 1, 0xe5, 0x00, 0x88], annexb(false)));
        // Length-prefixed (4 bytes), the second NAL unit corrupt; a length past the end is FFmpeg's.
        let avc = NalFraming { hevc: false, length_size: Some(4) };
        assert!(!corrupt_nal(&[0, 0, 0, 2, 0x65, 0x88, 0, 0, 0, 1, 0x41], avc));
        assert!(corrupt_nal(&[0, 0, 0, 2, 0x65, 0x88, 0, 0, 0, 1, 0xc1], avc));
        assert!(!corrupt_nal(&[0xff, 0xff, 0xff, 0xff, 0x65], avc));
        // lengthSizeMinusOne from avcC byte 4 / hvcC byte 21.
        assert_eq!(NalFraming::new(false, Some(&[1, 0x64, 0, 0x1f, 0xfd])).length_size, Some(2));
        assert_eq!(NalFraming::new(true, None).length_size, None);
    }

    #[test]
    fn corrupt_obu_headers_are_found() {
        // A temporal delimiter (size 0), then a frame OBU of 3 bytes: valid.
        assert!(!corrupt_obu(&[0x12, 0x00, 0x32, 0x03, 1, 2, 3]));
        // The frame OBU's header with the forbidden bit (what 0xFF over 0x32 gives).
        assert!(corrupt_obu(&[0x12, 0x00, 0xb2, 0x03, 1, 2, 3]));
        assert!(corrupt_obu(&[0xff, 0x99, 0x01]));
        // Extension header byte skipped; a two-byte leb128 size; a last OBU without size field.
        assert!(!corrupt_obu(&[0x36, 0x08, 0x81, 0x00, 7, 0x30, 0xff, 0xff]));
        assert!(corrupt_obu(&[0x36, 0x08, 0x01, 7, 0x92, 0x00]));
        // A size past the end is libdav1d's to refuse.
        assert!(!corrupt_obu(&[0x32, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    }
}
