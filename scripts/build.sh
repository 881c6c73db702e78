#!/usr/bin/env bash
# Build the Rust addon (release) and place it where js/lib/native.js loads it: build/native_webcodecs.node.
#   bash scripts/build.sh                            the self-contained addon (scripts/bundle/build.sh:
#                                                    FFmpeg 7.1 built from source and linked in; the first
#                                                    build takes ~20 min on 2 cores, later ones seconds)
#   NATIVE_WEBCODECS_FFMPEG=system bash scripts/build.sh   against the system's FFmpeg (>= 5.1, its -dev
#                                                    packages), dynamically: quick, for development
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
case "${NATIVE_WEBCODECS_FFMPEG:-bundled}" in
  bundled)
    exec bash scripts/bundle/build.sh build/native_webcodecs.node ;;
  system)
    cargo build --release --lib
    rm -f build/native_webcodecs.build.json
    src=target/release/libnative_webcodecs.so
    [ -f "$src" ] || src=target/release/libnative_webcodecs.dylib
    cp -f "$src" build/native_webcodecs.node.tmp
    mv -f build/native_webcodecs.node.tmp build/native_webcodecs.node ;;
  *) echo "NATIVE_WEBCODECS_FFMPEG must be bundled or system" >&2; exit 2 ;;
esac
