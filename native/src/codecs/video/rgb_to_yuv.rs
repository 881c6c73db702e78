//! codecs layer: packed 8-bit RGB (RGBA, RGBX, BGRA, BGRX) → I420 (yuv420p) at the same size, the
//! VideoEncoder's commonest conversion. swscale takes ~3.5 ms for a 1080p frame; this does the
//! same arithmetic as Chrome's libyuv (ARGBToI420): fixed-point integer math, Y per pixel, U and V
//! from the average of each 2×2 block, written as fixed-size chunks so LLVM vectorizes it (SSE2 in
//! the baseline build, AVX2 through `ffi::simd::with_avx2` when the CPU has it). Everything else
//! (other formats, scaling) stays with swscale.
//!
//! Precision: Y coefficients carry 15 fraction bits and U/V 17 (over the 4-pixel sums), so every
//! output is the exactly rounded value of the float formula or one off (the tests check all 2^24
//! colours for Y).
use crate::error::{Error, Result};
use crate::ffi::scale::{Matrix, Planes, PlanesMut};
use crate::ffi::{sys, Frame};

use crate::codecs::tables::pixel_format::PixelFormatInfo;

/// Byte order of a packed pixel: R,G,B,x (RGBA, RGBX) or B,G,R,x (BGRA, BGRX). The 4th byte is ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    Rgbx,
    Bgrx,
}

impl Order {
    pub fn of(format_name: &str) -> Option<Order> {
        match format_name {
            "RGBA" | "RGBX" => Some(Order::Rgbx),
            "BGRA" | "BGRX" => Some(Order::Bgrx),
            _ => None,
        }
    }
}

/// Luma weights (Kr, Kb) of a matrix; Kg = 1 − Kr − Kb.
fn weights(m: Matrix) -> (f64, f64) {
    match m {
        Matrix::Bt601 => (0.299, 0.114),
        Matrix::Bt709 => (0.2126, 0.0722),
        Matrix::Bt2020 => (0.2627, 0.0593),
    }
}

/// The float formula as rows of coefficients on (R, G, B), with the (Y, U/V) scales and offsets:
/// Y = y_off + Σ y·rgb, U = 128 + Σ u·rgb, V = 128 + Σ v·rgb.
fn float_rows(m: Matrix, full_range: bool) -> ([f64; 3], [f64; 3], [f64; 3], f64) {
    let (kr, kb) = weights(m);
    let kg = 1.0 - kr - kb;
    let (sy, sc, y_off) = if full_range { (1.0, 1.0, 0.0) } else { (219.0 / 255.0, 224.0 / 255.0, 16.0) };
    let y = [kr * sy, kg * sy, kb * sy];
    let u = [-kr / (2.0 * (1.0 - kb)) * sc, -kg / (2.0 * (1.0 - kb)) * sc, 0.5 * sc];
    let v = [0.5 * sc, -kg / (2.0 * (1.0 - kr)) * sc, -kb / (2.0 * (1.0 - kr)) * sc];
    (y, u, v, y_off)
}

const Y_BITS: u32 = 15;
/// U/V take the sum of 4 pixels with the Y_BITS coefficients: 2 more bits to shift out.
const C_BITS: u32 = Y_BITS + 2;

/// Fixed-point coefficients in memory byte order: [byte 0, byte 1 (G), byte 2].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Coeffs {
    y: [i32; 3],
    y_add: i32,
    /// The chroma row whose byte-2 weight is positive (U for RGBX, V for BGRX), then the other.
    c: [Chroma; 2],
    /// BGRX: `c` is (V, U).
    swap: bool,
    /// 0x3ff, the width of a 4-pixel sum: a field, not a constant, so that LLVM keeps the mask
    /// (it drops a constant one as redundant, and then no longer sees a 16-bit operand).
    mask: u32,
}

/// One chroma row with non-negative weights only (x86 multiplies non-negative 16-bit values in
/// one instruction, pmaddwd, even in SSE2): a negative weight −w on a sum S is applied as
/// w·(1023 − S) − 1023·w, the 1023·w taken off `add`. The G weight is negative in U and V;
/// of bytes 0 and 2, one weight is positive and the other negative.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Chroma {
    w: [i32; 3],
    add: i32,
}

