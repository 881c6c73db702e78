//! AVIF (ISO BMFF) header parsing: the `ftyp`, `meta` and `moov` boxes — the primary item (a
//! still AV1 image: its size, `av1C`, ICC profile and where its bytes are) and the image sequence
//! (frame count, repetitions).

use super::{be32, still, Info};

/// AVIF (ISO BMFF): the header is complete once `ftyp` and a whole `meta` box (the still item's
/// properties) have arrived — and, in a file branded `avis` (an image sequence), a whole `moov`
/// box too, so both tracks are known when the track list is established.
pub(super) fn parse(b: &[u8]) -> Info {
    let l = avif_layout(b);
    let mut inf = still();
    inf.header = l.header;
    inf.frame_data = l.header;
    inf.size = l.primary.as_ref().map(|p| (u64::from(p.width), u64::from(p.height)));
    inf
}

/// The primary item of an AVIF file: a still AV1 image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AvifItem {
    /// From its `ispe` property.
    pub width: u32,
    pub height: u32,
    /// Its `av1C` property: the AV1CodecConfigurationRecord (the decoder's extradata).
    pub av1c: Vec<u8>,
    /// An ICC profile from a `colr` property of type `prof` or `rICC`.
    pub icc: Option<Vec<u8>>,
    /// Where its AV1 OBUs are, in order: `iloc` extents as file offsets (construction method 0;
    /// method 1, `idat`, is resolved to the `idat` box's place in the file).
    pub extents: Vec<std::ops::Range<u64>>,
}

/// The image sequence of an AVIF file (its `moov` box): the first track whose handler is `pict`
/// or `vide`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AvifSequence {
    /// `stsz` sample_count.
    pub frames: u32,
    /// Spec repetitionCount: None = Infinity (no edit list, or one with the repeat flag), else 0.
    pub repetitions: Option<u32>,
}

/// What an AVIF file's boxes say so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AvifLayout {
    /// See `avif`.
    pub header: bool,
    /// The primary item, when `meta` names one (`pitm`) that is an `av01` item with an `ispe`,
    /// an `av1C` and a location.
    pub primary: Option<AvifItem>,
    /// Why a `meta` box gave no primary item (a grid, a missing property …).
    pub primary_problem: Option<String>,
    pub sequence: Option<AvifSequence>,
}

/// The whole boxes in `b[start..end]`: (type, payload range). Stops at the first box that is
/// malformed or not wholly inside the range.
fn bmff_boxes(b: &[u8], start: usize, end: usize) -> Vec<([u8; 4], std::ops::Range<usize>)> {
    let end = end.min(b.len());
    let mut out = Vec::new();
    let mut i = start;
    while i + 8 <= end {
        let (Some(size), Some(kind)) = (be32(b, i), b.get(i + 4..i + 8)) else { break };
        let (len, head) = match size {
            0 => ((end - i) as u64, 8),
            1 => match (be32(b, i + 8), be32(b, i + 12)) {
                (Some(hi), Some(lo)) => ((u64::from(hi) << 32) | u64::from(lo), 16),
                _ => break,
            },
            n => (u64::from(n), 8),
        };
        if len < head as u64 {
            break;
        }
        let Some(box_end) = usize::try_from(len).ok().and_then(|l| i.checked_add(l)).filter(|&e| e <= end) else { break };
        out.push(([kind[0], kind[1], kind[2], kind[3]], i + head..box_end));
        i = box_end;
    }
    out
}

/// A big-endian unsigned field of 0, 1, 2, 4 or 8 bytes at `*at`, advancing it.
fn be_n(b: &[u8], at: &mut usize, n: usize) -> Option<u64> {
    let v = b.get(*at..at.checked_add(n)?)?.iter().fold(0u64, |v, &x| (v << 8) | u64::from(x));
    *at += n;
    Some(v)
}

/// Byte `k` of a box payload, 0 past its end (a short box then fails where its fields are read).
fn byte(b: &[u8], r: &std::ops::Range<usize>, k: usize) -> u8 {
    if r.start + k < r.end {
        b.get(r.start + k).copied().unwrap_or(0)
    } else {
        0
    }
}

