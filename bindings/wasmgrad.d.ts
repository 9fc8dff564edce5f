// Types for bindings/wasmgrad.js (the `wasmgrad` package entry point).

export type BuildName = 'simd-threads' | 'simd';

export interface LoadOptions {
  /** false: use the single-thread `simd` build even where threads are available. */
  threads?: boolean;
  /** Threads to start with (clamped to maxThreads); default: the hardware's count. */
  numThreads?: number;
  /** Folder holding wasmgrad-<build>.{js,wasm}; default: build/engine/ of this package. */
  engineUrl?: string | URL;
  /** Folder holding the bundled digits (digits-*-idx?-ubyte.gz); default: build/data/ of this package. */
  dataUrl?: string | URL;
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
  /** Tensor storage in use, and kept for reuse, by the engine's buffer pool. */
  liveBytes: number;
  cachedBytes: number;
  systemAllocations: number;
  /** Bytes the C++ heap has handed out and not got back (malloc), for leak checks. */
  mallocBytes: number;
  /** The top of the C++ heap (sbrk(0)); it never shrinks. */
  heapTopBytes: number;
}

/** Engine objects own WebAssembly memory: dispose() frees it (a finalizer frees forgotten ones). */
export interface Owned {
  dispose(): void;
  readonly disposed: boolean;
}

/** A layer spec, e.g. {type: 'conv2d', filters: 8, kernel: 5, pad: 2}; see engine/nn/layer.h. */
export interface LayerSpec { type: string; [field: string]: unknown }
export interface ModelSpec { input: number[]; layers: LayerSpec[]; seed?: number }

export interface LayerSummary {
  name: string;
  type: string;
  outputShape: number[];
  parameters: number;
  /** Per sample, weights only (the lectures' convention). */
  multiplyAdds: number;
  /** size and jump in input pixels; start = input coordinate of the centre of unit 0. */
  receptiveField: { size: number; jump: number; start: number };
  detail: string;
}

export interface Rect { top: number; left: number; height: number; width: number }
export interface Map2D { shape: number[]; data: Float32Array }

export interface Dataset extends Owned {
  readonly name: string;
  readonly size: number;
  readonly numClasses: number;
  readonly sampleShape: number[];
  readonly classNames: string[];
  inputs(start?: number, count?: number): Float32Array;
  labels(): Int32Array;
  targets(): Float32Array | undefined;
  classCounts(): Int32Array;
  split(validationFraction: number, seed?: number): { train: Dataset; validation: Dataset };
  subset(indices: ArrayLike<number>): Dataset;
}

export interface Model extends Owned {
  readonly spec: ModelSpec;
  readonly summary: LayerSummary[];
  readonly parameterCount: number;
  readonly inputShape: number[];
  readonly outputShape: number[];
  readonly metadata: unknown;
  readonly hasOptimizerState: boolean;
  outputs(inputs: Float32Array, count?: number): Float32Array;
  predict(inputs: Float32Array, count?: number): Float32Array;
  classify(inputs: Float32Array, count?: number): Int32Array;
  reinitialize(seed: number): void;
  parameters(): { name: string; shape: number[]; data: Float32Array }[];
  save(metadata?: unknown): Uint8Array;
  activations(input: Float32Array): { layer: number; name: string; type: string; shape: number[]; data: Float32Array }[];
  filters(layer: number): Map2D & { layer: number; name: string; type: string };
  saliency(input: Float32Array, classIndex?: number): Map2D & { classIndex: number; score: number };
  effectiveReceptiveField(input: Float32Array, unit: { layer: number; channel?: number; row: number; col: number }):
    Map2D & { activation: number; theoretical: { full: Rect; clipped: Rect } };
  receptiveField(layer: number, row: number, col: number): { full: Rect; clipped: Rect };
  classImage(classIndex: number, options?: AscentOptions): Map2D & { scores: Float32Array; objectives: Float32Array };
  deepDream(input: Float32Array, layer: number, options?: AscentOptions): Map2D & { scores: Float32Array; objectives: Float32Array };
  histograms(bins?: number): { layer: number; layerName: string; name: string; kind: 'weight' | 'gradient';
    min: number; max: number; counts: Int32Array; nanCount: number; infCount: number }[];
  lossGraph(inputs: Float32Array, labels: ArrayLike<number>, maxNodes?: number): unknown;
}

export interface AscentOptions { steps?: number; stepSize?: number; l2?: number; startValue?: number;
  blurEvery?: number; jitter?: number; seed?: number }

/** Training settings; every key optional (engine/train/config_json.h lists them all). */
export interface TrainSettings {
  optimizer?: 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam' | 'adamw';
  learningRate?: number; momentum?: number; nesterov?: boolean; beta1?: number; beta2?: number; eps?: number;
  alpha?: number; weightDecay?: number; clipGradNorm?: number; clipGradValue?: number;
  schedule?: { type?: 'constant' | 'step' | 'exponential' | 'cosine'; stepSize?: number; gamma?: number;
    totalEpochs?: number; minLr?: number; warmupEpochs?: number };
  loss?: 'cross_entropy' | 'mse' | 'bce' | 'hinge'; batchSize?: number; epochs?: number; seed?: number;
  augment?: { maxShift?: number; maxRotation?: number; noise?: number };
  l1?: number; l2?: number; earlyStoppingPatience?: number; layerLearningRates?: Record<string, number>;
}