impl Chroma {
    fn new(signed: [i32; 3]) -> Chroma {
        let neg: i32 = signed.iter().filter(|&&c| c < 0).map(|c| 1023 * c.abs()).sum();
        Chroma { w: signed.map(|c| c.abs()), add: (128 << C_BITS) + (1 << (C_BITS - 1)) - neg }
    }
}

impl Coeffs {
    pub fn new(m: Matrix, full_range: bool, order: Order) -> Coeffs {
        let (y, u, v, y_off) = float_rows(m, full_range);
        // Every weight is below 1 (Y) or at most 0.5 in magnitude (U, V): 15 bits hold it.
        let q = |c: f64| (c * f64::from(1u32 << Y_BITS)).round() as i32;
        // U and V of grey are exactly 128: the G weight is what keeps each row summing to zero.
        let zero_sum = |r: [f64; 3]| {
            let (a, b) = (q(r[0]), q(r[2]));
            [a, -(a + b), b]
        };
        let by_order = |r: [i32; 3]| if order == Order::Rgbx { r } else { [r[2], r[1], r[0]] };
        let (u, v) = (by_order(zero_sum(u)), by_order(zero_sum(v)));
        let swap = order == Order::Bgrx;
        Coeffs {
            y: by_order(y.map(q)),
            y_add: ((y_off as i32) << Y_BITS) + (1 << (Y_BITS - 1)),
            c: if swap { [Chroma::new(v), Chroma::new(u)] } else { [Chroma::new(u), Chroma::new(v)] },
            swap,
            mask: 0x3ff,
        }
    }
}

const LO: u32 = 0x00ff_00ff;
const LO64: u64 = 0x00ff_00ff_00ff_00ff;

#[inline(always)]
fn pixel(s: &[u8; 4]) -> u32 {
    u32::from_le_bytes(*s)
}

// In luma() and chroma() both factors of every product are known to be below 2^15 (the masks
// are no-ops on valid values; they tell LLVM), so each product is one pmaddwd lane.
#[inline(always)]
fn luma(p: u32, k: &Coeffs) -> u8 {
    let w = |i: usize| k.y[i] & 0x7fff;
    let y = (p & 0xff) as i32 * w(0) + ((p >> 8) & 0xff) as i32 * w(1) + ((p >> 16) & 0xff) as i32 * w(2) + k.y_add;
    (y >> Y_BITS).clamp(0, 255) as u8
}

/// `lo` holds the 4-pixel sums of bytes 0 and 2 in its 16-bit halves, `hi` those of bytes 1 and 3.
/// Returns the chroma pair in `k.c` order.
#[inline(always)]
fn chroma(lo: u32, hi: u32, k: &Coeffs) -> (u8, u8) {
    let m = k.mask & 0x3ff;
    let (p0, g, p2) = (lo & m, hi & m, (lo >> 16) & m);
    let (n0, ng, n2) = (p0 ^ 0x3ff, g ^ 0x3ff, p2 ^ 0x3ff);
    let dot = |c: &Chroma, s: [u32; 3]| {
        let x = (0..3).map(|i| s[i] as i32 * (c.w[i] & 0x7fff)).sum::<i32>() + c.add;
        (x >> C_BITS).clamp(0, 255) as u8
    };
    (dot(&k.c[0], [n0, ng, p2]), dot(&k.c[1], [p0, ng, n2]))
}

/// (U, V) of one block's sums (tests).
#[cfg(test)]
fn uv(lo: u32, hi: u32, k: &Coeffs) -> (u8, u8) {
    let (a, b) = chroma(lo, hi, k);
    if k.swap { (b, a) } else { (a, b) }
}

/// Pixels per chunk of the vectorized loops (16 Y, 8 U, 8 V per row pair).
const N: usize = 16;

/// One row of Y from `w` pixels.
#[inline(always)]
fn luma_row(src: &[u8], dst: &mut [u8], k: &Coeffs) {
    let (sc, sr) = src.as_chunks::<{ 4 * N }>();
    let (dc, dr) = dst.as_chunks_mut::<N>();
    for (s, d) in sc.iter().zip(dc.iter_mut()) {
        let (px, _) = s.as_chunks::<4>();
        for (o, p) in d.iter_mut().zip(px) {
            *o = luma(pixel(p), k);
        }
    }
    let (px, _) = sr.as_chunks::<4>();
    for (o, p) in dr.iter_mut().zip(px) {
        *o = luma(pixel(p), k);
    }
}

