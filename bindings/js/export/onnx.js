// A model as ONNX (opset 17, IR version 8): one self-contained file with the weights inside,
// written as a ModelProto with @bufbuild/protobuf and the official onnx.proto schema (deps.js).
//
//   input   "input"  float32 [N, ...sample shape], N dynamic
//   output  "logits" float32 [N, ...output shape]
//
// One ONNX node per layer where ONNX has the op, named like the layer ("conv1"); batch norm in
// inference form (the running statistics); dropout as Identity. A layer that ONNX has no single
// op for becomes a few standard ops whose names start with the layer's ("lcn1/local_mean"):
//   step           x > 0 ? 1 : 0         Cast(Greater(x, 0))
//   lcn            local contrast norm   ReduceSum over channels, a box Conv, Sub, Sqrt, ReduceMean, Max, Div
//                                        (the definition in engine/ops/normalization.cpp)
//   globalavgpool  [C, H, W] -> [C]      GlobalAveragePool, then Flatten (the engine's output is flat)
// Blocks (layer-tree.js) become their inner layers, named as the engine names them
// ("residual1.layers.0"), and one node joining their paths, named like the block:
//   residual  Add(layers(x), shortcut(x)), the shortcut being x itself when it is empty
//   concat    Concat(branch 0(x), branch 1(x), ...) on axis 1 (channels, or features of [F] outputs)
// Initializers carry the engine's tensor names ("conv1.weight", "bn1.running_mean",
// "residual3.shortcut.0.weight").
import { exportLibraries } from './deps.js';
import { exportError, layerTree } from './layer-tree.js';

const OPSET = 17;
const IR_VERSION = 8;  // ONNX 1.12, the first release with opset 17

/**
 * @param {{spec: {input: number[], layers: object[]}, layers: {name: string, type: string, outputShape: number[]}[],
 *   tensors: {name: string, shape: number[], data: Float32Array}[], producerVersion?: string}} model
 * @returns {Uint8Array} the .onnx file
 */
export function buildOnnx({ spec, layers, tensors, producerVersion = '0.1.0' }) {
  const lib = exportLibraries();
  const graph = new GraphBuilder(lib, tensors);
  emitList(graph, layerTree(spec, layers), 'input', 'logits');
  const outputShape = layers[layers.length - 1].outputShape;
  const model = lib.create(lib.ModelProtoSchema, {
    irVersion: BigInt(IR_VERSION),
    opsetImport: [{ domain: '', version: BigInt(OPSET) }],
    producerName: 'wasmgrad',
    producerVersion,
    docString: 'Exported by wasmgrad. Input: float32 [N, ' + spec.input.join(', ') + '] (images: pixel values in [0, 1]); ' +
      'output: the last layer\'s raw scores (logits).',
    metadataProps: [{ key: 'wasmgrad.spec', value: JSON.stringify(spec) }],
    graph: {
      name: 'wasmgrad',
      node: graph.nodes,
      initializer: graph.initializers,
      input: [valueInfo(lib, 'input', spec.input)],
      output: [valueInfo(lib, 'logits', outputShape)],
    },
  });
  return lib.toBinary(lib.ModelProtoSchema, model);
}

function valueInfo(lib, name, sampleShape) {
  const dim = [{ value: { case: 'dimParam', value: 'N' } },
    ...sampleShape.map((d) => ({ value: { case: 'dimValue', value: BigInt(d) } }))];
  return {
    name,
    type: { value: { case: 'tensorType', value: { elemType: lib.TensorProto_DataType.FLOAT, shape: { dim } } } },
  };
}

class GraphBuilder {
  constructor(lib, tensors) {
    this.lib = lib;
    this.nodes = [];
    this.initializers = [];
    this.tensors = new Map(tensors.map((t) => [t.name, t]));
  }

  /** The engine tensor `name` as an initializer; returns its name. */
  weight(name) {
    const t = this.tensors.get(name);
    if (!t) throw new Error(`the model has no tensor "${name}"`);
    return this.floats(name, t.shape, t.data);
  }

  /** A float32 initializer of the given dims (a scalar: dims []). */
  floats(name, dims, values) {
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    this.initializers.push({
      name, dims: dims.map(BigInt), dataType: this.lib.TensorProto_DataType.FLOAT,
      rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
    });
    return name;
  }

