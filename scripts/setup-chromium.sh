#!/usr/bin/env bash
# Debian's chromium, for the portal's browser tests (test/portal/, driven by playwright-core).
# Installs it when missing (as root, or through sudo); silent when it is already there.
# Environment: WAVE_CHROMIUM (default /usr/bin/chromium), the browser the tests launch.
set -euo pipefail

CHROMIUM=${WAVE_CHROMIUM:-/usr/bin/chromium}
say() { echo "setup-chromium: $*"; }
die() { echo "setup-chromium: $*" >&2; exit 1; }

[ -x "$CHROMIUM" ] && exit 0
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "installing chromium needs root: $*  (run as root, install sudo, or point WAVE_CHROMIUM at a Chromium)"
  fi
}
say "installing chromium (Debian's package) for the portal's browser tests"
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
[ -x "$CHROMIUM" ] || die "chromium was installed but $CHROMIUM is missing; set WAVE_CHROMIUM to its path"
say "chromium ready: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
