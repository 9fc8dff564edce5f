#!/usr/bin/env bash
# Runs every test suite in turn (after scripts/build.sh all) and fails if any of them failed.
# Each suite runs even when an earlier one failed, so one run shows every failure.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
node tests/run-engine-tests.mjs || failed+=(engine)          # GoogleTest: native + both WASM builds
node --test tests/js/ || failed+=(js)                         # node:test: the JS package layer (recurses into its folders)
node --test tests/bench/ || failed+=(bench)                   # node:test: the benchmark's utilities and protocol copies
node --test --test-concurrency=1 tests/browser/ || failed+=(browser)  # playwright-core + Debian Chromium: pages
node --test --test-concurrency=1 tests/package/ || failed+=(package)  # npm pack, installed where no toolchain is
node --test --test-concurrency=1 tests/cross-browser/ || failed+=(cross-browser)  # the user paths in Chromium, Firefox ESR, WebKitGTK
scripts/sanitize.sh --gtest_filter='-Training.*' || failed+=(sanitizers)  # ASan + UBSan + LSan, native suite
scripts/fuzz.sh short || failed+=(fuzz)                                  # libFuzzer, 20 s per parser

suites=7  # the runs above
echo "suites: $((suites - ${#failed[@]})) passed, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
  echo "test: failed suites: ${failed[*]}" >&2
  exit 1
fi
