#!/usr/bin/env bash
# Minimal Debian root filesystems for trying the package on other distributions: `debootstrap
# --variant=minbase` of Debian 11 (bullseye) or 13 (trixie) from this machine's Debian mirror — no FFmpeg, no
# compiler — with a Node.js from the runtime cache (scripts/compat/runtimes.js, fetched from npm)
# copied to /opt/node. Each root is built once and kept in
#   ~/.cache/native-webcodecs/roots/<suite>/        (or $NATIVE_WEBCODECS_CACHE/roots/<suite>/)
# Needs root (debootstrap, chroot) and `apt-get install debootstrap`.
#   bash scripts/compat/debian-root.sh bullseye            build (or reuse) it; print path, size, time
#   bash scripts/compat/debian-root.sh trixie -- [VAR=value…] CMD ARG…
#                                                          run a command inside it (chroot, /proc
#                                                          mounted for the command's duration; a
#                                                          clean environment plus the VAR=value given)
#   NODE_VERSION=18.20.8 bash scripts/compat/debian-root.sh bullseye   copy another pinned Node
#   bash scripts/compat/debian-root.sh bullseye-build     Debian 11 with a C/C++ toolchain, the build
#                                                          tools of scripts/ffmpeg-static/build.sh and
#                                                          libclang (bindgen): where the bundled addon
#                                                          is built, so that it needs glibc 2.31 at most
# Not wired into the compatibility run yet: the addon built on this machine links Debian 12's
# FFmpeg 5.1, which these roots do not have (they are for the self-contained addon).
set -euo pipefail
# shellcheck source=../lib/debian-mirror.sh
source "$(dirname "$0")/../lib/debian-mirror.sh"
cd "$(dirname "$0")/../.."

suite=${1:-}
case "$suite" in
  bullseye | trixie | bullseye-build | trixie-build) ;;
  *) echo "usage: $0 bullseye|trixie|bullseye-build|trixie-build [-- command …]" >&2; exit 2 ;;
esac
shift
[ "$(id -u)" = 0 ] || { echo "$0: debootstrap and chroot need root" >&2; exit 1; }
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null \
  || { echo "$0: apt-get install debootstrap" >&2; exit 1; }

cache=${NATIVE_WEBCODECS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/native-webcodecs}
root=$cache/roots/$suite
node_version=${NODE_VERSION:-$(node -p "require('./scripts/compat/runtimes').RUNTIMES.find((r) => r.name === 'node' && r.version.startsWith('22.')).version")}

if [ ! -e "$root/.complete" ]; then
  start=$(date +%s)
  rm -rf "$root" "$root.partial"
  mkdir -p "$(dirname "$root")"
  # minbase: essential packages and apt only. The keyring of the suite comes with Debian 12's
  # debian-archive-keyring (bullseye and trixie are both in it).
  include=()
  # The build root: gcc 10, glibc 2.31, the tools the static FFmpeg stack needs, libclang 11.
  [ "$suite" = bullseye-build ] && include=(--include=build-essential,nasm,cmake,meson,ninja-build,pkg-config,curl,ca-certificates,libclang1-11,libclang-common-11-dev,python3)
  # Debian 13 with its FFmpeg 7.1's -dev packages: the source build against a system FFmpeg.
  [ "$suite" = trixie-build ] && include=(--include=build-essential,pkg-config,ca-certificates,libclang-dev,libavcodec-dev,libavformat-dev,libavutil-dev,libswscale-dev,libswresample-dev,libwebp-dev)
  debootstrap --variant=minbase "${include[@]}" --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
    "${suite%-build}" "$root.partial" "$(debian_mirror)" >"$root.partial.log" 2>&1 \
    || { tail -20 "$root.partial.log" >&2; exit 1; }
  # debootstrap can leave the root's /proc mounted (seen with --include): never move a mount.
  umount -l "$root.partial/proc" 2>/dev/null || true
  chroot "$root.partial" apt-get clean
  rm -rf "$root.partial"/var/lib/apt/lists/* "$root.partial.log"
  # What a test root must not have: FFmpeg's libraries and a C compiler.
  if [[ "$suite" != *-build ]] && { ls "$root.partial"/usr/lib/*/libavcodec.so* >/dev/null 2>&1 || chroot "$root.partial" sh -c 'command -v cc || command -v gcc' >/dev/null; }; then
    echo "$0: the $suite root has FFmpeg or a compiler" >&2; exit 1
  fi
  mv "$root.partial" "$root"
  echo "$(( $(date +%s) - start ))" >"$root/.build-seconds"
  touch "$root/.complete"
fi

# Node.js from npm (the runtime cache), copied in (the build root needs none).
if [ "$suite" != bullseye-build ] && { [ ! -x "$root/opt/node/bin/node" ] || [ "$("$root/opt/node/bin/node" --version)" != "v$node_version" ]; }; then
  NODE_VERSION=$node_version node -e "
    const { RUNTIMES, install } = require('./scripts/compat/runtimes');
    install(RUNTIMES.find((r) => r.name === 'node' && r.version === process.env.NODE_VERSION));" >/dev/null
  rm -rf "$root/opt/node"
  mkdir -p "$root/opt/node/bin"
  cp "$cache/runtimes/node-$node_version/package/bin/node" "$root/opt/node/bin/node"
fi

if [ "${1:-}" = "--" ]; then
  shift
  mount -t proc proc "$root/proc"
  trap 'umount "$root/proc"' EXIT
  chroot "$root" /usr/bin/env -i PATH=/opt/node/bin:/usr/bin:/bin HOME=/root "$@"
  exit
fi

glibc=$(chroot "$root" /usr/bin/ldd --version 2>/dev/null | sed -n 1p | grep -oE '[0-9]+\.[0-9]+$' || echo unknown)
echo "$root: Debian $(cat "$root/etc/debian_version"), glibc $glibc, $(du -sh --exclude=opt "$root" | cut -f1) without Node.js" \
  "($(du -sh "$root" | cut -f1) with Node.js $node_version), built in $(cat "$root/.build-seconds") s"
