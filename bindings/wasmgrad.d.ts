// Types for the `wasmgrad` package: bindings/wasmgrad.js (Node, unbundled pages) and bindings/wasmgrad.browser.js (bundlers) export the same API.
/**
 * `import { load } from 'wasmgrad'`: the engine, its models, trainers and datasets, image folders, and the exporters.
 * @module wasmgrad
 */

/**
 * The WebAssembly builds: SIMD128 with pthreads (`simd-threads`, needs cross-origin isolation in a browser), SIMD128 on one thread
 * (`simd`), and their relaxed-SIMD twins (`simd-relaxed-threads`, `simd-relaxed`: FMA in the GEMM kernels), picked where
 * WebAssembly.validate accepts relaxed SIMD.
 */
export type BuildName = 'simd-relaxed-threads' | 'simd-relaxed' | 'simd-threads' | 'simd';

/** Options of {@link load}: which build, how many threads, and where its files are. */
export interface LoadOptions {
  /** false: use a single-thread build (`simd-relaxed` or `simd`) even where threads are available. */
  threads?: boolean;
  /** This build and no other; load() rejects an unknown name, or a build this runtime cannot run, with an Error. */
  build?: BuildName;
  /** Threads to start with (clamped to maxThreads); default: the hardware's count. */
  numThreads?: number;
  /** Folder holding wasmgrad-<build>.{js,mjs,wasm} (and wasmgrad-<build>.worker.js for the threaded builds), e.g. a copy on another host;
   *  default: this package's own files, which bundlers copy into their output. */
  engineUrl?: string | URL;
  /** Folder holding the bundled digits (digits-*-idx?-ubyte.gz); default: this package's own files. */
  dataUrl?: string | URL;
  /** Browser worker, threaded build: start pthreads from a blob: URL (needed under a COOP/COEP service worker). */
  pthreadsFromBlob?: boolean;
}

/** A tensor in engine memory. Call dispose() when done (or `using`): JS garbage collection does not free it. */
export interface Tensor {
  /** The dimensions, outermost first (e.g. [N, C, H, W]). */
  shape(): number[];
  /** The number of values (the product of the shape). */
  size(): number;
  /** A copy of the values. */
  toArray(): Float32Array;
  /** The values in engine memory, no copy: valid only until dispose(). */
  view(): Float32Array;
  /** Frees the engine memory now, as every engine object's dispose(); safe to call twice. */
  dispose(): void;
  readonly disposed: boolean;
  /** The older name of dispose() (Embind's), still accepted. */
  delete(): void;
  /** The older name of `disposed`, still accepted. */
  isDeleted(): boolean;
  /** A new tensor with a copy of the values (dispose it too). */
  clone(): Tensor;
}

/** `engine.Tensor`: makes tensors in engine memory. */
export interface TensorClass {
  /** Throws Error naming the shape when data.length does not fill it or a dimension is not a positive integer. */
  fromArray(data: Float32Array | ArrayLike<number>, shape: number[]): Tensor;
  /** A tensor of `shape` filled with zeros. */
  zeros(shape: number[]): Tensor;
}

/** Which build runs and what it can do. */
export interface BuildInfo {
  build: BuildName;
  simdArch: string;
  threadsSupported: boolean;
  maxThreads: number;
  numThreads: number;
}

/** The engine's memory, from {@link Engine.memoryStats}: what is in use, what is cached, how large the heap grew. */
export interface MemoryStats {
  /** Tensor storage in use, and kept for reuse, by the engine's buffer pool. */
  liveBytes: number;
  cachedBytes: number;
  systemAllocations: number;
  /** Bytes the C++ heap has handed out and not got back (malloc), for leak checks. */
  mallocBytes: number;
  /** The top of the C++ heap (sbrk(0)); it never shrinks. */
  heapTopBytes: number;
  /** The size of the WebAssembly memory (fixed at build time). */
  wasmBytes: number;
}

/** Engine objects own WebAssembly memory: dispose() frees it (a finalizer frees forgotten ones). */
export interface Owned {
  /** Frees the object's engine memory now; using it afterwards throws an Error. */
  dispose(): void;
  readonly disposed: boolean;
}

/**
 * Errors from a model spec (and Model.checkData) say where they are, so a page can show the
 * problem next to the layer and field: `layer` is the 0-based index in `spec.layers` (-1: the
 * model's input), `field` is '' for the layer as a whole.
 * layer, layerType: the top-level layer (a block for a problem inside it); field: that layer's field
 * ('layers', 'shortcut', 'branches' inside a block); path: '' at the top level, else the way in,
 * 'layers › 1 (conv2d)'; problem: the problem, inside a block after the rest of that way.
 */
export interface SpecError extends Error { layer: number; layerType: string; field: string; problem: string; path: string }

/** A field a layer type accepts, with the limits the engine checks. */
export interface LayerField {
  /** layers: a list of layer specs (residual's layers, shortcut); branches: a list of such lists (concat). */
  name: string; kind: 'integer' | 'size' | 'number' | 'boolean' | 'initializer' | 'layers' | 'branches';
  min: number; max: number; required: boolean; defaultText: string;
}
/**
 * The names the engine's catalog lists (engine.catalog), written out for the type checker;
 * tests/js/api/catalog.test.mjs fails when these unions and the catalog differ.
 */
export type LayerTypeName = 'conv2d' | 'maxpool' | 'avgpool' | 'l2pool' | 'linear' | 'dense' | 'relu' | 'leaky_relu' |
  'sigmoid' | 'tanh' | 'softplus' | 'sign' | 'step' | 'batchnorm' | 'layernorm' | 'instancenorm' | 'lcn' | 'dropout' | 'flatten' |
  'globalavgpool' | 'residual' | 'concat';
