//! codecs layer (pure): what an image file says about itself before (or without) decoding —
//! container kind, frame count so far, loop count, EXIF orientation, the picture size the header
//! claims (checked against the frame limits before any decoder sees the bytes) — from possibly
//! partial bytes.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    Jpeg,
    Png,
    Gif,
    Webp,
    Avif,
    Bmp,
    Ico,
}

/// MIME type essence → container (the types ImageDecoder supports).
pub fn container_for_type(mime: &str) -> Option<Container> {
    Some(match mime {
        "image/jpeg" | "image/jpg" | "image/pjpeg" => Container::Jpeg,
        "image/png" | "image/apng" | "image/x-png" => Container::Png,
        "image/gif" => Container::Gif,
        "image/webp" => Container::Webp,
        "image/avif" => Container::Avif,
        "image/bmp" | "image/x-ms-bmp" | "image/x-bmp" => Container::Bmp,
        "image/x-icon" | "image/vnd.microsoft.icon" | "image/ico" => Container::Ico,
        _ => return None,
    })
}

/// What the bytes received so far tell.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Info {
    /// Enough bytes to know the image is of this kind and to size it.
    pub header: bool,
    /// Frames whose bytes have fully arrived.
    pub complete_frames: u32,
    pub animated: bool,
    /// Spec repetitionCount: None = loop forever (Infinity).
    pub repetitions: Option<u32>,
    /// The container's end marker was seen (GIF trailer, PNG IEND, JPEG EOI, full RIFF size …).
    pub ended: bool,
    /// Image data of a still image has begun (JPEG SOS, PNG IDAT, WebP VP8/VP8L, …): before it,
    /// there is no frame to count.
    pub frame_data: bool,
    /// The end marker is detectable for this container (so a missing one means truncated data).
    pub end_known: bool,
    /// A frame's data has begun but not finished (GIF image descriptor without its last block).
    pub partial_frame: bool,
    /// The picture (canvas) size the header declares, once its bytes have arrived: PNG IHDR, GIF
    /// logical screen, JPEG SOF, BMP info header, WebP VP8X canvas (or the VP8/VP8L picture of a
    /// simple WebP). None for ICO and AVIF, and for a declared 0 (JPEG's DNL "height later").
    pub size: Option<(u64, u64)>,
    /// The largest sub-frame a frame header declares (WebP ANMF, APNG fcTL, GIF image
    /// descriptor), by pixels.
    pub largest_frame: Option<(u64, u64)>,
}

impl Info {
    /// Keep `(w, h)` as the largest frame if it has more pixels (0 × n is ignored).
    fn frame(&mut self, w: u64, h: u64) {
        if w > 0 && h > 0 && self.largest_frame.is_none_or(|(a, b)| w * h > a * b) {
            self.largest_frame = Some((w, h));
        }
    }
}

/// `Some((w, h))` when both are non-zero.
fn nonzero(w: u64, h: u64) -> Option<(u64, u64)> {
    (w > 0 && h > 0).then_some((w, h))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}
fn le32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}
fn le16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}
fn be16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_be_bytes([s[0], s[1]]))
}
fn le24(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 3).map(|s| u32::from_le_bytes([s[0], s[1], s[2], 0]))
}

/// Where a parse can resume: the start of the first block not yet wholly parsed, what the blocks
/// before it said, and the container's running counters. Parsing appended data starts here, so a
/// stream costs each byte's block once, not the whole file per chunk.
#[derive(Clone, Debug, Default)]
struct Checkpoint {
    pos: usize,
    info: Info,
    /// GIF: the next sub-block of the block at `pos` still to be read (0 = from its start).
    sub: usize,
    /// PNG: fcTL chunks seen; WebP: complete ANMF chunks.
    frames: u32,
    /// PNG: acTL's frame count; WebP: the VP8X animation flag (as 0/1).
    declared: Option<u32>,
    /// JPEG: the entropy-coded data was searched for EOI up to here.
    scanned: usize,
}

/// An incremental parse of one file that only grows (ImageDecoder's [[encoded data]]): `feed`
/// takes all the bytes so far and reads only those after its checkpoint.
#[derive(Clone, Debug)]
pub struct Parser {
    c: Container,
    ck: Checkpoint,
}

impl Parser {
    pub fn new(c: Container) -> Parser {
        Parser { c, ck: Checkpoint::default() }
    }

