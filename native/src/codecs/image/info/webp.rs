//! WebP (RIFF) header parsing: the VP8X canvas and animation flag, the simple VP8/VP8L picture
//! size, ANIM (loop count) and ANMF frames — counted, and read one by one for the compositor.

use super::{le16, le24, le32, nonzero, Checkpoint, Info};

/// WebP, resuming at `ck` (after the last whole chunk).
pub(super) fn parse(b: &[u8], ck: &mut Checkpoint) -> Info {
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

#[cfg(test)]
mod tests {
    use super::super::testing::{le24, webp_file};
    use super::super::{info, Container};
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
}