/** The optimizers a {@link Trainer} offers (TrainSettings.optimizer); their formulas are torch.optim's. */
export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam' | 'adamw';
/** The classification losses (TrainSettings.loss), each a mean over the batch. */
export type LossName = 'cross_entropy' | 'mse' | 'bce' | 'hinge';
/** Learning-rate schedules (TrainSettings.schedule.type), each with optional warm-up epochs. */
export type ScheduleType = 'constant' | 'step' | 'exponential' | 'cosine';

/** A layer type of the engine's catalog: its fields with their limits; `aliasOf` names the type it is another name for ('dense' is 'linear'). */
export interface LayerType { type: LayerTypeName; aliasOf: string; needsImage: boolean; fields: LayerField[] }
/** Every name and limit the engine accepts, from the engine itself: one source for every list a page or tool shows. */
export interface Catalog {
  layerTypes: LayerType[]; presets: PresetInfo[]; optimizers: OptimizerName[]; losses: LossName[]; schedules: ScheduleType[];
}
/** A preset model: `name` for {@link Engine.model}, a title, the data it suits, its input shape and class count. */
export interface PresetInfo { name: string; title: string; data: 'images' | 'points' | 'any'; input: number[]; classes: number }

/** A layer spec, e.g. {type: 'conv2d', filters: 8, kernel: 5, pad: 2}; see engine/nn/layer.h. */
/**
 * One layer: its type and fields. Blocks hold layers: residual {layers, shortcut?} (output =
 * layers(x) + shortcut(x); no shortcut or [] is the identity), concat {branches} (joined along channels).
 */
export interface LayerSpec { type: LayerTypeName; layers?: LayerSpec[]; shortcut?: LayerSpec[]; branches?: LayerSpec[][]; [field: string]: unknown }
/** A whole model: the shape of one sample (e.g. [1, 28, 28]), its layers, and an optional seed for the initial weights. */
export interface ModelSpec { input: number[]; layers: LayerSpec[]; seed?: number }

/** One row of a model's layer table ({@link Model.summary}, {@link Engine.describe}): output shape, parameters, multiply-adds, receptive field. */
export interface LayerSummary {
  name: string;
  type: string;
  outputShape: number[];
  parameters: number;
  /** Per sample, weights only (the lectures' convention). */
  multiplyAdds: number;
  /**
   * The receptive field of this layer's units as arithmetic, the same for every unit: `size` and `jump` (the step between
   * neighbouring units' fields) in input pixels, `start` = the input coordinate of unit 0's centre. One unit's field as
   * rectangles on the input is {@link Model.receptiveField}, which these numbers give.
   */
  receptiveField: { size: number; jump: number; start: number };
  detail: string;
  /** Inside a block: the list this layer is in ('layers', 'shortcut', 'branches.0', ...). */
  branch?: string;
  /** A block's (residual, concat) inner layers; its own row holds their totals. */
  inner?: LayerSummary[];
}

/** A spec's layer table from shapes alone (Engine.describe): no weights allocated. */
export interface ModelDescription {
  inputShape: number[]; outputShape: number[]; parameters: number; multiplyAdds: number; layers: LayerSummary[];
}
/** A big architecture {@link Engine.describe} knows by name, with its parameter count. */
export interface ArchitectureInfo { name: string; title: string; parameters: number }

/** A rectangle of input pixels: top-left corner, height and width. */
export interface Rect { top: number; left: number; height: number; width: number }
/** A map of values over the input (or a layer's output): its shape and its values, row-major. */
export interface Map2D { shape: number[]; data: Float32Array }

/** Samples and their labels (or regression targets) in engine memory, ready to train on. */
export interface Dataset extends Owned {
  readonly name: string;
  readonly size: number;
  readonly numClasses: number;
  readonly sampleShape: number[];
  readonly classNames: string[];
  /** A copy of `count` samples' values from `start` (default: all), one sample after the other. */
  inputs(start?: number, count?: number): Float32Array;
  /** Every sample's class index. */
  labels(): Int32Array;
  /** Regression targets, one row per sample; undefined for a classification set. */
  targets(): Float32Array | undefined;
  /** How many samples each class has. */
  classCounts(): Int32Array;
  /** Two new datasets: a seeded, shuffled share held out for validation, and the rest. */
  split(validationFraction: number, seed?: number): { train: Dataset; validation: Dataset };
  /** A new dataset of the samples at `indices`, in that order. */
  subset(indices: ArrayLike<number>): Dataset;
}

/**
 * A network with its weights: outputs and predictions, saving, and the views a lecture shows.
 * @example
 * const model = engine.model({ input: [1, 28, 28], layers: [{ type: 'flatten' }, { type: 'linear', units: 10 }] });
 * const scores = model.outputs(test.inputs(0, 1)); // 10 logits for the first test digit
 */