fn child<'a>(boxes: &'a [([u8; 4], std::ops::Range<usize>)], kind: &[u8; 4]) -> Option<&'a std::ops::Range<usize>> {
    boxes.iter().find(|(k, _)| k == kind).map(|(_, r)| r)
}

/// Parse an AVIF file's `ftyp`, `meta` and `moov` boxes (those that have wholly arrived).
pub fn avif_layout(b: &[u8]) -> AvifLayout {
    let mut l = AvifLayout::default();
    if b.get(4..8) != Some(b"ftyp") {
        return l;
    }
    let top = bmff_boxes(b, 0, b.len());
    let Some(ftyp) = child(&top, b"ftyp") else { return l };
    // Major brand, minor version, then compatible brands.
    let sequence_brand = b[ftyp.clone()].chunks_exact(4).enumerate().any(|(i, c)| i != 1 && c == b"avis");
    let meta = child(&top, b"meta").cloned();
    let moov = child(&top, b"moov").cloned();
    if let Some(m) = &meta {
        match avif_primary(b, m.start + 4, m.end) {
            Ok(p) => l.primary = Some(p),
            Err(e) => l.primary_problem = Some(e),
        }
    }
    if let Some(m) = &moov {
        l.sequence = avif_sequence(b, m.clone());
    }
    l.header = (meta.is_some() && (moov.is_some() || !sequence_brand)) || moov.is_some();
    l
}

