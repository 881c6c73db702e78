//! JPEG header parsing: the marker segments before the first scan (the SOF size), the scans of a
//! progressive JPEG, the end (EOI), and the APP1 EXIF orientation and APP2 ICC profile segments.

use super::{be16, nonzero, still, Checkpoint, Info};

/// JPEG, resuming at `ck`: the header, the SOF size, and EOI after the scan data.
pub(super) fn parse(b: &[u8], ck: &mut Checkpoint) -> Info {
    let mut inf = still();
    if b.len() < 4 || b[..2] != [0xff, 0xd8] {
        return inf;
    }
    // The header is complete at the first SOS, as libjpeg's jpeg_read_header (and so Chrome)
    // reads it: before that, data that ends is "too short to hold an image header".
    inf.end_known = true;
    let mut i = 2;
    while i + 4 <= b.len() && b[i] == 0xff {
        let marker = b[i + 1];
        match marker {
            0xff => i += 1, // fill byte
            0x01 | 0xd0..=0xd7 => i += 2,
            0xda => {
                inf.header = true;
                inf.frame_data = true;
                // EOI after the scan data (trailing bytes after it are allowed); the search
                // resumes where the last one stopped.
                let from = ck.scanned.max(i);
                inf.ended = b[from..].windows(2).any(|w| w == [0xff, 0xd9]);
                ck.scanned = if inf.ended { from } else { b.len().saturating_sub(1).max(i) };
                break;
            }
            _ => {
                // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
                if matches!(marker, 0xc0..=0xcf) && !matches!(marker, 0xc4 | 0xc8 | 0xcc) && inf.size.is_none() {
                    if let (Some(h), Some(w)) = (be16(b, i + 5), be16(b, i + 7)) {
                        inf.size = nonzero(w.into(), h.into());
                    }
                }
                i += 2 + u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
            }
        }
    }
    inf
}

/// The scans of a progressive JPEG received so far (SOF2/SOF6/SOF10/SOF14; None for any other
/// JPEG): how many scans are complete — a scan is complete once the marker after its entropy-coded
/// data has arrived — and where the last complete one ends. Each complete scan adds detail: it is
/// the "Progressive Image Frame Generation" of a partial decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JpegScans {
    pub complete: u32,
    pub end: usize,
    /// EOI has arrived: every scan is in (a decode is the full-detail one).
    pub ended: bool,
}

pub fn jpeg_progressive_scans(b: &[u8]) -> Option<JpegScans> {
    if b.len() < 4 || b[..2] != [0xff, 0xd8] {
        return None;
    }
    let mut progressive = false;
    let mut out = JpegScans { complete: 0, end: 0, ended: false };
    let mut i = 2;
    while i + 2 <= b.len() && b[i] == 0xff {
        let marker = b[i + 1];
        if marker != 0xd9 && !matches!(marker, 0xff | 0x01 | 0xd0..=0xd7) && i + 4 > b.len() {
            break; // a segment whose length has not arrived
        }
        match marker {
            0xff => i += 1,
            0x01 | 0xd0..=0xd7 => i += 2,
            0xd9 => {
                out.ended = true;
                break;
            }
            _ => {
                if matches!(marker, 0xc2 | 0xc6 | 0xca | 0xce) {
                    progressive = true;
                }
                let seg_end = i + 2 + u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
                if marker != 0xda {
                    i = seg_end;
                    continue;
                }
                // Entropy-coded data: up to the next marker that is neither a stuffed 0xFF00 nor RSTn.
                let mut j = seg_end;
                let next = loop {
                    match b.get(j..j + 2) {
                        None => break None,
                        Some([0xff, m]) if *m != 0 && !(0xd0..=0xd7).contains(m) && *m != 0xff => break Some(j),
                        _ => j += 1,
                    }
                };
                let Some(next) = next else { break };
                out.complete += 1;
                out.end = next;
                i = next;
            }
        }
    }
    progressive.then_some(out)
}

/// The payload of a JPEG's first `marker` segment (before the image data) that starts with `tag`.
fn jpeg_segment<'a>(b: &'a [u8], marker: u8, tag: &[u8]) -> Option<&'a [u8]> {
    if b.len() < 4 || b[..2] != [0xff, 0xd8] {
        return None;
    }
    let mut i = 2;
    while i + 4 <= b.len() && b[i] == 0xff {
        let m = b[i + 1];
        if m == 0xda || m == 0xd9 {
            return None; // image data: no header segment after it
        }
        let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
        let seg = b.get(i + 4..i + 2 + len)?;
        if m == marker && seg.starts_with(tag) {
            return Some(seg);
        }
        i += 2 + len;
    }
    None
}

/// EXIF orientation (1–8) of a JPEG, from its APP1 "Exif" segment.
pub fn jpeg_orientation(b: &[u8]) -> Option<u16> {
    tiff_orientation(&jpeg_segment(b, 0xe1, b"Exif\0\0")?[6..])
}

/// Whether a JPEG embeds an ICC profile (an APP2 "ICC_PROFILE" segment).
pub fn jpeg_has_icc(b: &[u8]) -> bool {
    jpeg_segment(b, 0xe2, b"ICC_PROFILE\0").is_some()
}