export interface Model extends Owned {
  readonly spec: ModelSpec;
  readonly summary: LayerSummary[];
  readonly parameterCount: number;
  readonly inputShape: number[];
  readonly outputShape: number[];
  readonly metadata: unknown;
  readonly hasOptimizerState: boolean;
  /** The last layer's values for `count` samples (default: as many as `inputs` holds), one row per sample. */
  outputs(inputs: Float32Array, count?: number): Float32Array;
  /** Class probabilities (softmax of the outputs), one row per sample. */
  predict(inputs: Float32Array, count?: number): Float32Array;
  /** The most probable class of each sample. */
  classify(inputs: Float32Array, count?: number): Int32Array;
  /** Throws a SpecError when samples of sampleShape or `classes` classes do not fit the model. */
  checkData(data: { sampleShape: number[]; classes?: number }): void;
  /** New initial weights from `seed`, as a new model of the same spec with that seed gets. */
  reinitialize(seed: number): void;
  /** Every parameter tensor by its name ('conv1.weight'), with a copy of its values. */
  parameters(): { name: string; shape: number[]; data: Float32Array }[];
  /** The model file (docs/model-format.md) with a JSON-able `metadata` object; {@link Engine.loadModel} reads it back. */
  save(metadata?: unknown): Uint8Array;
  /** Every layer's output for one sample. */
  activations(input: Float32Array): { layer: number; name: string; type: string; shape: number[]; data: Float32Array }[];
  /**
   * Inside block `layer` (a residual or concat) for one sample: each path ('layers', 'shortcut',
   * 'branches.0', ...) with its inner layers' outputs, run on the block's input (identity: an empty path).
   */
  blockActivations(input: Float32Array, layer: number): {
    branch: string; identity: boolean; shape: number[];
    layers: { layer: number; name: string; type: string; shape: number[]; data: Float32Array }[];
  }[];
  /** A conv2d layer's kernels, as [filters, channels, kH, kW]. */
  filters(layer: number): Map2D & { layer: number; name: string; type: string };
  /** |d score / d pixel| for one sample: which pixels the class score (default: the predicted class) depends on most. */
  saliency(input: Float32Array, classIndex?: number): Map2D & { classIndex: number; score: number };
  /** Which input pixels one unit's value actually depends on (|gradient| over the input), beside its theoretical receptive field. */
  effectiveReceptiveField(input: Float32Array, unit: { layer: number; channel?: number; row: number; col: number }):
    Map2D & { activation: number; theoretical: { full: Rect; clipped: Rect } };
  /**
   * The receptive field of one unit, (row, col) of `layer`, as rectangles on the input: the full window, and clipped to the
   * image. Every unit of a layer has the same size of field; that arithmetic is the layer's `receptiveField` in the summary.
   */
  receptiveField(layer: number, row: number, col: number): { full: Rect; clipped: Rect };
  /** An input made by gradient ascent to maximise a class score (with l2 and blur regularisation). */
  classImage(classIndex: number, options?: AscentOptions): Map2D & { scores: Float32Array; objectives: Float32Array };
  /** `input` changed by gradient ascent to strengthen what `layer` responds to. */
  deepDream(input: Float32Array, layer: number, options?: AscentOptions): Map2D & { scores: Float32Array; objectives: Float32Array };
  /** Histograms of every layer's weights and last gradients, with NaN and Inf counts. */
  histograms(bins?: number): { layer: number; layerName: string; name: string; kind: 'weight' | 'gradient';
    min: number; max: number; counts: Int32Array; nanCount: number; infCount: number }[];
  /** The L2 norm of each parameter's last gradient, in layer order (names nest inside blocks); [] before a step. */
  gradNorms(): GradNorm[];
  /** The autodiff graph of the loss for a batch: nodes with their op, shape and values (at most `maxNodes`). */
  lossGraph(inputs: Float32Array, labels: ArrayLike<number>, maxNodes?: number): unknown;
}

/** One parameter's last gradient norm ({@link Model.gradNorms}); their root sum of squares is Progress.gradNorm. */
export interface GradNorm { layer: number; layerName: string; name: string; norm: number }

/** Options of {@link Model.classImage} and {@link Model.deepDream}: steps, step size, regularisation, seed. */
export interface AscentOptions { steps?: number; stepSize?: number; l2?: number; startValue?: number;
  blurEvery?: number; jitter?: number; seed?: number }

/** Training settings; every key optional (engine/train/config_json.h lists them all). */
export interface TrainSettings {
  optimizer?: OptimizerName;
  learningRate?: number; momentum?: number; nesterov?: boolean; beta1?: number; beta2?: number; eps?: number;
  alpha?: number; weightDecay?: number; clipGradNorm?: number; clipGradValue?: number;
  schedule?: { type?: ScheduleType; stepSize?: number; gamma?: number;
    totalEpochs?: number; minLr?: number; warmupEpochs?: number };
  loss?: LossName; batchSize?: number; epochs?: number; seed?: number;
  augment?: { maxShift?: number; maxRotation?: number; noise?: number };
  l1?: number; l2?: number; earlyStoppingPatience?: number; layerLearningRates?: Record<string, number>;
}

/** Where a training run is, after each {@link Trainer.step}: the epoch, the batch, running means, the learning rate. */
export interface Progress {
  epoch: number; batch: number; batches: number;
  /** The epoch's running means so far. */
  loss: number; accuracy: number;
  /** This step's own batches and their means: what a curve plots at this point. */
  stepBatches: number; stepLoss: number; stepAccuracy: number;
  lastBatchLoss: number; learningRate: number; gradNorm: number; samplesPerSecond: number; epochDone: boolean;
  /** The epoch's result when this step finished it. */
  epochEnd: EpochResult | null;
  diverged: boolean; message: string;
}
/** A model's loss and accuracy on a dataset, with its confusion matrix (classes x classes, row = true class). */
export interface Evaluation { loss: number; accuracy: number; samples: number; classes: number; confusion: Int32Array }
/** One finished epoch: training loss and accuracy, validation result, time, and whether training stops (and why). */
export interface EpochResult {
  epoch: number; trainLoss: number; trainAccuracy: number; validation: Evaluation | null; seconds: number;
  samplesPerSecond: number; stop: boolean; stopReason: string;
}

