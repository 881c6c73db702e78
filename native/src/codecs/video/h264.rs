//! codecs layer (pure): H.264 bitstream helpers — Annex B NAL splitting, Annex B → length-
//! prefixed ("avc") conversion, and the AVCDecoderConfigurationRecord (avcC) from SPS/PPS.

/// NAL units of an Annex B stream (start codes removed).
pub fn split_annexb(data: &[u8]) -> Vec<&[u8]> {
    let mut starts = Vec::new(); // (start of code, start of payload)
    let mut i = 0;
    while i + 3 <= data.len() {
        if data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 {
            let code_start = if i > 0 && data[i - 1] == 0 { i - 1 } else { i };
            starts.push((code_start, i + 3));
            i += 3;
        } else {
            i += 1;
        }
    }
    let mut nals = Vec::with_capacity(starts.len());
    for (k, &(_, payload)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(data.len(), |n| n.0);
        if end > payload {
            nals.push(&data[payload..end]);
        }
    }
    nals
}

/// Annex B → 4-byte big-endian length prefixes (the "avc" format of the AVC registration).
pub fn annexb_to_avc(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 16);
    for nal in split_annexb(data) {
        out.extend_from_slice(&(nal.len() as u32).to_be_bytes());
        out.extend_from_slice(nal);
    }
    out
}

/// Build avcC from Annex B SPS/PPS (the encoder's global header). `chroma_idc`/`bit_depth` are
/// written for the High profiles (100 and up), as ISO 14496-15 asks.
pub fn avcc_from_annexb(headers: &[u8], chroma_idc: u8, bit_depth: u8) -> Option<Vec<u8>> {
    let nals = split_annexb(headers);
    let sps: Vec<&[u8]> = nals.iter().copied().filter(|n| n[0] & 0x1f == 7).collect();
    let pps: Vec<&[u8]> = nals.iter().copied().filter(|n| n[0] & 0x1f == 8).collect();
    let first = sps.first()?;
    if first.len() < 4 || pps.is_empty() {
        return None;
    }
    let mut out = vec![1, first[1], first[2], first[3], 0xff, 0xe0 | sps.len() as u8];
    for s in &sps {
        out.extend_from_slice(&(s.len() as u16).to_be_bytes());
        out.extend_from_slice(s);
    }
    out.push(pps.len() as u8);
    for p in &pps {
        out.extend_from_slice(&(p.len() as u16).to_be_bytes());
        out.extend_from_slice(p);
    }
    if matches!(first[1], 100 | 110 | 122 | 244) {
        out.extend_from_slice(&[0xfc | chroma_idc, 0xf8 | (bit_depth - 8), 0xf8 | (bit_depth - 8), 0]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn split_and_convert() {
        let s = [0, 0, 0, 1, 0x67, 0x42, 0, 0x1e, 0, 0, 1, 0x68, 0xce, 0, 0, 0, 1, 0x65, 9, 9];
        let nals = split_annexb(&s);
        assert_eq!(nals, vec![&[0x67, 0x42, 0, 0x1e][..], &[0x68, 0xce][..], &[0x65, 9, 9][..]]);
        assert_eq!(annexb_to_avc(&s), vec![0, 0, 0, 4, 0x67, 0x42, 0, 0x1e, 0, 0, 0, 2, 0x68, 0xce, 0, 0, 0, 3, 0x65, 9, 9]);
        let avcc = avcc_from_annexb(&s, 1, 8).unwrap();
        assert_eq!(avcc, vec![1, 0x42, 0, 0x1e, 0xff, 0xe1, 0, 4, 0x67, 0x42, 0, 0x1e, 1, 0, 2, 0x68, 0xce]);
        assert!(avcc_from_annexb(&[0, 0, 1, 0x65], 1, 8).is_none());
    }
}
