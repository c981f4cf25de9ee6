#!/usr/bin/env bash
# Builds the sandbox image from Debian packages only (no Docker Hub):
#   mmdebstrap (Debian trixie: Node.js 20, npm, python3, git, C/C++ toolchain) → rootfs tarball → docker import.
# Usage: build.sh [--variant NAME] [--if-missing] [--print-version]
#   --variant NAME   the base plus the toolchain packages in variants/NAME.txt (go, rust, java, ruby, polyglot),
#                    tagged wave-runner-NAME:latest unless WAVE_SANDBOX_IMAGE says otherwise
#   --if-missing     exit at once when the image with the current version label already exists
#   --print-version  print the version label this recipe produces, and exit
# Environment: WAVE_SANDBOX_IMAGE (default wave-runner:latest, or wave-runner-NAME:latest for a variant), WAVE_DEBIAN_MIRROR (default http://deb.debian.org/debian),
#              WAVE_DEBIAN_SECURITY_MIRROR (default http://deb.debian.org/debian-security).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
suite=trixie
mirror="${WAVE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${WAVE_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"

say() { echo "build-image: $*"; }
die() { echo "build-image: $*" >&2; exit 1; }

usage="usage: build.sh [--variant NAME] [--if-missing] [--print-version]"
if_missing=false
print_version=false
variant=""
while [ $# -gt 0 ]; do
  case "$1" in
    --if-missing) if_missing=true ;;
    --print-version) print_version=true ;;
    --variant) [ $# -ge 2 ] || die "--variant needs a name ($usage)"; variant="$2"; shift ;;
    --variant=*) variant="${1#--variant=}" ;;
    *) die "unknown argument: $1 ($usage)" ;;
  esac
  shift
done

# A variant's packages come on top of the base's; its file is part of its recipe.
variant_files=()
if [ -n "$variant" ]; then
  [ -f "$here/variants/$variant.txt" ] || die "unknown variant $variant; the variants are: $(cd "$here/variants" && ls -- *.txt | sed 's/\.txt$//' | tr '\n' ' ')"
  variant_files=("$here/variants/$variant.txt")
fi
image="${WAVE_SANDBOX_IMAGE:-wave-runner${variant:+-$variant}:latest}"

# The version is a hash of the recipe: this script, the package list, the hook and the two C helpers
# (and a variant's package list). A recipe change therefore forces a rebuild; an unchanged recipe
# is never rebuilt by --if-missing.
version="$(cat "$here/build.sh" "$here/packages.txt" "$here/customize.sh" "$here/statx-compat.c" "$here/wave-exec.c" "${variant_files[@]}" | sha256sum | cut -c1-16)"
if $print_version; then echo "$version"; exit 0; fi

docker info >/dev/null 2>&1 || die "Docker does not answer. Run: npm run setup:docker"

current_version() { docker image inspect --format '{{ index .Config.Labels "wave.image.version" }}' "$image" 2>/dev/null || true; }

if $if_missing && [ "$(current_version)" = "$version" ]; then exit 0; fi

# One build of each image at a time on this host (parallel test runs call --if-missing together);
# different images (the variants) may build side by side.
exec 9>"${TMPDIR:-/tmp}/wave-image-build-${image//[^A-Za-z0-9._-]/_}.lock"
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

packages="$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/packages.txt" "${variant_files[@]}" | tr -s '[:space:]' ',' | sed 's/,$//')"
work="$(mktemp -d "${TMPDIR:-/tmp}/wave-image.XXXXXX")"
trap 'rm -rf "$work"' EXIT

say "building $image (version $version) from Debian $suite; this takes a few minutes"
# SOURCE_DATE_EPOCH pins file times so the same packages give the same tarball.
# man1 exists although man pages are excluded: update-alternatives (the JDK's postinst) fails
# when it cannot place its man page link there.
SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1735689600}" mmdebstrap \
  --quiet \
  --variant=apt \
  --include="$packages" \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --setup-hook='mkdir -p "$1/usr/share/man/man1"' \
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
  --change "LABEL wave.image.variant=${variant:-base}" \
  --change "LABEL org.opencontainers.image.source=runner-image/build.sh" \
  "$work/rootfs.tar" "$image" >/dev/null
# The superseded image would only take disk space; Docker keeps it while a container still uses it.
if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect --format '{{.Id}}' "$image")" ]; then
  docker rmi "$previous" >/dev/null 2>&1 || true
fi

say "built $image ($(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'), version $version)"