  int64s(name, values) {
    const data = BigInt64Array.from(values.map(BigInt));
    this.initializers.push({
      name, dims: [BigInt(values.length)], dataType: this.lib.TensorProto_DataType.INT64,
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  }

  /** Adds a node; attributes: {name: number | number[] (ints) | {float: number}}. Returns `output`. */
  node(opType, inputs, output, name, attributes = {}) {
    const Type = this.lib.AttributeProto_AttributeType;
    const attribute = Object.entries(attributes).map(([key, value]) => {
      if (Array.isArray(value)) return { name: key, type: Type.INTS, ints: value.map(BigInt) };
      if (typeof value === 'object') return { name: key, type: Type.FLOAT, f: value.float };
      return { name: key, type: Type.INT, i: BigInt(value) };
    });
    this.nodes.push({ opType, input: inputs, output: [output], name, attribute });
    return output;
  }
}

/**
 * The nodes of a list of layers (layer-tree.js nodes) run on `x`; the last one's output is named
 * `out` (or its layer's name when out is null). Returns the list's output: x for an empty list.
 * An error inside a layer's emitter comes out naming the layer (exportError), once.
 */
function emitList(g, nodes, x, out = null) {
  nodes.forEach((L, i) => {
    const emit = EMITTERS[L.type];
    if (!emit) throw exportError('exportONNX', L, `no ONNX form for layer type "${L.type}"`);
    try {
      x = emit(g, L, x, out !== null && i === nodes.length - 1 ? out : L.name);
    } catch (error) {
      if (error.path !== undefined) throw error;
      throw exportError('exportONNX', L, error.message.replace(/^wasmgrad: exportONNX: /, ''));
    }
  });
  return x;
}

const float = (value) => ({ float: value });
const pair = (v) => (Array.isArray(v) ? v : [v, v]);

function conv2d(g, L, x, out) {
  const inputs = [x, g.weight(`${L.name}.weight`)];
  if (L.bias) inputs.push(g.weight(`${L.name}.bias`));
  return g.node('Conv', inputs, out, L.name, {
    kernel_shape: pair(L.kernel), strides: [L.stride, L.stride], pads: [L.pad, L.pad, L.pad, L.pad],
    dilations: [L.dilation, L.dilation],
  });
}

function pool(opType, extra = {}) {
  return (g, L, x, out) => g.node(opType, [x], out, L.name, {
    kernel_shape: [L.kernel, L.kernel], strides: [L.stride, L.stride], pads: [L.pad, L.pad, L.pad, L.pad], ...extra,
  });
}

function linear(g, L, x, out) {
  const rows = L.inputShape.length > 1 ? g.node('Flatten', [x], `${L.name}/flatten`, `${L.name}/flatten`, { axis: 1 }) : x;
  const inputs = [rows, g.weight(`${L.name}.weight`)];
  if (L.bias) inputs.push(g.weight(`${L.name}.bias`));
  return g.node('Gemm', inputs, out, L.name, { transB: 1 });
}

function batchnorm(g, L, x, out) {
  const n = L.name;
  return g.node('BatchNormalization',
    [x, g.weight(`${n}.weight`), g.weight(`${n}.bias`), g.weight(`${n}.running_mean`), g.weight(`${n}.running_var`)],
    out, n, { epsilon: float(L.eps) });
}

// gamma and beta, or ones and zeros of `shape` for a norm without affine parameters.
function affine(g, L, shape) {
  if (L.affine) return [g.weight(`${L.name}.weight`), g.weight(`${L.name}.bias`)];
  const size = shape.reduce((a, b) => a * b, 1);
  return [g.floats(`${L.name}/ones`, shape, new Float32Array(size).fill(1)),
    g.floats(`${L.name}/zeros`, shape, new Float32Array(size))];
}

function layernorm(g, L, x, out) {
  const [scale, bias] = affine(g, L, L.inputShape);
  return g.node('LayerNormalization', [x, scale, bias], out, L.name, { axis: 1, epsilon: float(L.eps) });
}

function instancenorm(g, L, x, out) {
  const [scale, bias] = affine(g, L, [L.inputShape[0]]);
  return g.node('InstanceNormalization', [x, scale, bias], out, L.name, { epsilon: float(L.eps) });
}

// y = v / max(s, mean(s), eps), v = x - A(x), s = sqrt(A(v^2)), where A(t) sums t over the channels
// and a size x size box (zero padded) and multiplies by 1 / (C size^2), as the engine does.
function lcn(g, L, x, out) {
  const n = L.name;
  const k = L.size;
  const r = Math.floor(k / 2);
  const box = g.floats(`${n}/box`, [1, 1, k, k], new Float32Array(k * k).fill(1));
  const channelAxis = g.int64s(`${n}/channel_axis`, [1]);
  const invCount = g.floats(`${n}/inv_count`, [], [1 / (L.inputShape[0] * k * k)]);
  const localMean = (t, tag) => {
    const summed = g.node('ReduceSum', [t, channelAxis], `${n}/${tag}_channel_sum`, `${n}/${tag}_channel_sum`, { keepdims: 1 });
    const boxed = g.node('Conv', [summed, box], `${n}/${tag}_box_sum`, `${n}/${tag}_box_sum`,
      { kernel_shape: [k, k], pads: [r, r, r, r] });
    return g.node('Mul', [boxed, invCount], `${n}/${tag}`, `${n}/${tag}`);
  };
  const v = g.node('Sub', [x, localMean(x, 'local_mean')], `${n}/centred`, `${n}/centred`);
  const squares = g.node('Mul', [v, v], `${n}/squares`, `${n}/squares`);
  const s = g.node('Sqrt', [localMean(squares, 'local_variance')], `${n}/local_std`, `${n}/local_std`);
  const sMean = g.node('ReduceMean', [s], `${n}/mean_std`, `${n}/mean_std`, { axes: [2, 3], keepdims: 1 });
  const eps = g.floats(`${n}/eps`, [], [L.eps]);
  const d = g.node('Max', [s, sMean, eps], `${n}/divisor`, `${n}/divisor`);
  return g.node('Div', [v, d], out, n);
}

function step(g, L, x, out) {
  const zero = g.floats(`${L.name}/zero`, [], [0]);
  const positive = g.node('Greater', [x, zero], `${L.name}/positive`, `${L.name}/positive`);
  return g.node('Cast', [positive], out, L.name, { to: g.lib.TensorProto_DataType.FLOAT });
}

const unary = (opType, attributes = () => ({})) => (g, L, x, out) => g.node(opType, [x], out, L.name, attributes(L));

// The engine's [C, H, W] -> [C]: ONNX's GlobalAveragePool keeps [N, C, 1, 1], so Flatten follows.
function globalavgpool(g, L, x, out) {
  const pooled = g.node('GlobalAveragePool', [x], `${L.name}/pooled`, `${L.name}/pooled`);
  return g.node('Flatten', [pooled], out, L.name, { axis: 1 });
}

function residual(g, L, x, out) {
  const [layers, shortcut] = L.paths;
  const main = emitList(g, layers.layers, x);
  const side = emitList(g, shortcut.layers, x);
  return g.node('Add', [main, side], out, L.name);
}

function concat(g, L, x, out) {
  return g.node('Concat', L.paths.map((path) => emitList(g, path.layers, x)), out, L.name, { axis: 1 });
}

function flatten(g, L, x, out) {
  return L.inputShape.length > 1 ? g.node('Flatten', [x], out, L.name, { axis: 1 }) : g.node('Identity', [x], out, L.name);
}

/** One emitter per engine layer type: (graph, layer fields + name + shapes, input name, output name) -> output name. */
const EMITTERS = {
  conv2d,
  maxpool: pool('MaxPool'),
  avgpool: pool('AveragePool', { count_include_pad: 1 }),
  l2pool: pool('LpPool', { p: 2 }),
  linear,
  dense: linear,
  relu: unary('Relu'),
  leaky_relu: unary('LeakyRelu', (L) => ({ alpha: float(L.slope) })),
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),
  softplus: unary('Softplus'),
  sign: unary('Sign'),
  step,
  batchnorm,
  layernorm,
  instancenorm,
  lcn,
  dropout: unary('Identity'),
  flatten,
  globalavgpool,
  residual,
  concat,
};