fn tiff_orientation(t: &[u8]) -> Option<u16> {
    let le = match t.get(..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    let u16_at = |at: usize| t.get(at..at + 2).map(|s| if le { u16::from_le_bytes([s[0], s[1]]) } else { u16::from_be_bytes([s[0], s[1]]) });
    let u32_at = |at: usize| t.get(at..at + 4).map(|s| if le { u32::from_le_bytes([s[0], s[1], s[2], s[3]]) } else { u32::from_be_bytes([s[0], s[1], s[2], s[3]]) });
    let ifd = u32_at(4)? as usize;
    let n = u16_at(ifd)? as usize;
    (0..n).find_map(|k| {
        let e = ifd + 2 + k * 12;
        (u16_at(e)? == 0x0112).then(|| u16_at(e + 8)).flatten()
    }).filter(|o| (1..=8).contains(o))
}

/// EXIF orientation → VideoFrame (rotation clockwise in degrees, flip), as Chrome maps it.
pub fn orientation_to_rotation_flip(o: u16) -> (u32, bool) {
    match o {
        2 => (0, true),
        3 => (180, false),
        4 => (180, true),
        5 => (90, true),
        6 => (90, false),
        7 => (270, true),
        8 => (270, false),
        _ => (0, false),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{info, Container};
    use super::*;
    #[test]
    fn exif_orientation() {
        // SOI, APP1 Exif with a big-endian TIFF IFD holding Orientation = 6, then SOS.
        let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
        tiff.extend_from_slice(&[0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0]);
        let mut seg = b"Exif\0\0".to_vec();
        seg.extend_from_slice(&tiff);
        let mut j = vec![0xff, 0xd8, 0xff, 0xe1];
        j.extend_from_slice(&((seg.len() + 2) as u16).to_be_bytes());
        j.extend_from_slice(&seg);
        j.extend_from_slice(&[0xff, 0xda, 0, 2]);
        assert_eq!(jpeg_orientation(&j), Some(6));
        assert_eq!(orientation_to_rotation_flip(6), (90, false));
        assert_eq!(jpeg_orientation(&[0xff, 0xd8, 0xff, 0xda, 0, 2]), None);
        assert!(!jpeg_has_icc(&j));
        let mut icc = vec![0xff, 0xd8, 0xff, 0xe2, 0, 16];
        icc.extend_from_slice(b"ICC_PROFILE\0\x01\x01");
        icc.extend_from_slice(&[0xff, 0xda, 0, 2]);
        assert!(jpeg_has_icc(&icc));
        assert!(!jpeg_has_icc(&icc[..10]), "a segment cut short");
    }
    #[test]
    fn jpeg_scan_and_end() {
        let head = [0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0];
        assert!(!info(Container::Jpeg, &head).frame_data);
        // Before SOS the header is not complete (libjpeg's jpeg_read_header needs it).
        assert!(!info(Container::Jpeg, &head).header);
        let mut j = head.to_vec();
        j.extend_from_slice(&[0xff, 0xda, 0, 2, 1, 2, 3]);
        let i = info(Container::Jpeg, &j);
        assert!(i.header && i.frame_data && !i.ended);
        j.extend_from_slice(&[0xff, 0xd9]);
        assert!(info(Container::Jpeg, &j).ended);
    }
    #[test]
    fn progressive_jpeg_scans() {
        // SOI, SOF2 (progressive), two scans with stuffed bytes and a restart marker, then EOI.
        let mut j = vec![0xff, 0xd8, 0xff, 0xc2, 0, 11, 8, 0, 2, 0, 2, 1, 1, 0x11, 0];
        let scan = [0xff, 0xda, 0, 8, 1, 1, 0, 0, 0x3f, 0];
        j.extend_from_slice(&scan);
        j.extend_from_slice(&[1, 2, 0xff, 0x00, 3, 0xff, 0xd0, 4]);
        assert_eq!(jpeg_progressive_scans(&j), Some(JpegScans { complete: 0, end: 0, ended: false }), "first scan not ended yet");
        let first_end = j.len();
        j.extend_from_slice(&scan);
        j.extend_from_slice(&[5, 6]);
        assert_eq!(jpeg_progressive_scans(&j), Some(JpegScans { complete: 1, end: first_end, ended: false }));
        let second_end = j.len();
        j.extend_from_slice(&[0xff, 0xd9]);
        assert_eq!(jpeg_progressive_scans(&j), Some(JpegScans { complete: 2, end: second_end, ended: true }));
        // A baseline JPEG (SOF0) is not progressive.
        let mut base = j.clone();
        base[3] = 0xc0;
        assert_eq!(jpeg_progressive_scans(&base), None);
    }
    #[test]
    fn sof_sizes() {
        // JPEG SOF0 (after an APP0): height then width.
        let j = [0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0x9c, 0x40, 0xff, 0xff, 3, 1, 0x22, 0];
        assert_eq!(info(Container::Jpeg, &j).size, Some((65535, 40000)));
        // JPEG with height 0 (DNL): no size claimed.
        let dnl = [0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 0, 0, 16, 3, 1, 0x22, 0];
        assert_eq!(info(Container::Jpeg, &dnl).size, None);
    }
}
