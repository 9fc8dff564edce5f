// The JS package layer (bindings/wasmgrad.js) in Node: build choice, build info, tensor
// round trip, engine errors arriving as JS Errors, handle deletion. Needs build/engine/
// (scripts/build.sh wasm).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, MAX_THREADS } from '../../../bindings/wasmgrad.js';

const builds = [
  { options: {}, build: 'simd-threads', threadsSupported: true },
  { options: { threads: false }, build: 'simd', threadsSupported: false },
];

for (const { options, build, threadsSupported } of builds) {
  test(`${build}: load picks the build, says why, and loads once`, async () => {
    const engine = await load(options);
    assert.equal(engine.build, build);
    assert.match(engine.reason, build === 'simd' ? /threads: false/ : /Node/);
    assert.equal(engine.simdArch, 'sse4.1');  // xsimd's SSE4.1 path, lowered to SIMD128
    assert.equal(engine.module.buildInfo().threadsSupported, threadsSupported);
    assert.strictEqual(await load(options), engine);
    assert.strictEqual(await Promise.all([load(options), load(options)]).then(([a]) => a), engine);
  });

  test(`${build}: thread count is clamped and reported`, async () => {
    const engine = await load(options);
    if (threadsSupported) {
      assert.ok(engine.maxThreads >= 2);
      assert.ok(engine.maxThreads <= MAX_THREADS, `${engine.maxThreads} threads, the stated cap is ${MAX_THREADS}`);
      assert.equal(MAX_THREADS, 16);
      assert.equal(engine.setThreads(2), 2);
      assert.equal(engine.threads, 2);
      assert.equal(engine.setThreads(1000), engine.maxThreads);
      assert.equal(engine.setThreads(0), 1);
      engine.setThreads(2);
    } else {
      assert.equal(engine.maxThreads, 1);
      assert.equal(engine.setThreads(4), 1);
      assert.equal(engine.threads, 1);
    }
  });

  test(`${build}: tensor round trip, copy and zero-copy view`, async () => {
    const { Tensor } = await load(options);
    const values = new Float32Array([1, -2.5, 3, 1e30, -0, 6]);
    const t = Tensor.fromArray(values, [2, 3]);
    try {
      assert.deepEqual(t.shape(), [2, 3]);
      assert.equal(t.size(), 6);
      const copy = t.toArray();
      assert.ok(copy instanceof Float32Array);
      assert.deepEqual(copy, values);
      copy[0] = 42;  // a copy: the tensor does not change
      assert.equal(t.toArray()[0], 1);
      const view = t.view();  // shares engine memory
      view[1] = 7;
      assert.equal(t.toArray()[1], 7);
      assert.deepEqual(Tensor.fromArray([1, 2], [2]).toArray(), new Float32Array([1, 2]));  // plain arrays too
      const z = Tensor.zeros([4, 1]);
      assert.deepEqual(z.toArray(), new Float32Array(4));
      z.delete();
    } finally {
      t.delete();
    }
  });

  test(`${build}: bad input arrives as an Error naming the shape`, async () => {
    const { Tensor } = await load(options);
    const cases = [
      [() => Tensor.fromArray(new Float32Array(3), [2, 2]), /3 values do not fill shape \[2, 2\]/],
      [() => Tensor.zeros([2, 0]), /every dimension must be positive, got shape \[2, 0\]/],
      [() => Tensor.zeros([-3]), /\[-3\]/],
      [() => Tensor.zeros([65536, 65536]), /shape \[65536, 65536\] has more than 2\^31 elements/],
      [() => Tensor.zeros([1.5]), /shape\[0\] must be an integer/],
      [() => Tensor.zeros(['2']), /shape\[0\] must be an integer, got string/],
      [() => Tensor.zeros('2x2'), /shape must be an array/],
      [() => Tensor.fromArray('abc', [3]), /data must be a Float32Array or an array/],
    ];
    for (const [make, message] of cases) {
      assert.throws(make, (error) => error instanceof Error && error.constructor === Error && message.test(error.message),
        `expected an Error matching ${message}`);
    }
  });

  test(`${build}: thousands of errors leave the engine working (stack restored)`, async () => {
    const { Tensor, module } = await load(options);
    const before = module.stackSave();
    for (let i = 0; i < 30000; i++) {  // 48 bytes leaked per error would overflow the 1 MB stack
      assert.throws(() => Tensor.zeros([0]));
    }
    assert.equal(module.stackSave(), before);
    const t = Tensor.fromArray([1, 2, 3], [3]);
    assert.deepEqual(t.toArray(), new Float32Array([1, 2, 3]));
    t.delete();
  });

  test(`${build}: delete() returns storage and invalidates the handle`, async () => {
    const engine = await load(options);
    const live = engine.memoryStats().liveBytes;
    const t = engine.Tensor.zeros([1000]);
    assert.ok(engine.memoryStats().liveBytes >= live + 4000);
    t.delete();
    assert.equal(engine.memoryStats().liveBytes, live);
    assert.throws(() => t.shape(), /deleted/);
    assert.throws(() => t.delete(), /deleted/);
  });
}
