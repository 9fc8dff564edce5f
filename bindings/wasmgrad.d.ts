// Types for bindings/wasmgrad.js (the `wasmgrad` package entry point).

export type BuildName = 'simd-threads' | 'simd';

export interface LoadOptions {
  /** false: use the single-thread `simd` build even where threads are available. */
  threads?: boolean;
  /** Threads to start with (clamped to maxThreads); default: the hardware's count. */
  numThreads?: number;
  /** Folder holding wasmgrad-<build>.{js,wasm}; default: build/engine/ of this package. */
  engineUrl?: string | URL;
}

/** A tensor in engine memory. Call delete() when done: JS garbage collection does not free it. */
export interface Tensor {
  shape(): number[];
  size(): number;
  /** A copy of the values. */
  toArray(): Float32Array;
  /** The values in engine memory, no copy: valid only until delete(). */
  view(): Float32Array;
  delete(): void;
  isDeleted(): boolean;
  clone(): Tensor;
}

export interface TensorClass {
  /** Throws Error naming the shape when data.length does not fill it or a dimension is not a positive integer. */
  fromArray(data: Float32Array | ArrayLike<number>, shape: number[]): Tensor;
  zeros(shape: number[]): Tensor;
}

export interface BuildInfo {
  build: BuildName;
  simdArch: string;
  threadsSupported: boolean;
  maxThreads: number;
  numThreads: number;
}

export interface MemoryStats {
  liveBytes: number;
  cachedBytes: number;
  systemAllocations: number;
}

export interface Engine {
  /** Which build runs, and why it was picked (e.g. 'not cross-origin isolated: single thread'). */
  readonly build: BuildName;
  readonly reason: string;
  /** xsimd's instruction set inside the module ('sse4.1', lowered to WebAssembly SIMD128). */
  readonly simdArch: string;
  readonly maxThreads: number;
  /** Threads the kernels use now. */
  readonly threads: number;
  /** Clamped to [1, maxThreads]; returns the count in effect. */
  setThreads(n: number): number;
  readonly Tensor: TensorClass;
  memoryStats(): MemoryStats;
  /** The raw Embind module, for bindings this layer does not wrap yet. */
  readonly module: any;
}

/** Loads (once per build) and returns the engine best suited to this environment. */
export function load(options?: LoadOptions): Promise<Engine>;