export interface Progress {
  epoch: number; batch: number; batches: number; loss: number; accuracy: number; lastBatchLoss: number;
  learningRate: number; gradNorm: number; samplesPerSecond: number; epochDone: boolean; diverged: boolean; message: string;
}
export interface Evaluation { loss: number; accuracy: number; samples: number; classes: number; confusion: Int32Array }
export interface EpochResult {
  epoch: number; trainLoss: number; trainAccuracy: number; validation: Evaluation | null; seconds: number;
  samplesPerSecond: number; stop: boolean; stopReason: string;
}

export interface Trainer extends Owned {
  readonly model: Model;
  readonly config: Required<TrainSettings>;
  readonly epoch: number;
  readonly finished: boolean;
  learningRate: number;
  setData(train: Dataset, validation?: Dataset | null): this;
  step(batches?: number): Progress;
  trainBatch(inputs: Float32Array, labels: ArrayLike<number>): { loss: number; accuracy: number; diverged: boolean };
  trainEpoch(): EpochResult;
  evaluate(dataset: Dataset): Evaluation;
  fit(options?: { onProgress?: (p: Progress) => void; onEpoch?: (e: EpochResult) => void; reportEvery?: number;
    signal?: AbortSignal }): Promise<EpochResult[]>;
  save(metadata?: unknown): Uint8Array;
  restoreOptimizerState(loadedModel: Model): void;
}

export interface Perceptron extends Owned {
  predict(x: ArrayLike<number>): 1 | -1;
  learn(x: ArrayLike<number>, label: 1 | -1): boolean;
  readonly weights: Float32Array;
  readonly bias: number;
  setWeights(weights: ArrayLike<number>, bias: number): void;
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
  /** Frees the engine's cache of recycled buffers (kept per size; a new model shape adds sizes). */
  trimMemory(): void;
  /** The raw Embind module, for bindings this layer does not wrap yet. */
  readonly module: any;

  readonly presets: string[];
  presetSpec(name: string): ModelSpec;
  readonly toyDatasets: string[];
  model(spec: string | ModelSpec): Model;
  loadModel(bytes: Uint8Array | ArrayBuffer): Model;
  trainer(model: Model, settings?: TrainSettings): Trainer;
  idxDataset(images: Uint8Array | ArrayBuffer, labels: Uint8Array | ArrayBuffer, options?: { name?: string }): Promise<Dataset>;
  toyDataset(name: string, options?: { n?: number; noise?: number; seed?: number }): Dataset;
  arrayDataset(inputs: Float32Array, sampleShape: number[], labelsOrTargets: ArrayLike<number>,
    options: { classes: number; name?: string }): Dataset;
  digits(): Promise<{ train: Dataset; test: Dataset }>;
  perceptron(features: number, learningRate?: number): Perceptron;
  workedExample(name: 'cos_sin_square' | 'tiny_relu_net', inputs: number[]): unknown;
  readonly workedExamples: string[];
}

/** Loads (once per build) and returns the engine best suited to this environment. */
export function load(options?: LoadOptions): Promise<Engine>;

// ---- models leaving the engine and coming back (bindings/js/export/; docs/export.md).
// Declared as interface merges so this block stays apart from the rest.

export interface PyTorchExportOptions {
  /** The settings train.py continues with: a Trainer (its config; its epoch count starts the schedule) or a
   *  settings object. Default: the settings saved in the model file's metadata ("settings", as `wasmgrad
   *  train` writes them), else wasmgrad's defaults. */
  training?: Trainer | TrainSettings;
  /** Epochs already trained, where train.py's learning-rate schedule continues. */
  startEpoch?: number;
  /** The heading of README.md and model.py's docstring. */
  title?: string;
}

export interface PyTorchFiles {
  'model.py': string;
  'train.py': string;
  'README.md': string;
  'spec.json': string;
  'weights.safetensors': Uint8Array;
}

export interface Model {
  /** One ONNX file (opset 17, weights inside): input "input" float32 [N, ...inputShape], output "logits". */
  exportONNX(): Uint8Array;
  /** The parameters and batch-norm statistics as safetensors (F32, engine names); metadata: extra string entries. */
  exportSafetensors(metadata?: Record<string, string>): Uint8Array;
  /** A PyTorch folder's files by name; write them into a folder, or zipFolder() them. */
  exportPyTorch(options?: PyTorchExportOptions): PyTorchFiles;
}

export interface Engine {
  /** A model of `spec` with the weights of a safetensors file. Throws an Error naming the tensor and the expected
   *  and found shapes when they do not fit, and on a truncated or corrupt file or non-finite weights. */
  importSafetensors(spec: string | ModelSpec, bytes: Uint8Array | ArrayBuffer): Model;
}

/** The files of exportPyTorch() as one .zip, inside `folder` (default "wasmgrad-pytorch"). */
export function zipFolder(files: Record<string, string | Uint8Array>, folder?: string): Uint8Array;
