#!/usr/bin/env bash
# Build the Rust addon (release) and place it where js/lib/native.js loads it.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --lib
mkdir -p build
src=target/release/libnative_webcodecs.so
[ -f "$src" ] || src=target/release/libnative_webcodecs.dylib
cp -f "$src" build/native_webcodecs.node.tmp
mv -f build/native_webcodecs.node.tmp build/native_webcodecs.node
