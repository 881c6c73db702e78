# Sourced by the scripts that build inside a Debian root (scripts/bundle/build.sh,
# scripts/compat/system-ffmpeg.sh). `in_root ROOT STEPS` runs `bash -c STEPS` chrooted in ROOT,
# in a private mount namespace (every mount vanishes with the command, even when it fails), with
# /proc mounted and these directories bind-mounted at their own paths: the repository
# ($NWC_REPO), cargo's home, rustup's home, the directory of the `cargo` on PATH, and any in the
# array IN_ROOT_BINDS. The environment is clean but for PATH, HOME, CARGO_HOME, RUSTUP_HOME,
# NWC_REPO and the VAR=value words in the array IN_ROOT_ENV. Needs root.
# Network inside the root is not to be relied on (the root's CA certificates are Debian's, not
# the host's: a registry behind a proxy with its own CA fails there): call `fetch_crates` on the
# host first, and build with `cargo … --offline` inside.
fetch_crates() { # every crate Cargo.lock names for this host, into cargo's cache
  cargo fetch --locked --manifest-path "$NWC_REPO/Cargo.toml" --target "$(rustc -vV | sed -n 's/^host: //p')" >&2
}

in_root() {
  local root=$1 steps=$2 cargo_dir cargo_home=${CARGO_HOME:-$HOME/.cargo} rustup_home=${RUSTUP_HOME:-$HOME/.rustup}
  cargo_dir=$(dirname "$(command -v cargo)")
  local binds=("$NWC_REPO" "$cargo_home" "$rustup_home" "$cargo_dir" ${IN_ROOT_BINDS[@]+"${IN_ROOT_BINDS[@]}"})
  local env=(PATH="$cargo_dir:/usr/bin:/bin" HOME=/root CARGO_HOME="$cargo_home" RUSTUP_HOME="$rustup_home" NWC_REPO="$NWC_REPO"
             CARGO_TERM_COLOR=never ${IN_ROOT_ENV[@]+"${IN_ROOT_ENV[@]}"})
  unshare --mount --propagation private bash -c '
    set -euo pipefail
    root=$1 steps=$2 nenv=$3; shift 3
    env=("${@:1:$nenv}"); shift "$nenv"
    for d in "$@"; do mkdir -p "$root$d"; mount --bind "$d" "$root$d"; done
    mount -t proc proc "$root/proc"
    cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
    chroot "$root" /usr/bin/env -i "${env[@]}" bash -c "$steps"
  ' bash "$root" "$steps" "${#env[@]}" "${env[@]}" "${binds[@]}"
}
