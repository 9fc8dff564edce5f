#!/usr/bin/env bash
# Runs every test suite in turn (after scripts/build.sh all) and fails if any of them failed.
# Each suite runs even when an earlier one failed, so one run shows every failure.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
suites=0
suite() {  # suite NAME COMMAND...: runs one suite, counts it, and notes it if it failed
  local name=$1; shift
  suites=$((suites + 1))
  "$@" || failed+=("$name")
}
suite engine node tests/run-engine-tests.mjs                            # GoogleTest: native + both WASM builds
suite js node --test tests/js/                                          # node:test: the JS package layer (recurses into its folders)
suite bench node --test tests/bench/                                    # node:test: the benchmark's utilities and protocol copies
suite browser node --test --test-concurrency=1 tests/browser/           # playwright-core + Debian Chromium: pages
suite package node --test --test-concurrency=1 tests/package/           # npm pack, installed where no toolchain is
suite cross-browser node --test --test-concurrency=1 tests/cross-browser/  # the user paths in Chromium, Firefox ESR, WebKitGTK
suite sanitizers scripts/sanitize.sh --gtest_filter='-Training.*'       # ASan + UBSan + LSan, native suite
suite fuzz scripts/fuzz.sh short                                        # libFuzzer, 20 s per parser

echo "suites: $((suites - ${#failed[@]})) passed, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
  echo "test: failed suites: ${failed[*]}" >&2
  exit 1
fi