/** Options of {@link Trainer.run}: how long each chunk of work runs, when to stop, and callbacks. */
export interface RunOptions {
  /** Milliseconds of work per chunk between yields to the event loop (default 50). */
  budgetMs?: number;
  /** Stop after this many more epochs have ended. */
  maxEpochs?: number;
  /** Wait after each epoch (a pace control for tiny data); a function is read at each epoch end. */
  epochGapMs?: number | (() => number);
  /** Aborting it stops the run after the current step; the promise then resolves with aborted: true. */
  signal?: AbortSignal;
  /** Called after every chunk of steps with where training is. */
  onProgress?: (progress: Progress) => void;
  /** Called when an epoch ends, with its result. */
  onEpoch?: (epoch: EpochResult) => void;
}

/**
 * Trains one model with one optimizer and its settings on a dataset, and evaluates it.
 * @example
 * const trainer = engine.trainer(model, { optimizer: 'momentum', learningRate: 0.05, batchSize: 32, epochs: 3 });
 * trainer.setData(train, test);
 * const { epochs } = await trainer.run({ onEpoch: (e) => console.log(e.epoch, e.validation?.accuracy) });
 */
export interface Trainer extends Owned {
  readonly model: Model;
  readonly config: Required<TrainSettings>;
  readonly epoch: number;
  readonly finished: boolean;
  readonly history: EpochResult[];
  learningRate: number;
  /** The data to train on and to evaluate after each epoch; throws a SpecError when they do not fit the model. */
  setData(train: Dataset, validation?: Dataset | null): this;
  /** Trains `batches` batches (default 1) and says where training is. */
  step(batches?: number): Progress;
  /** One optimizer step on a batch given here (not from setData's data). */
  trainBatch(inputs: Float32Array, labels: ArrayLike<number>): { loss: number; accuracy: number; diverged: boolean };
  /** trainBatch on the samples at these indices of the training set given to setData (gathered inside the engine). */
  trainBatchAt(indices: ArrayLike<number>): { loss: number; accuracy: number; diverged: boolean };
  /** Trains the rest of the current epoch at once (blocking) and evaluates. */
  trainEpoch(): EpochResult;
  /** Loss, accuracy and confusion matrix of the model on `dataset`. */
  evaluate(dataset: Dataset): Evaluation;
  /** The shared training loop: chunks of about budgetMs, yielding between them; see bindings/js/engine.js. */
  run(options?: RunOptions): Promise<{ finished: boolean; aborted: boolean; epochs: EpochResult[]; progress: Progress | null }>;
  /** Trains until the configured epochs end (or early stopping, or `signal`), yielding between chunks; resolves to every epoch's result. */
  fit(options?: { onProgress?: (p: Progress) => void; onEpoch?: (e: EpochResult) => void; signal?: AbortSignal }):
    Promise<EpochResult[]>;
  /** A checkpoint (optimizer state and training position included); metadata: a JSON-able object. */
  save(metadata?: object): Uint8Array;
  /** Optimizer state and, after setData, the training position and history of a loaded checkpoint. */
  restore(loadedModel: Model): void;
  /** Only the optimizer state of a loaded checkpoint (momentum, Adam's moments). */
  restoreOptimizerState(loadedModel: Model): void;
  /** Only the training position and history of a loaded checkpoint (call after setData). */
  restoreProgress(loadedModel: Model): void;
}

/** Rosenblatt's perceptron, for the first lecture: labels +1 / -1 and its learning rule. */
export interface Perceptron extends Owned {
  /** sign(w . x + b). */
  predict(x: ArrayLike<number>): 1 | -1;
  /** The perceptron rule on one sample; true when it was misclassified (and the weights changed). */
  learn(x: ArrayLike<number>, label: 1 | -1): boolean;
  readonly weights: Float32Array;
  readonly bias: number;
  /** Sets w and b (e.g. a lecture's starting point). */
  setWeights(weights: ArrayLike<number>, bias: number): void;
}

/** What {@link load} gives: models, trainers, datasets, the catalog of everything the engine accepts, and which build runs. */
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
  /** What the engine's memory holds now. */
  memoryStats(): MemoryStats;
  /** Frees the engine's cache of recycled buffers (kept per size; a new model shape adds sizes). */
  trimMemory(): void;
  /** The raw Embind module, for bindings this layer does not wrap yet. */
  readonly module: any;

  readonly presets: PresetInfo[];
  readonly presetNames: string[];
  /** The preset's spec; with {input, classes}, fitted to that data (input shape, one output per class). */
  presetSpec(name: string, fit?: { input: number[]; classes: number }): ModelSpec;
  readonly layerTypes: LayerType[];
  /** Layer types, presets, optimizers, losses and schedules: every list, from the engine. */
  readonly catalog: Catalog;
  readonly toyDatasets: string[];
  /** The big architectures describe() knows by name: alexnet, vgg16, googlenet, resnet18. */
  readonly architectures: ArchitectureInfo[];
  /** A spec's, preset's or architecture's layer table without allocating weights. */
  describe(spec: string | ModelSpec): ModelDescription;
