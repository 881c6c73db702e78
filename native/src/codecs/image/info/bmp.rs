//! BMP header parsing: the file header and the size in its info header.

use super::{le16, le32, nonzero, still, Info};

/// BMP: the header is complete with the 14-byte file header and a 40-byte info header; the file
/// header's size field says where it ends.
pub(super) fn parse(b: &[u8]) -> Info {
    let header = b.len() >= 54 && &b[..2] == b"BM";
    let size = if header { bmp_size(b) } else { None };
    Info { header, frame_data: header, end_known: true, ended: le32(b, 2).is_some_and(|n| b.len() >= n as usize), size, ..still() }
}

/// BMP width × height: BITMAPCOREHEADER (12 bytes) has 16-bit fields, the later headers signed
/// 32-bit ones (a negative height means top-down rows).
fn bmp_size(b: &[u8]) -> Option<(u64, u64)> {
    if le32(b, 14)? == 12 {
        return nonzero(le16(b, 18)?.into(), le16(b, 20)?.into());
    }
    let w = le32(b, 18)? as i32;
    let h = le32(b, 22)? as i32;
    nonzero(w.unsigned_abs().into(), h.unsigned_abs().into())
}

#[cfg(test)]
mod tests {
    use super::super::{info, Container};
    #[test]
    fn info_header_sizes() {
        // BMP: BITMAPINFOHEADER with a negative (top-down) height.
        let mut bmp = vec![0u8; 54];
        bmp[..2].copy_from_slice(b"BM");
        bmp[14..18].copy_from_slice(&40u32.to_le_bytes());
        bmp[18..22].copy_from_slice(&40000i32.to_le_bytes());
        bmp[22..26].copy_from_slice(&(-40000i32).to_le_bytes());
        assert_eq!(info(Container::Bmp, &bmp).size, Some((40000, 40000)));
        // BMP with i32::MIN height: its magnitude, no overflow.
        bmp[22..26].copy_from_slice(&i32::MIN.to_le_bytes());
        assert_eq!(info(Container::Bmp, &bmp).size, Some((40000, 1 << 31)));
    }
}
