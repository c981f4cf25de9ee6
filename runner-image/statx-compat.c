/*
 * Preloaded into every dynamically linked program in the sandbox image (/etc/ld.so.preload).
 *
 * Why: Debian's runsc (gVisor 2022-12) rejects statx() with AT_NO_AUTOMOUNT with EINVAL,
 * and coreutils passes that flag, so `ls -l`, `stat`, `cp -a`… fail with "Invalid argument".
 * The flag only matters for automount points, of which the sandbox has none, so dropping
 * it changes nothing else. Remove this file once runsc accepts the flag.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf) {
  return (int)syscall(SYS_statx, dirfd, path, flags & ~AT_NO_AUTOMOUNT, mask, buf);
}
