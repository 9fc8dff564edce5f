// The measurement protocol every Node peer goes through (bench/peers/torch_bench.py repeats it
// in Python, step for step), so that the numbers in one table were produced the same way:
//
//   1. build the model; warm up for at least `warmupBatches` batches and `warmupMinSeconds`
//      (JIT tiers up, pools fill: V8 compiles hot WASM functions again, optimized, on a
//      background thread, which a 2-thread row leaves no idle core for, so its first second
//      ran at the baseline tier when the warm-up was 5 batches);
//   2. pick B, the batches per timed run, so one run takes about `targetRunSeconds`
//      (from the warm-up's per-batch time), then time `runs` runs of B batches:
//      samples/s of each run = B * batchSize / wall seconds;
//      (a very slow peer: warm-up capped at `warmupMaxSeconds`, at least one batch; runs capped
//      so the timed part stays under `timedMaxSeconds`, at least `minRuns`);
//   3. accuracy: build a FRESH model and train it one epoch over the training digits in file
//      order, or fewer batches when the peer is too slow to finish an epoch within
//      `accuracyBudgetSeconds` (the result says how many; at least `minAccuracyBatches`, and
//      skipped with a reason if even those would take twice the budget), then classify the
//      2,000 test digits. (`skipAccuracy`, a reason, leaves this step out: the two-process row,
//      whose accuracy is the one-thread row's.)
//
// A peer module exports `describe()` -> { framework, version, ... } and
// `createTrainer({ model, batchSize, learningRate, threads, trainSet })` -> trainer:
//   trainer.trainBatch(images, labels, start)  one Adam step on a batch (may return a promise);
//                                        images Float32Array [batchSize * 784] in [0, 1],
//                                        labels Uint8Array [batchSize]: the training set's samples
//                                        start .. start + batchSize - 1. A peer may keep `trainSet`
//                                        ({ images, labels, count }, the arrays the batches are
//                                        slices of) in its framework once and train on samples by
//                                        index (wasmgrad does: trainBatchAt); the others copy each batch
//   trainer.predict(images, count)       predicted class per image (array-like; may be a promise)
//   trainer.dispose()                    optional: free memory before the next trainer
// A peer that cannot train a model throws `cannotTrain(reason)`.

export const PIXELS = 784;
const WARMUP_KEPT = 10; // warm-up batch times kept for the report and a killed child's estimate

export class CannotTrain extends Error {
  constructor(reason) {
    super(`cannot train this model: ${reason}`);
    this.cannotTrain = true;
  }
}
export const cannotTrain = (reason) => new CannotTrain(reason);

export const DEFAULT_PROTOCOL = {
  batchSize: 64,
  learningRate: 1e-3,
  warmupBatches: 5,
  warmupMinSeconds: 3,
  warmupMaxSeconds: 4, // a very slow peer warms up for fewer batches (at least one)
  runs: 5,
  minRuns: 3, // a very slow peer gets fewer runs, never fewer than this
  timedMaxSeconds: 20,
  targetRunSeconds: 1.0,
  minBatchesPerRun: 1,
  maxBatchesPerRun: 400,
  accuracyBudgetSeconds: 15,
  minAccuracyBatches: 10, // fewer would say nothing; accuracy is skipped if these take > 2x the budget
  copyBatches: false, // true: peers get no trainSet, every batch is copied in (bench/run.mjs --copy-batches)
};

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const now = () => performance.now() / 1000;

// Batch i of the training set, in file order, wrapping around (the files are pre-shuffled).
function makeBatcher(train, batchSize) {
  const perEpoch = Math.floor(train.count / batchSize);
  let next = 0;
  return {
    perEpoch,
    reset() { next = 0; },
    next() {
      const start = (next % perEpoch) * batchSize;
      next += 1;
      return {
        images: train.images.subarray(start * PIXELS, (start + batchSize) * PIXELS),
        labels: train.labels.subarray(start, start + batchSize),
        start,
      };
    },
  };
}

async function evaluate(trainer, test) {
  const chunk = 500;
  let correct = 0;
  for (let start = 0; start < test.count; start += chunk) {
    const count = Math.min(chunk, test.count - start);
    const predicted = await trainer.predict(test.images.subarray(start * PIXELS, (start + count) * PIXELS), count);
    for (let i = 0; i < count; ++i) if (predicted[i] === test.labels[start + i]) correct += 1;
  }
  return correct / test.count;
}

/**
 * Steps 1-2's set-up: builds the trainer and warms it up. Returns {trainer, step, batchesPerRun,
 * runs, warmupBatches, warmupSeconds, timedRun()}: timedRun() trains batchesPerRun batches and
 * resolves to their samples/s. runProtocol times `runs` of them in a row; alternateRuns
 * interleaves two prepared trainers' runs (the busy-machine section).
 * `progress(partial)` is called after every warm-up batch with what is known so far, so that a
 * parent that must kill a too-slow peer can still report an estimate.
 */
