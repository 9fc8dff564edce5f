#!/usr/bin/env bash
# Runs a command with every core kept busy by a spinning process, as on a student's laptop with a
# video call: the proof that a test suite does not pass only on an idle machine.
#   scripts/under-load.sh [--runs N] [--spinners K] -- COMMAND...
# Runs COMMAND N times in a row (default 3) with K spinners (default: one per core), stops at the
# first failure, and always ends its spinners. Prints each run's result and duration.
set -uo pipefail
runs=3
spinners=$(nproc)
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --spinners) spinners=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: scripts/under-load.sh [--runs N] [--spinners K] -- COMMAND..." >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "under-load: no command given" >&2; exit 2; }

pids=()
stop() { [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; pids=(); }
trap stop EXIT INT TERM
for _ in $(seq "$spinners"); do
  node -e 'for (;;) {}' &
  pids+=($!)
done
echo "under-load: $spinners spinning processes (${pids[*]}), $runs runs of: $*"
for run in $(seq "$runs"); do
  start=$SECONDS
  "$@"
  status=$?
  echo "under-load: run $run of $runs exited $status after $((SECONDS - start)) s (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  [ $status -eq 0 ] || exit $status
done