/**
 * A new model with initial weights, from a preset name ('mlp', 'cnn', 'lenet5', …) or a spec.
 * @example
 * const model = engine.model({ input: [1, 28, 28], layers: [
 *   { type: 'conv2d', filters: 8, kernel: 5, pad: 2 }, { type: 'relu' }, { type: 'maxpool', kernel: 2 },
 *   { type: 'flatten' }, { type: 'linear', units: 10 }] });
 */
  model(spec: string | ModelSpec): Model;
  /** A model from a file {@link Model.save} or {@link Trainer.save} wrote; throws an Error naming the problem for a file it cannot read. */
  loadModel(bytes: Uint8Array | ArrayBuffer): Model;
  /** A trainer for `model`; every setting is checked, and a bad one throws an Error naming it. */
  trainer(model: Model, settings?: TrainSettings): Trainer;
  /** A dataset from MNIST-style IDX files (gzipped or not): pixels scaled to [0, 1]. */
  idxDataset(images: Uint8Array | ArrayBuffer, labels: Uint8Array | ArrayBuffer, options?: { name?: string }): Promise<Dataset>;
  /** A 2-D toy dataset by name (see toyDatasets: spirals, moons, …) for the points demos. */
  toyDataset(name: string, options?: { n?: number; noise?: number; seed?: number }): Dataset;
  /** A dataset from your own arrays: samples of `sampleShape` one after the other, and a label per sample (or targets). */
  arrayDataset(inputs: Float32Array, sampleShape: number[], labelsOrTargets: ArrayLike<number>,
    options: { classes: number; name?: string; classNames?: string[] }): Dataset;
  /** The bundled digits: 8,000 training and 2,000 test images of MNIST, 1 x 28 x 28. */
  digits(): Promise<{ train: Dataset; test: Dataset }>;
  /** A perceptron with `features` inputs, its weights at zero. */
  perceptron(features: number, learningRate?: number): Perceptron;
  /** A lecture's worked example computed by the engine, each step's value and gradient (see workedExamples). */
  workedExample(name: 'cos_sin_square' | 'tiny_relu_net', inputs: number[]): unknown;
  readonly workedExamples: string[];
}

/** Loads (once per build) and returns the engine best suited to this environment. */
export function load(options?: LoadOptions): Promise<Engine>;
/** The most threads the threaded build starts (16): the cap on its pthread pool, WASMGRAD_MAX_THREADS in
 *  CMakeLists.txt. `numThreads` and `setThreads` above it are clamped; results are the same for any count. */
export const MAX_THREADS: number;

/** Options of {@link startWorker}. */
export interface StartWorkerOptions {
  /** Workers to try in all before giving up (default 3). */
  attempts?: number;
  /** A worker that answered once and then answers nothing for this long (ms) is ended and replaced (default 15000). */
  silenceMs?: number;
  /** A worker that never answered for this long (ms; its script may still be downloading) is ended and replaced (default 60000). */
  firstAnswerMs?: number;
  /** How often to ping (ms, default 1000). */
  pingMs?: number;
  /** Told when a silent worker is replaced: a sentence to show, and the new attempt's number (2, 3, ...). */
  onRestart?: (message: string, attempt: number) => void;
}

/** Every attempt of {@link startWorker} went silent (the message says how long and how many times). */
export class SilentStart extends Error {}

/**
 * On a page: starts the Worker `create()` returns and resolves to it once `load()` in it has settled (the engine
 * loaded, or failed: the worker's own messages say which). A worker that stops answering while it loads is ended
 * and `create()` called again, up to `attempts` in all: Firefox ESR on a busy machine now and then never returns
 * from starting the threaded build's pthreads, which blocks the worker for good. `create` attaches the page's
 * handlers, as a replacement needs them too. The worker must import 'wasmgrad' before it sets its own message
 * handler (a static import does): the package answers the pings. Rejects with SilentStart when every attempt
 * went silent, or an Error when the worker's script does not load; throws TypeError/RangeError on bad options.
 */
export function startWorker(create: () => Worker, options?: StartWorkerOptions): Promise<Worker>;

// ---- image folders (bindings/js/data/): ImageFolder layout -> engine datasets ----------------
// Environment-free; decoders: 'wasmgrad/data/node' (sharp) and 'wasmgrad/data/browser'
// (createImageBitmap + OffscreenCanvas, for a Worker).

/** What an image file's header says, read before decoding (readImageHeader). */
export interface ImageHeader { format: 'png' | 'jpeg' | 'webp'; width: number; height: number; grey: boolean; alpha: boolean }
/** A decoded image: RGBA bytes, 4 per pixel. */
export interface DecodedImage { width: number; height: number; data: Uint8Array | Uint8ClampedArray }
/** Decodes one image file's bytes to RGBA pixels (wasmgrad/data/node and wasmgrad/data/browser each export one). */
export type ImageDecoder = (bytes: Uint8Array, header: ImageHeader) => Promise<DecodedImage>;

/** One file of a folder: bytes now (Uint8Array, ArrayBuffer, Blob/File) or read() later; directories mark empty class folders. */
export interface ImageEntry {
  path: string;
  bytes?: Uint8Array | ArrayBuffer | Blob;
  /** Reads the file's bytes when they are needed (instead of `bytes`). */
  read?: () => Promise<Uint8Array | ArrayBuffer>;
  size?: number;
  directory?: boolean;
  /** Decoding order (a zip's own order). */
  order?: number;
}
/** A folder to read: its files (see {@link zipSource} for a .zip). */
export interface ImageSource {
  name?: string; entries: ImageEntry[];
  /** Called with the entries that will be decoded, before decoding starts (e.g. to read a zip's members). */
  prepare?: (entries: ImageEntry[]) => void;
}
/** How far reading an image folder has got: listing files, then decoding them. */
export interface ImageProgress { phase: 'listing' | 'decoding'; done: number; total: number | null; path: string | null; skipped?: number }
/** A file that was left out, and why. */
export interface SkippedFile { path: string; reason: string }

