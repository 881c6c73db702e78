#!/usr/bin/env bash
# The source build against a system FFmpeg on another distribution: Debian 13's FFmpeg 7.1 (its
# -dev packages), inside a Debian 13 root made for it (scripts/compat/debian-root.sh
# trixie-build). Builds the addon there with cargo (NATIVE_WEBCODECS_FFMPEG=system's way: dynamic,
# pkg-config), then runs the compatibility smoke suite there with that addon and the root's own
# FFmpeg libraries. Prints the smoke suite's last line; exits non-zero if anything fails.
#   bash scripts/compat/system-ffmpeg.sh            (as root, linux-x64; about 5 min the first time)
# (Debian 12's FFmpeg 5.1 is the host's: `cargo test` and test/package/pack-install.test.js build
# against it.)
set -euo pipefail
cd "$(dirname "$0")/../.."
export NWC_REPO; NWC_REPO=$(pwd)
# shellcheck source=../lib/in-root.sh
source scripts/lib/in-root.sh
[ "$(id -u)" = 0 ] || { echo "$0: needs root (debootstrap, chroot)" >&2; exit 1; }
cache=${NATIVE_WEBCODECS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/native-webcodecs}
bash scripts/compat/debian-root.sh trixie-build >&2
root=$cache/roots/trixie-build
t0=$(date +%s)
fetch_crates
in_root "$root" '
  cd "$NWC_REPO"
  echo "libavcodec $(pkg-config --modversion libavcodec) (Debian $(cat /etc/debian_version))" >&2
  CARGO_TARGET_DIR="$NWC_REPO/target/trixie-system" cargo build --release --lib --locked --offline >&2
  mkdir -p build/trixie-system
  cp target/trixie-system/release/libnative_webcodecs.so build/trixie-system/native_webcodecs.node
  NATIVE_WEBCODECS_ADDON="$NWC_REPO/build/trixie-system/native_webcodecs.node" NATIVE_WEBCODECS_COMPAT_PACKAGE="$NWC_REPO" \
    /opt/node/bin/node --expose-gc test/compat/smoke.cjs | tail -1'
echo "built and tested in $(( $(date +%s) - t0 )) s" >&2
