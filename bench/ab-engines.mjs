// Two builds of the engine against each other, in one Node process, in interleaved blocks: before
// and after a change, on a machine whose speed comes and goes (this 2-vCPU VM has phases where two
// threads gain 1.6x and phases where they gain 1.2x; runs a minute apart would compare phases).
// Both engines hold the training digits and train the benchmark's model (bench/peers/wasmgrad-trainer.mjs:
// Adam, batch 64, batches by index); blocks of `blockSeconds` alternate A, B for `rounds` rounds.
//
//   node bench/ab-engines.mjs <engine dir A> <engine dir B> [model=mlp] [rounds=15] [threads=2] [build=simd-threads] [blockSeconds=0.3]
//
// An engine dir is a build/engine folder (e.g. a copy of one from before the change). Prints the
// median ms per step of each and the median of the rounds' speed ratios B / A, with their range.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { load } from '../bindings/wasmgrad.js';
import { loadDigits } from './lib/data.mjs';
import { median } from './lib/protocol.mjs';
import { createWasmgradTrainer } from './peers/wasmgrad-trainer.mjs';

const [dirA, dirB, model = 'mlp', roundsArg = '15', threadsArg = '2', build = 'simd-threads', blockArg = '0.3'] = process.argv.slice(2);
if (!dirA || !dirB) {
  console.error('usage: node bench/ab-engines.mjs <engine dir A> <engine dir B> [model] [rounds] [threads] [build] [blockSeconds]');
  process.exit(2);
}
const rounds = Number(roundsArg), threads = Number(threadsArg), blockSeconds = Number(blockArg);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { train } = loadDigits(path.join(ROOT, 'build', 'data'));
const perEpoch = Math.floor(train.count / 64);

async function stepper(dir) {
  const engine = await load({ numThreads: threads, build, engineUrl: pathToFileURL(path.resolve(dir) + '/') });
  engine.setThreads(threads);
  if (engine.threads !== threads) throw new Error(`${dir}: ${build} runs ${engine.threads} threads, not ${threads}`);
  const trainer = createWasmgradTrainer(engine, { model, learningRate: 1e-3, trainSet: train });
  let next = 0;
  return () => {
    const start = (next++ % perEpoch) * 64;
    trainer.trainBatch(train.images.subarray(start * 784, (start + 64) * 784), train.labels.subarray(start, start + 64), start);
  };
}

const block = (step, seconds) => {  // ms per step over `seconds` of steps
  const t0 = performance.now();
  let steps = 0;
  do { step(); ++steps; } while (performance.now() - t0 < seconds * 1000);
  return (performance.now() - t0) / steps;
};

const a = await stepper(dirA), b = await stepper(dirB);
block(a, 1.5); block(b, 1.5);  // warm-up: JIT tiers, buffer pools
const msA = [], msB = [], ratios = [];
for (let r = 0; r < rounds; ++r) {
  const x = block(a, blockSeconds), y = block(b, blockSeconds);
  msA.push(x); msB.push(y); ratios.push(x / y);
}
console.log(`${model}, ${build}, ${threads} thread(s): A ${median(msA).toFixed(3)} ms/step, B ${median(msB).toFixed(3)} ms/step, ` +
  `B speed / A median ${median(ratios).toFixed(3)}x [${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}] over ${rounds} rounds`);
process.exit(0);
