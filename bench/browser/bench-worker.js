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

/** Loads the engine for the row; {engine, info} or {cannot: a result saying why the row cannot run}. */
async function loadFor({ threads, build, browser }) {
  const { load } = await import('../../bindings/wasmgrad.js');
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
    return { cannot: { status: 'cannot-train', ...info, framework: `wasmgrad ${browser} ${engine.build}, ${threads} threads asked`,
      error: `${browser} gives ${engine.threads} thread${engine.threads > 1 ? 's' : ''}: ${engine.reason.split(';')[0]} (${build ? 'build' : 'load() picked'} ${engine.build})` } };
  }
  return { engine, info };
}

/** The row's engine as a peer of the protocol, and the digits; {cannot: a result} when the row cannot run. */
async function setUp({ threads, build, browser }, log) {
  const { createWasmgradTrainer } = await import('../peers/wasmgrad-trainer.mjs');
  const { engine, info, cannot } = await loadFor({ threads, build, browser });
  if (cannot) return { cannot };
  log(`${info.framework} (${info.reason}); loading digits`);
  return { info, data: await loadDigits(), peer: { createTrainer: (options) => createWasmgradTrainer(engine, options) } };
}

async function run({ model, threads, protocol, ...row }, log) {
  const { runProtocol } = await import('../lib/protocol.mjs');
  const { info, data, peer, cannot } = await setUp({ threads, ...row }, log);
  if (cannot) return cannot;
  return { status: 'ok', ...info, ...(await runProtocol(peer, { model, threads, data, log, ...protocol })) };
}

let prepared = null;  // prepare()'s warmed-up trainer, for timedRun()

/** One side of an interleaved pair (bench-page.js): loads, warms up; {status: 'ok', ...info, batchesPerRun} or why not. */
async function prepare({ model, threads, protocol, ...row }, log) {
  const { prepareSpeed } = await import('../lib/protocol.mjs');
  const { info, data, peer, cannot } = await setUp({ threads, ...row }, log);
  if (cannot) return cannot;
  prepared = await prepareSpeed(peer, { model, threads, data, log, ...protocol });
  return { status: 'ok', ...info, batchSize: prepared.p.batchSize, batchesPerRun: prepared.batchesPerRun,
    warmupBatches: prepared.warmupBatches, warmupSeconds: prepared.warmupSeconds };
}

const failure = (error) => ({ status: 'error', error: String(error?.message ?? error).split('\n')[0] });

self.Comlink.expose({
  /** Runs the protocol; `log(message)` (a Comlink proxy) hears its progress. A failure is a result too. */
  run: (options, log) => run(options, (message) => { log(message); }).catch(failure),
  /** The pair's calls: prepare once, then timedRun() -> one run's samples/s. */
  prepare: (options, log) => prepare(options, (message) => { log(message); }).catch(failure),
  timedRun: () => prepared.timedRun(),
});
