#!/usr/bin/env bash
# Builds our own FFmpeg and the codec libraries it uses as static, position-independent archives
# (issue: a self-contained addon). Sources are the upstream release tarballs of Debian 13
# ("trixie") source packages (`.orig.tar.*`): their SHA-256 is read from Debian's signed Sources
# index (fetched by apt with a private configuration: the system's apt lists are not touched) and
# checked after download. Debian's own patches are not applied: not every mirror serves the
# `.debian.tar.*` of every version, and a build must not depend on the mirror. The result is installed
# into a prefix keyed by a hash of this file (versions and flags), so a second run is a no-op:
#
#   $NWC_FFMPEG_CACHE (default ~/.cache/native-webcodecs/ffmpeg-static)/<hash>/{include,lib,lib/pkgconfig}
#
# Prints the prefix on stdout (everything else goes to stderr). Needs root for the apt step (the
# build tools nasm, cmake, meson, ninja-build, pkg-config, curl), or those installed by hand.
#   --fetch-only   download and unpack the sources, build nothing (scripts/bundle/build.sh runs
#                  this on the host, then the build inside the Debian 11 build root)
#   NWC_FFMPEG_LGPL=1  the LGPL build: no x264, no x265, FFmpeg without --enable-gpl (H.264 and
#                  HEVC encoding unavailable, every decoder kept), in its own prefix (<hash>-lgpl)
# The hash covers this file without its comments, patches/, the licence switch, and the compiler
# and C library it builds with: a build in the Debian 11 root and one on the host are kept apart.
# patches/<name>-*.patch are applied to that library's source before it is built (today one fix
# of FFmpeg 7.1.5's libaomenc: a use-after-free at encoder open, seen under valgrind).
set -euo pipefail
shopt -s inherit_errexit
HERE="$(cd "$(dirname "$0")" && pwd)"
say() { printf '[ffmpeg-static] %s\n' "$*" >&2; }

# name | Debian source package | version (trixie)
#   or: name | crate:<crate that vendors the C sources> | version | SHA-256 of the .crate
PACKAGES=(
  # zlib for FFmpeg's PNG/APNG decoders: zlib-ng 2.3.3 in zlib-compatible mode (its SIMD inflate
  # and adler32 decode a 1080p PNG in 2/3 of plain zlib's time; Debian 13 has no zlib-ng source),
  # from the libz-ng-sys crate, which vendors it; fetched by cargo, checked against this hash.
  "zlib|crate:libz-ng-sys|1.1.33|922f69da893772fd14ea9118138d1111f89830a9753438ddf69987f24600cb63"
  "ogg|libogg|1.3.5-3"
  "vorbis|libvorbis|1.3.7-3"
  "opus|opus|1.5.2-2"
  "lame|lame|3.100-6"
  "x264|x264|2:0.164.3108+git31e19f9-2"
  "x265|x265|4.1-2"
  "vpx|libvpx|1.15.0-2.1+deb13u1"
  "aom|aom|3.12.1-1+deb13u1"
  "dav1d|dav1d|1.5.1-1"
  "webp|libwebp|1.5.0-0.1"
  # libjpeg-turbo's TurboJPEG for still JPEGs (native/src/ffi/jpeg.rs; FFmpeg does not use it).
  "jpeg|libjpeg-turbo|1:2.1.5-4"
  "ffmpeg|ffmpeg|7:7.1.5-0+deb13u1"
)
JOBS="${NWC_FFMPEG_JOBS:-$(nproc)}"
CFLAGS_COMMON="-O2 -fPIC -fvisibility=hidden"
FETCH_ONLY=0
[ "${1:-}" = --fetch-only ] && FETCH_ONLY=1
LGPL="${NWC_FFMPEG_LGPL:-0}"
HASH="$( { grep -v '^\s*#' "$0"; cat "$HERE"/patches/*.patch; gcc -dumpfullversion 2>/dev/null; ldd --version 2>/dev/null | sed -n 1p; } | sha256sum | cut -c1-16)"
[ "$LGPL" = 1 ] && HASH="$HASH-lgpl"
CACHE="${NWC_FFMPEG_CACHE:-$HOME/.cache/native-webcodecs/ffmpeg-static}"
PREFIX="$CACHE/$HASH"
if [ "$FETCH_ONLY" = 0 ] && [ -f "$PREFIX/.complete" ]; then
  say "cached: $PREFIX"
  echo "$PREFIX"
  exit 0
fi

