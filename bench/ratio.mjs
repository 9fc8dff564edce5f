// 2 threads against 1 in one Node process, interleaved: on a machine whose load comes and goes
// (other people's builds and browser tests), two rows run a minute apart measure two machines;
// blocks of steps that alternate between 1 and 2 threads every fraction of a second see the same
// one. The threaded build, the benchmark's trainer (bench/peers/wasmgrad-trainer.mjs: Adam, batch
// 64, the training digits in file order), one engine and one trainer; engine.setThreads switches
// between the blocks (which also restarts the pool's threads-or-alone timing, core/threads_or_alone.h).
//
//   node bench/ratio.mjs [model=mlp] [rounds=15] [blockSeconds=0.3] [--copy-batches] [--busy]
//
// Prints the median ms per step on 1 and on 2 threads and the median of the rounds' 2t / 1t
// speed ratios. --copy-batches: every batch copied in from JavaScript (trainBatch) instead of
// gathered by index inside the engine (trainBatchAt). --busy: all cores but one kept busy by
// spinning processes (bench/lib/busy.mjs) for the whole run.
// WASMGRAD_ENGINE_DIR=path/to/build/engine measures another build.
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { load } from '../bindings/wasmgrad.js';
import { loadDigits } from './lib/data.mjs';
import { median } from './lib/protocol.mjs';
import { createWasmgradTrainer } from './peers/wasmgrad-trainer.mjs';
import { spinnerCount, startSpinners } from './lib/busy.mjs';

const flags = new Set(process.argv.slice(2).filter((a) => a.startsWith('--')));
const [model = 'mlp', roundsArg = '15', blockArg = '0.3'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const rounds = Number(roundsArg), blockSeconds = Number(blockArg);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const engineUrl = process.env.WASMGRAD_ENGINE_DIR ? pathToFileURL(path.resolve(process.env.WASMGRAD_ENGINE_DIR) + '/') : undefined;

const spinners = flags.has('--busy') ? startSpinners(spinnerCount(), 600) : null;
try {
  const engine = await load({ numThreads: 2, engineUrl });
  if (engine.build !== 'simd-threads' || engine.maxThreads < 2) throw new Error(`needs the threaded build with 2 threads, got ${engine.build}`);
  const { train } = loadDigits(path.join(ROOT, 'build', 'data'));
  const trainer = createWasmgradTrainer(engine, { model, learningRate: 1e-3, trainSet: flags.has('--copy-batches') ? undefined : train });
  const perEpoch = Math.floor(train.count / 64);
  let next = 0;
  const step = () => {
    const start = (next++ % perEpoch) * 64;
    trainer.trainBatch(train.images.subarray(start * 784, (start + 64) * 784), train.labels.subarray(start, start + 64), start);
  };
  const block = (threads, seconds) => {  // ms per step over `seconds` of steps
    engine.setThreads(threads);
    const t0 = performance.now();
    let steps = 0;
    do { step(); ++steps; } while (performance.now() - t0 < seconds * 1000);
    return (performance.now() - t0) / steps;
  };
  block(2, 2); block(1, 1); block(2, 1);  // warm-up: JIT tiers, buffer pools
  const one = [], two = [], ratios = [];
  for (let r = 0; r < rounds; ++r) {
    const a = block(1, blockSeconds), b = block(2, blockSeconds);
    one.push(a); two.push(b); ratios.push(a / b);
  }
  trainer.dispose();
  console.log(`${model} ${flags.has('--copy-batches') ? 'copied batches' : 'batches by index'}${spinners ? `, busy (${spinners.pids.length} spinner)` : ''}: ` +
    `1 thread ${median(one).toFixed(3)} ms/step, 2 threads ${median(two).toFixed(3)} ms/step, 2t/1t median ${median(ratios).toFixed(2)}x ` +
    `[${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}] over ${rounds} rounds of ${blockSeconds} s; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  spinners?.stop();
}
process.exit(0);