fn avif_primary(b: &[u8], start: usize, end: usize) -> Result<AvifItem, String> {
    // Fields are read inside the meta box only (offsets stay absolute).
    let b = &b[..end.min(b.len())];
    let boxes = bmff_boxes(b, start, end);
    let need = |k: &[u8; 4]| child(&boxes, k).cloned().ok_or_else(|| format!("the meta box has no {} box", String::from_utf8_lossy(k)));
    // pitm: the primary item's ID.
    let pitm = need(b"pitm")?;
    let mut at = pitm.start + 4;
    let id = be_n(b, &mut at, if byte(b, &pitm, 0) == 0 { 2 } else { 4 }).ok_or("pitm is cut short")? as u32;
    // iinf → infe: the primary item's type must be av01.
    let iinf = need(b"iinf")?;
    let count_size = if byte(b, &iinf, 0) == 0 { 2 } else { 4 };
    let mut kind = None;
    for (k, r) in bmff_boxes(b, iinf.start + 4 + count_size, iinf.end) {
        let v = byte(b, &r, 0);
        if k != *b"infe" || v < 2 {
            continue;
        }
        let mut at = r.start + 4;
        let item = be_n(b, &mut at, if v == 2 { 2 } else { 4 }).ok_or("infe is cut short")? as u32;
        at += 2; // protection index
        if item == id {
            kind = b.get(at..at + 4).map(|t| [t[0], t[1], t[2], t[3]]);
        }
    }
    match kind {
        Some(k) if &k == b"av01" => {}
        Some(k) => return Err(format!("the primary item is of type {:?}, not a single AV1 image (av01)", String::from_utf8_lossy(&k))),
        None => return Err(format!("no item information for the primary item {id}")),
    }
    // iprp → ipco (properties, numbered from 1) and ipma (which belong to the primary item).
    let iprp = need(b"iprp")?;
    let props = bmff_boxes(b, iprp.start, iprp.end);
    let ipco = child(&props, b"ipco").ok_or("iprp has no ipco")?;
    let ipco = bmff_boxes(b, ipco.start, ipco.end);
    let mut item = AvifItem { width: 0, height: 0, av1c: Vec::new(), icc: None, extents: Vec::new() };
    for (_, r) in props.iter().filter(|(k, _)| k == b"ipma") {
        let (v, flags) = (byte(b, r, 0), byte(b, r, 3));
        let mut at = r.start + 4;
        let entries = be_n(b, &mut at, 4).ok_or("ipma is cut short")?;
        for _ in 0..entries {
            let Some(this) = be_n(b, &mut at, if v < 1 { 2 } else { 4 }) else { break };
            let Some(n) = be_n(b, &mut at, 1) else { break };
            for _ in 0..n {
                let Some(a) = be_n(b, &mut at, if flags & 1 != 0 { 2 } else { 1 }) else { break };
                let index = a & if flags & 1 != 0 { 0x7fff } else { 0x7f };
                if this != u64::from(id) || index == 0 {
                    continue;
                }
                let Some((pk, pr)) = ipco.get(index as usize - 1) else { return Err(format!("ipma names property {index}, but ipco has {}", ipco.len())) };
                match pk {
                    b"ispe" => {
                        item.width = be32(b, pr.start + 4).unwrap_or(0);
                        item.height = be32(b, pr.start + 8).unwrap_or(0);
                    }
                    b"av1C" => item.av1c = b[pr.clone()].to_vec(),
                    b"colr" if pr.len() > 4 && matches!(&b[pr.start..pr.start + 4], b"prof" | b"rICC") => item.icc = Some(b[pr.start + 4..pr.end].to_vec()),
                    _ => {}
                }
            }
        }
    }
    if item.width == 0 || item.height == 0 {
        return Err("the primary item has no ispe (image size) property".into());
    }
    if item.av1c.len() < 4 || item.av1c[0] != 0x81 {
        return Err("the primary item has no valid av1C property".into());
    }
    // iloc: where the item's bytes are.
    let iloc = need(b"iloc")?;
    let v = byte(b, &iloc, 0);
    let mut at = iloc.start + 4;
    let sizes = be_n(b, &mut at, 2).ok_or("iloc is cut short")?;
    let (offset_size, length_size, base_size, index_size) = ((sizes >> 12) as usize, ((sizes >> 8) & 15) as usize, ((sizes >> 4) & 15) as usize, if v >= 1 { (sizes & 15) as usize } else { 0 });
    if [offset_size, length_size, base_size, index_size].iter().any(|s| ![0, 4, 8].contains(s)) {
        return Err("iloc field sizes are not 0, 4 or 8".into());
    }
    let short = || "iloc is cut short".to_string();
    let count = be_n(b, &mut at, if v < 2 { 2 } else { 4 }).ok_or_else(short)?;
    for _ in 0..count {
        let this = be_n(b, &mut at, if v < 2 { 2 } else { 4 }).ok_or_else(short)?;
        let method = if v >= 1 { be_n(b, &mut at, 2).ok_or_else(short)? & 15 } else { 0 };
        at += 2; // data_reference_index
        let base = be_n(b, &mut at, base_size).ok_or_else(short)?;
        let extents = be_n(b, &mut at, 2).ok_or_else(short)?;
        let mut ranges = Vec::new();
        for _ in 0..extents {
            be_n(b, &mut at, index_size).ok_or_else(short)?;
            let off = be_n(b, &mut at, offset_size).ok_or_else(short)?;
            let len = be_n(b, &mut at, length_size).ok_or_else(short)?;
            ranges.push((off, len));
        }
        if this != u64::from(id) {
            continue;
        }
        // Construction method 0: file offsets; 1: offsets into the idat box of this meta.
        let origin = match method {
            0 => 0u64,
            1 => child(&boxes, b"idat").map(|r| r.start as u64).ok_or("the primary item is in an idat box the meta box does not have")?,
            m => return Err(format!("iloc construction method {m} is not supported")),
        };
        for (off, len) in ranges {
            let start = origin.checked_add(base).and_then(|s| s.checked_add(off)).ok_or("iloc offsets overflow")?;
            // Length 0: to the end of the file (or of the idat box).
            let end = if len == 0 { if method == 1 { child(&boxes, b"idat").map_or(0, |r| r.end as u64) } else { u64::MAX } } else { start.checked_add(len).ok_or("iloc lengths overflow")? };
            item.extents.push(start..end);
        }
        if item.extents.is_empty() {
            return Err("the primary item has no data (no iloc extents)".into());
        }
        return Ok(item);
    }
    Err(format!("iloc does not locate the primary item {id}"))
}

