//! codecs layer (safe): animated WebP, frame by frame — each ANMF frame's bitstream decoded by
//! libwebp (`ffi::webp`), composited onto the canvas here with the WebP container spec's
//! blending and disposal ("Assembling the Canvas from Frames"). Reads the growing file in place:
//! no copy of the encoded bytes, and a frame can be rendered as soon as its chunk has arrived.
//! Every rectangle is checked against the canvas before a pixel is written.
use crate::codecs::media::frame_data::check_size;
use super::info::{webp_next_anmf, AnmfFrame};
use crate::error::{Error, ErrorKind, Result};
use crate::ffi::webp;

/// The canvas of one animated WebP and where its sequential decode is.
pub struct WebpAnim {
    width: u32,
    height: u32,
    /// RGBA, not premultiplied, `width × 4` bytes per row.
    canvas: Vec<u8>,
    /// A frame that is alpha-blended is decoded here first (reused between frames).
    scratch: Vec<u8>,
    /// The top-level chunk where the search for the next ANMF chunk starts.
    pos: usize,
    /// The index of the next frame to render.
    pub next: u32,
    elapsed_ms: u64,
    /// The rectangle of the frame shown last, when its disposal method clears it.
    dispose: Option<(u32, u32, u32, u32)>,
}

/// One rendered frame's place in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    pub start_ms: u64,
    pub duration_ms: u32,
}

fn oom(what: &str, n: usize) -> Error {
    Error::encoding(format!("WebP: out of memory: could not allocate {n} bytes for {what}"))
}

/// Alpha-blend `src` over `dst` (both RGBA, not premultiplied), per the WebP container spec:
/// blend.A = src.A + dst.A × (1 − src.A / 255); blend.RGB = (src.RGB × src.A + dst.RGB × dst.A ×
/// (1 − src.A / 255)) / blend.A, or 0 when blend.A is 0 — each result rounded to the nearest
/// integer, computed exactly in integers (scaled by 255).
#[inline]
fn blend(dst: &mut [u8; 4], src: [u8; 4]) {
    let sa = u32::from(src[3]);
    let da = u32::from(dst[3]);
    // 255 × blend.A: at most 255 × 255.
    let a255 = sa * 255 + da * (255 - sa);
    if a255 == 0 {
        *dst = [0; 4];
        return;
    }
    if sa == 0 {
        return; // dst.A > 0: dst unchanged exactly
    }
    let (ws, wd) = (sa * 255, da * (255 - sa));
    for c in 0..3 {
        // At most 255 × 255 × 255 × 2 < 2^25: no overflow.
        dst[c] = ((u32::from(src[c]) * ws + u32::from(dst[c]) * wd + a255 / 2) / a255) as u8;
    }
    dst[3] = ((a255 + 127) / 255) as u8;
}

/// `blend` over a row: runs of opaque source pixels are copied whole, transparent ones over an
/// opaque canvas skipped (what an encoder's changed-rectangle frames mostly hold).
fn blend_row(dst: &mut [u8], src: &[u8]) {
    let mut i = 0;
    let n = src.len().min(dst.len()) / 4;
    while i < n {
        let a = src[i * 4 + 3];
        if a == 255 {
            let mut j = i + 1;
            while j < n && src[j * 4 + 3] == 255 {
                j += 1;
            }
            dst[i * 4..j * 4].copy_from_slice(&src[i * 4..j * 4]);
            i = j;
        } else {
            let (d, s) = (&mut dst[i * 4..i * 4 + 4], &src[i * 4..i * 4 + 4]);
            if a != 0 || d[3] != 255 {
                let mut px = [d[0], d[1], d[2], d[3]];
                blend(&mut px, [s[0], s[1], s[2], s[3]]);
                d.copy_from_slice(&px);
            }
            i += 1;
        }
    }
}

impl WebpAnim {
    /// A transparent-black canvas of the VP8X size (checked against the frame limits first; the
    /// buffer is allocated fallibly).
    pub fn new(width: u32, height: u32) -> Result<WebpAnim> {
        check_size(ErrorKind::Encoding, "WebP: canvas", width.into(), height.into())?;
        let n = width as usize * height as usize * 4;
        let canvas = crate::ffi::mem::try_zeroed(n).ok_or_else(|| oom("the canvas", n))?;
        Ok(WebpAnim { width, height, canvas, scratch: Vec::new(), pos: 12, next: 0, elapsed_ms: 0, dispose: None })
    }

    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The canvas after the last rendered frame (RGBA rows of `width × 4` bytes).
    pub fn canvas(&self) -> &[u8] {
        &self.canvas
    }

