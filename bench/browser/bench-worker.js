// The in-browser benchmark's engine thread: loads wasmgrad as the playground does (threaded build
// when the page is cross-origin isolated and the browser has SharedArrayBuffer, else the
// single-thread SIMD build; the relaxed-SIMD twin where it validates) or the build the row names, fetches the bundled
// digits and runs the same measurement protocol as the Node peers (bench/lib/protocol.mjs) on the
// same trainer adapter (bench/peers/wasmgrad-trainer.mjs). A classic worker: the engine loader
// uses importScripts; the ES modules come in by import(). Like the playground's worker it exposes
// one method through Comlink: run(options, log) -> the result ({status: 'ok' | 'error', ...}).
'use strict';

importScripts(new URL('../../build/vendor/comlink.js', self.location.href).href);

async function fetchIdx(parseIdx, name) {
  const response = await fetch(`../../build/data/${name}`);
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status} (run scripts/build.sh first)`);
  const stream = response.body.pipeThrough(new DecompressionStream('gzip'));
  return parseIdx(new Uint8Array(await new Response(stream).arrayBuffer()), name);
}

async function loadDigits() {
  const { DIGIT_FILES, parseIdx, toSplit } = await import('../lib/idx.mjs');
  const split = async (images, labels) => toSplit(await fetchIdx(parseIdx, images), await fetchIdx(parseIdx, labels), images);
  return {
    train: await split(DIGIT_FILES.trainImages, DIGIT_FILES.trainLabels),
    test: await split(DIGIT_FILES.testImages, DIGIT_FILES.testLabels),
  };
}

async function run({ model, threads, build, browser, protocol }, log) {
  const { load } = await import('../../bindings/wasmgrad.js');
  const { runProtocol } = await import('../lib/protocol.mjs');
  const { createWasmgradTrainer } = await import('../peers/wasmgrad-trainer.mjs');
  const engine = await load({ build, numThreads: threads });
  engine.setThreads(Math.min(threads, engine.maxThreads));
  const info = {
    framework: `wasmgrad ${browser} ${engine.build} ${engine.threads} thread${engine.threads > 1 ? 's' : ''}`,
    build: engine.build,
    threads: engine.threads,
    reason: engine.reason,
    // What load() picked, and why, printed in the row; a build named by the row needs no note.
    note: build ? undefined : `load() picked ${engine.build}: ${engine.reason}`,
    crossOriginIsolated: self.crossOriginIsolated === true,
    sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
    userAgent: navigator.userAgent,
  };
  if (engine.threads < threads) {
    // Not a slower row with fewer threads under the same name: the row says why it cannot run.
    return { status: 'cannot-train', ...info, framework: `wasmgrad ${browser} ${engine.build}, ${threads} threads asked`,
      error: `${browser} gives ${engine.threads} thread${engine.threads > 1 ? 's' : ''}: ${engine.reason.split(';')[0]} (${build ? 'build' : 'load() picked'} ${engine.build})` };
  }
  log(`${info.framework} (${info.reason}); loading digits`);
  const data = await loadDigits();
  const peer = { createTrainer: (options) => createWasmgradTrainer(engine, options) };
  const result = await runProtocol(peer, { model, threads, data, log, ...protocol });
  return { status: 'ok', ...info, ...result };
}

self.Comlink.expose({
  /** Runs the protocol; `log(message)` (a Comlink proxy) hears its progress. A failure is a result too. */
  run: (options, log) => run(options, (message) => { log(message); })
    .catch((error) => ({ status: 'error', error: String(error?.message ?? error).split('\n')[0] })),
});