/// One row of U and V (in `k.c` order) from two rows of `w` pixels (`bot` is `top` again for the last row of an
/// odd height: the average of the available pixels). The last pixel of an odd width pairs with itself.
#[inline(always)]
fn chroma_row(top: &[u8], bot: &[u8], u: &mut [u8], v: &mut [u8], k: &Coeffs) {
    // Two pixels as one u64: bytes 0 and 2 of both in the 16-bit fields of `q & LO64`, bytes 1
    // and 3 in those of `(q >> 8) & LO64`; adding the two 32-bit halves sums the pair.
    let (tp, tr) = top.as_chunks::<8>();
    let (bp, br) = bot.as_chunks::<8>();
    let pairs = tp.len().min(bp.len()).min(u.len()).min(v.len());
    let (u, ur) = u.split_at_mut(pairs);
    let (v, vr) = v.split_at_mut(pairs);
    for (((t, b), u), v) in tp.iter().zip(bp).zip(u.iter_mut()).zip(v.iter_mut()) {
        let (t, b) = (u64::from_le_bytes(*t), u64::from_le_bytes(*b));
        let lo = (t & LO64) + (b & LO64);
        let hi = ((t >> 8) & LO64) + ((b >> 8) & LO64);
        let (lo, hi) = ((lo + (lo >> 32)) as u32, (hi + (hi >> 32)) as u32);
        (*u, *v) = chroma(lo, hi, k);
    }
    // The last pixel of an odd width: the pair is that pixel twice.
    if let (Some(t), Some(b), Some(u), Some(v)) = (tr.as_chunks::<4>().0.first(), br.as_chunks::<4>().0.first(), ur.first_mut(), vr.first_mut()) {
        let (t, b) = (pixel(t), pixel(b));
        let lo = 2 * ((t & LO) + (b & LO));
        let hi = 2 * (((t >> 8) & LO) + ((b >> 8) & LO));
        (*u, *v) = chroma(lo, hi, k);
    }
}

/// Byte range of row `r` of a plane (`len` bytes from r × stride), if the plane holds it.
fn row(plane: &[u8], stride: usize, r: usize, len: usize) -> Option<std::ops::Range<usize>> {
    let start = r.checked_mul(stride)?;
    let end = start.checked_add(len)?;
    (end <= plane.len()).then_some(start..end)
}

fn short(what: &str) -> Error {
    Error::encoding(format!("RGB → I420: the {what} is smaller than its size says"))
}

/// The whole conversion; `#[inline(always)]` so `with_avx2` compiles a copy of it for AVX2.
#[inline(always)]
fn convert_rows(src: &[u8], src_stride: usize, width: usize, height: usize, dst: &mut PlanesMut, k: &Coeffs) -> Result<()> {
    let (cw, ch) = (width.div_ceil(2), height.div_ceil(2));
    let [yp, up, vp, _] = &mut dst.data;
    let [ys, us, vs, _] = dst.stride;
    for cr in 0..ch {
        let (r0, r1) = (2 * cr, (2 * cr + 1).min(height - 1));
        let top = &src[row(src, src_stride, r0, 4 * width).ok_or_else(|| short("source"))?];
        let bot = &src[row(src, src_stride, r1, 4 * width).ok_or_else(|| short("source"))?];
        for (r, px) in [(r0, top), (r1, bot)].into_iter().take(if r1 > r0 { 2 } else { 1 }) {
            let y = row(yp, ys, r, width).ok_or_else(|| short("Y plane"))?;
            luma_row(px, &mut yp[y], k);
        }
        let u = row(up, us, cr, cw).ok_or_else(|| short("U plane"))?;
        let v = row(vp, vs, cr, cw).ok_or_else(|| short("V plane"))?;
        let (u, v) = (&mut up[u], &mut vp[v]);
        if k.swap { chroma_row(top, bot, v, u, k) } else { chroma_row(top, bot, u, v, k) }
    }
    Ok(())
}