export async function prepareSpeed(peer, { model, threads = 1, data, log = () => {}, progress = () => {}, ...overrides }) {
  const p = { ...DEFAULT_PROTOCOL, ...overrides };
  const options = { model, batchSize: p.batchSize, learningRate: p.learningRate, threads, trainSet: p.copyBatches ? undefined : data.train };
  const batches = makeBatcher(data.train, p.batchSize);
  const step = async (trainer) => {
    const b = batches.next();
    await trainer.trainBatch(b.images, b.labels, b.start);
  };
  const trainer = await peer.createTrainer(options);
  const warmupSeconds = []; // the last WARMUP_KEPT batches' times
  const warmupStart = now();
  let warmupBatches = 0, reported = 0;
  for (;;) {
    const elapsed = now() - warmupStart;
    const enough = warmupBatches >= p.warmupBatches && elapsed >= p.warmupMinSeconds;
    if (warmupBatches > 0 && (enough || elapsed >= p.warmupMaxSeconds)) break;
    const t = now();
    await step(trainer);
    warmupSeconds.push(now() - t);
    if (warmupSeconds.length > WARMUP_KEPT) warmupSeconds.shift();
    warmupBatches += 1;
    if (warmupBatches <= WARMUP_KEPT || now() - reported >= 0.25) {  // a few lines, not one per batch
      progress({ batchSize: p.batchSize, warmupSeconds, samplesPerSecond: [] });
      reported = now();
    }
  }
  const perBatch = median(warmupSeconds.slice(-3));
  const batchesPerRun = Math.max(p.minBatchesPerRun, Math.min(p.maxBatchesPerRun, Math.round(p.targetRunSeconds / perBatch)));
  const runs = Math.min(p.runs, Math.max(p.minRuns, Math.floor(p.timedMaxSeconds / (batchesPerRun * perBatch))));
  log(`warm-up ${warmupBatches} batches, the last ${warmupSeconds.map((s) => s.toFixed(4)).join(' ')} s/batch -> ${runs} runs of ${batchesPerRun} batches`);
  return {
    p, options, batches, step, trainer, batchesPerRun, runs, warmupBatches, warmupSeconds,
    async timedRun() {
      const t = now();
      for (let i = 0; i < batchesPerRun; ++i) await step(trainer);
      return (batchesPerRun * p.batchSize) / (now() - t);
    },
  };
}

/**
 * Interleaved timed runs of two prepared measurements (one() and two() each resolve to a run's
 * samples/s), `rounds` of each, in the order one-two, two-one, one-two, ...: both see the
 * machine's load of the same minute, and neither always goes first. Returns {one: [samples/s],
 * two: [samples/s], ratios: [two / one per round]}.
 */
export async function alternateRuns(one, two, rounds, log = () => {}) {
  const out = { one: [], two: [], ratios: [] };
  for (let r = 0; r < rounds; ++r) {
    if (r % 2 === 0) {
      out.one.push(await one());
      out.two.push(await two());
    } else {
      out.two.push(await two());
      out.one.push(await one());
    }
    out.ratios.push(out.two[r] / out.one[r]);
    log(`round ${r + 1}/${rounds}: ${out.one[r].toFixed(1)} and ${out.two[r].toFixed(1)} samples/s (${out.ratios[r].toFixed(2)}x)`);
  }
  return out;
}

export async function runProtocol(peer, { model, threads = 1, data, log = () => {}, progress = () => {}, ...overrides }) {
  // 1-2. speed
  const speed = await prepareSpeed(peer, { model, threads, data, log, progress, ...overrides });
  const { p, options, batches, step, batchesPerRun, runs, warmupBatches, warmupSeconds } = speed;
  let { trainer } = speed;
  const samplesPerSecond = [];
  for (let r = 0; r < runs; ++r) {
    samplesPerSecond.push(await speed.timedRun());
    progress({ batchSize: p.batchSize, warmupSeconds, samplesPerSecond, batchesPerRun });
    log(`run ${r + 1}/${runs}: ${samplesPerSecond.at(-1).toFixed(1)} samples/s`);
  }
  if (trainer.dispose) await trainer.dispose();
  const med = median(samplesPerSecond);

  // 3. accuracy from a fresh model
  const affordable = Math.floor((p.accuracyBudgetSeconds * med) / p.batchSize);
  let accuracyBatches = Math.min(batches.perEpoch, Math.max(p.minAccuracyBatches, affordable));
  let accuracy = null, accuracyTrainSeconds = 0, accuracySkipped;
  if (p.skipAccuracy) {
    accuracySkipped = p.skipAccuracy;
    accuracyBatches = 0;
  } else if ((accuracyBatches * p.batchSize) / med > 2 * p.accuracyBudgetSeconds) {
    accuracySkipped = `skipped: ${accuracyBatches} batches would take ~${Math.round((accuracyBatches * p.batchSize) / med)} s, one epoch ~${Math.round((batches.perEpoch * p.batchSize) / med / 60)} min`;
    accuracyBatches = 0;
    log(`accuracy ${accuracySkipped}`);
  } else {
    trainer = await peer.createTrainer(options);
    batches.reset();
    const t = now();
    for (let i = 0; i < accuracyBatches; ++i) await step(trainer);
    accuracyTrainSeconds = now() - t;
    accuracy = await evaluate(trainer, data.test);
    if (trainer.dispose) await trainer.dispose();
    log(`accuracy ${accuracy} after ${accuracyBatches}/${batches.perEpoch} batches`);
  }

  return {
    samplesPerSecond,
    median: med,
    min: Math.min(...samplesPerSecond),
    max: Math.max(...samplesPerSecond),
    batchSize: p.batchSize,
    warmupBatches,
    batchesPerRun,
    runs,
    warmupSeconds,
    accuracy,
    accuracySkipped,
    accuracyBatches,
    epochBatches: batches.perEpoch,
    accuracyTrainSeconds,
  };
}
