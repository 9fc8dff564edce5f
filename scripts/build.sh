#!/usr/bin/env bash
# Builds wasmgrad: the native library + tests, and the two WebAssembly modules + their tests.
#   scripts/build.sh native   build/native         (g++, Release, -march=native)
#   scripts/build.sh wasm     build/wasm-threads   (emcc, SIMD128 + pthreads: the `simd-threads` module)
#                             build/wasm-simd      (emcc, SIMD128, one thread: the `simd` module)
#                             build/wasm-relaxed-threads  (emcc + clang 19, relaxed SIMD + pthreads: `simd-relaxed-threads`)
#                             build/wasm-relaxed   (emcc + clang 19, relaxed SIMD, one thread: `simd-relaxed`, module only)
#   scripts/build.sh all      both (default)
#   scripts/build.sh package  what `npm pack` ships (its prepack step): the four modules only (no test
#                             suites), their ES-module forms, the digits; then scripts/check-package.mjs
#   scripts/build.sh wasm-bench  the SGEMM benchmarks `npm run bench` reports: build/wasm-bench, and
#                             build/native's Google Benchmark target (re-configured, in case
#                             libbenchmark-dev was installed after build/native was first configured)
# The modules are copied to build/engine/, where bindings/js/assets.js finds them, with an ES-module
# form of each factory for browsers (scripts/make-esm-factories.mjs).
# Configures each tree once; later runs are incremental ninja builds.
#
# Relaxed SIMD (FMA): the `simd-relaxed*` modules. Debian's emcc 3.1.6 drives clang 14, which only
# knows the proposal-era relaxed-SIMD opcodes; Debian's clang-19/lld-19 emit the standard ones
# (f32x4.relaxed_madd = 0xfd 0x105). The recipe, each piece needed:
#   EM_LLVM_ROOT=/usr/bin EM_LLVM_ADD_VERSION=19 EM_CLANG_ADD_VERSION=19 EM_IGNORE_SANITY=1
#       emcc runs clang-19 and wasm-ld-19 (the sanity check would reject the unexpected LLVM version);
#       the system libraries still come from emcc's prebuilt cache (clang 14 objects; they link).
#   -sWASM_BIGINT (CMakeLists.txt) + EMCC_READ_METADATA=python
#       emcc 3.1.6 runs wasm-emscripten-finalize (binaryen 108, which stops at `invalid code after
#       SIMD prefix: 261`) only to read metadata and to rewrite the wasm. With BigInt i64 nothing
#       needs legalizing and no dynCall is added, so the wasm needs no rewrite; metadata then comes
#       from emcc's own Python reader (tools/extract_metadata.py), and finalize never runs.
#   PATH=scripts/binaryen-relaxed:$PATH
#       Debian's emcc finds wasm-opt and wasm-metadce on PATH; the -O3 link runs both. That folder
#       runs npm's binaryen 132 (a devDependency) in their place; binaryen 132 prints the import/export
#       minification map as JSON, which the wrapper turns back into the "old => new" lines emcc parses.
# Checked with wasm-objdump -d: the micro-kernels keep f32x4.relaxed_madd after wasm-opt -O3.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-all}
case "$target" in native|wasm|all|wasm-bench|package) ;; *) echo "usage: scripts/build.sh native|wasm|all|wasm-bench|package" >&2; exit 2 ;; esac
jobs=${WASMGRAD_JOBS:-2}
export NODE_PATH=/usr/share/nodejs  # emcc's optimizer needs Debian's node modules (TOOLCHAIN.md trap 1)
# npm start / npm test put node_modules/.bin first on PATH, where npm's binaryen 132 (a devDependency
# of the relaxed builds) would shadow Debian's binaryen 108 for the plain builds: emcc 3.1.6 finds
# binaryen's tools on PATH, cannot read binaryen 132's import-minification map (JSON, not "a => b"
# lines), and writes glue whose import names the .wasm no longer has (LinkError at instantiation).
# The relaxed builds get npm's binaryen through their own wrappers (scripts/binaryen-relaxed/).
PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v '/node_modules/\.bin$' | paste -sd: -)

# configure DIR CMAKE... : configure DIR once (ninja re-runs cmake itself when CMakeLists changes).
configure() {
  local dir=$1; shift
  [ -f "$dir/build.ninja" ] && return 0
  "$@" -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >"$dir.configure.log" 2>&1 \
    || { cat "$dir.configure.log" >&2; echo "build: configuring $dir failed" >&2; exit 1; }
}

timed() {  # timed LABEL COMMAND...: runs the command, prints how long it took
  local label=$1; shift
  local start=$SECONDS
  "$@"
  echo "build: $label done in $((SECONDS - start)) s"
}

if [ "$target" = package ] && ! command -v emcc >/dev/null; then
  echo "build: packing builds the WebAssembly modules, which needs Emscripten: run scripts/setup.sh start" >&2
  exit 1
fi