    /// What the bytes so far say; `b` must extend the bytes of the previous call.
    pub fn feed(&mut self, b: &[u8]) -> Info {
        let ck = &mut self.ck;
        match self.c {
            Container::Gif => gif(b, ck),
            Container::Png => png(b, ck),
            Container::Webp => webp(b, ck),
            Container::Jpeg => jpeg(b, ck),
            c => info(c, b),
        }
    }
}

/// What the bytes say, parsed from the start.
pub fn info(c: Container, b: &[u8]) -> Info {
    match c {
        Container::Gif | Container::Png | Container::Webp | Container::Jpeg => Parser::new(c).feed(b),
        Container::Bmp => {
            let header = b.len() >= 54 && &b[..2] == b"BM";
            let size = if header { bmp_size(b) } else { None };
            Info { header, frame_data: header, end_known: true, ended: le32(b, 2).is_some_and(|n| b.len() >= n as usize), size, ..still() }
        }
        Container::Ico => {
            let header = b.len() >= 22 && b[..4] == [0, 0, 1, 0];
            Info { header, frame_data: header, ..still() }
        }
        Container::Avif => avif(b),
    }
}

/// AVIF (ISO BMFF): the header is complete once `ftyp` and a whole `meta` box (the still item's
/// properties) have arrived — and, in a file branded `avis` (an image sequence), a whole `moov`
/// box too, so both tracks are known when the track list is established.
fn avif(b: &[u8]) -> Info {
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

fn still() -> Info {
    Info { repetitions: Some(0), ..Info::default() }
}

fn jpeg(b: &[u8], ck: &mut Checkpoint) -> Info {
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

/// Skip GIF data sub-blocks from `i`: Ok(the index after the terminator), or Err(the start of
/// the first sub-block that has not wholly arrived).
fn gif_sub_blocks(b: &[u8], mut i: usize) -> Result<usize, usize> {
    loop {
        let Some(&n) = b.get(i) else { return Err(i) };
        if n == 0 {
            return Ok(i + 1);
        }
        if i + 1 + n as usize > b.len() {
            return Err(i);
        }
        i += 1 + n as usize;
    }
}

fn gif(b: &[u8], ck: &mut Checkpoint) -> Info {
    if ck.pos == 0 {
        let mut inf = Info { repetitions: Some(0), ..Info::default() };
        if b.len() < 13 || (&b[..6] != b"GIF87a" && &b[..6] != b"GIF89a") {
            return inf;
        }
        inf.header = true;
        inf.size = nonzero(le16(b, 6).unwrap_or(0).into(), le16(b, 8).unwrap_or(0).into());
        let packed = b[10];
        ck.pos = 13 + if packed & 0x80 != 0 { 3 << ((packed & 7) + 1) } else { 0 };
        ck.info = inf;
    }
    let mut inf = ck.info.clone();
    let mut i = ck.pos;
    while let Some(&kind) = b.get(i) {
        match kind {
            0x21 => {
                let Some(&label) = b.get(i + 1) else { break };
                if label == 0xff && b.get(i + 2) == Some(&11) && b.get(i + 3..i + 14) == Some(b"NETSCAPE2.0") && b.get(i + 14) == Some(&3) && b.get(i + 15) == Some(&1) {
                    if let Some(n) = le16(b, i + 16) {
                        // GIF loop count n: n repetitions after the first play; 0 = forever.
                        inf.repetitions = if n == 0 { None } else { Some(n as u32) };
                    }
                }
                match gif_sub_blocks(b, i + 2) {
                    Ok(next) => i = next,
                    Err(_) => break,
                }
            }
            0x2c => {
                inf.partial_frame = true;
                let Some(&p) = b.get(i + 9) else { break };
                if let (Some(w), Some(h)) = (le16(b, i + 5), le16(b, i + 7)) {
                    inf.frame(w.into(), h.into());
                }
                // After the descriptor, its local colour table and the LZW minimum code size; or
                // where the last parse of this frame stopped.
                let data = i + 11 + if p & 0x80 != 0 { 3 << ((p & 7) + 1) } else { 0 };
                match gif_sub_blocks(b, if ck.pos == i { ck.sub.max(data) } else { data }) {
                    Ok(next) => {
                        inf.complete_frames += 1;
                        inf.partial_frame = false;
                        i = next;
                    }
                    Err(at) => {
                        ck.sub = at;
                        break;
                    }
                }
            }
            0x3b => {
                inf.ended = true;
                break;
            }
            _ => break,
        }
        // A whole block parsed: the next parse starts after it.
        ck.pos = i;
        ck.sub = 0;
        ck.info = inf.clone();
    }
    inf.animated = inf.complete_frames > 1 || inf.repetitions != Some(0);
    inf.frame_data = inf.complete_frames > 0 || inf.partial_frame;
    inf
}

fn png(b: &[u8], ck: &mut Checkpoint) -> Info {
    if ck.pos == 0 {
        let inf = Info { repetitions: Some(0), ..Info::default() };
        if b.len() < 8 || b[..8] != [0x89, b'P', b'N', b'G', 13, 10, 26, 10] {
            return inf;
        }
        ck.pos = 8;
        ck.info = Info { end_known: true, ..inf };
    }
    let mut inf = ck.info.clone();
    let mut i = ck.pos;
    let mut fctl = ck.frames;
    let mut declared = ck.declared;
    while let (Some(len), Some(kind)) = (be32(b, i), b.get(i + 4..i + 8)) {
        if kind == b"IDAT" {
            inf.frame_data = true;
        }
        let end = i + 12 + len as usize;
        if end > b.len() {
            break;
        }
        match kind {
            b"IHDR" => {
                inf.header = true;
                inf.size = nonzero(be32(b, i + 8).unwrap_or(0).into(), be32(b, i + 12).unwrap_or(0).into());
            }
            b"acTL" => {
                declared = be32(b, i + 8);
                // APNG num_plays: 0 = forever; n plays = n − 1 repetitions.
                inf.repetitions = match be32(b, i + 12) {
                    Some(0) => None,
                    Some(n) => Some(n - 1),
                    None => Some(0),
                };
            }
            b"fcTL" => {
                // The previous frame is complete once the next one's control chunk has arrived.
                if fctl > 0 {
                    inf.complete_frames = fctl;
                }
                fctl += 1;
                if let (Some(w), Some(h)) = (be32(b, i + 12), be32(b, i + 16)) {
                    inf.frame(w.into(), h.into());
                }
            }
            b"IEND" => {
                inf.ended = true;
                inf.complete_frames = if declared.is_some() { fctl.max(1) } else { 1 };
            }
            _ => {}
        }
        i = end;
        // A whole chunk parsed: the next parse starts after it.
        *ck = Checkpoint { pos: i, info: inf.clone(), frames: fctl, declared, ..Checkpoint::default() };
    }
    inf.animated = declared.is_some_and(|n| n > 1);
    if !inf.animated {
        inf.repetitions = Some(0);
    }
    inf
}

fn webp(b: &[u8], ck: &mut Checkpoint) -> Info {
    if ck.pos == 0 {
        let inf = Info { repetitions: Some(0), ..Info::default() };
        if b.len() < 16 || &b[..4] != b"RIFF" || &b[8..12] != b"WEBP" {
            return inf;
        }
        ck.pos = 12;
        ck.info = Info { end_known: true, ..inf };
    }
    let riff_end = (le32(b, 4).unwrap_or(0) as usize).saturating_add(8);
    let mut inf = ck.info.clone();
    let mut i = ck.pos;
    let mut anmf = ck.frames;
    let mut animated = ck.declared == Some(1);
    while let (Some(kind), Some(len)) = (b.get(i..i + 4), le32(b, i + 4)) {
        let end = i + 8 + len as usize + (len as usize & 1);
        let have = end <= b.len() || (i + 8 + len as usize) <= b.len();
        match kind {
            b"VP8X" => {
                inf.header = true;
                animated = b.get(i + 8).is_some_and(|f| f & 0x02 != 0);
                // Canvas width − 1 and height − 1, 24 bits each, after the flags and 3 reserved bytes.
                if let (Some(w), Some(h)) = (le24(b, i + 12), le24(b, i + 15)) {
                    inf.size = Some((u64::from(w) + 1, u64::from(h) + 1));
                }
            }
            b"VP8 " | b"VP8L" => {
                if inf.size.is_none() {
                    inf.size = webp_bitstream_size(kind, b.get(i + 8..).unwrap_or(&[]));
                }
                inf.header = true;
                inf.frame_data = true;
                if have {
                    inf.complete_frames = 1;
                }
            }
            b"ANIM" if have => {
                let n = le16(b, i + 12).unwrap_or(0);
                // WebP loop count: 0 = forever; n plays = n − 1 repetitions.
                inf.repetitions = if n == 0 { None } else { Some(n as u32 - 1) };
            }
            b"ANMF" => {
                // Frame x/2, y/2, then width − 1 and height − 1, 24 bits each.
                if let (Some(w), Some(h)) = (le24(b, i + 14), le24(b, i + 17)) {
                    inf.frame(u64::from(w) + 1, u64::from(h) + 1);
                }
                if have {
                    anmf += 1;
                }
            }
            _ => {}
        }
        if !have {
            break;
        }
        i = end;
        // A whole chunk parsed (with its pad byte): the next parse starts after it.
        if end <= b.len() {
            *ck = Checkpoint { pos: i, info: inf.clone(), frames: anmf, declared: Some(u32::from(animated)), ..Checkpoint::default() };
        }
    }
    if animated {
        inf.animated = true;
        inf.complete_frames = anmf;
    } else {
        inf.repetitions = Some(0);
    }
    inf.ended = b.len() >= riff_end;
    inf
}

/// The picture size in a VP8 (lossy: after the 3-byte frame tag and the start code, 14-bit
/// width and height) or VP8L (lossless: after the 0x2f signature, 14-bit width − 1 and
/// height − 1) bitstream header.
fn webp_bitstream_size(kind: &[u8], p: &[u8]) -> Option<(u64, u64)> {
    if kind == b"VP8 " {
        if p.get(3..6)? != [0x9d, 0x01, 0x2a] {
            return None;
        }
        nonzero((le16(p, 6)? & 0x3fff).into(), (le16(p, 8)? & 0x3fff).into())
    } else {
        if *p.first()? != 0x2f {
            return None;
        }
        let bits = le32(p, 1)?;
        Some((u64::from(bits & 0x3fff) + 1, u64::from((bits >> 14) & 0x3fff) + 1))
    }
}

/// One frame of an animated WebP: its ANMF chunk's header (WebP container spec, "ANMF Chunk").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnmfFrame {
    /// The frame rectangle on the canvas (the chunk stores x/2, y/2, width − 1, height − 1).
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    pub duration_ms: u32,
    /// Blending method bit 0: alpha-blend onto the canvas (1: overwrite the rectangle).
    pub blend: bool,
    /// Disposal method bit 1: after display, fill the rectangle with the background.
    pub dispose: bool,
    /// Where the frame's bitstream chunks (`ALPH` + `VP8 `, or `VP8L`, with any unknown chunks)
    /// lie in the file.
    pub data: std::ops::Range<usize>,
}

/// The first ANMF chunk whose bytes have all arrived, walking the top-level chunks of a WebP file
/// from the chunk header at offset `pos` (12 for the first): Ok(Some((frame, offset of the chunk
/// after it))), Ok(None) when no whole ANMF chunk follows (yet), Err for an ANMF chunk too short
/// for its own header. Chunks are walked as `Parser` counts them.
pub fn webp_next_anmf(b: &[u8], mut pos: usize) -> Result<Option<(AnmfFrame, usize)>, String> {
    while let (Some(kind), Some(len)) = (b.get(pos..pos + 4), le32(b, pos + 4)) {
        let body = pos + 8;
        let Some(body_end) = body.checked_add(len as usize).filter(|&e| e <= b.len()) else { return Ok(None) };
        let next = body_end + (len as usize & 1);
        if kind == b"ANMF" {
            if len < 16 {
                return Err(format!("an ANMF chunk of {len} bytes is shorter than its 16-byte frame header"));
            }
            let f = |at: usize| le24(b, body + at).unwrap_or(0);
            let flags = b[body + 15];
            let frame = AnmfFrame {
                x: f(0) * 2,
                y: f(3) * 2,
                width: f(6) + 1,
                height: f(9) + 1,
                duration_ms: f(12),
                blend: flags & 0x02 == 0,
                dispose: flags & 0x01 != 0,
                data: body + 16..body_end,
            };
            return Ok(Some((frame, next)));
        }
        pos = next;
    }
    Ok(None)
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
    use super::*;
    fn gif_bytes(frames: usize, loop_count: Option<u16>, trailer: bool) -> Vec<u8> {
        let mut g = b"GIF89a".to_vec();
        g.extend_from_slice(&[2, 0, 2, 0, 0x80, 0, 0]); // 2×2, GCT of 2 entries
        g.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
        if let Some(n) = loop_count {
            g.extend_from_slice(&[0x21, 0xff, 11]);
            g.extend_from_slice(b"NETSCAPE2.0");
            g.extend_from_slice(&[3, 1, n as u8, (n >> 8) as u8, 0]);
        }
        for _ in 0..frames {
            g.extend_from_slice(&[0x21, 0xf9, 4, 0, 10, 0, 0, 0]);
            g.extend_from_slice(&[0x2c, 0, 0, 0, 0, 2, 0, 2, 0, 0, 2, 2, 0x44, 0x01, 0]);
        }
        if trailer {
            g.push(0x3b);
        }
        g
    }
    #[test]
    fn gif_counts_frames_and_loops() {
        let g = gif_bytes(3, Some(0), true);
        assert_eq!(info(Container::Gif, &g), Info { header: true, complete_frames: 3, animated: true, repetitions: None, ended: true, frame_data: true, size: Some((2, 2)), largest_frame: Some((2, 2)), ..Info::default() });
        let partial = &g[..g.len() - 5];
        let i = info(Container::Gif, partial);
        assert_eq!((i.complete_frames, i.ended, i.partial_frame), (2, false, true));
        let once = info(Container::Gif, &gif_bytes(1, None, true));
        assert_eq!((once.animated, once.repetitions), (false, Some(0)));
        assert_eq!(info(Container::Gif, &gif_bytes(2, Some(3), true)).repetitions, Some(3));
        assert!(!info(Container::Gif, b"not a gif").header);
    }
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
    /// Feeding a file in pieces gives, after each piece, what parsing those bytes at once gives.
    fn incremental_matches(c: Container, b: &[u8], step: usize) {
        let mut p = Parser::new(c);
        let mut n = 0;
        while n < b.len() {
            n = (n + step).min(b.len());
            assert_eq!(p.feed(&b[..n]), info(c, &b[..n]), "{c:?} at {n} of {} (step {step})", b.len());
        }
    }
    #[test]
    fn resumable_parse_matches_a_whole_parse() {
        let g = gif_bytes(5, Some(2), true);
        for step in [1, 3, 7, 64] {
            incremental_matches(Container::Gif, &g, step);
        }
        let w = webp_file(&[(b"VP8X", vec![0x02, 0, 0, 0, 1, 0, 0, 1, 0, 0]), (b"ANIM", vec![0; 6]), (b"ANMF", vec![0; 30]), (b"ANMF", vec![0; 31])]);
        for step in [1, 5, 16] {
            incremental_matches(Container::Webp, &w, step);
        }
        let mut png = vec![0x89, b'P', b'N', b'G', 13, 10, 26, 10];
        for (kind, len) in [(&b"IHDR"[..], 13), (b"acTL", 8), (b"fcTL", 26), (b"IDAT", 40), (b"fcTL", 26), (b"fdAT", 30), (b"IEND", 0)] {
            png.extend_from_slice(&(len as u32).to_be_bytes());
            png.extend_from_slice(kind);
            let mut body = vec![0u8; len];
            if kind == b"acTL" {
                body[3] = 2;
            }
            png.extend_from_slice(&body);
            png.extend_from_slice(&[0; 4]);
        }
        for step in [1, 9, 33] {
            incremental_matches(Container::Png, &png, step);
        }
        let j = [0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xda, 0, 2, 1, 2, 0xff, 0, 3, 0xff, 0xd9];
        incremental_matches(Container::Jpeg, &j, 1);
    }
    #[test]
    fn types() {
        assert_eq!(container_for_type("image/png"), Some(Container::Png));
        assert_eq!(container_for_type("image/svg+xml"), None);
    }
    use super::testing::{le24, webp_file};
    #[test]
    fn webp_vp8x_canvas_and_anmf_sizes() {
        // Animated, 40000×40000 canvas (fields hold size − 1), one 16×8 frame at (0, 0).
        let mut vp8x = vec![0x02, 0, 0, 0];
        vp8x.extend_from_slice(&le24(39999));
        vp8x.extend_from_slice(&le24(39999));
        let mut anmf = vec![0; 6];
        anmf.extend_from_slice(&le24(15));
        anmf.extend_from_slice(&le24(7));
        anmf.extend_from_slice(&[100, 0, 0, 0]);
        let f = webp_file(&[(b"VP8X", vp8x.clone()), (b"ANIM", vec![0; 6]), (b"ANMF", anmf)]);
        let i = info(Container::Webp, &f);
        assert!(i.header && i.animated);
        assert_eq!(i.size, Some((40000, 40000)));
        assert_eq!(i.largest_frame, Some((16, 8)));
        // The canvas is known from the VP8X chunk alone (before any frame has arrived).
        assert_eq!(info(Container::Webp, &f[..12 + 8 + 10]).size, Some((40000, 40000)));
        // The largest 24-bit canvas: 2^24 × 2^24, no overflow.
        let mut max = vec![0x02, 0, 0, 0];
        max.extend_from_slice(&[0xff; 6]);
        assert_eq!(info(Container::Webp, &webp_file(&[(b"VP8X", max)])).size, Some((1 << 24, 1 << 24)));
    }
    #[test]
    fn webp_simple_bitstream_sizes() {
        // VP8 (lossy): frame tag, start code, 14-bit width and height (top 2 bits: scale).
        let mut vp8 = vec![0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a];
        vp8.extend_from_slice(&(0xc000u16 | 300).to_le_bytes());
        vp8.extend_from_slice(&200u16.to_le_bytes());
        assert_eq!(info(Container::Webp, &webp_file(&[(b"VP8 ", vp8)])).size, Some((300, 200)));
        // VP8L (lossless): signature 0x2f, then width − 1 and height − 1 in 14 bits each.
        let bits: u32 = 16383 | (16383 << 14);
        let mut vp8l = vec![0x2f];
        vp8l.extend_from_slice(&bits.to_le_bytes());
        assert_eq!(info(Container::Webp, &webp_file(&[(b"VP8L", vp8l)])).size, Some((16384, 16384)));
        // A broken start code: no size claimed.
        let bad = vec![0x10, 0x02, 0x00, 0, 0, 0, 1, 0, 1, 0];
        assert_eq!(info(Container::Webp, &webp_file(&[(b"VP8 ", bad)])).size, None);
    }
    #[test]
    fn header_sizes_of_other_containers() {
        // PNG IHDR 65535×65535.
        let mut p = vec![0x89, b'P', b'N', b'G', 13, 10, 26, 10, 0, 0, 0, 13];
        p.extend_from_slice(b"IHDR");
        p.extend_from_slice(&65535u32.to_be_bytes());
        p.extend_from_slice(&40000u32.to_be_bytes());
        p.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(info(Container::Png, &p).size, Some((65535, 40000)));
        // GIF logical screen.
        let mut g = gif_bytes(1, None, true);
        g[6..10].copy_from_slice(&[0xff, 0xff, 0x40, 0x9c]);
        assert_eq!(info(Container::Gif, &g).size, Some((65535, 40000)));
        // JPEG SOF0 (after an APP0): height then width.
        let j = [0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0x9c, 0x40, 0xff, 0xff, 3, 1, 0x22, 0];
        assert_eq!(info(Container::Jpeg, &j).size, Some((65535, 40000)));
        // JPEG with height 0 (DNL): no size claimed.
        let dnl = [0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 0, 0, 16, 3, 1, 0x22, 0];
        assert_eq!(info(Container::Jpeg, &dnl).size, None);
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

/// Builders of test files, shared by the parsers' tests and the WebP compositor's.
#[cfg(test)]
pub(crate) mod testing {
    /// A RIFF/WEBP file of the given chunks (RIFF size filled in).
    pub(crate) fn webp_file(chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        let mut v = b"RIFF\0\0\0\0WEBP".to_vec();
        for (kind, payload) in chunks {
            v.extend_from_slice(*kind);
            v.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            v.extend_from_slice(payload);
            if payload.len() % 2 == 1 {
                v.push(0);
            }
        }
        let n = (v.len() - 8) as u32;
        v[4..8].copy_from_slice(&n.to_le_bytes());
        v
    }

    /// A 24-bit little-endian field.
    pub(crate) fn le24(n: u32) -> [u8; 3] {
        let b = n.to_le_bytes();
        [b[0], b[1], b[2]]
    }
}
