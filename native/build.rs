//! Build script: turns ffmpeg-sys-next's version metadata (`DEP_FFMPEG_FFMPEG_<M>_<N>`, set to
//! `true` when the FFmpeg being built against is at least that release) into `cfg(ffmpeg_M_N)`
//! flags, so that `native/src/ffi/` alone can follow API differences between FFmpeg 5.1 (a
//! system build on Debian 12) and the bundled 7.1; and on Linux, links the module -Bsymbolic: its
//! references bind to its own definitions first, so nothing else in the process (Electron's
//! libffmpeg.so, a preloaded library) can stand in for them. (What the module exports at all is
//! rustc's version script for a cdylib: the Node-API entry point and the few `#[no_mangle]`
//! symbols of Rust crates; the static FFmpeg stack's symbols are local. `--exclude-libs,ALL`
//! would also hide Neon's `napi_register_module_v1`, which lives in an rlib.)
//!
//! In the self-contained build (feature `static-ffmpeg`, pkg-config pointed at the static stack's
//! prefix by scripts/bundle/build.sh), it also links that prefix's libturbojpeg.a (libjpeg-turbo,
//! for still JPEGs) and sets `cfg(turbojpeg_linked)`; otherwise native/src/ffi/jpeg.rs loads the
//! system's libturbojpeg.so.0 at run time.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(turbojpeg_linked)");
    println!("cargo::rerun-if-env-changed=PKG_CONFIG_LIBDIR");
    if std::env::var_os("CARGO_FEATURE_STATIC_FFMPEG").is_some() {
        let lib = std::env::var_os("PKG_CONFIG_LIBDIR").map(std::path::PathBuf::from).and_then(|p| p.parent().map(|l| l.to_path_buf()));
        match lib {
            Some(lib) if lib.join("libturbojpeg.a").is_file() => {
                println!("cargo::rustc-link-search=native={}", lib.display());
                println!("cargo::rustc-link-lib=static=turbojpeg");
                println!("cargo::rustc-cfg=turbojpeg_linked");
            }
            _ => println!("cargo::warning=no libturbojpeg.a in the static prefix (PKG_CONFIG_LIBDIR/..): JPEGs will need the system's libturbojpeg.so.0"),
        }
    }
    if std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux") {
        println!("cargo::rustc-cdylib-link-arg=-Wl,-Bsymbolic");
    }
    const VERSIONS: &[&str] = &["5_1", "6_0", "6_1", "7_0", "7_1", "8_0"];
    for v in VERSIONS {
        println!("cargo::rustc-check-cfg=cfg(ffmpeg_{v})");
        if std::env::var(format!("DEP_FFMPEG_FFMPEG_{v}")).is_ok_and(|s| s == "true") {
            println!("cargo::rustc-cfg=ffmpeg_{v}");
        }
    }
}
