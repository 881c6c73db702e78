//! ffi layer: libwebp's still-image decoder (Debian 12's libwebp 1.2.4 in the system build, 1.5
//! linked statically in the bundle): once per frame of an animated WebP by
//! `codecs::image::webp_anim`, which composites the frames in safe Rust, and for simple
//! (VP8/VP8L-only) still WebP files by `codecs::image::decoder::direct`. Bound: `WebPGetInfo`,
//! and the advanced API's `WebPDecode` (`decode`; the simple API's `WebPDecode*Into` are this
//! call with default options), whose versioned structs are declared here as decode.h lays them
//! out, identically in 1.2.4 and 1.5 (ABI 0x0209 in both), their sizes asserted at compile time.
//! Output goes only into caller-owned memory that libwebp checks against the picture before
//! writing: nothing to free.
use std::os::raw::c_int;

// Statically linked FFmpeg brings its own libwebp (through libavcodec's pkg-config libraries).
#[cfg_attr(not(feature = "static-ffmpeg"), link(name = "webp"))]
extern "C" {
    // decode.h: "Retrieve basic header information: width, height. […] Returns false in case of
    // formatting error." Reads at most `data_size` bytes.
    fn WebPGetInfo(data: *const u8, data_size: usize, width: *mut c_int, height: *mut c_int) -> c_int;
    fn WebPGetDecoderVersion() -> c_int;
    // decode.h, the advanced API: "Initialize the configuration as empty. […] Returns false in
    // case of mismatched version" (the library compares the major byte of the ABI version).
    fn WebPInitDecoderConfigInternal(config: *mut WebPDecoderConfig, version: c_int) -> c_int;
    // decode.h: "decodes the full data at once, taking 'config' into account. Returns decoding
    // status". With `output.is_external_memory` set, libwebp checks the caller's buffer against
    // the picture (buffer_dec.c CheckDecBuffer: every plane's size ≥ stride × (rows − 1) + row
    // bytes, stride ≥ row bytes, pointers non-NULL) and returns VP8_STATUS_INVALID_PARAM before
    // writing when it does not fit.
    fn WebPDecode(data: *const u8, data_size: usize, config: *mut WebPDecoderConfig) -> c_int;
    // decode.h: "Free any memory associated with the buffer. Must always be called last." Frees
    // only what libwebp allocated itself (nothing, with external memory).
    fn WebPFreeDecBuffer(buffer: *mut WebPDecBuffer);
}

/// decode.h's `WEBP_DECODER_ABI_VERSION`: 0x0209 in libwebp 1.2.4 and in 1.5.
const WEBP_DECODER_ABI_VERSION: c_int = 0x0209;
// decode.h's WEBP_CSP_MODE values used here.
const MODE_RGBA: c_int = 1;
const MODE_YUV: c_int = 11;

// decode.h's structs (identical in 1.2.4 and 1.5; sizes asserted below against gcc's layout of
// both headers on x86-64: 40, 120, 76 and 240 bytes).
#[repr(C)]
struct WebPBitstreamFeatures {
    width: c_int,
    height: c_int,
    has_alpha: c_int,
    has_animation: c_int,
    format: c_int,
    pad: [u32; 5],
}