mkdir -p build
if [ "$target" = wasm-bench ]; then
  configure build/wasm-bench emcmake cmake -DWASMGRAD_THREADS=OFF -DWASMGRAD_BENCHMARKS=OFF -DWASMGRAD_TESTS=OFF \
    -DWASMGRAD_WASM_BENCH=ON
  timed wasm-bench ninja -C build/wasm-bench -j"$jobs" --quiet wasmgrad_wasm_bench
  if [ -f build/native/build.ninja ]; then
    cmake -DWASMGRAD_BENCHMARKS=ON build/native >build/native.configure.log 2>&1 || { cat build/native.configure.log >&2; exit 1; }
    ninja -C build/native -j"$jobs" --quiet
  fi
  exit 0
fi
# Emscripten's outputs are CommonJS scripts; without this the repo's "type": "module" would
# make Node load them as ES modules (TOOLCHAIN.md trap 5).
[ -f build/package.json ] || echo '{ "type": "commonjs" }' > build/package.json
if [ "$target" = native ] || [ "$target" = all ]; then
  configure build/native cmake -DWASMGRAD_NATIVE_ARCH=ON
  timed native ninja -C build/native -j"$jobs" --quiet
fi

if [ "$target" != native ]; then
  targets=()  # all: the modules and the test suites
  [ "$target" = package ] && targets=(wasmgrad_module)
  configure build/wasm-threads emcmake cmake -DWASMGRAD_THREADS=ON -DWASMGRAD_BENCHMARKS=OFF
  timed wasm-threads ninja -C build/wasm-threads -j"$jobs" --quiet "${targets[@]}"
  configure build/wasm-simd emcmake cmake -DWASMGRAD_THREADS=OFF -DWASMGRAD_BENCHMARKS=OFF
  timed wasm-simd ninja -C build/wasm-simd -j"$jobs" --quiet "${targets[@]}"

  # Relaxed SIMD (see the top of this file). Only the threaded tree builds its test suite: the one-thread
  # build runs the same kernels, and CI's time is better spent elsewhere (tests/run-engine-tests.mjs).
  relaxed=(env EM_LLVM_ROOT=/usr/bin EM_LLVM_ADD_VERSION=19 EM_CLANG_ADD_VERSION=19 EM_IGNORE_SANITY=1
    EMCC_READ_METADATA=python PATH="$PWD/scripts/binaryen-relaxed:$PATH")
  if ! command -v clang-19 >/dev/null || ! command -v wasm-ld-19 >/dev/null; then
    echo "build: the relaxed-SIMD modules need clang-19 and lld-19: run scripts/setup.sh start" >&2
    exit 1
  fi
  node scripts/binaryen-relaxed/locate.mjs
  configure build/wasm-relaxed-threads "${relaxed[@]}" emcmake cmake -DWASMGRAD_THREADS=ON -DWASMGRAD_RELAXED_SIMD=ON \
    -DWASMGRAD_BENCHMARKS=OFF
  timed wasm-relaxed-threads "${relaxed[@]}" ninja -C build/wasm-relaxed-threads -j"$jobs" --quiet "${targets[@]}"
  configure build/wasm-relaxed "${relaxed[@]}" emcmake cmake -DWASMGRAD_THREADS=OFF -DWASMGRAD_RELAXED_SIMD=ON \
    -DWASMGRAD_BENCHMARKS=OFF -DWASMGRAD_TESTS=OFF
  timed wasm-relaxed "${relaxed[@]}" ninja -C build/wasm-relaxed -j"$jobs" --quiet wasmgrad_module

  # A stable place for the JS package; copy only what changed so mtimes stay meaningful.
  mkdir -p build/engine
  for f in build/wasm-threads/wasmgrad-simd-threads.{js,wasm,worker.js} build/wasm-simd/wasmgrad-simd.{js,wasm} \
    build/wasm-relaxed-threads/wasmgrad-simd-relaxed-threads.{js,wasm,worker.js} build/wasm-relaxed/wasmgrad-simd-relaxed.{js,wasm}; do
    cmp -s "$f" "build/engine/${f##*/}" || cp "$f" build/engine/
  done
  node scripts/make-esm-factories.mjs build/engine
  node --experimental-wasm-relaxed-simd scripts/check-engine-glue.mjs build/engine

fi

# The bundled digits (gzipped IDX for pages and the JS API, raw IDX for the C++ tests).
node scripts/make-digits.mjs build/data
# The npm libraries the pages load (Comlink, uPlot), where the servers publish them.
node scripts/vendor.mjs

# The exporters' libraries (bindings/js/export/vendor-entry.js: protobuf, onnx.proto, zip; and the text of
# the PyTorch export's train.py) bundled into one ES module that Node and a browser Worker both load by
# URL (a Worker cannot resolve npm names).
node_modules/.bin/esbuild bindings/js/export/vendor-entry.js --bundle --format=esm --platform=neutral \
  --main-fields=module,main --loader:.py=text --minify --legal-comments=eof --log-level=warning \
  --outfile=build/vendor/export-deps.mjs

if [ "$target" = package ]; then
  node scripts/check-package.mjs
fi