/// Convert `width`×`height` packed pixels (rows `src_stride` bytes apart) into the Y, U, V planes
/// of `dst` (data/stride 0, 1, 2). Every buffer is checked to hold its rows first.
pub fn rgb_to_i420(src: &[u8], src_stride: usize, width: u32, height: u32, dst: &mut PlanesMut, k: &Coeffs) -> Result<()> {
    let (w, h) = (width as usize, height as usize);
    if w == 0 || h == 0 {
        return Err(Error::encoding("RGB → I420: empty image"));
    }
    let fits = |len: usize, stride: usize, rows: usize, row_len: usize| {
        (rows == 1 || stride >= row_len) && (rows - 1).checked_mul(stride).and_then(|s| s.checked_add(row_len)).is_some_and(|end| end <= len)
    };
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let row_bytes = w.checked_mul(4).ok_or_else(|| short("source"))?;
    if !fits(src.len(), src_stride, h, row_bytes) {
        return Err(short("source"));
    }
    for (p, (rows, len)) in [(h, w), (ch, cw), (ch, cw)].into_iter().enumerate() {
        if !fits(dst.data[p].len(), dst.stride[p], rows, len) {
            return Err(short(["Y plane", "U plane", "V plane"][p]));
        }
    }
    crate::ffi::simd::with_avx2(
        #[inline(always)]
        || convert_rows(src, src_stride, w, h, dst, k),
    )
}

/// Whether `rgb_to_i420` does prepare()'s job: a packed RGB source at the destination's size,
/// converted to 8-bit I420.
pub fn applies(src: &PixelFormatInfo, dst: sys::AVPixelFormat, src_size: (u32, u32), dst_size: (u32, u32)) -> bool {
    Order::of(src.name).is_some() && dst == sys::AVPixelFormat::AV_PIX_FMT_YUV420P && src_size == dst_size
}

