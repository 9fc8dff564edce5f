#!/usr/bin/env bash
# Installs what wasmgrad needs on a Debian 12 machine, and nothing when it is all there.
#   scripts/setup.sh start   compilers and libraries to build the engine and serve the playground
#   scripts/setup.sh test    + what the test suites use (Chromium, Firefox ESR and WebKitGTK for browser tests,
#                            PyTorch fixtures, data)
#   scripts/setup.sh bench   + what the benchmarks use (Google Benchmark; npm peers come from package.json)
# Idempotent and quiet: it prints only when it installs something or something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

level=${1:-test}
case "$level" in start|test|bench) ;; *) echo "usage: scripts/setup.sh start|test|bench" >&2; exit 2 ;; esac

# Debian packages per level (TOOLCHAIN.md lists why each is here).
packages=(cmake ninja-build g++ emscripten libxsimd-dev googletest libgtest-dev)
# The relaxed-SIMD modules (simd-relaxed*): emcc drives LLVM 19 instead of its own LLVM 14, which
# predates the standard relaxed-SIMD opcodes (llvm-19 for llvm-ar-19/llvm-nm-19). Their wasm-opt is
# npm's binaryen, a devDependency (Debian's binaryen 108 cannot read relaxed SIMD): scripts/build.sh.
packages+=(clang-19 lld-19 llvm-19)
if [ "$level" != start ]; then
  # wabt/binaryen: inspect emitted wasm; clang + libclang-rt-14-dev: sanitizers and fuzzing.
  packages+=(wabt binaryen chromium python3-torch dataset-fashion-mnist clang libclang-rt-14-dev)
  # python3-onnx: onnx.checker on exported models; python3-pil: train.py of the PyTorch export on image folders.
  packages+=(python3-onnx python3-pil)
  # pyflakes3: lints the PyTorch export's train.py; mkdocs: docs/embedding.md's MkDocs site is built in the tests.
  packages+=(pyflakes3 mkdocs)
  # The cross-browser suite: Firefox ESR (puppeteer-core), WebKitGTK's WebDriver and MiniBrowser, which
  # has no headless mode here and so runs on an Xvfb display.
  packages+=(firefox-esr webkit2gtk-driver xvfb xauth)
fi
if [ "$level" = bench ]; then
  packages+=(libbenchmark-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "setup: missing Debian packages; install them with:" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

# npm packages: (re)install when node_modules is absent or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ] || [ package.json -nt node_modules ]; then
  echo "setup: npm ci"
  # onnxruntime-node (a dev dependency: the tests run exported ONNX models in it) would otherwise
  # download its CUDA 12 provider from NuGet in its postinstall on linux/x64; the CPU runtime it
  # ships is all the tests use. Its documented switch is this variable; an .npmrc key made every
  # npm command warn "Unknown project config".
  export ONNXRUNTIME_NODE_INSTALL=skip
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
  touch node_modules
fi