    /// Render the next frame onto the canvas from `b`, the file's bytes so far (the same bytes or
    /// more than the previous call saw).
    pub fn render_next(&mut self, b: &[u8]) -> Result<Timing> {
        let n = self.next;
        let (f, next) = webp_next_anmf(b, self.pos).map_err(|m| Error::encoding(format!("WebP frame {n}: {m}")))?.ok_or_else(|| Error::encoding(format!("WebP frame {n} has not arrived (the data ends before it)")))?;
        let AnmfFrame { x, y, width: w, height: h, .. } = f;
        // The spec: "the frame MUST fit inside the canvas" (checked in u64: x + w cannot wrap).
        if u64::from(x) + u64::from(w) > u64::from(self.width) || u64::from(y) + u64::from(h) > u64::from(self.height) {
            return Err(Error::encoding(format!("WebP frame {n}: its {w}×{h} rectangle at ({x}, {y}) lies outside the {}×{} canvas", self.width, self.height)));
        }
        let data = &b[f.data.clone()];
        match webp::info(data) {
            Some(s) if s == (w, h) => {}
            Some((bw, bh)) => return Err(Error::encoding(format!("WebP frame {n}: the ANMF chunk says {w}×{h} but its bitstream is {bw}×{bh}"))),
            None => return Err(Error::encoding(format!("WebP frame {n}: its bitstream header is broken"))),
        }
        // Disposal of the previous frame: its rectangle becomes transparent black before this frame
        // is rendered. (The spec lets viewers treat the ANIM background colour as a hint; Chrome and
        // libwebp's WebPAnimDecoder use transparent black, as here.)
        if let Some((dx, dy, dw, dh)) = self.dispose.take() {
            self.fill_rect(dx, dy, dw, dh);
        }
        let stride = self.width as usize * 4;
        let at = y as usize * stride + x as usize * 4;
        // A lossy frame without an ALPH chunk is opaque: blending it is overwriting.
        let opaque = data.starts_with(b"VP8 ");
        if !f.blend || opaque {
            // Decoded straight into its rectangle of the canvas (rows `stride` apart).
            if !webp::decode_rgba_into(data, &mut self.canvas[at..], stride) {
                return Err(Error::encoding(format!("WebP frame {n}: its {w}×{h} bitstream could not be decoded")));
            }
        } else {
            let row = w as usize * 4;
            let len = row * h as usize;
            if self.scratch.len() < len {
                self.scratch.clear();
                self.scratch.try_reserve_exact(len).map_err(|_| oom("a frame", len))?;
                self.scratch.resize(len, 0);
            }
            let src = &mut self.scratch[..len];
            if !webp::decode_rgba_into(data, src, row) {
                return Err(Error::encoding(format!("WebP frame {n}: its {w}×{h} bitstream could not be decoded")));
            }
            for (r, s) in src.chunks_exact(row).enumerate() {
                let start = at + r * stride;
                blend_row(&mut self.canvas[start..start + row], s);
            }
        }
        if f.dispose {
            self.dispose = Some((x, y, w, h));
        }
        let t = Timing { start_ms: self.elapsed_ms, duration_ms: f.duration_ms };
        self.elapsed_ms += u64::from(f.duration_ms);
        self.next += 1;
        self.pos = next;
        Ok(t)
    }

