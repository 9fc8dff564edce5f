// Training throughput of the WebAssembly engine under Node: samples per second for one
// preset model on the bundled digits, batch 64, Adam (the "Speed" issue's benchmark).
//
//   node bench/train-throughput.mjs [model=cnn] [threads=1] [chunks=9] [batchesPerChunk=10]
//
// threads = 1 loads the single-threaded `simd` build; more loads `simd-threads` with that
// many threads. Warms up with 5 batches, then times chunks of t.step(batchesPerChunk) and
// prints the median (and min/max) samples per second. Needs scripts/build.sh first.
// WASMGRAD_ENGINE_DIR=path/to/build/engine measures another build (e.g. main's, for a baseline);
// WASMGRAD_THREADS_BUILD=1 measures threads = 1 on the simd-threads build (its per-thread cost).
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { load } from '../bindings/wasmgrad.js';

const [model = 'cnn', threadsArg = '1', chunksArg = '9', perChunkArg = '10'] = process.argv.slice(2);
const threads = Number(threadsArg), chunks = Number(chunksArg), perChunk = Number(perChunkArg);
const batchSize = 64;


const engineUrl = process.env.WASMGRAD_ENGINE_DIR ? pathToFileURL(process.env.WASMGRAD_ENGINE_DIR + '/') : undefined;
const forceThreadsBuild = process.env.WASMGRAD_THREADS_BUILD === '1';
const engine = await load(threads === 1 && !forceThreadsBuild ? { threads: false, engineUrl } : { numThreads: threads, engineUrl });
const { train } = await engine.digits();

let net = engine.model(model);
let trainer = null;
function freshTrainer() {
  trainer?.delete?.();
  trainer = engine.trainer(net, { optimizer: 'adam', learningRate: 1e-3, batchSize, epochs: 1 });
  trainer.setData(train);
}
freshTrainer();

// Runs `batches` batches, starting a new trainer when an epoch ends (125 batches of
// the 8,000 training digits); returns the number of batches done.
let batchInEpoch = 0;
function run(batches) {
  let done = 0;
  while (done < batches) {
    const progress = trainer.step(batches - done);
    done += progress.batch - batchInEpoch;
    batchInEpoch = progress.batch;
    if (progress.epochDone) {
      freshTrainer();
      batchInEpoch = 0;
    }
  }
  return done;
}

run(5);  // warm-up: buffer pool, thread pool, JIT tiers
// Wall-clock rates are what users see; on a shared, loaded machine the rate per CPU second
// of this process (all its threads) is steadier, so both are printed.
const rates = [], cpuRates = [];
for (let c = 0; c < chunks; ++c) {
  const start = process.hrtime.bigint(), cpuStart = process.cpuUsage();
  const batches = run(perChunk);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  rates.push(batches * batchSize / seconds);
  cpuRates.push(batches * batchSize / ((cpu.user + cpu.system) / 1e6));
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const cpuMedian = median(cpuRates);
median(rates);
console.log(`${model} build=${engine.build} threads=${threads}: ` +
  `median ${median(rates).toFixed(0)} samples/s (min ${rates[0].toFixed(0)}, max ${rates.at(-1).toFixed(0)}, ` +
  `${chunks} x ${perChunk} batches of ${batchSize}), ` +
  `${cpuMedian.toFixed(0)} samples per CPU-second; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.exit(0);