/** Options of {@link readImageFolder}: the decoder, the sample size and channels, the split and the limits. */
export interface ImageFolderOptions {
  decode: ImageDecoder;
  /** Sample size (default 32 x 32) and channels: 3 colour (default) or 1 grey (BT.601 luma). */
  width?: number; height?: number; channels?: 1 | 3;
  /** Seeds the held-out split and any cap or limit (default 1). */
  seed?: number;
  /** Share of each class held out for validation when there is no test/ or val/ folder (default 0.1; 0: none). */
  holdOut?: number;
  /** Which parts to decode (default all). */
  parts?: ('train' | 'validation' | 'test')[];
  /** Label by these names (a saved model's classes); other class folders are skipped. */
  classNames?: string[];
  /** Seeded, class-proportional subsets of each part. */
  limits?: { train?: number; validation?: number; test?: number };
  /** At most this many samples in all (default: what SAMPLE_BUDGET_BYTES holds). */
  maxSamples?: number;
  /** Largest image, in pixels, decoded (default MAX_IMAGE_PIXELS, 50 megapixels). */
  maxPixels?: number;
  /** Images decoded at once (default 4). */
  concurrency?: number;
  /** Called as files are listed and decoded. */
  onProgress?: (progress: ImageProgress) => void;
}
/** One part of an image folder (train, validation or test): its samples, labels and file paths. */
export interface ImagePart { inputs: Float32Array; labels: Int32Array; paths: string[]; size: number; classCounts: Int32Array }
/** An image folder read into samples: its class names, parts, what was skipped, and notes for the user. */
export interface ImageFolder {
  name: string;
  layout: 'classes' | 'splits';
  /** The folder looked through (a dropped folder's or a zip's top folder), '' if none. */
  root: string;
  classNames: string[];
  /** [channels, height, width] */
  sampleShape: [number, number, number];
  train: ImagePart | null; validation: ImagePart | null; test: ImagePart | null;
  /** Set when validation was held out of train. */
  heldOut: { fraction: number; seed: number } | null;
  /** What training should watch: 'validation', else 'test'. */
  evaluation: 'validation' | 'test' | null;
  skipped: SkippedFile[];
  /** Sentences for the user: held out, capped, mixed sizes, grey among colour. */
  notes: string[];
  /** Of the images loaded: formats, stored grey or colour, sizes (WxH), hidden files ignored. */
  stats: { formats: Record<string, number>; grey: number; colour: number; ignored: number;
    sizes: { distinct: number; smallest: string | null; largest: string | null } };
  rules: { fit: string; grey?: string; holdOut: string | null };
}
/** The folder cannot be used at all (no class, one class); `skipped` lists what was left out. */
export class ImageFolderError extends Error { skipped: SkippedFile[] }
/** One image file cannot be used (not an image, corrupt, too large); the message says which and why. */
export class ImageFileError extends Error {}

/**
 * Reads a folder in PyTorch's ImageFolder layout (one subfolder per class, optionally under train/ and test/) into samples.
 * @example
 * import { readImageFolder, imageFolderDatasets } from 'wasmgrad';
 * import { imageSource, decodeImage } from 'wasmgrad/data/node';
 * const folder = await readImageFolder(await imageSource('photos/'), { decode: decodeImage, width: 32, height: 32 });
 * const { train, validation } = imageFolderDatasets(engine, folder);
 */
export function readImageFolder(source: ImageSource, options: ImageFolderOptions): Promise<ImageFolder>;
/** Reads loose image files (no class folders) into samples, e.g. to predict them. */
export function readImages(entries: ImageEntry[], options: Omit<ImageFolderOptions, 'holdOut' | 'parts' | 'classNames' | 'limits' | 'maxSamples'>
  & { prepare?: (entries: ImageEntry[]) => void }): Promise<{ inputs: Float32Array; paths: string[]; headers: ImageHeader[];
  size: number; skipped: SkippedFile[]; sampleShape: [number, number, number] }>;
/** Engine datasets (with the class names) from an image folder's parts. */
export function imageFolderDatasets(engine: Engine, folder: ImageFolder): { train: Dataset | null; validation: Dataset | null; test: Dataset | null };
/** A zip as a source; pass fflate (or {unzipSync}). */
export function zipSource(bytes: Uint8Array, fflate: { unzipSync: Function }, name?: string): ImageSource;
/** An image's format, size and colour type from its first bytes, without decoding it; throws ImageFileError for anything else. */
export function readImageHeader(bytes: Uint8Array): ImageHeader;
/** One image -> [C, H, W] floats in [0, 1] by FIT_RULE (into `out` at `offset` when given). */
export function fitImage(image: DecodedImage, target: { width: number; height: number; channels: 1 | 3 }, out?: Float32Array, offset?: number): Float32Array;
/** How every image is fitted to the sample size, in words (shown to users). */
export const FIT_RULE: string;
/** How colour becomes grey, in words. */
export const LUMA_RULE: string;
/** The BT.601 weights of R, G and B in grey. */
export const LUMA_WEIGHTS: readonly [number, number, number];
/** The share of each class held out for validation when a folder has no test/ or val/ (0.1). */
export const HOLD_OUT_FRACTION: number;
/** The most engine memory samples may take (192 MB). */
export const SAMPLE_BUDGET_BYTES: number;
/** The largest image decoded, in pixels (50 megapixels); larger ones are refused from their header. */
export const MAX_IMAGE_PIXELS: number;
/** Samples of [C, H, W] that fit beside `trainingBytes` (default: SimpleNet at batch 64). */
export function sampleCapacity(channels: number, height: number, width: number, trainingBytes?: number): number;
/** Estimated engine memory to train a model (its summary's layers) at a batch size. */
export function trainingBytes(layers: { outputShape: number[] }[], batchSize: number, parameters: number): number;
/** The engine's fixed WebAssembly memory (512 MB). */
export const ENGINE_MEMORY_BYTES: number;
// ---- models leaving the engine and coming back (bindings/js/export/; docs/export.md).
// Declared as interface merges so this block stays apart from the rest.