TOOLS=(nasm cmake meson ninja-build pkg-config curl make gcc g++)
[ "$FETCH_ONLY" = 1 ] && TOOLS=(curl)
missing=()
for p in "${TOOLS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if ((${#missing[@]})); then
  [ "$(id -u)" = 0 ] || { say "missing build tools: ${missing[*]} (apt-get install -y ${missing[*]})"; exit 1; }
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

WORK="$CACHE/work-$HASH"
SRC="$CACHE/sources"
mkdir -p "$SRC"
[ "$FETCH_ONLY" = 1 ] || mkdir -p "$WORK" "$PREFIX"
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
export PKG_CONFIG_LIBDIR="$PREFIX/lib/pkgconfig"
export CFLAGS="$CFLAGS_COMMON" CXXFLAGS="$CFLAGS_COMMON"

# --- sources: apt with its own lists under $SRC/apt (deb-src trixie only) ----------------------
APT=(-o "Dir::Etc::SourceList=$SRC/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
     -o "Dir::State::Lists=$SRC/apt/lists" -o "Dir::Cache=$SRC/apt/cache" -o Debug::NoLocking=1)
# shellcheck source=../lib/debian-mirror.sh
source "$HERE/../lib/debian-mirror.sh"
fetch() { # package version → the unpacked upstream source tree, printed
  local pkg="$1" ver="$2" upstream dir meta orig sum
  upstream="${ver#*:}"; upstream="${upstream%-*}"
  dir="$SRC/$pkg-$upstream"
  if [ ! -f "$dir/.unpacked" ]; then
    MIRROR="$(debian_mirror)"
    if [ ! -f "$SRC/apt/updated" ]; then
      mkdir -p "$SRC/apt/lists/partial" "$SRC/apt/cache/archives/partial"
      echo "deb-src $MIRROR trixie main" > "$SRC/apt/sources.list"
      apt-get "${APT[@]}" update -qq >&2
      touch "$SRC/apt/updated"
    fi
    # The Sources stanza of exactly this version: its directory and the orig tarball's SHA-256.
    meta="$(apt-cache "${APT[@]}" showsrc "$pkg" | awk -v v="$ver" '
      /^Package:/ {keep=0} /^Version:/ {keep=($2==v)} keep && /^Directory:/ {print "dir", $2}
      keep && /^Checksums-Sha256:/ {sha=1; next} keep && sha && /^ / {print "sum", $1, $3; next} /^[^ ]/ {sha=0}')"
    orig="$(awk '$1=="sum" && $3 ~ /\.orig\.tar\./ {print $3}' <<<"$meta" | head -1)"
    sum="$(awk -v f="$orig" '$1=="sum" && $3==f {print $2}' <<<"$meta" | head -1)"
    [ -n "$orig" ] && [ -n "$sum" ] || { say "no upstream tarball for $pkg $ver in Debian's Sources index"; return 1; }
    if [ ! -f "$SRC/$orig" ] || ! sha256sum --status -c <<<"$sum  $SRC/$orig"; then
      say "fetching $orig"
      curl -fsS --retry 3 -o "$SRC/$orig.part" "$MIRROR/$(awk '$1=="dir" {print $2}' <<<"$meta" | head -1)/$orig"
      sha256sum --status -c <<<"$sum  $SRC/$orig.part" || { say "$orig: SHA-256 differs from Debian's index"; return 1; }
      mv "$SRC/$orig.part" "$SRC/$orig"
    fi
    rm -rf "$dir"; mkdir -p "$dir"
    tar -xf "$SRC/$orig" -C "$dir" --strip-components=1
    touch "$dir/.unpacked"
  fi
  echo "$dir"
}

fetch_crate() { # crate version sha256 → the unpacked crate, printed
  local crate="$1" ver="$2" sum="$3" dir="$SRC/$1-$2" proj file
  if [ ! -f "$dir/.unpacked" ]; then
    # cargo downloads it from the registry it is configured with, into its own cache.
    proj="$SRC/cargo-fetch-$crate-$ver"; mkdir -p "$proj"
    printf '[package]\nname = "fetch"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n[lib]\npath = "lib.rs"\n[dependencies]\n%s = "=%s"\n' \
      "$crate" "$ver" >"$proj/Cargo.toml"
    : >"$proj/lib.rs"
    say "fetching the $crate $ver crate"
    cargo fetch --manifest-path "$proj/Cargo.toml" >&2
    file="$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$crate-$ver.crate" | head -1)"
    sha256sum --status -c <<<"$sum  $file" || { say "$file: SHA-256 differs from the one pinned here"; return 1; }
    rm -rf "$dir"; mkdir -p "$dir"
    tar -xzf "$file" -C "$dir" --strip-components=1
    touch "$dir/.unpacked"
  fi
  echo "$dir"
}

