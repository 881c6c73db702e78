//! ffi layer: libwebp's still-image decoder (Debian's libwebp 1.2.4): once per frame of an
//! animated WebP by `codecs::image::webp_anim`, which composites the frames in safe Rust, and for simple
//! (VP8/VP8L-only) still WebP files by `codecs::image::decoder::direct`. Only stateless entry points
//! without versioned structs are bound (`WebPGetInfo`, `WebPDecodeRGBAInto`, `WebPDecodeYUVInto`):
//! no struct layout or ABI version to keep in step, nothing to free.
use std::os::raw::c_int;

// Statically linked FFmpeg brings its own libwebp (through libavcodec's pkg-config libraries).
#[cfg_attr(not(feature = "static-ffmpeg"), link(name = "webp"))]
extern "C" {
    // decode.h: "Retrieve basic header information: width, height. […] Returns false in case of
    // formatting error." Reads at most `data_size` bytes.
    fn WebPGetInfo(data: *const u8, data_size: usize, width: *mut c_int, height: *mut c_int) -> c_int;
    // decode.h: decodes into a caller-owned buffer of `output_buffer_size` bytes with rows
    // `output_stride` bytes apart; "returns NULL if output_buffer_size is too small" (libwebp
    // checks stride ≥ width × 4 and stride × (height − 1) + width × 4 ≤ size before writing) or
    // the bitstream is broken; else `output_buffer`. RGBA, not premultiplied.
    fn WebPDecodeRGBAInto(data: *const u8, data_size: usize, output_buffer: *mut u8, output_buffer_size: usize, output_stride: c_int) -> *mut u8;
    // decode.h: decodes a lossy picture's Y'CbCr 4:2:0 samples as they are (no colour
    // conversion) into three caller-owned planes; returns NULL if a plane is too small (libwebp
    // checks size ≥ stride × (rows − 1) + width per plane, chroma planes (w+1)/2 × (h+1)/2) or
    // the bitstream is broken; else `luma`. Alpha is not decoded.
    #[allow(clippy::too_many_arguments)]
    fn WebPDecodeYUVInto(data: *const u8, data_size: usize, luma: *mut u8, luma_size: usize, luma_stride: c_int, u: *mut u8, u_size: usize, u_stride: c_int, v: *mut u8, v_size: usize, v_stride: c_int) -> *mut u8;
    fn WebPGetDecoderVersion() -> c_int;
}

/// The picture size a WebP bitstream declares — a RIFF file, or the bare chunks of one frame
/// (`ALPH` + `VP8 `, or `VP8L`) — or None when its header is broken.
pub fn info(data: &[u8]) -> Option<(u32, u32)> {
    let (mut w, mut h): (c_int, c_int) = (0, 0);
    // SAFETY: `data` is a live slice of `data.len()` bytes that libwebp only reads; `w` and `h` are valid, writable ints for the duration of the call.
    let ok = unsafe { WebPGetInfo(data.as_ptr(), data.len(), &mut w, &mut h) };
    if ok == 0 || w <= 0 || h <= 0 {
        return None;
    }
    Some((w as u32, h as u32))
}

/// Decode `data` (as for `info`) as RGBA into `out`, rows `stride` bytes apart; the picture's
/// first row starts at `out[0]`. False when the bitstream is broken or does not fit `out`.
pub fn decode_rgba_into(data: &[u8], out: &mut [u8], stride: usize) -> bool {
    let Ok(stride) = c_int::try_from(stride) else { return false };
    // SAFETY: `data` is read only, `out` is exclusively borrowed for `out.len()` bytes and libwebp writes only within them (it checks stride × height fits first, else returns NULL); neither pointer outlives the call.
    let r = unsafe { WebPDecodeRGBAInto(data.as_ptr(), data.len(), out.as_mut_ptr(), out.len(), stride) };
    !r.is_null()
}

