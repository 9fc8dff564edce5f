// The relaxed-SIMD FMA peak of one WebAssembly thread: a tiny module, encoded here byte by byte
// (Debian's LLVM 14 only emits the proposal-era opcode, which current engines reject), runs 12
// independent chains acc = f32x4.relaxed_madd(acc, m, a) and the best of several timed calls
// gives GFLOP/s (2 FLOPs per lane per madd). Where the runtime has no relaxed SIMD the module does
// not validate and measure() says so. Node 20 has it behind --experimental-wasm-relaxed-simd
// (run.mjs starts a child with that flag); Chromium has shipped it since version 114.
//
// relaxedPeakModule and measureRelaxedPeak take no outside variables, so the bench can also
// send their source to a page (page.evaluate) and measure the browser's peak.

/** The module's bytes: export "peak"(iterations: i32) -> f32. */
export function relaxedPeakModule() {
  const CHAINS = 12;
  const leb = (n) => {  // unsigned LEB128
    const out = [];
    do {
      let byte = n & 0x7f;
      n >>>= 7;
      if (n) byte |= 0x80;
      out.push(byte);
    } while (n);
    return out;
  };
  const f32 = (x) => [...new Uint8Array(new Float32Array([x]).buffer)];
  const simd = (op) => [0xfd, ...leb(op)];
  const SPLAT = 0x13, EXTRACT = 0x1f, ADD = 0xe4, RELAXED_MADD = 0x105;
  const section = (id, bytes) => [id, ...leb(bytes.length), ...bytes];
  const vec = (items) => [...leb(items.length), ...items.flat()];
  // locals: 0 = iterations (param), 1..CHAINS = accumulators, then m and a (12 chains + 2: no spills in 16 registers)
  const M = CHAINS + 1, A = CHAINS + 2;
  const body = [];
  for (let c = 1; c <= CHAINS; ++c) body.push(0x43, ...f32(1 + 0.001 * c), ...simd(SPLAT), 0x21, c);
  body.push(0x43, ...f32(0.999999), ...simd(SPLAT), 0x21, M);
  body.push(0x43, ...f32(1e-7), ...simd(SPLAT), 0x21, A);
  body.push(0x03, 0x40);  // loop
  for (let c = 1; c <= CHAINS; ++c) body.push(0x20, c, 0x20, M, 0x20, A, ...simd(RELAXED_MADD), 0x21, c);
  body.push(0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b);  // iterations -= 1; br_if loop; end
  body.push(0x20, 1);
  for (let c = 2; c <= CHAINS; ++c) body.push(0x20, c, ...simd(ADD));
  body.push(...simd(EXTRACT), 0, 0x0b);
  const locals = [...leb(1), ...leb(CHAINS + 2), 0x7b];
  const code = [...locals, ...body];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, 1, 0x7f, 1, 0x7d]])),          // type: (i32) -> f32
    ...section(3, vec([[0]])),                                // function 0 has type 0
    ...section(7, vec([[4, ...[...'peak'].map((ch) => ch.charCodeAt(0)), 0x00, 0]])),
    ...section(10, vec([[...leb(code.length), ...code]])),
  ];
  return { bytes: new Uint8Array(bytes), flopsPerIteration: CHAINS * 4 * 2 };
}

/** { gflops } or { unavailable: reason }; about a second of work. */
export async function measureRelaxedPeak(relaxedPeakModule) {
  const { bytes, flopsPerIteration } = relaxedPeakModule();
  if (!WebAssembly.validate(bytes)) return { unavailable: 'this runtime has no relaxed SIMD (f32x4.relaxed_madd does not validate)' };
  const { instance } = await WebAssembly.instantiate(bytes);
  const peak = instance.exports.peak;
  let iterations = 1 << 16, best = 0;
  for (let round = 0; round < 12; ++round) {
    const start = performance.now();
    peak(iterations);
    const seconds = (performance.now() - start) / 1000;
    if (seconds < 0.05) {
      iterations *= 4;  // too short to time: grow (and let the engine tier the function up)
      continue;
    }
    best = Math.max(best, (iterations * flopsPerIteration) / seconds / 1e9);
  }
  return { gflops: best };
}

/** The same measurement in headless Chromium (a blank page): { gflops } or { unavailable } or { error }. */
export async function measureRelaxedPeakInChromium() {
  const CHROMIUM = '/usr/bin/chromium';
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return { unavailable: 'playwright-core is not installed (npm install)' };
  }
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    const page = await browser.newPage();
    const source = `(${measureRelaxedPeak.toString()})(${relaxedPeakModule.toString()})`;
    return await page.evaluate(source);
  } catch (e) {
    return { error: String(e.message ?? e).split('\n')[0] };
  } finally {
    await browser?.close();
  }
}

// As a script (run.mjs starts it with --experimental-wasm-relaxed-simd): prints one JSON line.
if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await measureRelaxedPeak(relaxedPeakModule);
  console.log(JSON.stringify(result));
}
