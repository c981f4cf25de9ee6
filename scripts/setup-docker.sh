#!/usr/bin/env bash
# Docker with the gVisor runtime, for the sandbox (docs/sandbox.md).
# Installs docker.io and runsc when missing (Debian, as root), registers runsc in
# /etc/docker/daemon.json with --network=none (runsc fails to start here without
# it), starts dockerd when none answers, and waits until it does.
# Idempotent: silent when everything is already in place.
# Environment: WAVE_DOCKER_DAEMON_JSON (default /etc/docker/daemon.json), WAVE_DOCKERD_LOG.
set -euo pipefail

DAEMON_JSON=${WAVE_DOCKER_DAEMON_JSON:-/etc/docker/daemon.json}
DOCKERD_LOG=${WAVE_DOCKERD_LOG:-/var/log/wave-dockerd.log}
RUNSC_PATH=/usr/bin/runsc

say() { echo "setup-docker: $*"; }
die() { echo "setup-docker: $*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "this step needs root: $*  (run as root, or install sudo)"
  fi
}

# 1. Packages.
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
[ -x "$RUNSC_PATH" ] || missing+=(runsc)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 2. Register runsc, merging into an existing daemon.json rather than replacing it.
# node is used for the JSON merge because the project needs it anyway; python or jq may be absent.
desired_changed=$(as_root node -e '
  const fs = require("fs");
  const [file, runsc] = process.argv.slice(1);
  let cfg = {};
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, "utf8").trim();
    if (text) cfg = JSON.parse(text);
  }
  const want = { path: runsc, runtimeArgs: ["--network=none"] };
  cfg.runtimes = cfg.runtimes || {};
  if (JSON.stringify(cfg.runtimes.runsc) === JSON.stringify(want)) { console.log("same"); process.exit(0); }
  cfg.runtimes.runsc = want;
  fs.mkdirSync(require("path").dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(cfg, null, 2) + "\n");
  console.log("changed");
' "$DAEMON_JSON" "$RUNSC_PATH")

docker_answers() { docker info >/dev/null 2>&1; }

runsc_registered() {
  docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc"'
}

# 3. Start (or reload) dockerd.
if docker_answers; then
  if [ "$desired_changed" = changed ] || ! runsc_registered; then
    # dockerd re-reads `runtimes` on SIGHUP; no restart, running containers survive.
    say "registering runsc with the running dockerd (SIGHUP)"
    pid=$(pidof dockerd || true)
    [ -n "$pid" ] || die "docker answers but no local dockerd process to reload; add runsc to $DAEMON_JSON on the Docker host and reload it"
    as_root kill -HUP $pid
  fi
else
  [ "$desired_changed" = changed ] && say "registered runsc in $DAEMON_JSON"
  if pidof dockerd >/dev/null; then
    say "dockerd is running but not answering yet; waiting"
  else
    say "starting dockerd (log: $DOCKERD_LOG)"
    # No systemd here: run it in the background, detached from this shell.
    as_root sh -c "nohup setsid dockerd >>'$DOCKERD_LOG' 2>&1 </dev/null &"
  fi
fi

for _ in $(seq 1 60); do
  if docker_answers && runsc_registered; then exit 0; fi
  sleep 0.5
done
docker_answers || die "dockerd did not answer within 30 s; see $DOCKERD_LOG"
die "dockerd answers but does not list the runsc runtime; check $DAEMON_JSON and $DOCKERD_LOG"
