// Runs the engine's GoogleTest suite in four builds: native, WASM simd-threads, WASM simd and
// WASM simd-relaxed-threads (the WASM ones under Node, linked with NODERAWFS so they read
// fixtures from disk). The relaxed build runs with --experimental-wasm-relaxed-simd (Node 20
// validates relaxed SIMD only with it): its FMA kernels must meet the same PyTorch tolerances and
// stay bit-identical across thread counts. Its one-thread twin (simd-relaxed) runs the same
// kernels and is not built with tests, to keep CI's time (scripts/build.sh). Prints one line per build and a combined "engine: N passed, N failed" line;
// exits non-zero if any suite fails, crashes or hangs.
//   node tests/run-engine-tests.mjs [--gtest_filter=...]   (arguments go to every suite)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const timeoutSeconds = Number(process.env.WASMGRAD_TEST_TIMEOUT ?? 900);
const extraArgs = process.argv.slice(2);

// --no-experimental-fetch: Emscripten 3.1.6 would fetch() its .wasm by file path under Node 20.
const suites = [
  { name: 'native', file: 'build/native/wasmgrad_tests', command: [] },
  { name: 'wasm simd-threads', file: 'build/wasm-threads/wasmgrad_tests.js', command: ['node', '--no-experimental-fetch'] },
  { name: 'wasm simd', file: 'build/wasm-simd/wasmgrad_tests.js', command: ['node', '--no-experimental-fetch'] },
  { name: 'wasm simd-relaxed-threads', file: 'build/wasm-relaxed-threads/wasmgrad_tests.js',
    command: ['node', '--no-experimental-fetch', '--experimental-wasm-relaxed-simd'] },
];

function run(suite) {
  return new Promise((resolve) => {
    const path = `${root}${suite.file}`;
    if (!existsSync(path)) {
      resolve({ ...suite, passed: 0, failed: 1, output: `${suite.file} is missing: run scripts/build.sh all\n` });
      return;
    }
    const [program, ...args] = suite.command.length ? [...suite.command, path] : [path];
    const started = Date.now();
    const child = spawn(program, [...args, ...extraArgs], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutSeconds * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const passed = Number(output.match(/\[  PASSED  \] (\d+) tests?/)?.[1] ?? 0);
      let failed = Number(output.match(/\[  FAILED  \] (\d+) tests?, listed below/)?.[1] ?? 0);
      let problem = '';
      if (timedOut) problem = `did not exit within ${timeoutSeconds} s (hung?)`;
      else if (code !== 0) problem = `exited with ${signal ?? `code ${code}`}`;
      else if (passed === 0) problem = 'ran no test';
      if (problem && failed === 0) failed = 1;  // a crash or hang counts as a failure
      resolve({ ...suite, passed, failed, problem, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

let passed = 0;
let failed = 0;
for (const suite of suites) {
  const result = await run(suite);  // one at a time: the machine has 2 cores
  passed += result.passed;
  failed += result.failed;
  if (result.problem || result.failed) {
    // Long minified Emscripten lines would drown the message: cut them.
    process.stdout.write(result.output.split('\n').map((l) => (l.length > 400 ? `${l.slice(0, 400)}...` : l)).join('\n'));
  }
  const note = result.problem ? ` - ${result.problem}` : '';
  console.log(`${result.name}: ${result.passed} passed, ${result.failed} failed` +
    (result.seconds !== undefined ? ` (${result.seconds.toFixed(1)} s)` : '') + note);
}
console.log(`engine: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
