#!/bin/sh
# mmdebstrap customize hook: runs on the host with the new root filesystem in "$1".
# Part of the image recipe (hashed into the version label).
set -eu
root="$1"

# The non-root user every command runs as. uid/gid 1000, matching the Runner's default.
echo 'wave:x:1000:1000:WAVE sandbox:/home/wave:/bin/bash' >>"$root/etc/passwd"
echo 'wave:x:1000:' >>"$root/etc/group"
echo 'wave:!:20000:0:99999:7:::' >>"$root/etc/shadow"
mkdir -p "$root/home/wave" "$root/workspace"
chown 1000:1000 "$root/home/wave" "$root/workspace"

# Work around old gVisor rejecting statx(AT_NO_AUTOMOUNT); see statx-compat.c.
cp "$(dirname "$0")/statx-compat.c" "$root/tmp/statx-compat.c"
chroot "$root" gcc -O2 -shared -fPIC -o /usr/local/lib/wave-statx-compat.so /tmp/statx-compat.c
rm "$root/tmp/statx-compat.c"
echo /usr/local/lib/wave-statx-compat.so >"$root/etc/ld.so.preload"

# The Runner's command launcher; see wave-exec.c.
cp "$(dirname "$0")/wave-exec.c" "$root/tmp/wave-exec.c"
chroot "$root" gcc -O2 -Wall -o /usr/local/bin/wave-exec /tmp/wave-exec.c
rm "$root/tmp/wave-exec.c"

# No setuid/setgid programs: nothing in the sandbox needs to change identity,
# and no-new-privileges would neuter them anyway. Defense in depth.
find "$root" -xdev -type f -perm /6000 -exec chmod ug-s {} +

# Nothing to fetch with (no network in the sandbox); apt lists and caches are dead weight.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
  "$root"/var/log/apt "$root"/var/log/dpkg.log "$root"/var/log/alternatives.log
# Machine identity would differ per build; leave it empty as Debian's images do.
: >"$root/etc/machine-id"
