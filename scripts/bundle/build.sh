#!/usr/bin/env bash
# Builds the self-contained addon: FFmpeg 7.1 and its codec libraries (scripts/ffmpeg-static/
# build.sh) linked statically into the Node-API module, every one of their symbols local to it.
#   bash scripts/bundle/build.sh [OUT]      (default OUT: build/native_webcodecs.node)
# As root with debootstrap (Linux x64), everything is compiled inside a Debian 11 root
# (scripts/compat/debian-root.sh bullseye-build: gcc 10, glibc 2.31), so the module runs on
# glibc 2.31 and newer; the root, the static stack and cargo's target/bundled are cached, so a
# second run only relinks what changed. Elsewhere (NWC_BUNDLE_ON_HOST=1, or not root) the same
# steps run on the host, and the module needs the host's glibc.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
out=${1:-build/native_webcodecs.node}
say() { printf '[bundle] %s\n' "$*" >&2; }
t0=$(date +%s)

cache=${NATIVE_WEBCODECS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/native-webcodecs}
export NWC_FFMPEG_CACHE=${NWC_FFMPEG_CACHE:-$cache/ffmpeg-static}
# The LGPL build (NWC_FFMPEG_LGPL=1) links another prefix: its own cargo target directory.
target=bundled
[ "${NWC_FFMPEG_LGPL:-0}" = 1 ] && target=bundled-lgpl
command -v cargo >/dev/null || { say "cargo (Rust) is not installed: install it with rustup, then run this again"; exit 1; }
# The steps, the same on the host and in the root: the static stack, then the addon against it.
steps='set -euo pipefail
cd "$NWC_REPO"
prefix=$(bash scripts/ffmpeg-static/build.sh)
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig" PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig"
CARGO_TARGET_DIR="$NWC_REPO/target/$NWC_TARGET" cargo build --release --lib --locked $NWC_CARGO_OFFLINE --features static-ffmpeg >&2'

where=host
if [ "$(id -u)" = 0 ] && [ "${NWC_BUNDLE_ON_HOST:-0}" != 1 ] && [ "$(uname -m)" = x86_64 ]; then
  where=debian-11
  bash scripts/compat/debian-root.sh bullseye-build >/dev/null
  root=$cache/roots/bullseye-build
  # Sources are fetched on the host (its apt has the keys of the archive they are checked
  # against); the root sees them, the cache, the repo and the Rust toolchain at the same paths
  # (scripts/lib/in-root.sh).
  bash scripts/ffmpeg-static/build.sh --fetch-only
  mkdir -p "$NWC_FFMPEG_CACHE"
  say "building inside the Debian 11 root $root"
  # shellcheck source=../lib/in-root.sh
  source scripts/lib/in-root.sh
  IN_ROOT_BINDS=("$NWC_FFMPEG_CACHE")
  IN_ROOT_ENV=(NWC_FFMPEG_CACHE="$NWC_FFMPEG_CACHE" NWC_TARGET="$target" NWC_FFMPEG_LGPL="${NWC_FFMPEG_LGPL:-0}" NWC_CARGO_OFFLINE=--offline)
  NWC_REPO=$repo fetch_crates
  NWC_REPO=$repo in_root "$root" "$steps"
else
  say "building on the host: the module will need this machine's glibc ($(ldd --version | sed -n 1p | grep -oE '[0-9.]+$'))"
  NWC_REPO=$repo NWC_TARGET=$target NWC_CARGO_OFFLINE= bash -c "$steps"
fi

mkdir -p "$(dirname "$out")"
cp -f "target/$target/release/libnative_webcodecs.so" "$out.tmp"
strip --strip-unneeded "$out.tmp"
mv -f "$out.tmp" "$out"
# How it was built, for test/package/bundle.test.js (a Debian 11 build must need glibc 2.31 at most).
printf '{ "builtIn": "%s", "unstripped": "%s" }\n' "$where" "$repo/target/$target/release/libnative_webcodecs.so" >"${out%.node}.build.json"
say "$out: $(du -h "$out" | cut -f1) in $(( $(date +%s) - t0 )) s"
