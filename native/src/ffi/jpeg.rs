//! ffi layer: libjpeg-turbo's TurboJPEG decompressor (2.1), linked statically into the
//! self-contained addon (scripts/ffmpeg-static/build.sh builds it; native/build.rs sets
//! `cfg(turbojpeg_linked)`), and in a system-FFmpeg build loaded at run time from Debian's
//! libturbojpeg0 (without it JPEGs take the FFmpeg path). It is the still-JPEG
//! path of `codecs::image::decoder::direct`: its SIMD decoder straight to planar YUV (no colour conversion),
//! with DCT-domain scaling when a smaller picture is asked for (then to RGBA with its own
//! upsampling and colour conversion). One `Decompressor` owns one
//! `tjhandle` (freed in Drop) and is reused across the decodes of one ImageDecoder. Every output
//! plane is checked against the size libjpeg-turbo will write before it is handed over.
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_ulong, c_void};
use std::ptr::NonNull;
use std::sync::OnceLock;

#[repr(C)]
#[derive(Clone, Copy)]
struct TjScalingFactor {
    num: c_int,
    denom: c_int,
}

// turbojpeg.h (TurboJPEG 2.x), linked or resolved at run time by `api()`:
//  - tjDecompressHeader3: "Retrieve information about a JPEG image without decompressing it";
//    reads at most `jpegSize` bytes; 0 on success, -1 on error.
//  - tjDecompressToYUVPlanes: decodes into `dstPlanes[i]` (rows `strides[i]` bytes apart),
//    tjPlaneWidth(i) bytes per row for tjPlaneHeight(i) rows of the scaled size the largest factor
//    fitting width×height gives.
//  - tjDecompress2: packed pixels of `pixelFormat` at that scaled size, `height` rows of
//    width × 4 bytes (TJPF_RGBA), `pitch` apart.
type InitFn = unsafe extern "C" fn() -> *mut c_void;
type HeaderFn = unsafe extern "C" fn(*mut c_void, *const u8, c_ulong, *mut c_int, *mut c_int, *mut c_int, *mut c_int) -> c_int;
type YuvFn = unsafe extern "C" fn(*mut c_void, *const u8, c_ulong, *mut *mut u8, c_int, *mut c_int, c_int, c_int) -> c_int;
type PackedFn = unsafe extern "C" fn(*mut c_void, *const u8, c_ulong, *mut u8, c_int, c_int, c_int, c_int, c_int) -> c_int;
type FactorsFn = unsafe extern "C" fn(*mut c_int) -> *const TjScalingFactor;
type PlaneFn = unsafe extern "C" fn(c_int, c_int, c_int) -> c_int;
type ErrStrFn = unsafe extern "C" fn(*mut c_void) -> *const c_char;
type HandleFn = unsafe extern "C" fn(*mut c_void) -> c_int;

/// TurboJPEG's entry points. In the self-contained addon they are linked in (a static, PIC build
/// of libjpeg-turbo). A system build loads the library at run time (`dlopen`) instead: Debian's
/// `libturbojpeg0` is not among FFmpeg's dependencies, so a linked addon would fail to load where
/// only `ffmpeg` is installed, and Debian's static archive is not position-independent. Without
/// it, JPEGs take the FFmpeg path.
struct Api {
    init: InitFn,
    header: HeaderFn,
    to_yuv: YuvFn,
    to_packed: PackedFn,
    factors: FactorsFn,
    plane_width: PlaneFn,
    plane_height: PlaneFn,
    error_str: ErrStrFn,
    error_code: HandleFn,
    destroy: HandleFn,
}

