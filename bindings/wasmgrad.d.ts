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
export interface UnitIndex { layer: number; channel: number; row: number; col: number }

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
export type UnitExplanation = Conv2dExplanation | MaxPoolExplanation | AvgPoolExplanation | L2PoolExplanation |
  LinearExplanation | NormExplanation | LcnExplanation | ActivationExplanation | DropoutExplanation | FlattenExplanation;

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
   *  or linear node -> unit (weight x activation, summed over a map node's channel); one-to-one: c -> c. */
  kind: 'weighted' | 'one-to-one';
  /** Edges between the two columns before the cut. */
  possible: number;
  source: Int32Array; target: Int32Array; value: Float32Array;
}
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
export interface NetworkFlow { columns: FlowColumn[] }

export interface Model {
  /** How one unit got its value for one input, step by step with the engine's numbers. */
  explainUnit(input: Float32Array | ArrayLike<number>, unit: UnitRequest): UnitExplanation;
  /** One input through the whole network: node values per column and the strongest edges. */
  networkFlow(input: Float32Array | ArrayLike<number>, options?: FlowOptions): NetworkFlow;
}