    fn fill_rect(&mut self, x: u32, y: u32, w: u32, h: u32) {
        let stride = self.width as usize * 4;
        for r in y as usize..(y + h) as usize {
            let start = r * stride + x as usize * 4;
            self.canvas[start..start + w as usize * 4].fill(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blend_follows_the_spec_formula() {
        let spec = |d: [u8; 4], s: [u8; 4]| -> [u8; 4] {
            let (sa, da) = (s[3] as f64 / 255.0, d[3] as f64 / 255.0);
            let a = sa + da * (1.0 - sa);
            if a == 0.0 {
                return [0; 4];
            }
            let c = |i: usize| ((s[i] as f64 * sa + d[i] as f64 * da * (1.0 - sa)) / a).round() as u8;
            [c(0), c(1), c(2), (a * 255.0).round() as u8]
        };
        let vals = [0u8, 1, 2, 63, 127, 128, 200, 254, 255];
        for &sa in &vals {
            for &da in &vals {
                for &(sc, dc) in &[(0u8, 255u8), (255, 0), (17, 230), (128, 128), (3, 250)] {
                    let (s, mut d) = ([sc, dc, 77, sa], [dc, sc, 200, da]);
                    let d0 = d;
                    let want = spec(d, s);
                    blend(&mut d, s);
                    let mut row = [d0, d0].concat();
                    blend_row(&mut row, &[s, s].concat());
                    assert_eq!(row, [want, want].concat(), "blend_row");
                    if da == 0 && sa == 0 {
                        assert_eq!(d, [0; 4]);
                    }
                    assert_eq!(d, want, "src {s:?} over dst {:?}", [dc, sc, 200, da]);
                }
            }
        }
    }

    use crate::codecs::image::info::testing::{le24, webp_file as file};

    /// The 2×2 opaque red (253, 0, 0) lossless bitstream of ffi::webp's tests, as an ANMF frame at (x, y).
    fn anmf(x: u32, y: u32, flags: u8) -> Vec<u8> {
        const RED_VP8L: &[u8] = &[0x56, 0x50, 0x38, 0x4c, 0x0f, 0x00, 0x00, 0x00, 0x2f, 0x01, 0x40, 0x00, 0x00, 0x07, 0x10, 0xed, 0x8f, 0xfe, 0x07, 0x22, 0xa2, 0xff, 0x01, 0x00];
        let mut v = Vec::new();
        v.extend_from_slice(&le24(x / 2));
        v.extend_from_slice(&le24(y / 2));
        v.extend_from_slice(&le24(1));
        v.extend_from_slice(&le24(1));
        v.extend_from_slice(&le24(40));
        v.push(flags);
        v.extend_from_slice(RED_VP8L);
        v
    }

    fn anim(canvas: (u32, u32), frames: Vec<Vec<u8>>) -> Vec<u8> {
        let mut vp8x = vec![0x12, 0, 0, 0];
        vp8x.extend_from_slice(&le24(canvas.0 - 1));
        vp8x.extend_from_slice(&le24(canvas.1 - 1));
        let mut chunks: Vec<(&[u8; 4], Vec<u8>)> = vec![(b"VP8X", vp8x), (b"ANIM", vec![0xff, 0xff, 0xff, 0xff, 0, 0])];
        chunks.extend(frames.into_iter().map(|f| (b"ANMF", f)));
        file(&chunks)
    }

    fn px(a: &WebpAnim, x: u32, y: u32) -> [u8; 4] {
        let i = (y * a.width + x) as usize * 4;
        a.canvas()[i..i + 4].try_into().unwrap()
    }

    #[test]
    fn frames_are_placed_timed_and_disposed() {
        // Frame 0 at (0, 0), disposed after display; frame 1 at (2, 2), kept.
        let f = anim((4, 4), vec![anmf(0, 0, 0x01), anmf(2, 2, 0)]);
        let mut a = WebpAnim::new(4, 4).unwrap();
        assert_eq!(a.render_next(&f).unwrap(), Timing { start_ms: 0, duration_ms: 40 });
        assert_eq!(px(&a, 1, 1), [253, 0, 0, 255]);
        assert_eq!(px(&a, 2, 2), [0, 0, 0, 0], "the canvas starts transparent black, not the ANIM background");
        assert_eq!(a.render_next(&f).unwrap(), Timing { start_ms: 40, duration_ms: 40 });
        assert_eq!(px(&a, 1, 1), [0, 0, 0, 0], "frame 0's rectangle was disposed");
        assert_eq!(px(&a, 3, 3), [253, 0, 0, 255]);
        let e = a.render_next(&f).unwrap_err();
        assert!(e.message.contains("has not arrived"), "{}", e.message);
        // The same bytes cut inside frame 1: frame 0 renders, frame 1 has not arrived.
        let mut b = WebpAnim::new(4, 4).unwrap();
        let cut = &f[..f.len() - 3];
        b.render_next(cut).unwrap();
        assert!(b.render_next(cut).unwrap_err().message.contains("has not arrived"));
    }

    #[test]
    fn hostile_frames_are_errors() {
        // A frame reaching past the canvas.
        let f = anim((3, 3), vec![anmf(2, 0, 0)]);
        let e = WebpAnim::new(3, 3).unwrap().render_next(&f).unwrap_err();
        assert!(e.message.contains("outside the 3×3 canvas"), "{}", e.message);
        // A frame whose bitstream is not the size its header says.
        let mut bad = anmf(0, 0, 0);
        bad[6..9].copy_from_slice(&le24(2));
        let e = WebpAnim::new(4, 4).unwrap().render_next(&anim((4, 4), vec![bad])).unwrap_err();
        assert!(e.message.contains("says 3×2 but its bitstream is 2×2"), "{}", e.message);
        // A broken bitstream.
        let mut broken = anmf(0, 0, 0);
        for b in &mut broken[24..] {
            *b ^= 0x5a;
        }
        assert!(WebpAnim::new(4, 4).unwrap().render_next(&anim((4, 4), vec![broken])).is_err());
        // Truncated bitstream inside a whole ANMF chunk (its chunk size shrunk to match).
        let mut short = anmf(0, 0, 0);
        short.truncate(16 + 8 + 6);
        assert!(WebpAnim::new(4, 4).unwrap().render_next(&anim((4, 4), vec![short])).is_err());
        // An ANMF chunk shorter than its header.
        let e = WebpAnim::new(4, 4).unwrap().render_next(&anim((4, 4), vec![vec![0; 10]])).unwrap_err();
        assert!(e.message.contains("shorter than its 16-byte frame header"), "{}", e.message);
        // Canvas over the limits: refused before allocating.
        assert!(WebpAnim::new(40000, 40000).is_err());
        assert!(WebpAnim::new(1 << 24, 1 << 24).is_err());
    }

    /// The benchmark behind bench/webp.js (not run by `cargo test`): every frame of each animated
    /// WebP named in NWC_WEBP_BENCH (paths joined by ':') decoded by this compositor over libwebp
    /// and by the pure-Rust image-webp crate (the decoder it replaced), in one process, one thread
    /// each, each canvas copied out once (as into an output frame); the best of NWC_WEBP_ROUNDS
    /// (default 3) alternating rounds. Prints frames/s, ms per frame, libwebp's share, and the
    /// largest per-channel difference between the two outputs.
    #[test]
    #[ignore]
    fn bench_against_image_webp() {
        use std::time::Instant;
        let Ok(list) = std::env::var("NWC_WEBP_BENCH") else { return };
        let rounds: usize = std::env::var("NWC_WEBP_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(3);
        for path in list.split(':').filter(|p| !p.is_empty()) {
            let bytes = std::fs::read(path).expect("bench file");
            let info = crate::codecs::image::info::info(crate::codecs::image::info::Container::Webp, &bytes);
            let (w, h) = info.size.expect("a VP8X canvas");
            let n = info.complete_frames as usize;
            let size = (w * h * 4) as usize;
            let mut ours = vec![vec![0u8; size]; n];
            let mut theirs = vec![vec![0u8; size]; n];
            let mut channels = 4;
            let (mut t_ours, mut t_theirs, mut t_lib) = (f64::MAX, f64::MAX, f64::MAX);
            for _ in 0..rounds {
                let t0 = Instant::now();
                let mut a = WebpAnim::new(w as u32, h as u32).unwrap();
                for out in ours.iter_mut() {
                    a.render_next(&bytes).unwrap();
                    out.copy_from_slice(a.canvas());
                }
                t_ours = t_ours.min(t0.elapsed().as_secs_f64());

                let t0 = Instant::now();
                let mut d = image_webp::WebPDecoder::new(std::io::Cursor::new(&bytes[..])).unwrap();
                channels = if d.has_alpha() { 4 } else { 3 };
                for out in theirs.iter_mut() {
                    d.read_frame(&mut out[..d.output_buffer_size().unwrap()]).unwrap();
                }
                t_theirs = t_theirs.min(t0.elapsed().as_secs_f64());

                // libwebp alone: every frame's bitstream into a scratch buffer, no compositing.
                let mut scratch = vec![0u8; size];
                let t0 = Instant::now();
                let mut pos = 12;
                while let Ok(Some((f, next))) = webp_next_anmf(&bytes, pos) {
                    assert!(webp::decode_rgba_into(&bytes[f.data.clone()], &mut scratch, f.width as usize * 4));
                    pos = next;
                }
                t_lib = t_lib.min(t0.elapsed().as_secs_f64());
            }
            let (mut max_diff, mut differing) = (0u8, 0usize);
            for (o, t) in ours.iter().zip(&theirs) {
                for (o, r) in o.chunks_exact(4).zip(t.chunks_exact(channels)) {
                    let m = (0..channels).map(|c| o[c].abs_diff(r[c])).max().unwrap_or(0);
                    differing += usize::from(m > 0);
                    max_diff = max_diff.max(m);
                }
            }
            let ms = |t: f64| t * 1e3 / n as f64;
            println!(
                "BENCH {}: {w}x{h}, {n} frames, best of {rounds}: libwebp + compositor {:.1} frames/s ({:.1} ms/frame, of which libwebp {:.1}); image-webp {:.1} frames/s ({:.1} ms/frame); speed-up {:.2}x; outputs differ by at most {max_diff} per channel ({differing} of {} pixels)",
                std::path::Path::new(path).file_name().unwrap().to_string_lossy(),
                n as f64 / t_ours,
                ms(t_ours),
                ms(t_lib),
                n as f64 / t_theirs,
                ms(t_theirs),
                t_theirs / t_ours,
                w * h * n as u64
            );
        }
    }
}
