#!/usr/bin/env bash
# Runs the sandbox escape suite again and again under load, as CI does (two suites at once on a
# shared host), and prints how many runs passed: `bash scripts/escape-soak.sh [runs] [parallel]`.
# Defaults: 20 runs, 2 at a time. Each run's output is kept in $WAVE_SOAK_DIR (default a temp dir)
# so a failure can be read afterwards. Exits 1 unless every run passed.
# Uses the image in WAVE_SANDBOX_IMAGE (default wave-runner:latest), like the tests themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
parallel="${2:-2}"
suite="${WAVE_SOAK_SUITE:-test/sandbox/escape.test.ts}"
dir="${WAVE_SOAK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/wave-escape-soak.XXXXXX")}"
mkdir -p "$dir"

passed=0
failed=0
run=0
started=$(date +%s)
while [ "$run" -lt "$runs" ]; do
  pids=()
  batch=()
  for _ in $(seq 1 "$parallel"); do
    [ "$run" -lt "$runs" ] || break
    run=$((run + 1))
    # One vitest process per run, each with one worker: two of them at once are the two suites in parallel.
    npx vitest run "$suite" --maxWorkers=1 >"$dir/run-$run.log" 2>&1 &
    pids+=("$!")
    batch+=("$run")
  done
  for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then
      passed=$((passed + 1))
      echo "escape-soak: run ${batch[$i]} passed"
    else
      failed=$((failed + 1))
      echo "escape-soak: run ${batch[$i]} FAILED (see $dir/run-${batch[$i]}.log)"
      grep -E "FAIL|AssertionError|Error:" "$dir/run-${batch[$i]}.log" | head -5 | sed 's/^/  /' || true
    fi
  done
done
echo "escape-soak: $passed of $runs runs passed ($parallel at a time, $(( $(date +%s) - started )) s; logs in $dir)"
[ "$failed" -eq 0 ]