/** Options of {@link Model.exportPyTorch}: the settings train.py continues with, where its schedule starts, its title. */
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

/** The files of a PyTorch export: model.py (the network and load/save), train.py, README.md, spec.json and the weights. */
export interface PyTorchFiles {
  'model.py': string;
  'train.py': string;
  'README.md': string;
  'spec.json': string;
  'weights.safetensors': Uint8Array;
}

export interface Model {
  /**
   * One ONNX file (opset 17, weights inside): input "input" float32 [N, ...inputShape], output "logits".
   * Blocks become their inner layers plus Add (residual) or Concat (concat). A layer it cannot write
   * throws an Error carrying `layer`, `layerType` and `path` as a SpecError does.
   */
  exportONNX(): Uint8Array;
  /** The parameters and batch-norm statistics as safetensors (F32, engine names); metadata: extra string entries. */
  exportSafetensors(metadata?: Record<string, string>): Uint8Array;
  /** A PyTorch folder's files by name (blocks as Residual / Concat / GlobalAvgPool modules, state_dict keys the
   * engine's nested names); write them into a folder, or zipFolder() them. Errors are located as exportONNX's. */
  exportPyTorch(options?: PyTorchExportOptions): PyTorchFiles;
}

export interface Engine {
  /** A model of `spec` with the weights of a safetensors file. Throws an Error naming the tensor and the expected
   *  and found shapes when they do not fit, and on a truncated or corrupt file or non-finite weights. */
  importSafetensors(spec: string | ModelSpec, bytes: Uint8Array | ArrayBuffer): Model;
}

/** The files of exportPyTorch() as one .zip, inside `folder` (default "wasmgrad-pytorch"). */
export function zipFolder(files: Record<string, string | Uint8Array>, folder?: string): Uint8Array;

// ---- inside one unit: Model.explainUnit and Model.networkFlow (docs/explain-unit.md)

/** Which unit to explain: {layer, channel, row, col} for a [C, H, W] output, {layer, channel} for a vector. */
export interface UnitRequest {
  layer: number;
  /** The map's channel, or the unit of a vector output; default 0. */
  channel?: number;
  /** Required when the layer outputs maps. */
  row?: number;
  col?: number;
  /** linear: how many weight x input terms are listed one by one (default 10); the rest are summed. */
  topK?: number;
}
/** One unit of a layer's output: channel, row and column (row = col = 0 for a vector). */
export interface UnitIndex { layer: number; channel: number; row: number; col: number }

/** The element-wise activation layers. */
export type ActivationType = 'relu' | 'leaky_relu' | 'sigmoid' | 'tanh' | 'softplus' | 'sign' | 'step';

/**
 * The taps a window layer reads from its input map: tap (i, j) reads row top + i * step and
 * column left + j * step (step = the dilation; 1 for pools and lcn). Taps outside the map read
 * the zero padding: padding[i * cols + j] = 1, and their values are reported as 0.
 */
export interface InputWindow {
  top: number; left: number; rows: number; cols: number; step: number; stride: number; pad: number;
  padding: Uint8Array;
}

/** The activation layer right after the unit's layer (conv + ReLU shown as one step). */
export interface NextActivation {
  layer: number; name: string; type: ActivationType;
  /** leaky_relu's slope; 0 for the others. */
  slope: number;
  /** The unit's result (its pre-activation) and the function applied to it. */
  input: number; result: number;
  /** The engine's activation map of that layer at the unit. */
  value: number;
}

/** What every unit explanation has: the layer, the unit, its value and the receptive field. */
interface ExplanationBase<K extends string, T extends string = K> {
  /** Which steps the explanation holds (the discriminant). */
  kind: K;
  /** The layer's type ('relu', 'sigmoid', ... for kind 'activation'; = kind otherwise). */
  type: T;
  layer: number;
  name: string;
  unit: UnitIndex;
  /** The layer whose output this layer reads; -1 for the model input. */
  inputLayer: number;
  inputShape: number[];
  outputShape: number[];
  /** The engine's activation map at the unit ... */
  value: number;
  /** ... and what the steps compute: equal to float rounding. */
  result: number;
  /** The model-input pixels the unit can see; null when the model input is a vector. */
  receptiveField: { full: Rect; clipped: Rect } | null;
  next: NextActivation | null;
}

/** One input channel's share of a conv2d unit: the patch under the kernel, the weights and their products. */
export interface ConvChannelTerm {
  /** Input channel. */
  channel: number;
  /** KH * KW values each: the input under the taps (0 at padding), the kernel, their products. */
  patch: Float32Array; weights: Float32Array; products: Float32Array;
  sum: number;
}
/** result = preActivation = channelSum + bias. */
export interface Conv2dExplanation extends ExplanationBase<'conv2d'> {
  window: InputWindow; channels: ConvChannelTerm[]; channelSum: number; hasBias: boolean; bias: number;
  preActivation: number;
}
/** values: k * k input values under the window (0 at padding). */
export interface MaxPoolExplanation extends ExplanationBase<'maxpool'> {
  window: InputWindow; values: Float32Array;
  /** The first in-map tap holding the maximum (the engine's tie rule; padding never wins). */
  winner: { tap: number; row: number; col: number; value: number };
}
/** result = sum / divisor; padding counts as zeros and divisor is always k * k. */
export interface AvgPoolExplanation extends ExplanationBase<'avgpool'> {
  window: InputWindow; values: Float32Array; sum: number; divisor: number;
}
/** result = sqrt(sumOfSquares). */
export interface L2PoolExplanation extends ExplanationBase<'l2pool'> {
  window: InputWindow; values: Float32Array; sumOfSquares: number;
}
/** One weight x input term of a linear unit. */
export interface Contribution {
  /** Flat index into the layer's input, and the same as (channel, row, col) for a [C, H, W] input. */
  input: number; channel: number; row: number; col: number;
  inputValue: number; weight: number; product: number;
}
/** result = preActivation = productSum + bias; productSum = sum of top products + rest.sum. */
export interface LinearExplanation extends ExplanationBase<'linear'> {
  inputs: number;
  /** The topK largest |weight x input|, largest first. */
  top: Contribution[];
  rest: { count: number; sum: number };
  /** Every weight x input, in input order (shaped like the input). */
  products: Float32Array;
  productSum: number; hasBias: boolean; bias: number; preActivation: number;
}
/**
 * result = (input - mean) / std * gamma + beta, std = sqrt(variance + eps). batchnorm: the running
 * statistics (count 0); layernorm: this sample's over all its values; instancenorm: over the unit's
 * channel map (biased variance). gamma = 1, beta = 0 when affine is false.
 */
