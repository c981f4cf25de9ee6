/*
 * wave-exec: how the Runner starts every command in the sandbox, and the command's process
 * watch inside the sandbox.
 *
 *   wave-exec <state-dir> <exec-id> <dir> <nproc> <program> [args...]
 *
 * 1. Reaps leftovers: for each <state-dir>/<id>.pid whose group leader is gone, kills the rest
 *    of that process group (what a crashed launcher left running) and removes the file.
 * 2. Forks the command: the child becomes the leader of a new session and process group, lowers
 *    RLIMIT_NPROC to <nproc> (below the sandbox's, so the runner can still start a kill), changes
 *    to <dir> and execs the program (exit 127 when it is not found, 126 when it cannot run).
 *    Its pid goes to <state-dir>/<exec-id>.pid so a timeout can kill the whole group.
 * 3. Watches, from outside that session and already running (so it needs no fork when the
 *    sandbox is full): every 50 ms near the limit (200 ms below half of it) it counts the
 *    sandbox's tasks (processes, and while they are few their threads too, as RLIMIT_NPROC
 *    counts both). When they stay within the margin of <nproc> for WATCH_HOLD_MS and the
 *    command's session holds most of them, the
 *    command forks without end: its session is killed, <state-dir>/<exec-id>.limit is written,
 *    and wave-exec exits 137. Under gVisor's ptrace platform every sandboxed task costs the host
 *    dozens of threads, more the longer it runs; a bomb stopped within a second never gets near
 *    the host's pids limit (see docs/sandbox.md).
 * 4. When the command ends, kills what it left running in its group and session, and exits
 *    with its status (128 + the signal when a signal ended it).
 *
 * Part of the image recipe (hashed into the version label).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long (wall clock, two samples apart) the sandbox must stay at the limit before the command
   counts as a fork bomb: a build touching its cap for a moment is not one. */
#define WATCH_HOLD_MS 300

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

/* The session id and thread count of one process, from /proc/<pid>/stat; 0 when it is gone. */
static int proc_stat(const char *pid, long *session, long *threads) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%s/stat", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  /* The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'. */
  char *p = strrchr(buf, ')');
  if (!p) return 0;
  p++;
  long field[18];
  for (int i = 0; i < 18; i++) {
    while (*p == ' ') p++;
    if (i == 0) { p++; field[0] = 0; continue; } /* the state letter */
    char *end;
    field[i] = strtol(p, &end, 10);
    if (end == p) return 0;
    p = end;
  }
  *session = field[3];
  *threads = field[17] > 0 ? field[17] : 1;
  return 1;
}

/* Tasks in the sandbox (this watcher left out), and how many of them are in session `sid`. */
static void count_tasks(pid_t sid, long *all, long *mine) {
  *all = 0;
  *mine = 0;
  DIR *d = opendir("/proc");
  if (!d) return;
  pid_t self = getpid();
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!isdigit((unsigned char)e->d_name[0]) || atol(e->d_name) == self) continue;
    long session, threads;
    if (!proc_stat(e->d_name, &session, &threads)) continue;
    *all += threads;
    if (session == sid) *mine += threads;
  }
  closedir(d);
}

/* Processes in the sandbox (this watcher left out): a directory listing only, so it stays cheap
   when a bomb's processes starve the sandbox's CPU (reading each /proc/<pid>/stat then took 1.4 s). */
static long count_processes(void) {
  long n = 0;
  DIR *d = opendir("/proc");
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) if (isdigit((unsigned char)e->d_name[0])) n++;
  closedir(d);
  return n > 0 ? n - 1 : 0;
}

/* SIGKILL to the group and to every process of the session (a child may have left the group). */
static void kill_session(pid_t sid) {
  for (int i = 0; i < 200 && kill(-sid, SIGKILL) == 0; i++) {}
  DIR *d = opendir("/proc");
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!isdigit((unsigned char)e->d_name[0])) continue;
    long session, threads;
    if (proc_stat(e->d_name, &session, &threads) && session == sid) kill((pid_t)atol(e->d_name), SIGKILL);
  }
  closedir(d);
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void sleep_ms(long ms) {
  struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
  while (nanosleep(&t, &t) < 0 && errno == EINTR) {}
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

  pid_t child = fork();
  if (child < 0) {
    perror("wave-exec: fork");
    return 126;
  }
  if (child == 0) {
    if (setsid() < 0) perror("wave-exec: setsid");
    if (nproc > 0) {
      struct rlimit rl = { (rlim_t)nproc, (rlim_t)nproc };
      if (setrlimit(RLIMIT_NPROC, &rl) < 0) { perror("wave-exec: setrlimit"); _exit(2); }
    }
    if (chdir(dir) < 0) {
      fprintf(stderr, "wave-exec: cannot change to %s: %s\n", dir, strerror(errno));
      _exit(2);
    }
    execvp(argv[5], argv + 5);
    int err = errno;
    fprintf(stderr, "wave-exec: %s: %s\n", argv[5], err == ENOENT ? "command not found" : strerror(err));
    _exit(err == ENOENT ? 127 : 126);
  }

  char pidfile[4096];
  snprintf(pidfile, sizeof pidfile, "%s/%s.pid", state, id);
  FILE *f = fopen(pidfile, "w");
  if (f) { fprintf(f, "%ld\n", (long)child); fclose(f); }
  /* A timeout's kill signals the group; this watcher is outside it and reports the death. */
  signal(SIGPIPE, SIG_IGN);

  long margin = 6 + nproc / 32;
  double near_since = -1;
  int status = 0, limited = 0;
  long tasks = 0;
  for (;;) {
    pid_t w = waitpid(child, &status, WNOHANG);
    if (w == child || (w < 0 && errno == ECHILD)) break;
    long all = count_processes(), mine = 0;
    /* Few processes: read each one's thread count too (a thread bomb is one process). */
    if (all * 4 < nproc) count_tasks(child, &all, &mine);
    if (nproc > 0 && all >= nproc - margin) {
      double now = now_ms();
      if (near_since < 0) near_since = now;
      else if (now - near_since >= WATCH_HOLD_MS) {
        /* Held at the limit: is it this command's doing (another command's bomb is its own watcher's)? */
        count_tasks(child, &all, &mine);
        if (all >= nproc - margin && mine * 2 > all) {
          limited = 1;
          tasks = all;
          break;
        }
        near_since = -1;
      }
    } else {
      near_since = -1;
    }
    sleep_ms(nproc > 0 && all * 2 >= nproc ? 50 : 200);
  }

  if (limited) {
    /* Until the leader is dead and nothing of the session is left (children reparent to PID 1). */
    kill_session(child);
    for (int i = 0; i < 400; i++) {
      for (int j = 0; j < 200 && kill(-child, SIGKILL) == 0; j++) {}
      pid_t w = waitpid(child, &status, WNOHANG);
      /* The group is gone once PID 1 has reaped its killed members (zombies still take a slot). */
      if ((w == child || (w < 0 && errno == ECHILD)) && kill(-child, 0) < 0) {
        kill_session(child);
        break;
      }
      sleep_ms(10);
    }
    char limitfile[4096];
    snprintf(limitfile, sizeof limitfile, "%s/%s.limit", state, id);
    FILE *l = fopen(limitfile, "w");
    if (l) { fprintf(l, "%ld %ld\n", tasks, nproc); fclose(l); }
    fprintf(stderr, "wave-exec: killed: process limit (%ld tasks, the limit is %ld)\n", tasks, nproc);
    unlink(pidfile);
    return 137;
  }
  /* Whatever the command left running in its group or session dies with it. */
  kill_session(child);
  unlink(pidfile);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 137;
}
