# Sourced by scripts that fetch from Debian's archive: `debian_mirror` prints the archive URI this
# machine's apt is configured with (deb822 `URIs:` in /etc/apt/sources.list.d/*.sources, or a `deb`
# line of /etc/apt/sources.list; security and third-party archives skipped), or $NWC_DEBIAN_MIRROR.
debian_mirror() {
  if [ -n "${NWC_DEBIAN_MIRROR:-}" ]; then echo "$NWC_DEBIAN_MIRROR"; return 0; fi
  local uri
  uri="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ {for (i = 2; i <= NF; i++) print $i}' \
    | grep -E '/debian/?$' | grep -v security | head -1)"
  [ -n "$uri" ] || uri="$(awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; break}}' \
    /etc/apt/sources.list 2>/dev/null | grep -E '/debian/?$' | grep -v security | head -1)"
  [ -n "$uri" ] || { echo "no Debian archive in this machine's apt sources: set NWC_DEBIAN_MIRROR" >&2; return 1; }
  echo "${uri%/}"
}