/// Convert `src` (plane 0 of a packed RGB image of `frame`'s size) into the writable I420 `frame`.
pub fn into_frame(src: &Planes, src_format: &PixelFormatInfo, frame: &mut Frame, m: Matrix, full_range: bool) -> Result<()> {
    let order = Order::of(src_format.name).ok_or_else(|| Error::encoding(format!("RGB → I420: {} is not packed RGB", src_format.name)))?;
    let (w, h) = (frame.width(), frame.height());
    if frame.pixel_format() != Some(sys::AVPixelFormat::AV_PIX_FMT_YUV420P) {
        return Err(Error::encoding("RGB → I420: the destination frame is not I420"));
    }
    let mut dst = frame.planes_mut().ok_or_else(|| Error::encoding("pooled frame is not writable"))?;
    rgb_to_i420(src.data[0], src.stride[0], w, h, &mut dst, &Coeffs::new(m, full_range, order))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::scale::{ImageDesc, Scaler, BICUBIC};
    use sys::AVPixelFormat::*;

    const MATRICES: [Matrix; 3] = [Matrix::Bt601, Matrix::Bt709, Matrix::Bt2020];
    const ORDERS: [Order; 2] = [Order::Rgbx, Order::Bgrx];

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u32 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 16) as u32
        }
    }

    /// The float formula on one RGB value: unrounded (Y, U, V).
    fn exact(rgb: [f64; 3], m: Matrix, full: bool) -> [f64; 3] {
        let (y, u, v, y_off) = float_rows(m, full);
        let dot = |c: [f64; 3]| c[0] * rgb[0] + c[1] * rgb[1] + c[2] * rgb[2];
        [y_off + dot(y), 128.0 + dot(u), 128.0 + dot(v)]
    }

    fn rounded(x: f64) -> i32 {
        x.round().clamp(0.0, 255.0) as i32
    }

    fn rgb_of(px: &[u8], order: Order) -> [f64; 3] {
        let (r, b) = if order == Order::Rgbx { (px[0], px[2]) } else { (px[2], px[0]) };
        [r.into(), px[1].into(), b.into()]
    }

    #[test]
    fn luma_of_every_colour_is_within_one() {
        for m in MATRICES {
            for full in [false, true] {
                let k = Coeffs::new(m, full, Order::Rgbx);
                let (mut off, mut worst) = (0u64, 0i32);
                for c in 0u32..1 << 24 {
                    let px = c.to_le_bytes();
                    let want = rounded(exact(rgb_of(&px, Order::Rgbx), m, full)[0]);
                    let d = (i32::from(luma(c, &k)) - want).abs();
                    off += u64::from(d != 0);
                    worst = worst.max(d);
                }
                assert!(worst <= 1, "{m:?} full {full}: Y off by {worst}");
                println!("{m:?} full {full}: Y off by one for {off} of 2^24 colours");
            }
        }
    }

    #[test]
    fn chroma_of_random_block_sums_is_within_one() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for m in MATRICES {
            for full in [false, true] {
                let k = Coeffs::new(m, full, Order::Rgbx);
                for _ in 0..1_000_000 {
                    let s = [rng.next() % 1021, rng.next() % 1021, rng.next() % 1021];
                    let (lo, hi) = (s[0] | (s[2] << 16), s[1]);
                    let e = exact(s.map(|x| f64::from(x) / 4.0), m, full);
                    let (u, v) = uv(lo, hi, &k);
                    assert!((i32::from(u) - rounded(e[1])).abs() <= 1, "{m:?} {full} U {s:?}");
                    assert!((i32::from(v) - rounded(e[2])).abs() <= 1, "{m:?} {full} V {s:?}");
                }
                // Greys are exact: U = V = 128.
                assert_eq!(uv((4 * 77) | ((4 * 77) << 16), 4 * 77, &k), (128, 128));
                assert_eq!(uv((4 * 200) | ((4 * 200) << 16), 4 * 200, &k), (128, 128));
            }
        }
    }

    /// A w×h image with `pad` spare bytes per row: noise, or smooth gradients with a little noise.
    fn image(rng: &mut Rng, w: usize, h: usize, pad: usize, smooth: bool) -> (Vec<u8>, usize) {
        let stride = 4 * w + pad;
        let mut v = vec![0u8; stride * h];
        for y in 0..h {
            for x in 0..w {
                for c in 0..4 {
                    v[y * stride + 4 * x + c] = if smooth {
                        let f = (x as f64 * (0.05 + 0.02 * c as f64)).sin() * (y as f64 * 0.03).cos();
                        (127.5 + 110.0 * f + f64::from(rng.next() % 5) - 2.0) as u8
                    } else {
                        rng.next() as u8
                    };
                }
            }
        }
        (v, stride)
    }

    struct Out {
        y: Vec<u8>,
        u: Vec<u8>,
        v: Vec<u8>,
        ys: usize,
        cs: usize,
    }

    fn ours(src: &[u8], stride: usize, w: usize, h: usize, order: Order, m: Matrix, full: bool) -> Out {
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        let (ys, cs) = (w + 7, cw + 5);
        let mut o = Out { y: vec![0xAA; ys * h], u: vec![0xAA; cs * ch], v: vec![0xAA; cs * ch], ys, cs };
        let mut dst = PlanesMut { data: [&mut o.y, &mut o.u, &mut o.v, &mut []], stride: [ys, cs, cs, 0] };
        rgb_to_i420(src, stride, w as u32, h as u32, &mut dst, &Coeffs::new(m, full, order)).unwrap();
        // Padding is left alone.
        for (p, s, rw, rows) in [(&o.y, ys, w, h), (&o.u, cs, cw, ch), (&o.v, cs, cw, ch)] {
            assert!((0..rows).all(|r| p[r * s + rw..(r + 1) * s].iter().all(|&b| b == 0xAA)), "padding written");
        }
        o
    }

    fn swscale(src: &[u8], stride: usize, w: usize, h: usize, order: Order, m: Matrix, full: bool) -> Out {
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        let (ys, cs) = (w, cw);
        let mut o = Out { y: vec![0; ys * h], u: vec![0; cs * ch], v: vec![0; cs * ch], ys, cs };
        let fmt = if order == Order::Rgbx { AV_PIX_FMT_RGBA } else { AV_PIX_FMT_BGRA };
        let mut s = Scaler::new(ImageDesc { format: fmt, width: w as u32, height: h as u32 }, ImageDesc { format: AV_PIX_FMT_YUV420P, width: w as u32, height: h as u32 }, BICUBIC).unwrap();
        s.set_colorspace(m, true, m, full).unwrap();
        s.scale(&Planes { data: [src, &[], &[], &[]], stride: [stride, 0, 0, 0] }, &mut PlanesMut { data: [&mut o.y, &mut o.u, &mut o.v, &mut []], stride: [ys, cs, cs, 0] }).unwrap();
        o
    }

    #[test]
    fn images_match_the_float_formula() {
        let mut rng = Rng(12345);
        let sizes = [(1, 1), (2, 2), (3, 3), (1, 5), (5, 1), (2, 7), (17, 9), (16, 2), (31, 4), (33, 17), (64, 48), (101, 67)];
        for (i, &(w, h)) in sizes.iter().enumerate() {
            let (src, stride) = image(&mut rng, w, h, [0, 4, 12, 60][i % 4], false);
            for order in ORDERS {
                for m in MATRICES {
                    for full in [false, true] {
                        let o = ours(&src, stride, w, h, order, m, full);
                        let px = |x: usize, y: usize| rgb_of(&src[y * stride + 4 * x..], order);
                        for y in 0..h {
                            for x in 0..w {
                                let want = rounded(exact(px(x, y), m, full)[0]);
                                assert!((i32::from(o.y[y * o.ys + x]) - want).abs() <= 1, "{w}x{h} {order:?} {m:?} {full} Y({x},{y})");
                            }
                        }
                        for cy in 0..h.div_ceil(2) {
                            for cx in 0..w.div_ceil(2) {
                                // The average of the pixels of the 2×2 block that exist.
                                let block: Vec<[f64; 3]> = [(0, 0), (1, 0), (0, 1), (1, 1)].iter().map(|(dx, dy)| (2 * cx + dx, 2 * cy + dy)).filter(|&(x, y)| x < w && y < h).map(|(x, y)| px(x, y)).collect();
                                let n = block.len() as f64;
                                let avg = [0, 1, 2].map(|c| block.iter().map(|p| p[c]).sum::<f64>() / n);
                                let e = exact(avg, m, full);
                                let (u, v) = (o.u[cy * o.cs + cx], o.v[cy * o.cs + cx]);
                                assert!((i32::from(u) - rounded(e[1])).abs() <= 1, "{w}x{h} {order:?} {m:?} {full} U({cx},{cy}) {u} vs {}", e[1]);
                                assert!((i32::from(v) - rounded(e[2])).abs() <= 1, "{w}x{h} {order:?} {m:?} {full} V({cx},{cy}) {v} vs {}", e[2]);
                            }
                        }
                    }
                }
            }
        }
    }

    /// (max, mean) |difference| of each plane.
    fn diff(a: &Out, b: &Out, w: usize, h: usize) -> [(i32, f64); 3] {
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        let plane = |pa: &[u8], sa: usize, pb: &[u8], sb: usize, rw: usize, rows: usize| {
            let (mut max, mut sum) = (0, 0i64);
            for r in 0..rows {
                for x in 0..rw {
                    let d = (i32::from(pa[r * sa + x]) - i32::from(pb[r * sb + x])).abs();
                    max = max.max(d);
                    sum += i64::from(d);
                }
            }
            (max, sum as f64 / (rw * rows) as f64)
        };
        [plane(&a.y, a.ys, &b.y, b.ys, w, h), plane(&a.u, a.cs, &b.u, b.cs, cw, ch), plane(&a.v, a.cs, &b.v, b.cs, cw, ch)]
    }

    #[test]
    fn close_to_swscale() {
        let mut rng = Rng(777);
        for &(w, h) in &[(64, 48), (101, 67), (640, 360)] {
            for smooth in [true, false] {
                let (mut src, stride) = image(&mut rng, w, h, 8, smooth);
                // For an odd width swscale's chroma averages the last pixel with the one after it
                // (in the stride padding); make that a copy so both see the same 2×2 average.
                for r in 0..h {
                    src.copy_within(r * stride + 4 * (w - 1)..r * stride + 4 * w, r * stride + 4 * w);
                }
                for order in ORDERS {
                    for m in MATRICES {
                        for full in [false, true] {
                            let d = diff(&ours(&src, stride, w, h, order, m, full), &swscale(&src, stride, w, h, order, m, full), w, h);
                            println!("{w}x{h} {} {order:?} {m:?} full {full}: |ours − swscale| max/mean Y {} {:.3}  U {} {:.3}  V {} {:.3}", if smooth { "smooth" } else { "noise " }, d[0].0, d[0].1, d[1].0, d[1].1, d[2].0, d[2].1);
                            assert!(d[0].0 <= 1, "Y differs by {}", d[0].0);
                            if smooth {
                                // swscale filters chroma vertically (bicubic), we average 2×2 blocks.
                                assert!(d[1].0 <= 3 && d[2].0 <= 3 && d[1].1 < 1.0 && d[2].1 < 1.0, "chroma {d:?}");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn short_buffers_are_refused() {
        let k = Coeffs::new(Matrix::Bt709, false, Order::Rgbx);
        let src = vec![0u8; 4 * 4 * 3];
        let (mut y, mut u, mut v) = (vec![0u8; 12], vec![0u8; 4], vec![0u8; 4]);
        let mut dst = PlanesMut { data: [&mut y, &mut u, &mut v, &mut []], stride: [4, 2, 2, 0] };
        assert!(rgb_to_i420(&src, 16, 4, 3, &mut dst, &k).is_ok());
        assert!(rgb_to_i420(&src[..47], 16, 4, 3, &mut dst, &k).is_err());
        assert!(rgb_to_i420(&src, 12, 4, 3, &mut dst, &k).is_err());
        assert!(rgb_to_i420(&src, 16, 4, 4, &mut dst, &k).is_err());
        assert!(rgb_to_i420(&src, 16, 5, 3, &mut dst, &k).is_err());
        assert!(rgb_to_i420(&src, 16, 0, 3, &mut dst, &k).is_err());
        let (mut y, mut u, mut v) = (vec![0u8; 12], vec![0u8; 3], vec![0u8; 4]);
        let mut dst = PlanesMut { data: [&mut y, &mut u, &mut v, &mut []], stride: [4, 2, 2, 0] };
        assert!(rgb_to_i420(&src, 16, 4, 3, &mut dst, &k).is_err());
    }

    /// `cargo test --release --lib rgb_to_yuv::tests::bench -- --ignored --nocapture --test-threads=1`
    #[test]
    #[ignore]
    fn bench_1080p() {
        use std::time::Instant;
        let (w, h) = (1920usize, 1080usize);
        let mut rng = Rng(42);
        let (src, stride) = image(&mut rng, w, h, 0, true);
        let k = Coeffs::new(Matrix::Bt709, false, Order::Rgbx);
        let (mut y, mut u, mut v) = (vec![0u8; w * h], vec![0u8; w * h / 4], vec![0u8; w * h / 4]);
        let n = 60;
        let report = |name: &str, f: &mut dyn FnMut()| {
            f();
            let mut best = f64::MAX;
            for _ in 0..3 {
                let t = Instant::now();
                for _ in 0..n {
                    f();
                }
                best = best.min(t.elapsed().as_secs_f64() / n as f64);
            }
            println!("{name:<28} {:.3} ms/frame  {:.3} ns/pixel", best * 1e3, best * 1e9 / (w * h) as f64);
        };
        report("ours (dispatched)", &mut || {
            let mut dst = PlanesMut { data: [&mut y, &mut u, &mut v, &mut []], stride: [w, w / 2, w / 2, 0] };
            rgb_to_i420(&src, stride, w as u32, h as u32, &mut dst, &k).unwrap();
        });
        report("ours (baseline SSE2)", &mut || {
            let mut dst = PlanesMut { data: [&mut y, &mut u, &mut v, &mut []], stride: [w, w / 2, w / 2, 0] };
            convert_rows(&src, stride, w, h, &mut dst, &k).unwrap();
        });
        let mut s = Scaler::new(ImageDesc { format: AV_PIX_FMT_RGBA, width: w as u32, height: h as u32 }, ImageDesc { format: AV_PIX_FMT_YUV420P, width: w as u32, height: h as u32 }, BICUBIC).unwrap();
        s.set_colorspace(Matrix::Bt709, true, Matrix::Bt709, false).unwrap();
        report("swscale (BICUBIC)", &mut || {
            s.scale(&Planes { data: [&src, &[], &[], &[]], stride: [stride, 0, 0, 0] }, &mut PlanesMut { data: [&mut y, &mut u, &mut v, &mut []], stride: [w, w / 2, w / 2, 0] }).unwrap();
        });
    }
}