built() { [ -f "$WORK/$1.done" ]; }
mark() { touch "$WORK/$1.done"; say "$1 done ($(( $(date +%s) - T0 )) s)"; }
T0=$(date +%s)

autotools() { # source-dir extra-configure-args…
  local src="$1"; shift
  (cd "$src" && ./configure --prefix="$PREFIX" --libdir="$PREFIX/lib" --enable-static --disable-shared --with-pic "$@" >&2 \
    && make -j"$JOBS" >&2 && make install >&2)
  (cd "$src" && make distclean >/dev/null 2>&1) || true
}

source_of() { # pkg version sha → the unpacked source tree, printed
  if [[ "$1" = crate:* ]]; then fetch_crate "${1#crate:}" "$2" "$3"; else fetch "$1" "$2"; fi
}

if [ "$FETCH_ONLY" = 1 ]; then
  for entry in "${PACKAGES[@]}"; do IFS='|' read -r name pkg ver sum <<<"$entry"; source_of "$pkg" "$ver" "$sum" >/dev/null; done
  say "sources ready in $SRC"
  exit 0
fi

for entry in "${PACKAGES[@]}"; do
  IFS='|' read -r name pkg ver sum <<<"$entry"
  built "$name" && continue
  [ "$LGPL" = 1 ] && [[ "$name" = x264 || "$name" = x265 ]] && continue
  # A private copy of the unpacked tree: in-tree builds (autotools, x264) must not see objects
  # of an earlier build with another compiler.
  rm -rf "$WORK/src-$name"
  cp -a "$(source_of "$pkg" "$ver" "$sum")" "$WORK/src-$name"
  src="$WORK/src-$name"
  for patch in "$HERE"/patches/"$name"-*.patch; do
    [ -f "$patch" ] && { say "applying $(basename "$patch")"; patch -s -p1 -d "$src" <"$patch" >&2; }
  done
  say "building $name"
  case "$name" in
    zlib) # zlib-ng, zlib-compatible: libz.a, zlib.h and zlib.pc as zlib's own; CPU features at run time.
      b="$WORK/zlib"; rm -rf "$b"
      cmake -S "$src/src/zlib-ng" -B "$b" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib \
        -DZLIB_COMPAT=ON -DBUILD_SHARED_LIBS=OFF -DZLIB_ENABLE_TESTS=OFF -DZLIBNG_ENABLE_TESTS=OFF -DWITH_GTEST=OFF \
        -DCMAKE_POSITION_INDEPENDENT_CODE=ON >&2
      ninja -C "$b" -j"$JOBS" >&2 && ninja -C "$b" install >&2
      rm -rf "$b" ;;
    ogg) autotools "$src" ;;
    vorbis) autotools "$src" --disable-docs --disable-examples --disable-oggtest ;;
    opus) autotools "$src" --disable-doc --disable-extra-programs ;;
    lame) autotools "$src" --disable-frontend --disable-gtktest --disable-decoder ;;
    x264)
      (cd "$src" && ./configure --prefix="$PREFIX" --libdir="$PREFIX/lib" --enable-static --enable-pic --disable-cli \
        --disable-opencl --disable-lavf --disable-swscale --disable-ffms --disable-gpac --disable-lsmash >&2 \
        && make -j"$JOBS" >&2 && make install-lib-static >&2) ;;
    x265)
      # 8-bit with the 10-bit library linked in (HEVC Main and Main 10), one static archive.
      b="$WORK/x265"; rm -rf "$b"; mkdir -p "$b/10" "$b/8"
      cmake -S "$src/source" -B "$b/10" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHIGH_BIT_DEPTH=ON -DEXPORT_C_API=OFF \
        -DENABLE_SHARED=OFF -DENABLE_CLI=OFF -DENABLE_ASSEMBLY=ON -DCMAKE_POSITION_INDEPENDENT_CODE=ON >&2
      ninja -C "$b/10" -j"$JOBS" >&2
      cp "$b/10/libx265.a" "$b/8/libx265_main10.a"
      cmake -S "$src/source" -B "$b/8" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PREFIX" \
        -DLIB_INSTALL_DIR=lib -DENABLE_SHARED=OFF -DENABLE_CLI=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
        -DEXTRA_LIB="x265_main10.a" -DEXTRA_LINK_FLAGS=-L. -DLINKED_10BIT=ON >&2
      ninja -C "$b/8" -j"$JOBS" >&2
      (cd "$b/8" && mv libx265.a libx265_main.a && ar -M >&2 <<'EOF'
CREATE libx265.a
ADDLIB libx265_main.a
ADDLIB libx265_main10.a
SAVE
END
EOF
      )
      ninja -C "$b/8" install >&2
      # Its C++ runtime goes into the addon too: with libstdc++.a next to libx265.a, pkg-config's
      # `-lstdc++` resolves to the static archive (the addon then needs no libstdc++.so of a
      # particular age).
      cp "$(g++ -print-file-name=libstdc++.a)" "$PREFIX/lib/libstdc++.a"
      # libx265 is C++: FFmpeg's configure must link libstdc++ (x265.pc lists it in Libs.private).
      rm -rf "$b" ;;
    vpx)
      b="$WORK/vpx"; rm -rf "$b"; mkdir -p "$b"
      (cd "$b" && "$src/configure" --prefix="$PREFIX" --libdir="$PREFIX/lib" --enable-static --disable-shared --enable-pic \
        --disable-examples --disable-tools --disable-docs --disable-unit-tests --enable-vp9-highbitdepth \
        --enable-vp8 --enable-vp9 >&2 && make -j"$JOBS" >&2 && make install >&2)
      rm -rf "$b" ;;
    aom)
      b="$WORK/aom"; rm -rf "$b"
      cmake -S "$src" -B "$b" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib \
        -DBUILD_SHARED_LIBS=OFF -DENABLE_TESTS=OFF -DENABLE_EXAMPLES=OFF -DENABLE_DOCS=OFF -DENABLE_TOOLS=OFF \
        -DCONFIG_PIC=1 -DCMAKE_POSITION_INDEPENDENT_CODE=ON >&2
      ninja -C "$b" -j"$JOBS" >&2 && ninja -C "$b" install >&2
      rm -rf "$b" ;;
    dav1d)
      b="$WORK/dav1d"; rm -rf "$b"
      meson setup "$b" "$src" --prefix="$PREFIX" --libdir=lib --buildtype=release --default-library=static \
        -Denable_tools=false -Denable_tests=false -Db_staticpic=true >&2
      ninja -C "$b" -j"$JOBS" >&2 && ninja -C "$b" install >&2
      rm -rf "$b" ;;
    webp) autotools "$src" --disable-gl --disable-sdl --disable-png --disable-jpeg --disable-tiff --disable-gif \
        --disable-wic --enable-libwebpdemux ;;
    jpeg) # only the static TurboJPEG library (it contains the libjpeg it needs), SIMD on.
      b="$WORK/jpeg"; rm -rf "$b"
      cmake -S "$src" -B "$b" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib \
        -DENABLE_SHARED=OFF -DENABLE_STATIC=ON -DWITH_TURBOJPEG=ON -DWITH_JAVA=OFF -DWITH_SIMD=ON -DREQUIRE_SIMD=ON \
        -DCMAKE_POSITION_INDEPENDENT_CODE=ON >&2
      ninja -C "$b" -j"$JOBS" turbojpeg-static >&2
      install -m 644 "$b/libturbojpeg.a" "$PREFIX/lib/libturbojpeg.a"
      install -m 644 "$src/turbojpeg.h" "$PREFIX/include/turbojpeg.h"
      rm -rf "$b" ;;
    ffmpeg)
      # GPL (the default): x264 and x265 in. LGPL: neither, and no libstdc++ to link.
      gpl=(--enable-gpl --enable-libx264 --enable-libx265); extra_libs="-lstdc++ -lm -lpthread"
      [ "$LGPL" = 1 ] && { gpl=(); extra_libs="-lm -lpthread"; }
      b="$WORK/ffmpeg"; rm -rf "$b"; mkdir -p "$b"
      (cd "$b" && "$src/configure" --prefix="$PREFIX" --libdir="$PREFIX/lib" --pkg-config-flags=--static \
        --enable-static --disable-shared --enable-pic --disable-programs --disable-doc --disable-network \
        --disable-autodetect "${gpl[@]}" --enable-zlib --enable-libvpx --enable-libaom --enable-libdav1d \
        --enable-libopus --enable-libmp3lame --enable-libvorbis --enable-libwebp \
        --disable-avdevice --disable-avfilter --disable-postproc \
        --extra-cflags="-I$PREFIX/include $CFLAGS_COMMON" --extra-ldflags="-L$PREFIX/lib" \
        --extra-libs="$extra_libs" >&2 \
        && make -j"$JOBS" >&2 && make install >&2)
      rm -rf "$b" ;;
  esac
  rm -rf "$src"
  mark "$name"
done
touch "$PREFIX/.complete"
say "complete in $(( $(date +%s) - T0 )) s: $PREFIX"
echo "$PREFIX"
