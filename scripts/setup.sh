#!/usr/bin/env bash
# Install what native-webcodecs needs on Debian 12 and build the addon. Idempotent and fast when
# everything is present. Run as root for the apt step, or install the packages it names by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

# libwebp-dev: still and animated WebP frames are decoded by libwebp; libturbojpeg0: still JPEGs
# are decoded by libjpeg-turbo when it is installed (loaded at run time); webp (dwebp) and
# libjpeg-turbo-progs (djpeg): the libraries' own output the pixel tests and the benchmark compare
# with, and jpegtran makes the progressive JPEG test files; libavif-bin: avifenc makes the AVIF test file the way WPT makes
# four-colors.avif; ffmpeg: the CLI the tests compare against. debootstrap: the Debian 11 root the
# self-contained addon is built in (scripts/bundle/build.sh) and the roots the compatibility suite
# runs in. FFmpeg's -dev packages: `cargo test` and NATIVE_WEBCODECS_FFMPEG=system builds link
# the system's FFmpeg 5.1 (the default addon carries its own FFmpeg 7.1).
APT_PACKAGES=(libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev
              pkg-config libclang1-14 libclang-common-14-dev ffmpeg
              libwebp-dev libturbojpeg0 webp libjpeg-turbo-progs libavif-bin debootstrap)

say() { printf '[setup] %s\n' "$*" >&2; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "missing system packages: ${missing[*]}"
    say "install them by hand, then run this again:"
    say "  sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
fi

if ! command -v cargo >/dev/null; then
  say "cargo (Rust) is not installed: install Rust from https://rustup.rs (rustup), then run this again"
  exit 1
fi

# npm packages (the test and demo dependencies); skipped when the lock file is already installed.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
fi

# The addon: the self-contained build (FFmpeg from source, ~20 min the first time on 2 cores; then
# cargo decides what needs relinking, seconds), or NATIVE_WEBCODECS_FFMPEG=system.
bash scripts/build.sh >&2
test -f build/native_webcodecs.node || { say "the addon did not build"; exit 1; }