#[cfg(turbojpeg_linked)]
mod linked {
    use super::TjScalingFactor;
    use std::os::raw::{c_char, c_int, c_ulong, c_void};
    // The same turbojpeg.h declarations as the `*Fn` types above, resolved by the static linker.
    extern "C" {
        pub fn tjInitDecompress() -> *mut c_void;
        pub fn tjDecompressHeader3(h: *mut c_void, src: *const u8, size: c_ulong, w: *mut c_int, ht: *mut c_int, samp: *mut c_int, cs: *mut c_int) -> c_int;
        pub fn tjDecompressToYUVPlanes(h: *mut c_void, src: *const u8, size: c_ulong, planes: *mut *mut u8, w: c_int, strides: *mut c_int, ht: c_int, flags: c_int) -> c_int;
        pub fn tjDecompress2(h: *mut c_void, src: *const u8, size: c_ulong, dst: *mut u8, w: c_int, pitch: c_int, ht: c_int, pf: c_int, flags: c_int) -> c_int;
        pub fn tjGetScalingFactors(n: *mut c_int) -> *const TjScalingFactor;
        pub fn tjPlaneWidth(comp: c_int, w: c_int, samp: c_int) -> c_int;
        pub fn tjPlaneHeight(comp: c_int, ht: c_int, samp: c_int) -> c_int;
        pub fn tjGetErrorStr2(h: *mut c_void) -> *const c_char;
        pub fn tjGetErrorCode(h: *mut c_void) -> c_int;
        pub fn tjDestroy(h: *mut c_void) -> c_int;
    }
}

/// The linked library's entry points (the self-contained addon).
#[cfg(turbojpeg_linked)]
fn load() -> Option<Api> {
    use linked::*;
    Some(Api {
        init: tjInitDecompress,
        header: tjDecompressHeader3,
        to_yuv: tjDecompressToYUVPlanes,
        to_packed: tjDecompress2,
        factors: tjGetScalingFactors,
        plane_width: tjPlaneWidth,
        plane_height: tjPlaneHeight,
        error_str: tjGetErrorStr2,
        error_code: tjGetErrorCode,
        destroy: tjDestroy,
    })
}

/// The entry points of Debian's libturbojpeg.so.0, if it is installed (a system build).
#[cfg(not(turbojpeg_linked))]
fn load() -> Option<Api> {
    // SAFETY: a constant NUL-terminated name; dlopen runs the library's initialisers (libjpeg-turbo has none with side effects). The handle is never closed, so the library and the function pointers taken from it stay valid for the life of the process.
    let lib = unsafe { libc::dlopen(c"libturbojpeg.so.0".as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
    if lib.is_null() {
        return None;
    }
    macro_rules! sym {
        ($name:literal, $ty:ty) => {{
            // SAFETY: `lib` is a live handle and the name is NUL-terminated.
            let p = unsafe { libc::dlsym(lib, concat!($name, "\0").as_ptr().cast()) };
            if p.is_null() {
                return None;
            }
            // SAFETY: `p` is the non-null address of TurboJPEG's function of that name (2.x ABI, the version the soname libturbojpeg.so.0 carries), whose C signature `$ty` mirrors from turbojpeg.h.
            unsafe { std::mem::transmute::<*mut c_void, $ty>(p) }
        }};
    }
    Some(Api {
        init: sym!("tjInitDecompress", InitFn),
        header: sym!("tjDecompressHeader3", HeaderFn),
        to_yuv: sym!("tjDecompressToYUVPlanes", YuvFn),
        to_packed: sym!("tjDecompress2", PackedFn),
        factors: sym!("tjGetScalingFactors", FactorsFn),
        plane_width: sym!("tjPlaneWidth", PlaneFn),
        plane_height: sym!("tjPlaneHeight", PlaneFn),
        error_str: sym!("tjGetErrorStr2", ErrStrFn),
        error_code: sym!("tjGetErrorCode", HandleFn),
        destroy: sym!("tjDestroy", HandleFn),
    })
}

/// TurboJPEG, bound once per process; None when (system build) libturbojpeg.so.0 or one of its functions is missing.
fn api() -> Option<&'static Api> {
    static API: OnceLock<Option<Api>> = OnceLock::new();
    API.get_or_init(load).as_ref()
}

/// Where still JPEGs are decoded, for `buildInfo().jpeg`.
pub fn provenance() -> &'static str {
    if cfg!(turbojpeg_linked) {
        "libjpeg-turbo 2.1 (built in)"
    } else if available() {
        "libjpeg-turbo 2.1 (libturbojpeg.so.0)"
    } else {
        "FFmpeg"
    }
}

