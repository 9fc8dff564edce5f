#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*_fuzz.cpp, clang 14 + ASan + UBSan) into build/fuzz and runs
# them on a scratch copy of their committed seed corpus (fuzz/corpus/<target>/), so runs never grow
# the committed corpus.
#   scripts/fuzz.sh <target|all> <seconds>   e.g. scripts/fuzz.sh idx 300, scripts/fuzz.sh all 20
#   scripts/fuzz.sh short                    = all 20 (what `npm test` runs)
# Targets: idx json spec model_file safetensors (those whose fuzz/<target>_fuzz.cpp exists).
# Prints executions and exec/s per target, and the path of every crash/leak/timeout/oom file.
# Exit status: 0 when no target found anything, 1 otherwise, 2 on usage or build errors.
# One fuzzer at a time (-workers not used): the machine has 2 shared cores.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

if [[ $# -eq 1 && $1 == short ]]; then set -- all 20; fi
if [[ $# -ne 2 || ! $2 =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh <target|all|short> [seconds]" >&2
  exit 2
fi
WHICH=$1
SECONDS_PER_TARGET=$2

# ---- toolchain: clang++ and libFuzzer's runtime (libclang-rt-14-dev on Debian 12)
if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found; install it with: apt-get install -y clang-14 libclang-rt-14-dev" >&2
  exit 2
fi
FUZZER_LIB=$(clang++ -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null || true)
if [[ ! -f $FUZZER_LIB ]]; then
  FUZZER_LIB=$(find "$(clang++ -print-resource-dir)" -name 'libclang_rt.fuzzer*.a' 2>/dev/null | head -n1)
fi
if [[ -z $FUZZER_LIB || ! -f $FUZZER_LIB ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    echo "fuzz.sh: libFuzzer runtime missing, installing libclang-rt-14-dev" >&2
    apt-get install -y libclang-rt-14-dev >&2 || { apt-get update >&2 && apt-get install -y libclang-rt-14-dev >&2; }
  else
    echo "fuzz.sh: libFuzzer runtime missing; run: sudo apt-get install -y libclang-rt-14-dev" >&2
    exit 2
  fi
fi

# ---- build
BUILD=$ROOT/build/fuzz
if [[ ! -f $BUILD/build.ninja ]]; then
  cmake -S "$ROOT/fuzz" -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER=clang++ >/dev/null
fi
if ! ninja -C "$BUILD" -j2 >"$BUILD/build.log" 2>&1; then
  tail -n 30 "$BUILD/build.log" >&2
  echo "fuzz.sh: build failed (full log: build/fuzz/build.log)" >&2
  exit 2
fi

# ---- per-target settings: the per-input time limit and the largest useful input.
# spec: a valid model up to the engine's 50M-parameter limit draws all its weights at construction,
# several seconds under ASan on a shared core; 10 s flagged such legitimate models as hangs.
timeout_for() {
  case $1 in
    spec) echo 30 ;;
    *) echo 10 ;;
  esac
}
max_len_for() {
  case $1 in
    idx) echo 16384 ;;        # the fixture pair is 3953 bytes
    json) echo 4096 ;;
    spec) echo 4096 ;;
    model_file) echo 65536 ;; # a saved small model is a few kB
    safetensors) echo 65536 ;; # the seeds are under 2 kB; room for grown headers
    *) echo 4096 ;;
  esac
}

if [[ $WHICH == all ]]; then
  TARGETS=()
  for source in "$ROOT"/fuzz/*_fuzz.cpp; do
    name=$(basename "$source" _fuzz.cpp)
    TARGETS+=("$name")
  done
else
  TARGETS=("$WHICH")
fi

RUN_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/wasmgrad-fuzz.XXXXXX")
ARTIFACTS=$ROOT/build/fuzz/artifacts
mkdir -p "$ARTIFACTS"
status=0
printf '%-12s %8s %12s %10s  %s\n' target seconds executions exec/s result
for target in "${TARGETS[@]}"; do
  binary=$BUILD/${target}_fuzz
  if [[ ! -x $binary ]]; then echo "fuzz.sh: no target '$target' (fuzz/${target}_fuzz.cpp)" >&2; exit 2; fi
  corpus=$RUN_ROOT/$target
  mkdir -p "$corpus" "$ARTIFACTS/$target"
  if [[ -d $ROOT/fuzz/corpus/$target ]]; then cp "$ROOT"/fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true; fi
  log=$RUN_ROOT/$target.log
  before=$(ls "$ARTIFACTS/$target" | wc -l)
  set +e
  # -malloc_limit_mb: a single allocation above 1 GiB is reported as a bug (parsers must refuse
  # huge sizes from a header before allocating); -rss_limit_mb bounds the whole process.
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$binary" "$corpus" -max_total_time="$SECONDS_PER_TARGET" -timeout="$(timeout_for "$target")" -max_len="$(max_len_for "$target")" \
      -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 \
      -artifact_prefix="$ARTIFACTS/$target/" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -m1 '^stat::number_of_executed_units:' "$log" | awk '{print $2}' || true)
  seconds=$(grep -m1 'Done [0-9]* runs in' "$log" | sed -E 's/.* in ([0-9]+) second.*/\1/' || true)
  rate=$(grep -m1 '^stat::average_exec_per_sec:' "$log" | awk '{print $2}' || true)
  new_files=$(ls -t "$ARTIFACTS/$target" | head -n $(( $(ls "$ARTIFACTS/$target" | wc -l) - before )) 2>/dev/null || true)
  if [[ $rc -eq 0 && -z $new_files ]]; then
    result=ok
  else
    result="FAILED (exit $rc), log: $log"
    status=1
  fi
  printf '%-12s %8s %12s %10s  %s\n' "$target" "${seconds:-?}" "${runs:-?}" "${rate:-?}" "$result"
  for f in $new_files; do echo "  crash file: $ARTIFACTS/$target/$f"; done
  if [[ $rc -ne 0 ]]; then grep -E 'ERROR|SUMMARY|runtime error|non-wg::Error|Test unit written' "$log" | head -n 8 | sed 's/^/  /'; fi
done
if [[ $status -eq 0 ]]; then rm -rf "$RUN_ROOT"; fi
exit $status
