//! GIF header parsing: the logical screen, the NETSCAPE2.0 loop count, image descriptors (frames
//! and their sizes) and the trailer.

use super::{le16, nonzero, Checkpoint, Info};

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

/// GIF, resuming at `ck` (inside a frame's data sub-blocks if the last parse stopped there).
pub(super) fn parse(b: &[u8], ck: &mut Checkpoint) -> Info {
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

#[cfg(test)]
mod tests {
    use super::super::testing::gif_bytes;
    use super::super::{info, Container, Info};
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
    fn logical_screen_size() {
        // GIF logical screen.
        let mut g = gif_bytes(1, None, true);
        g[6..10].copy_from_slice(&[0xff, 0xff, 0x40, 0x9c]);
        assert_eq!(info(Container::Gif, &g).size, Some((65535, 40000)));
    }
}