fn avif_sequence(b: &[u8], moov: std::ops::Range<usize>) -> Option<AvifSequence> {
    let b = &b[..moov.end.min(b.len())];
    for (k, trak) in bmff_boxes(b, moov.start, moov.end) {
        if &k != b"trak" {
            continue;
        }
        let t = bmff_boxes(b, trak.start, trak.end);
        let Some(mdia) = child(&t, b"mdia") else { continue };
        let m = bmff_boxes(b, mdia.start, mdia.end);
        // hdlr: version/flags, pre_defined, then handler_type.
        let handler = child(&m, b"hdlr").and_then(|h| b.get(h.start + 8..h.start + 12));
        if !matches!(handler, Some(b"pict" | b"vide")) {
            continue;
        }
        let stbl = child(&m, b"minf").map(|r| bmff_boxes(b, r.start, r.end)).and_then(|mi| child(&mi, b"stbl").cloned())?;
        let stbl = bmff_boxes(b, stbl.start, stbl.end);
        // stsz: version/flags, sample_size, sample_count.
        let frames = child(&stbl, b"stsz").and_then(|r| be32(b, r.start + 8))?;
        // An edit list without the repeat flag (flags bit 0) plays once; none, or repeat: for ever.
        let elst = child(&t, b"edts").map(|r| bmff_boxes(b, r.start, r.end)).and_then(|e| child(&e, b"elst").cloned());
        let repetitions = match elst {
            Some(r) if b.get(r.start + 3).is_some_and(|f| f & 1 == 0) => Some(0),
            _ => None,
        };
        return Some(AvifSequence { frames, repetitions });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::{info, Container};
    use super::*;
    #[test]
    fn avif_header_needs_a_whole_meta_box() {
        let mut f = vec![0, 0, 0, 16];
        f.extend_from_slice(b"ftypavif\0\0\0\0");
        assert!(!info(Container::Avif, &f).header);
        let mut meta = vec![0, 0, 0, 20];
        meta.extend_from_slice(b"meta");
        meta.extend_from_slice(&[0; 12]);
        f.extend_from_slice(&meta[..15]);
        assert!(!info(Container::Avif, &f).header, "meta cut short");
        f.extend_from_slice(&meta[15..]);
        assert!(info(Container::Avif, &f).header);
        // A box claiming less than its own header is malformed: no header.
        let mut bad = f[..16].to_vec();
        bad.extend_from_slice(&[0, 0, 0, 3]);
        bad.extend_from_slice(b"meta");
        assert!(!info(Container::Avif, &bad).header);
    }
    fn bx(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut v = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(payload);
        v
    }
    fn full(kind: &[u8; 4], version: u8, flags: u32, payload: &[u8]) -> Vec<u8> {
        let mut p = vec![version, (flags >> 16) as u8, (flags >> 8) as u8, flags as u8];
        p.extend_from_slice(payload);
        bx(kind, &p)
    }
    /// An AVIF whose primary item 7 (`item_type`) has its 5 bytes in an idat box (iloc v1,
    /// construction method 1, two extents), properties through an ipma with 15-bit indices; with
    /// `moov`, a sequence of 3 samples and brand avis.
    fn avif_file(item_type: &[u8; 4], moov: bool, iloc_len: u32) -> Vec<u8> {
        let mut f = bx(b"ftyp", &[b"avif".as_slice(), &[0; 4], if moov { b"avis" } else { b"mif1" }].concat());
        let mut infe = 7u16.to_be_bytes().to_vec();
        infe.extend_from_slice(&[0, 0]);
        infe.extend_from_slice(item_type);
        infe.push(0);
        let iinf = full(b"iinf", 0, 0, &[&[0, 2][..], &full(b"infe", 2, 0, &[&[0, 9, 0, 0][..], b"Exif", &[0]].concat()), &full(b"infe", 2, 0, &infe)].concat());
        let ispe = full(b"ispe", 0, 0, &[300u32.to_be_bytes(), 200u32.to_be_bytes()].concat());
        let ipco = bx(b"ipco", &[bx(b"pixi", &[0; 5]), ispe, bx(b"av1C", &[0x81, 0x20, 0, 0]), bx(b"colr", &[b"prof".as_slice(), b"ICC!"].concat())].concat());
        // Item 7: properties 2 (ispe), 3 (av1C, essential) and 4 (colr).
        let ipma = full(b"ipma", 0, 1, &[0, 0, 0, 1, 0, 7, 3, 0, 2, 0x80, 3, 0, 4]);
        // iloc v1: offset 4, length 4, base 0, index 0; item 7, method 1, 2 extents.
        let mut iloc = vec![0x44, 0x00, 0, 1, 0, 7, 0, 1, 0, 0, 0, 2];
        iloc.extend_from_slice(&1u32.to_be_bytes());
        iloc.extend_from_slice(&2u32.to_be_bytes());
        iloc.extend_from_slice(&4u32.to_be_bytes());
        iloc.extend_from_slice(&iloc_len.to_be_bytes());
        let meta = full(b"meta", 0, 0, &[full(b"hdlr", 0, 0, &[&[0; 4][..], b"pict", &[0; 13]].concat()), full(b"pitm", 0, 0, &[0, 7]), full(b"iloc", 1, 0, &iloc), iinf, bx(b"iprp", &[ipco, ipma].concat()), bx(b"idat", b"_ABCDEFG")].concat());
        f.extend_from_slice(&meta);
        if moov {
            let stbl = bx(b"stbl", &full(b"stsz", 0, 0, &[0, 0, 0, 0, 0, 0, 0, 3]));
            let mdia = bx(b"mdia", &[full(b"hdlr", 0, 0, &[&[0; 4][..], b"pict", &[0; 13]].concat()), bx(b"minf", &stbl)].concat());
            let edts = bx(b"edts", &full(b"elst", 0, 1, &[0; 4]));
            f.extend_from_slice(&bx(b"moov", &bx(b"trak", &[edts, mdia].concat())));
        }
        f
    }
    #[test]
    fn avif_items_and_sequence() {
        let f = avif_file(b"av01", true, 3);
        let l = avif_layout(&f);
        assert!(l.header);
        let p = l.primary.expect("primary item");
        assert_eq!((p.width, p.height, &p.av1c[..], p.icc.as_deref()), (300, 200, &[0x81, 0x20, 0, 0][..], Some(&b"ICC!"[..])));
        let idat = f.windows(4).position(|w| w == b"idat").unwrap() + 4;
        let bytes: Vec<u8> = p.extents.iter().flat_map(|r| f[r.start as usize..r.end as usize].to_vec()).collect();
        assert_eq!(bytes, b"ABDEF", "extents 1..3 and 4..7 of the idat box ({idat})");
        assert_eq!(l.sequence, Some(AvifSequence { frames: 3, repetitions: None }), "elst with the repeat flag: Infinity");
        assert_eq!(info(Container::Avif, &f).size, Some((300, 200)));
        // Brand avis: the header waits for moov as well as meta.
        let moov_at = f.windows(4).position(|w| w == b"moov").unwrap() - 4;
        assert!(!avif_layout(&f[..moov_at + 10]).header);
        assert!(avif_layout(&f[..moov_at + 10]).primary.is_some());
        // Items only (brand mif1): meta is enough.
        let still = avif_file(b"av01", false, 3);
        let l = avif_layout(&still);
        assert!(l.header && l.primary.is_some() && l.sequence.is_none());
        for n in 0..still.len() {
            let l = avif_layout(&still[..n]);
            assert!(!l.header && l.primary.is_none(), "cut at {n}");
        }
    }
    #[test]
    fn avif_hostile_items() {
        let grid = avif_layout(&avif_file(b"grid", false, 3));
        assert!(grid.header && grid.primary.is_none());
        assert!(grid.primary_problem.unwrap().contains("\"grid\""));
        // An extent reaching past the file is kept as the file says (decoding refuses bytes
        // outside the file: test/api/image-decoder-limits.test.js).
        let l = avif_layout(&avif_file(b"av01", false, u32::MAX));
        assert!(l.primary.is_some_and(|p| p.extents[1].end > u64::from(u32::MAX)));
        // Every byte of the meta box flipped in turn: no panic, whatever it says.
        let f = avif_file(b"av01", true, 3);
        for i in 0..f.len() {
            for x in [0x01, 0x80, 0xff] {
                let mut g = f.clone();
                g[i] ^= x;
                let _ = avif_layout(&g);
            }
        }
    }
}