/// Whether libjpeg-turbo's TurboJPEG library is linked in or could be loaded.
pub fn available() -> bool {
    api().is_some()
}

/// TJFLAG_LIMITSCANS: a progressive JPEG with an unreasonable number of scans is an error (the
/// denial-of-service guard libjpeg-turbo recommends for untrusted input).
const TJFLAG_LIMITSCANS: c_int = 32768;
const TJERR_WARNING: c_int = 0;
const TJPF_RGBA: c_int = 7;

/// Chroma subsampling as TurboJPEG names it (TJSAMP_*): only the three with a VideoPixelFormat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subsampling {
    S444,
    S422,
    S420,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub width: u32,
    pub height: u32,
    /// None: grayscale, 4:4:0, 4:1:1, 4:4:1 or an unusual layout (not planar Y'CbCr 4:4:4/4:2:2/4:2:0).
    pub subsampling: Option<Subsampling>,
    /// TJCS_YCbCr: the samples are Y'CbCr (not RGB, CMYK, YCCK or gray).
    pub ycbcr: bool,
}

/// How a decode went: `Clean`, or `Warning` (libjpeg-turbo recovered from corrupt or truncated
/// data, and the picture may hold grey where data was missing, as browsers show it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Clean,
    Warning,
}

pub struct Decompressor(NonNull<c_void>, &'static Api);

// SAFETY: a tjhandle has no thread affinity; the owner uses it from one thread at a time (&mut self).
unsafe impl Send for Decompressor {}

impl Drop for Decompressor {
    fn drop(&mut self) {
        // SAFETY: the handle came from tjInitDecompress and is destroyed exactly once, here.
        unsafe { (self.1.destroy)(self.0.as_ptr()) };
    }
}

/// The scaling factors libjpeg-turbo's IDCT supports (num/denom: 1/8 … 2/1).
pub fn scaling_factors() -> Vec<(u32, u32)> {
    let Some(api) = api() else { return vec![(1, 1)] };
    let mut n: c_int = 0;
    // SAFETY: `n` is a valid, writable int; the returned array is static in libjpeg-turbo and holds `n` entries (NULL on error).
    let p = unsafe { (api.factors)(&mut n) };
    if p.is_null() || n <= 0 {
        return vec![(1, 1)];
    }
    // SAFETY: `p` points to `n` static, initialised tjscalingfactor entries that are never freed or written.
    let s = unsafe { std::slice::from_raw_parts(p, n as usize) };
    s.iter().filter(|f| f.num > 0 && f.denom > 0).map(|f| (f.num as u32, f.denom as u32)).collect()
}

/// TJSCALED: a dimension at a scaling factor, rounded up.
pub fn scaled(dim: u32, (num, denom): (u32, u32)) -> u32 {
    ((dim as u64 * num as u64).div_ceil(denom as u64)) as u32
}

impl Decompressor {
    pub fn new() -> Result<Decompressor, String> {
        let api = api().ok_or_else(|| "libjpeg-turbo (libturbojpeg.so.0) is not installed".to_string())?;
        // SAFETY: no arguments; returns a new handle or NULL.
        let p = unsafe { (api.init)() };
        NonNull::new(p).map(|p| Decompressor(p, api)).ok_or_else(|| "libjpeg-turbo: could not create a decompressor".to_string())
    }

    fn error(&self) -> String {
        // SAFETY: the handle is live; tjGetErrorStr2 returns a NUL-terminated string owned by the handle (or a static one), read before any other call on it.
        let s = unsafe { (self.1.error_str)(self.0.as_ptr()) };
        if s.is_null() {
            return "libjpeg-turbo: unknown error".into();
        }
        // SAFETY: non-null, NUL-terminated, alive until the next call on the handle; copied out at once.
        format!("libjpeg-turbo: {}", unsafe { CStr::from_ptr(s) }.to_string_lossy())
    }

    pub fn header(&mut self, data: &[u8]) -> Result<Header, String> {
        let size = c_ulong::try_from(data.len()).map_err(|_| "JPEG too large".to_string())?;
        let (mut w, mut h, mut ss, mut cs): (c_int, c_int, c_int, c_int) = (0, 0, -1, -1);
        // SAFETY: the handle is live; `data` is read only for `size` bytes; the four out-pointers are valid, writable ints for the call.
        let r = unsafe { (self.1.header)(self.0.as_ptr(), data.as_ptr(), size, &mut w, &mut h, &mut ss, &mut cs) };
        if r != 0 || w <= 0 || h <= 0 {
            return Err(self.error());
        }
        let subsampling = match ss {
            0 => Some(Subsampling::S444),
            1 => Some(Subsampling::S422),
            2 => Some(Subsampling::S420),
            _ => None,
        };
        Ok(Header { width: w as u32, height: h as u32, subsampling, ycbcr: cs == 1 })
    }

    fn outcome(&self, r: c_int) -> Result<Outcome, String> {
        if r == 0 {
            return Ok(Outcome::Clean);
        }
        // SAFETY: the handle is live.
        if unsafe { (self.1.error_code)(self.0.as_ptr()) } == TJERR_WARNING {
            return Ok(Outcome::Warning);
        }
        Err(self.error())
    }

    /// The picture size at `factor` (one of `scaling_factors()`), as c_ints.
    fn scaled_size(h: &Header, factor: (u32, u32)) -> Result<(c_int, c_int), String> {
        if !scaling_factors().contains(&factor) {
            return Err(format!("libjpeg-turbo: no scaling factor {}/{}", factor.0, factor.1));
        }
        match (c_int::try_from(scaled(h.width, factor)), c_int::try_from(scaled(h.height, factor))) {
            (Ok(w), Ok(ht)) => Ok((w, ht)),
            _ => Err("JPEG too large".into()),
        }
    }

    /// Decode `data` (whose header is `h`) at the scaling factor `factor` as RGBA (libjpeg-turbo's
    /// own upsampling and colour conversion) into `out`, rows `stride` bytes apart. Err when `out`
    /// is too small (nothing is written then) or the data is broken beyond recovery.
    pub fn decode_rgba(&mut self, data: &[u8], h: &Header, factor: (u32, u32), out: &mut [u8], stride: usize) -> Result<Outcome, String> {
        let (w, ht) = Self::scaled_size(h, factor)?;
        let size = c_ulong::try_from(data.len()).map_err(|_| "JPEG too large".to_string())?;
        let row = w as usize * 4;
        let need = stride.checked_mul(ht as usize - 1).and_then(|n| n.checked_add(row));
        if stride < row || need.is_none_or(|n| n > out.len()) {
            return Err(format!("libjpeg-turbo: {w}×{ht} RGBA needs rows of {row} bytes, got {} bytes with stride {stride}", out.len()));
        }
        let pitch = c_int::try_from(stride).map_err(|_| "stride too large".to_string())?;
        // SAFETY: the handle is live; `data` is read only for `size` bytes; `out` is exclusively borrowed and checked above to hold `ht` rows of w × 4 bytes `pitch` apart, which is what libjpeg-turbo writes for the scaled size w×ht (the factor it picks gives exactly that size, as in decode_yuv).
        let r = unsafe { (self.1.to_packed)(self.0.as_ptr(), data.as_ptr(), size, out.as_mut_ptr(), w, pitch, ht, TJPF_RGBA, TJFLAG_LIMITSCANS) };
        self.outcome(r)
    }

    /// Decode `data` (whose header is `h`, with planar Y'CbCr subsampling) at the scaling factor
    /// `factor` (one of `scaling_factors()`) into three planes: plane i gets
    /// tjPlaneHeight(i) rows of tjPlaneWidth(i) bytes, `strides[i]` apart. Err when a plane is too
    /// small for that (nothing is written then) or the data is broken beyond recovery.
    pub fn decode_yuv(&mut self, data: &[u8], h: &Header, factor: (u32, u32), planes: [&mut [u8]; 3], strides: [usize; 3]) -> Result<Outcome, String> {
        let ss = match h.subsampling {
            Some(Subsampling::S444) => 0,
            Some(Subsampling::S422) => 1,
            Some(Subsampling::S420) => 2,
            None => return Err("libjpeg-turbo: not planar Y'CbCr".into()),
        };
        let (w, ht) = Self::scaled_size(h, factor)?;
        let size = c_ulong::try_from(data.len()).map_err(|_| "JPEG too large".to_string())?;
        let mut ptrs = [std::ptr::null_mut::<u8>(); 3];
        let mut cstrides = [0 as c_int; 3];
        for (i, plane) in planes.into_iter().enumerate() {
            // SAFETY: pure arithmetic on plain ints (returns -1 on bad arguments).
            let (pw, ph) = unsafe { ((self.1.plane_width)(i as c_int, w, ss), (self.1.plane_height)(i as c_int, ht, ss)) };
            if pw <= 0 || ph <= 0 {
                return Err("libjpeg-turbo: bad plane geometry".into());
            }
            let (pw, ph) = (pw as usize, ph as usize);
            let need = strides[i].checked_mul(ph - 1).and_then(|n| n.checked_add(pw));
            if strides[i] < pw || need.is_none_or(|n| n > plane.len()) {
                return Err(format!("libjpeg-turbo: plane {i} needs {ph} rows of {pw} bytes, got {} bytes with stride {}", plane.len(), strides[i]));
            }
            cstrides[i] = c_int::try_from(strides[i]).map_err(|_| "stride too large".to_string())?;
            ptrs[i] = plane.as_mut_ptr();
        }
        // SAFETY: the handle is live; `data` is read only for `size` bytes; each `ptrs[i]` is an exclusively borrowed buffer checked above to hold tjPlaneHeight(i) rows of tjPlaneWidth(i) bytes `cstrides[i]` apart for the scaled size w×ht, which is exactly what libjpeg-turbo writes for the factor it picks (the largest whose TJSCALED size fits w×ht: `factor` or one giving the same size); the arrays outlive the call.
        let r = unsafe { (self.1.to_yuv)(self.0.as_ptr(), data.as_ptr(), size, ptrs.as_mut_ptr(), w, cstrides.as_mut_ptr(), ht, TJFLAG_LIMITSCANS) };
        self.outcome(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_factors_include_the_dct_scales() {
        assert!(available(), "libturbojpeg.so.0 (Debian libturbojpeg0) is installed where the tests run");
        let f = scaling_factors();
        for s in [(1, 1), (1, 2), (1, 4), (1, 8)] {
            assert!(f.contains(&s), "{s:?} in {f:?}");
        }
        assert_eq!(scaled(1919, (1, 8)), 240);
        assert_eq!(scaled(1920, (1, 2)), 960);
    }

    #[test]
    fn broken_input_and_small_planes_are_refused() {
        let mut d = Decompressor::new().expect("handle");
        assert!(d.header(&[]).is_err());
        assert!(d.header(b"\xff\xd8\xff\xe0garbage").is_err());
        let h = Header { width: 16, height: 16, subsampling: Some(Subsampling::S420), ycbcr: true };
        let (mut y, mut u, mut v) = (vec![0u8; 16 * 16], vec![0u8; 8 * 8], vec![0u8; 8 * 7]);
        let e = d.decode_yuv(b"\xff\xd8", &h, (1, 1), [&mut y, &mut u, &mut v], [16, 8, 8]).unwrap_err();
        assert!(e.contains("plane 2"), "{e}");
        let e = d.decode_yuv(b"\xff\xd8", &h, (3, 7), [&mut y, &mut u, &mut v], [16, 8, 8]).unwrap_err();
        assert!(e.contains("scaling"), "{e}");
        let mut rgba = vec![0u8; 16 * 16 * 4];
        let e = d.decode_rgba(b"\xff\xd8", &h, (1, 2), &mut rgba[..8 * 8 * 4 - 1], 32).unwrap_err();
        assert!(e.contains("8×8 RGBA"), "{e}");
        let e = d.decode_rgba(b"\xff\xd8", &h, (1, 1), &mut rgba, 60).unwrap_err();
        assert!(e.contains("stride 60"), "{e}");
    }
}
