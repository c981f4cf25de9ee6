/*
 * wave-exec: how the Runner starts every command in the sandbox, in one process and no fork
 * (forks and execs are what cost under gVisor's ptrace platform).
 *
 *   wave-exec <state-dir> <exec-id> <dir> <nproc> <program> [args...]
 *
 * 1. Reaps leftovers: for each <state-dir>/<id>.pid whose group leader is gone, kills the rest
 *    of that process group (what a finished command left running) and removes the file.
 * 2. Becomes the leader of a new session and process group, and records its pid in
 *    <state-dir>/<exec-id>.pid so a timeout can kill the whole group.
 * 3. Lowers RLIMIT_NPROC to <nproc>, below the sandbox's, so the runner can still start a kill
 *    when the command forks without end.
 * 4. Changes to <dir> and execs the program (exit 127 when it is not found, 126 when it cannot run).
 *
 * Part of the image recipe (hashed into the version label).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static void reap_leftovers(const char *state, const char *self) {
  DIR *d = opendir(state);
  if (!d) return;
  struct dirent *e;
  char path[4096];
  while ((e = readdir(d)) != NULL) {
    size_t n = strlen(e->d_name);
    if (n < 5 || strcmp(e->d_name + n - 4, ".pid") != 0) continue;
    if (strncmp(e->d_name, self, n - 4) == 0 && self[n - 4] == '\0') continue;
    snprintf(path, sizeof path, "%s/%s", state, e->d_name);
    FILE *f = fopen(path, "r");
    if (!f) continue;
    long pid = 0;
    int ok = fscanf(f, "%ld", &pid) == 1;
    fclose(f);
    if (!ok || pid <= 1) { unlink(path); continue; }
    if (kill((pid_t)pid, 0) == 0 || errno == EPERM) continue; /* still running: not ours to touch */
    for (int i = 0; i < 200 && kill((pid_t)-pid, SIGKILL) == 0; i++) {}
    unlink(path);
  }
  closedir(d);
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: wave-exec <state-dir> <exec-id> <dir> <nproc> <program> [args...]\n");
    return 2;
  }
  const char *state = argv[1], *id = argv[2], *dir = argv[3];
  long nproc = strtol(argv[4], NULL, 10);

  mkdir(state, 0700);
  reap_leftovers(state, id);

  if (setsid() < 0) {
    /* Already a group leader: only a fork could make a new session. Run in place instead;
       the timeout then kills by this pid's group, which is still this command's own. */
    if (setpgid(0, 0) < 0 && errno != EPERM) perror("wave-exec: setpgid");
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.pid", state, id);
  FILE *f = fopen(path, "w");
  if (f) { fprintf(f, "%ld\n", (long)getpid()); fclose(f); }

  if (nproc > 0) {
    struct rlimit rl = { (rlim_t)nproc, (rlim_t)nproc };
    if (setrlimit(RLIMIT_NPROC, &rl) < 0) { perror("wave-exec: setrlimit"); return 2; }
  }
  if (chdir(dir) < 0) {
    fprintf(stderr, "wave-exec: cannot change to %s: %s\n", dir, strerror(errno));
    return 2;
  }
  execvp(argv[5], argv + 5);
  int err = errno;
  fprintf(stderr, "wave-exec: %s: %s\n", argv[5], err == ENOENT ? "command not found" : strerror(err));
  return err == ENOENT ? 127 : 126;
}