#[repr(C)]
#[derive(Clone, Copy)]
struct WebPRGBABuffer {
    rgba: *mut u8,
    stride: c_int,
    size: usize,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct WebPYUVABuffer {
    y: *mut u8,
    u: *mut u8,
    v: *mut u8,
    a: *mut u8,
    y_stride: c_int,
    u_stride: c_int,
    v_stride: c_int,
    a_stride: c_int,
    y_size: usize,
    u_size: usize,
    v_size: usize,
    a_size: usize,
}

#[repr(C)]
union WebPDecBufferU {
    rgba: WebPRGBABuffer,
    yuva: WebPYUVABuffer,
}

#[repr(C)]
struct WebPDecBuffer {
    colorspace: c_int,
    width: c_int,
    height: c_int,
    is_external_memory: c_int,
    u: WebPDecBufferU,
    pad: [u32; 4],
    private_memory: *mut u8,
}

#[repr(C)]
struct WebPDecoderOptions {
    bypass_filtering: c_int,
    no_fancy_upsampling: c_int,
    use_cropping: c_int,
    crop_left: c_int,
    crop_top: c_int,
    crop_width: c_int,
    crop_height: c_int,
    use_scaling: c_int,
    scaled_width: c_int,
    scaled_height: c_int,
    use_threads: c_int,
    dithering_strength: c_int,
    flip: c_int,
    alpha_dithering_strength: c_int,
    pad: [u32; 5],
}

#[repr(C)]
struct WebPDecoderConfig {
    input: WebPBitstreamFeatures,
    output: WebPDecBuffer,
    options: WebPDecoderOptions,
}

#[cfg(target_pointer_width = "64")]
const _: () = {
    use std::mem::{offset_of, size_of};
    assert!(size_of::<WebPBitstreamFeatures>() == 40);
    assert!(size_of::<WebPDecBuffer>() == 120);
    assert!(offset_of!(WebPDecBuffer, u) == 16 && offset_of!(WebPDecBuffer, private_memory) == 112);
    assert!(size_of::<WebPDecoderOptions>() == 76);
    assert!(offset_of!(WebPDecoderOptions, use_threads) == 40);
    assert!(size_of::<WebPDecoderConfig>() == 240);
    assert!(offset_of!(WebPDecoderConfig, output) == 40 && offset_of!(WebPDecoderConfig, options) == 160);
};

/// Where `decode` puts the picture: caller-owned memory, rows `stride` bytes apart.
pub enum Target<'a> {
    /// A lossy picture's Y'CbCr 4:2:0 samples as they are (no colour conversion; alpha not
    /// decoded) in three planes; chroma planes (w+1)/2 × (h+1)/2.
    Yuv([&'a mut [u8]; 3], [usize; 3]),
    /// RGBA, not premultiplied.
    Rgba(&'a mut [u8], usize),
}

/// Decode `data` (as for `info`) into `target` with libwebp's advanced API; `threads`: its
/// worker thread (`use_threads`: a lossy picture at least 512 wide has its loop filter and
/// output run on a second thread while the next macroblock rows decode; lossless ignores it).
/// The samples are those the simple API gives. Err names libwebp's status when the bitstream is
/// broken, or a plane or stride does not fit the picture (then nothing was written).
pub fn decode(data: &[u8], target: Target<'_>, threads: bool) -> Result<(), &'static str> {
    let too_wide = |s: usize| c_int::try_from(s).map_err(|_| "stride too large");
    // SAFETY: an all-zero WebPDecoderConfig is a valid value (integers, NULL pointers) that WebPInitDecoderConfigInternal overwrites.
    let mut config: WebPDecoderConfig = unsafe { std::mem::zeroed() };
    // SAFETY: `config` is a live, writable WebPDecoderConfig laid out as decode.h's (sizes asserted above); libwebp only memsets it and returns.
    if unsafe { WebPInitDecoderConfigInternal(&mut config, WEBP_DECODER_ABI_VERSION) } == 0 {
        return Err("libwebp's decoder ABI differs from 0x0209");
    }
    config.options.use_threads = c_int::from(threads);
    config.output.is_external_memory = 1;
    match target {
        Target::Yuv([y, u, v], strides) => {
            config.output.colorspace = MODE_YUV;
            config.output.u.yuva = WebPYUVABuffer {
                y: y.as_mut_ptr(),
                u: u.as_mut_ptr(),
                v: v.as_mut_ptr(),
                a: std::ptr::null_mut(),
                y_stride: too_wide(strides[0])?,
                u_stride: too_wide(strides[1])?,
                v_stride: too_wide(strides[2])?,
                a_stride: 0,
                y_size: y.len(),
                u_size: u.len(),
                v_size: v.len(),
                a_size: 0,
            };
        }
        Target::Rgba(out, stride) => {
            config.output.colorspace = MODE_RGBA;
            config.output.u.rgba = WebPRGBABuffer { rgba: out.as_mut_ptr(), stride: too_wide(stride)?, size: out.len() };
        }
    }
    // SAFETY: `data` is read only for `data.len()` bytes; the output pointers in `config` are exclusively borrowed slices of the sizes given beside them, which libwebp checks against the picture (with the strides) before writing and never exceeds; its worker thread, if any, is joined before WebPDecode returns, so no pointer outlives the borrows.
    let status = unsafe { WebPDecode(data.as_ptr(), data.len(), &mut config) };
    // SAFETY: `config.output` was initialised above; with external memory libwebp frees nothing of ours (only `private_memory`, NULL here).
    unsafe { WebPFreeDecBuffer(&mut config.output) };
    match status {
        0 => Ok(()),
        1 => Err("out of memory"),
        2 => Err("invalid parameter (the output does not fit the picture)"),
        3 => Err("bitstream error"),
        4 => Err("unsupported feature"),
        7 => Err("not enough data"),
        _ => Err("decoding failed"),
    }
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

/// Decode `data` (as for `info`) as RGBA into `out`, rows `stride` bytes apart, on the calling
/// thread; the picture's first row starts at `out[0]`. False when the bitstream is broken or does
/// not fit `out`.
pub fn decode_rgba_into(data: &[u8], out: &mut [u8], stride: usize) -> bool {
    decode(data, Target::Rgba(out, stride), false).is_ok()
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
        use super::{decode, Target};
        let (mut y, mut u, mut v) = ([0u8; 4], [0u8; 1], [0u8; 0]);
        assert!(decode(RED_2X2, Target::Yuv([&mut y, &mut u, &mut v], [2, 1, 1]), false).is_err());
        assert!(decode(b"garbage", Target::Yuv([&mut y, &mut u, &mut [0u8; 1]], [2, 1, 1]), false).is_err());
        let (mut y, mut u, mut v) = ([0u8; 600 * 16], [0u8; 300 * 8], [0u8; 300 * 8]);
        assert!(decode(LOSSY_600X16, Target::Yuv([&mut y, &mut u, &mut v], [599, 300, 300]), false).is_err(), "a luma stride under the width");
        assert!(decode(LOSSY_600X16, Target::Yuv([&mut y[1..], &mut u, &mut v], [600, 300, 300]), true).is_err(), "a luma plane one byte short");
        assert!(y.iter().all(|&b| b == 0), "nothing written when refused");
    }

    /// A 600×16 lossy WebP of one colour (`ffmpeg -f lavfi -i color=c=0x3060a0:s=600x16
    /// -frames:v 1 -c:v libwebp -quality 80`); `dwebp -yuv` gives Y 92, U 163, V 102 throughout.
    /// 600 ≥ 512 wide: libwebp's worker thread takes part when asked.
    const LOSSY_600X16: &[u8] = &[
        0x52, 0x49, 0x46, 0x46, 0x56, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x20, 0x4a, 0x00, 0x00, 0x00, 0xf0, 0x04, 0x00, 0x9d, 0x01, 0x2a, 0x58, 0x02, 0x10, 0x00, 0x3e, 0x6d,
        0x36, 0x99, 0x49, 0xa4, 0x23, 0x22, 0xa1, 0x20, 0xe8, 0x00, 0x80, 0x0d, 0x89, 0x69, 0x00, 0x76, 0x00, 0x00, 0x0e, 0xec, 0xaa, 0xf9, 0x7b, 0x8d, 0x3d, 0xe4, 0xdf, 0x4e, 0x9d, 0x3a, 0x74, 0xe9,
        0xd3, 0xa7, 0x4d, 0xf0, 0x00, 0xfe, 0xee, 0xff, 0x9f, 0xff, 0xf8, 0x87, 0x3a, 0x1c, 0xe8, 0x73, 0x31, 0x9f, 0xff, 0x8b, 0x69, 0x1d, 0x0a, 0x4f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    #[test]
    fn lossy_planes_as_dwebp_gives_them_with_and_without_the_worker_thread() {
        use super::{decode, Target};
        assert_eq!(super::info(LOSSY_600X16), Some((600, 16)));
        for threads in [false, true] {
            // Rows 4 bytes wider than the picture: the gaps stay untouched.
            let (mut y, mut u, mut v) = (vec![7u8; 604 * 16], vec![7u8; 304 * 8], vec![7u8; 304 * 8]);
            decode(LOSSY_600X16, Target::Yuv([&mut y, &mut u, &mut v], [604, 304, 304]), threads).expect("decodes");
            for (plane, stride, width, value) in [(&y, 604, 600, 92u8), (&u, 304, 300, 163), (&v, 304, 300, 102)] {
                for row in plane.chunks(stride) {
                    assert!(row[..width].iter().all(|&b| b == value), "threads {threads}: {value} across each row");
                    assert_eq!(row[width..], [7u8; 4], "threads {threads}: the gap untouched");
                }
            }
        }
    }
}
