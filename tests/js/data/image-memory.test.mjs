// The image-folder memory rule (bindings/js/data/limits.js) against the engine's real 512 MB: for
// each colour preset, size and batch, as many samples as sampleCapacity allows beside
// trainingBytes' estimate are loaded, a few batches trained and the whole validation part
// evaluated, in a fresh process (the heap top never shrinks; running out aborts the process).
// The engine's heap top must stay under 512 MB, and the memory training took beside the data
// must not exceed the estimate (an estimate below the truth would let a tab run out of memory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WASMGRAD = fileURLToPath(new URL('../../../bindings/wasmgrad.js', import.meta.url));
const LIMITS = fileURLToPath(new URL('../../../bindings/js/data/limits.js', import.meta.url));

const CHILD = `
import { load } from ${JSON.stringify(WASMGRAD)};
import { sampleCapacity, trainingBytes } from ${JSON.stringify(LIMITS)};
const [preset, c, h, w, batch] = [process.argv[1], ...process.argv.slice(2).map(Number)];
const engine = await load();
const spec = engine.presetSpec(preset);
spec.input = [c, h, w];
const model = engine.model(spec);
const training = trainingBytes(model.summary, batch, model.parameterCount);
const n = sampleCapacity(c, h, w, training);
const size = c * h * w;
const validation = Math.round(n / 10);
const inputs = new Float32Array(n * size);
for (let i = 0; i < inputs.length; i += 7) inputs[i] = (i % 101) / 101;
const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
const part = (from, to) => engine.arrayDataset(inputs.subarray(from * size, to * size), [c, h, w], labels.subarray(from, to), { classes: 10 });
const trainSet = part(0, n - validation);
const validationSet = part(n - validation, n);
const dataTop = engine.memoryStats().heapTopBytes;
const trainer = engine.trainer(model, { batchSize: batch, epochs: 1 });
trainer.setData(trainSet, validationSet);
trainer.step(3);
trainer.evaluate(validationSet);
const top = engine.memoryStats().heapTopBytes;
console.log(JSON.stringify({ samples: n, dataBytes: n * size * 4, training, used: top - dataTop, top }));
`;

function measure(args) {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', CHILD, ...args.map(String)], { timeout: 600_000, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => resolve({ error, stdout, stderr }));
  });
}

const MB = 2 ** 20;
const cases = [
  ['simplenet', 3, 32, 32, 64],
  ['vgg-mini', 3, 32, 32, 64],
  ['simplenet', 3, 64, 64, 64],
  ['vgg-mini', 3, 64, 64, 64],
  ['vgg-mini', 3, 64, 64, 32],
];
for (const args of cases) {
  const [preset, c, h, w, batch] = args;
  test(`${preset} on ${c}x${h}x${w} at batch ${batch}: a full folder and training fit the engine's 512 MB`, async (t) => {
    const { error, stdout, stderr } = await measure(args);
    assert.equal(error, null, `the engine ran out of memory or failed: ${stderr.split('\n').find((l) => /Aborted|Error/.test(l)) ?? stderr.slice(0, 300)}`);
    const r = JSON.parse(stdout.trim().split('\n').at(-1));
    t.diagnostic(`${r.samples} samples (${(r.dataBytes / MB).toFixed(0)} MB); training used ${(r.used / MB).toFixed(0)} MB, ` +
      `estimated ${(r.training / MB).toFixed(0)} MB; heap top ${(r.top / MB).toFixed(0)} MB`);
    assert.ok(r.samples > 0);
    assert.ok(r.top < 512 * MB);
    assert.ok(r.used <= r.training, `training used ${(r.used / MB).toFixed(0)} MB, more than the estimate ${(r.training / MB).toFixed(0)} MB`);
  });
}
