#!/usr/bin/env bash
# Builds the sandbox image from Debian packages only (no Docker Hub):
#   mmdebstrap (Debian trixie: Node.js 20, npm, python3, git, C/C++ toolchain) → rootfs tarball → docker import.
# Usage: build.sh [--if-missing] [--print-version]
#   --if-missing     exit at once when the image with the current version label already exists
#   --print-version  print the version label this recipe produces, and exit
# Environment: WAVE_SANDBOX_IMAGE (default wave-runner:latest), WAVE_DEBIAN_MIRROR (default http://deb.debian.org/debian),
#              WAVE_DEBIAN_SECURITY_MIRROR (default http://deb.debian.org/debian-security).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
image="${WAVE_SANDBOX_IMAGE:-wave-runner:latest}"
suite=trixie
mirror="${WAVE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${WAVE_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"

say() { echo "build-image: $*"; }
die() { echo "build-image: $*" >&2; exit 1; }

# The version is a hash of the recipe: this script, the package list, the hook and the two C helpers.
# A recipe change therefore forces a rebuild; an unchanged recipe is never rebuilt by --if-missing.
version="$(cat "$here/build.sh" "$here/packages.txt" "$here/customize.sh" "$here/statx-compat.c" "$here/wave-exec.c" | sha256sum | cut -c1-16)"

if_missing=false
for arg in "$@"; do
  case "$arg" in
    --if-missing) if_missing=true ;;
    --print-version) echo "$version"; exit 0 ;;
    *) die "unknown argument: $arg (usage: build.sh [--if-missing] [--print-version])" ;;
  esac
done

docker info >/dev/null 2>&1 || die "Docker does not answer. Run: npm run setup:docker"

current_version() { docker image inspect --format '{{ index .Config.Labels "wave.image.version" }}' "$image" 2>/dev/null || true; }

if $if_missing && [ "$(current_version)" = "$version" ]; then exit 0; fi

# One build at a time on this host (parallel test runs call --if-missing together).
exec 9>"${TMPDIR:-/tmp}/wave-image-build.lock"
flock 9
if $if_missing; then
  current="$(current_version)"
  [ "$current" = "$version" ] && exit 0
  if [ -n "$current" ]; then say "$image is version $current, the recipe is $version: rebuilding"; fi
fi

if ! command -v mmdebstrap >/dev/null; then
  say "installing mmdebstrap"
  [ "$(id -u)" -eq 0 ] || die "mmdebstrap is missing; install it as root: apt-get install -y mmdebstrap"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null
fi

packages="$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/packages.txt" | tr -s '[:space:]' ',' | sed 's/,$//')"
work="$(mktemp -d "${TMPDIR:-/tmp}/wave-image.XXXXXX")"
trap 'rm -rf "$work"' EXIT

say "building $image (version $version) from Debian $suite; this takes a few minutes"
# SOURCE_DATE_EPOCH pins file times so the same packages give the same tarball.
SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1735689600}" mmdebstrap \
  --quiet \
  --variant=apt \
  --include="$packages" \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --customize-hook="sh '$here/customize.sh' \"\$1\"" \
  "$suite" "$work/rootfs.tar" \
  "deb $mirror $suite main" \
  "deb $mirror $suite-updates main" \
  "deb $security_mirror $suite-security main"

say "importing into Docker"
previous="$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
docker import \
  --change 'USER 1000:1000' \
  --change 'WORKDIR /workspace' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV HOME=/home/wave' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["/bin/bash"]' \
  --change "LABEL wave.image.version=$version" \
  --change "LABEL org.opencontainers.image.source=runner-image/build.sh" \
  "$work/rootfs.tar" "$image" >/dev/null
# The superseded image would only take disk space; Docker keeps it while a container still uses it.
if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect --format '{{.Id}}' "$image")" ]; then
  docker rmi "$previous" >/dev/null 2>&1 || true
fi

say "built $image ($(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'), version $version)"