export interface NormExplanation extends ExplanationBase<'batchnorm' | 'layernorm' | 'instancenorm'> {
  input: number; mean: number; variance: number; eps: number; count: number; std: number; normalized: number;
  affine: boolean; gamma: number; beta: number;
}
/**
 * Local contrast normalisation: result = centered / divisor, centered = input - localMean (a size x size
 * box over all inputChannels, zero padded, divided by C * size^2), divisor = max(localStd, meanStd, eps).
 */
export interface LcnExplanation extends ExplanationBase<'lcn'> {
  window: InputWindow; inputChannels: number; input: number; localMean: number; centered: number;
  localStd: number; meanStd: number; eps: number; divisor: number; divisorFrom: 'local' | 'mean' | 'eps';
}
/** result = type(input), computed by the layer's own forward. */
export interface ActivationExplanation extends ExplanationBase<'activation', ActivationType> {
  input: number; slope: number;
}
/** Identity at inference: result = input. */
export interface DropoutExplanation extends ExplanationBase<'dropout'> { input: number; rate: number }
/** Output unit `channel` copies input (source.channel, source.row, source.col). */
export interface FlattenExplanation extends ExplanationBase<'flatten'> {
  input: number; source: { channel: number; row: number; col: number };
}
/** A residual block's unit: result = layersTerm + shortcutTerm (the shortcut is the block's input when identity). */
export interface ResidualExplanation extends ExplanationBase<'residual'> {
  layersTerm: number; shortcutTerm: number; identity: boolean; layersCount: number; shortcutCount: number;
}
/** A concat block's unit: channel `channel` of branch `branch` (whose channels start at `offset`); result = input. */
export interface ConcatExplanation extends ExplanationBase<'concat'> {
  branch: number; channel: number; offset: number; branchChannels: number[]; identity: boolean; layersCount: number;
  input: number;
}
/** What {@link Model.explainUnit} returns: one kind per layer type, told apart by `kind`. */
export type UnitExplanation = Conv2dExplanation | MaxPoolExplanation | AvgPoolExplanation | L2PoolExplanation |
  LinearExplanation | NormExplanation | LcnExplanation | ActivationExplanation | DropoutExplanation | FlattenExplanation |
  ResidualExplanation | ConcatExplanation;

/** Options of {@link Model.networkFlow}: how many edges and when maps are included. */
export interface FlowOptions {
  /** Strongest edges kept between two columns (default 64). */
  edges?: number;
  /** Also the strongest this many into every node (what a hover highlights; default 0). */
  edgesPerNode?: number;
  /** Maps are returned when H * W <= mapLimit (default 4096). */
  mapLimit?: number;
}
/** Edges into a column, sorted by |value|, largest first: edge e goes source[e] -> target[e]. */
export interface FlowEdges {
  /** weighted: conv channel -> channel (mean over positions of sum over the kernel of weight x input)
   *  or linear node -> unit (weight x activation, summed over a map node's channel); one-to-one: c -> c;
   *  block: a residual's skip (identity c -> c at the input map's mean, or its projection conv's edges); none for a concat. */
  kind: 'weighted' | 'one-to-one' | 'block';
  /** Edges between the two columns before the cut. */
  possible: number;
  source: Int32Array; target: Int32Array; value: Float32Array;
}
/** One column of a network flow: a layer (with its activation folded in) or the input, its nodes' values and the edges into it. */
export interface FlowColumn {
  index: number;
  /** The layers folded into the column (conv1 + relu1); [] for the input. Explain a node with explainUnit on layers[0]. */
  layers: number[];
  name: string;
  /** 'input' or the first layer's type. */
  type: string;
  /** [C, H, W]: C map nodes; [F]: F unit nodes. */
  shape: number[];
  nodes: number;
  /** Per node: the mean of its map (a unit's value), and the max of its map. */
  values: Float32Array; maxima: Float32Array;
  /** The maps [C, H, W] when H * W <= mapLimit; null otherwise and for units. */
  maps: Float32Array | null;
  incoming: FlowEdges | null;
}
/** One input through the whole network ({@link Model.networkFlow}): a column per layer. */
export interface NetworkFlow { columns: FlowColumn[] }

export interface Model {
  /** How one unit got its value for one input, step by step with the engine's numbers. */
  explainUnit(input: Float32Array | ArrayLike<number>, unit: UnitRequest): UnitExplanation;
  /** One input through the whole network: node values per column and the strongest edges. */
  networkFlow(input: Float32Array | ArrayLike<number>, options?: FlowOptions): NetworkFlow;
}
