//! codecs layer (pure): what an image file says about itself before (or without) decoding —
//! container kind, frame count so far, loop count, EXIF orientation, the picture size the header
//! claims (checked against the frame limits before any decoder sees the bytes) — from possibly
//! partial bytes.
//!
//! One file per container: `avif`, `bmp`, `gif`, `jpeg`, `png`, `webp` (ICO is two lines of
//! `info`). This file holds what they share: the `Info` they fill, the byte readers, and the
//! `Checkpoint` a resumable parse (`Parser`) keeps between calls.

mod avif;
mod bmp;
mod gif;
mod jpeg;
mod png;
mod webp;

pub use avif::{avif_layout, AvifItem, AvifLayout, AvifSequence};
pub use jpeg::{jpeg_has_icc, jpeg_orientation, jpeg_progressive_scans, orientation_to_rotation_flip, JpegScans};
pub use webp::{webp_next_anmf, AnmfFrame};

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
            Container::Gif => gif::parse(b, ck),
            Container::Png => png::parse(b, ck),
            Container::Webp => webp::parse(b, ck),
            Container::Jpeg => jpeg::parse(b, ck),
            c => info(c, b),
        }
    }
}

/// What the bytes say, parsed from the start.
pub fn info(c: Container, b: &[u8]) -> Info {
    match c {
        Container::Gif | Container::Png | Container::Webp | Container::Jpeg => Parser::new(c).feed(b),
        Container::Bmp => bmp::parse(b),
        Container::Ico => {
            let header = b.len() >= 22 && b[..4] == [0, 0, 1, 0];
            Info { header, frame_data: header, ..still() }
        }
        Container::Avif => avif::parse(b),
    }
}

fn still() -> Info {
    Info { repetitions: Some(0), ..Info::default() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::testing::{gif_bytes, webp_file};
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
}

/// Builders of test files, shared by the parsers' tests and the WebP compositor's.
#[cfg(test)]
pub(crate) mod testing {
    /// A GIF of `frames` 2×2 frames, with a NETSCAPE2.0 loop count if given, and the trailer if asked.
    pub(crate) fn gif_bytes(frames: usize, loop_count: Option<u16>, trailer: bool) -> Vec<u8> {
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
