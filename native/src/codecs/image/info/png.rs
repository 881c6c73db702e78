//! PNG (and APNG) header parsing: IHDR, acTL (frame count, plays), fcTL (frames and their sizes),
//! IDAT and IEND.

use super::{be32, nonzero, Checkpoint, Info};

/// PNG, resuming at `ck` (after the last whole chunk).
pub(super) fn parse(b: &[u8], ck: &mut Checkpoint) -> Info {
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

#[cfg(test)]
mod tests {
    use super::super::{info, Container};
    #[test]
    fn ihdr_size() {
        // PNG IHDR 65535×65535.
        let mut p = vec![0x89, b'P', b'N', b'G', 13, 10, 26, 10, 0, 0, 0, 13];
        p.extend_from_slice(b"IHDR");
        p.extend_from_slice(&65535u32.to_be_bytes());
        p.extend_from_slice(&40000u32.to_be_bytes());
        p.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(info(Container::Png, &p).size, Some((65535, 40000)));
    }
}
