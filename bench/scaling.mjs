// Cost as the work grows: one model family at one width, trained at batch sizes 1, 8, 64 and 256
// on the bundled digits, in the single-thread `simd` build through the JS API (trainer.trainBatch,
// Adam lr 1e-3). For each batch size: samples/s (median of 3 runs of about `seconds` each, after
// a warm-up), GFLOP/s of the whole step (bench/lib/flops.mjs, from the engine's model summary)
// and the top of the engine's heap (memoryStats().heapTopBytes: sbrk never shrinks, and the batch
// sizes run in increasing order, so it is the peak so far, i.e. that of the largest batch yet).
// One width per process (run.mjs starts one per row), so heap figures do not mix widths.
//   node bench/scaling.mjs <mlp|cnn> <width> <data-dir> [seconds=0.6] [batches=1,8,64,256]
// width: MLP hidden units (128, 512, 2048); CNN filter multiplier (1, 2, 4: 8k and 16k filters).
// Prints "@@RESULT <json>" with { model, width, parameters, flopsPerSample, rows: [...] }.
import os from 'node:os';
import { load } from '../bindings/wasmgrad.js';
import { loadDigits } from './lib/data.mjs';
import { PIXELS, median } from './lib/protocol.mjs';
import { trainingFlopsPerSample, gflopsOf } from './lib/flops.mjs';

export function scalingSpec(model, width) {
  if (model === 'mlp') {
    return { input: [1, 28, 28], layers: [{ type: 'linear', units: width }, { type: 'relu' }, { type: 'linear', units: 10 }] };
  }
  if (model === 'cnn') {
    const conv = (filters) => [{ type: 'conv2d', filters, kernel: 5, pad: 2 }, { type: 'relu' }, { type: 'maxpool', kernel: 2 }];
    return { input: [1, 28, 28], layers: [...conv(8 * width), ...conv(16 * width), { type: 'linear', units: 10 }] };
  }
  throw new Error(`scaling: unknown model '${model}' (mlp or cnn)`);
}

const now = () => performance.now() / 1000;

async function main() {
  const [model, widthArg, dataDir, secondsArg = '0.6', batchesArg = '1,8,64,256'] = process.argv.slice(2);
  const width = Number(widthArg), seconds = Number(secondsArg);
  const batchSizes = batchesArg.split(',').map(Number);
  if (!(width > 0) || !dataDir) throw new Error('usage: node bench/scaling.mjs <mlp|cnn> <width> <data-dir> [seconds] [batches]');
  const engine = await load({ threads: false });
  const { train } = loadDigits(dataDir);
  const net = engine.model(scalingSpec(model, width));
  const flopsPerSample = trainingFlopsPerSample(net.summary);
  const rows = [];
  for (const batchSize of batchSizes) {
    net.reinitialize(1);
    const trainer = engine.trainer(net, { optimizer: 'adam', learningRate: 1e-3, seed: 1 });
    const perEpoch = Math.floor(train.count / batchSize);
    let next = 0;
    const step = () => {
      const start = (next++ % perEpoch) * batchSize;
      trainer.trainBatch(train.images.subarray(start * PIXELS, (start + batchSize) * PIXELS),
        train.labels.subarray(start, start + batchSize));
    };
    const warmStart = now();
    let warm = 0;
    while (warm < 3 || now() - warmStart < 0.2) { step(); ++warm; }
    const perBatch = (now() - warmStart) / warm;
    const batchesPerRun = Math.max(1, Math.round(seconds / perBatch));
    const rates = [];
    for (let r = 0; r < 3; ++r) {
      const t = now();
      for (let i = 0; i < batchesPerRun; ++i) step();
      rates.push((batchesPerRun * batchSize) / (now() - t));
    }
    trainer.dispose();
    const samplesPerSecond = median(rates);
    rows.push({ batchSize, samplesPerSecond, min: Math.min(...rates), max: Math.max(...rates), batchesPerRun,
      gflops: gflopsOf(samplesPerSecond, flopsPerSample), heapTopBytes: engine.memoryStats().heapTopBytes });
    process.stderr.write(`  [scaling ${model} x${width}] batch ${batchSize}: ${samplesPerSecond.toFixed(0)} samples/s\n`);
  }
  process.stdout.write(`@@RESULT ${JSON.stringify({ status: 'ok', model, width, parameters: net.parameterCount, flopsPerSample,
    rows, loadAverage: os.loadavg() })}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(() => process.exit(0), (e) => {
    process.stdout.write(`@@RESULT ${JSON.stringify({ status: 'error', error: String(e?.message ?? e).split('\n')[0] })}\n`);
    process.exit(1);
  });
}
