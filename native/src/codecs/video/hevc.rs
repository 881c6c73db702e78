//! codecs layer (pure): HEVC bitstream helpers — the HEVCDecoderConfigurationRecord (hvcC,
//! ISO 14496-15 §8.3.3) built from the Annex B VPS/SPS/PPS that libx265 gives as its global header.
use super::h264::split_annexb;

const VPS: u8 = 32;
const SPS: u8 = 33;
const PPS: u8 = 34;

fn nal_type(nal: &[u8]) -> u8 {
    (nal[0] >> 1) & 0x3f
}

/// The RBSP of a NAL unit's first `n` payload bytes (emulation prevention bytes removed).
fn rbsp_prefix(nal: &[u8], n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    let mut zeros = 0;
    for &b in nal {
        if out.len() == n {
            break;
        }
        if zeros >= 2 && b == 3 {
            zeros = 0;
            continue;
        }
        zeros = if b == 0 { zeros + 1 } else { 0 };
        out.push(b);
    }
    out
}

/// Build hvcC from Annex B parameter sets. `chroma_idc` and `bit_depth` are what the encoder was
/// opened with (they sit behind exp-Golomb fields in the SPS; the encoder's settings are exact).
/// None if a VPS, SPS or PPS is missing or the SPS is too short for profile_tier_level.
pub fn hvcc_from_annexb(headers: &[u8], chroma_idc: u8, bit_depth: u8) -> Option<Vec<u8>> {
    let nals: Vec<&[u8]> = split_annexb(headers).into_iter().filter(|n| n.len() >= 2).collect();
    let sps = nals.iter().find(|n| nal_type(n) == SPS)?;
    // SPS: 2-byte NAL header, 1 byte (vps id, max_sub_layers_minus1, temporal_id_nesting), then
    // general profile_tier_level: 1 + 4 + 6 + 1 = 12 bytes.
    let r = rbsp_prefix(sps, 15);
    if r.len() < 15 {
        return None;
    }
    let sub_layers = ((r[2] >> 1) & 7) + 1;
    let nesting = r[2] & 1;
    let ptl = &r[3..15];
    let mut out = Vec::with_capacity(64 + headers.len());
    out.push(1); // configurationVersion
    out.extend_from_slice(ptl); // profile space/tier/idc, compatibility flags, constraint flags, level
    out.extend_from_slice(&[0xf0, 0x00]); // reserved + min_spatial_segmentation_idc 0
    out.push(0xfc); // reserved + parallelismType 0 (unknown)
    out.push(0xfc | (chroma_idc & 3));
    out.push(0xf8 | (bit_depth - 8));
    out.push(0xf8 | (bit_depth - 8));
    out.extend_from_slice(&[0, 0]); // avgFrameRate unknown
    // constantFrameRate 0, numTemporalLayers, temporalIdNested, lengthSizeMinusOne 3
    out.push((sub_layers << 3) | (nesting << 2) | 3);
    let arrays: Vec<(u8, Vec<&[u8]>)> = [VPS, SPS, PPS].iter().map(|&t| (t, nals.iter().copied().filter(|n| nal_type(n) == t).collect())).collect();
    if arrays.iter().any(|(_, v)| v.is_empty()) {
        return None;
    }
    out.push(arrays.len() as u8);
    for (t, list) in arrays {
        out.push(0x80 | t); // array_completeness 1
        out.extend_from_slice(&(list.len() as u16).to_be_bytes());
        for n in list {
            out.extend_from_slice(&(n.len() as u16).to_be_bytes());
            out.extend_from_slice(n);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn hvcc_layout() {
        // VPS, SPS (with an emulation prevention byte inside profile_tier_level), PPS.
        let vps = [0x40, 0x01, 0x0c, 0x01];
        let sps = [0x42, 0x01, 0x01, 0x01, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x5d, 0xa0];
        let pps = [0x44, 0x01, 0xc1];
        let mut annexb = Vec::new();
        for n in [&vps[..], &sps[..], &pps[..]] {
            annexb.extend_from_slice(&[0, 0, 0, 1]);
            annexb.extend_from_slice(n);
        }
        let h = hvcc_from_annexb(&annexb, 1, 8).unwrap();
        assert_eq!(h[0], 1);
        assert_eq!(h[1], 0x01, "general_profile_idc 1 (Main)");
        assert_eq!(&h[2..6], &[0x60, 0, 0, 0], "compatibility flags");
        assert_eq!(h[12], 0x5d, "level_idc 93");
        assert_eq!(h[16], 0xfd, "chroma 4:2:0");
        assert_eq!(h[21] & 3, 3, "4-byte lengths");
        assert_eq!(h[22], 3, "three arrays");
        assert_eq!(h[23], 0x80 | 32);
        assert!(hvcc_from_annexb(&annexb[..annexb.len() - 7], 1, 8).is_none(), "no PPS");
    }
}