/// Decode a lossy `data` (as for `info`; without alpha) as Y'CbCr 4:2:0 into the planes `y`, `u`,
/// `v`, rows `strides[i]` apart. False when the bitstream is broken or a plane is too small.
pub fn decode_yuv_into(data: &[u8], y: &mut [u8], u: &mut [u8], v: &mut [u8], strides: [usize; 3]) -> bool {
    let (Ok(ys), Ok(us), Ok(vs)) = (c_int::try_from(strides[0]), c_int::try_from(strides[1]), c_int::try_from(strides[2])) else { return false };
    // SAFETY: `data` is read only; `y`, `u` and `v` are exclusively borrowed for their lengths and libwebp writes only within them (it checks each plane's stride × (rows − 1) + width fits its size first, else returns NULL); no pointer outlives the call.
    let r = unsafe { WebPDecodeYUVInto(data.as_ptr(), data.len(), y.as_mut_ptr(), y.len(), ys, u.as_mut_ptr(), u.len(), us, v.as_mut_ptr(), v.len(), vs) };
    !r.is_null()
}

/// libwebp's version as (major, minor, revision).
pub fn version() -> (u32, u32, u32) {
    // SAFETY: no arguments, no state: returns a constant.
    let v = unsafe { WebPGetDecoderVersion() } as u32;
    (v >> 16, (v >> 8) & 0xff, v & 0xff)
}

#[cfg(test)]
mod tests {
    /// A 2×2 lossless WebP of opaque red, (253, 0, 0) after lavfi's YUV round trip (`ffmpeg -f lavfi -i color=c=red:s=2x2 -frames:v 1
    /// -pix_fmt bgra -c:v libwebp -lossless 1`).
    const RED_2X2: &[u8] = &[
        0x52, 0x49, 0x46, 0x46, 0x1c, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x4c, 0x0f, 0x00, 0x00, 0x00, 0x2f, 0x01, 0x40, 0x00, 0x00, 0x07, 0x10, 0xed, 0x8f, 0xfe, 0x07, 0x22, 0xa2, 0xff, 0x01, 0x00,
    ];

    #[test]
    fn version_is_1_2_or_later() {
        let (major, minor, _) = super::version();
        assert!((major, minor) >= (1, 2), "libwebp {major}.{minor}");
    }

    #[test]
    fn broken_and_short_inputs_are_refused() {
        assert_eq!(super::info(&[]), None);
        assert_eq!(super::info(b"RIFF\0\0\0\0WEBPVP8 "), None);
        let mut out = [0u8; 16];
        assert!(!super::decode_rgba_into(b"garbage", &mut out, 4));
        // A buffer too small for the picture (stride × (h − 1) + w × 4 = 16): refused.
        assert_eq!(super::info(RED_2X2), Some((2, 2)));
        assert!(!super::decode_rgba_into(RED_2X2, &mut out[..15], 8));
        assert!(!super::decode_rgba_into(RED_2X2, &mut out, 4), "a stride under width × 4");
        // The bare VP8L chunk of a frame decodes as the whole file does.
        assert_eq!(super::info(&RED_2X2[12..]), Some((2, 2)));
        let mut big = [7u8; 24];
        assert!(super::decode_rgba_into(&RED_2X2[12..], &mut big, 12));
        assert_eq!(big, [253, 0, 0, 255, 253, 0, 0, 255, 7, 7, 7, 7, 253, 0, 0, 255, 253, 0, 0, 255, 7, 7, 7, 7], "rows `stride` apart, the gap untouched");
        // YUV: planes too small are refused (the chroma planes of 2×2 are 1×1).
        let (mut y, mut u, mut v) = ([0u8; 4], [0u8; 1], [0u8; 0]);
        assert!(!super::decode_yuv_into(RED_2X2, &mut y, &mut u, &mut v, [2, 1, 1]));
        assert!(!super::decode_yuv_into(b"garbage", &mut y, &mut u, &mut [0u8; 1], [2, 1, 1]));
    }
}
