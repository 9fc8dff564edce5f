// model.py of the PyTorch export: the network as a readable nn.Module whose attributes are the
// engine's layer names (conv1, relu1, maxpool1, ...), so its state_dict keys are the engine's
// tensor names and weights.safetensors loads as it is. Each engine layer maps to the PyTorch
// module with the same arithmetic (checked by tests/js/export/export-pytorch.test.mjs):
//   conv2d, maxpool, avgpool (count_include_pad), linear, batchnorm (same momentum convention),
//   layernorm, instancenorm, dropout, flatten and the activations: their torch.nn modules;
//   l2pool, lcn, sign, step: small modules written out in model.py (PyTorch has no exact twin).
// Blocks nest as the engine names their parameters (engine/nn/layer.h), with small modules written
// into model.py when used:
//   residual       Residual(layers=[...], shortcut=[...]): nn.Sequential `layers` and `shortcut`
//                  (empty: the identity), output layers(x) + shortcut(x)
//   concat         Concat([[...], [...]]): an nn.ModuleList `branches` of nn.Sequential, joined on dim 1
//   globalavgpool  GlobalAvgPool(): each channel's mean, [N, C, H, W] -> [N, C]
// so residual3.shortcut.0.weight is the same key on both sides. Inside a block a linear layer on
// [C, H, W] is a FlattenLinear (nn.Linear that flattens first: an nn.Sequential has no forward line).
import { allLayers, exportError, layerTree } from './layer-tree.js';

const py = {
  bool: (v) => (v ? 'True' : 'False'),
  number: (v) => (Number.isInteger(v) ? `${v}.0` : String(v)),
  shape: (s) => s.join('x'),
};

/**
 * [constructor expression, forward line] of one layer of Net's own list; L: a layer-tree.js node.
 * A block's expression spans lines, each continuation line starting with `indent`.
 */
function layerCode(L, indent = '        ') {
  const x = 'x';
  const call = `${x} = self.${L.name}(${x})`;
  switch (L.type) {
    case 'residual': {
      const [layers, shortcut] = L.paths;
      return [`Residual(\n${indent}    layers=${listCode(layers.layers, `${indent}    `)},\n` +
        `${indent}    shortcut=${listCode(shortcut.layers, `${indent}    `)},${shortcut.layers.length ? '' : '  # the identity'}\n${indent})`, call];
    }
    case 'concat':
      return [`Concat([\n${L.paths.map((path) => `${indent}    ${listCode(path.layers, `${indent}    `)},` +
        `${path.layers.length ? '' : '  # the input itself'}\n`).join('')}${indent}])`, call];
    case 'globalavgpool': return ['GlobalAvgPool()', call];
    case 'conv2d': {
      const [kh, kw] = Array.isArray(L.kernel) ? L.kernel : [L.kernel, L.kernel];
      return [`nn.Conv2d(${L.inputShape[0]}, ${L.filters}, kernel_size=(${kh}, ${kw}), stride=${L.stride}, ` +
        `padding=${L.pad}, dilation=${L.dilation}, bias=${py.bool(L.bias)})`, call];
    }
    case 'maxpool': return [`nn.MaxPool2d(kernel_size=${L.kernel}, stride=${L.stride}, padding=${L.pad})`, call];
    case 'avgpool':
      return [`nn.AvgPool2d(kernel_size=${L.kernel}, stride=${L.stride}, padding=${L.pad}, count_include_pad=True)`, call];
    case 'l2pool': return [`L2Pool2d(kernel_size=${L.kernel}, stride=${L.stride}, padding=${L.pad})`, call];
    case 'linear':
    case 'dense': {
      const features = L.inputShape.reduce((a, b) => a * b, 1);
      const forward = L.inputShape.length > 1 ? `${x} = self.${L.name}(torch.flatten(${x}, 1))  # flattens ${py.shape(L.inputShape)}` : call;
      return [`nn.Linear(${features}, ${L.units}, bias=${py.bool(L.bias)})`, forward];
    }
    case 'relu': return ['nn.ReLU()', call];
    case 'leaky_relu': return [`nn.LeakyReLU(negative_slope=${py.number(L.slope)})`, call];
    case 'sigmoid': return ['nn.Sigmoid()', call];
    case 'tanh': return ['nn.Tanh()', call];
    case 'softplus': return ['nn.Softplus()', call];
    case 'sign': return ['Sign()', call];
    case 'step': return ['Step()', call];
    case 'batchnorm': {
      const kind = L.inputShape.length === 3 ? 'BatchNorm2d' : 'BatchNorm1d';
      return [`nn.${kind}(${L.inputShape[0]}, eps=${py.number(L.eps)}, momentum=${py.number(L.momentum)})`, call];
    }
    case 'layernorm':
      return [`nn.LayerNorm([${L.inputShape.join(', ')}], eps=${py.number(L.eps)}, elementwise_affine=${py.bool(L.affine)})`, call];
    case 'instancenorm':
      return [`nn.InstanceNorm2d(${L.inputShape[0]}, eps=${py.number(L.eps)}, affine=${py.bool(L.affine)})`, call];
    case 'lcn': return [`LocalContrastNorm(size=${L.size}, eps=${py.number(L.eps)})`, call];
    case 'dropout': return [`nn.Dropout(p=${py.number(L.rate)})`, call];
    case 'flatten': return ['nn.Flatten()', call];
    default: throw exportError('exportPyTorch', L, `no PyTorch form for layer type "${L.type}"`);
  }
}

const flattensFirst = (L) => (L.type === 'linear' || L.type === 'dense') && L.inputShape.length > 1;

// A list inside a block: one module a line, each with its index (the last part of its name) and shape.
function listCode(nodes, indent) {
  if (nodes.length === 0) return '[]';
  const lines = nodes.map((L, i) => {
    const [module] = flattensFirst(L)
      ? [`FlattenLinear(${L.inputShape.reduce((a, b) => a * b, 1)}, ${L.units}, bias=${py.bool(L.bias)})`]
      : layerCode(L, `${indent}    `);
    return `${indent}    ${module},  # ${i}: ${L.name} -> ${py.shape(L.outputShape)}`;
  });
  return `[\n${lines.join('\n')}\n${indent}]`;
}

// Modules PyTorch has no exact twin for; each is written into model.py only when the model uses it.
const HELPERS = {
  sign: `
class Sign(nn.Module):
    """-1, 0 or 1 (a perceptron's output); its gradient is 0, as in wasmgrad."""

    def forward(self, x):
        return torch.sign(x)
`,
  step: `
class Step(nn.Module):
    """1 where x > 0, else 0; its gradient is 0, as in wasmgrad (sign's, clamped)."""

    def forward(self, x):
        return torch.clamp(torch.sign(x), min=0)
`,
  l2pool: `
class L2Pool2d(nn.Module):
    """sqrt of the sum of squares in each window (padding adds zeros). Where a window is all zero the
    output is 0 and so is its gradient, as in wasmgrad (sqrt's own gradient there would be NaN)."""

    def __init__(self, kernel_size, stride, padding):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding

    def forward(self, x):
        k = self.kernel_size
        sums = F.avg_pool2d(x * x, k, self.stride, self.padding, count_include_pad=True) * (k * k)
        return safe_sqrt(sums)
`,
  lcn: `
class LocalContrastNorm(nn.Module):
    """Local contrast normalisation, exactly as wasmgrad defines it (engine/ops/normalization.cpp):
    A(t) = the sum of t over all channels and a size x size box around each pixel (zero padded),
    divided by C * size^2; v = x - A(x); s = sqrt(A(v^2)); y = v / max(s, mean of s over the image, eps)."""

    def __init__(self, size, eps):
        super().__init__()
        self.size, self.eps = size, eps

    def local_mean(self, t):
        k = self.size
        box = torch.ones(1, 1, k, k, dtype=t.dtype, device=t.device)
        return F.conv2d(t.sum(dim=1, keepdim=True), box, padding=k // 2) * (1.0 / (t.shape[1] * k * k))

    def forward(self, x):
        v = x - self.local_mean(x)
        s = safe_sqrt(self.local_mean(v * v))
        s_mean = s.mean(dim=(2, 3), keepdim=True)
        d = torch.maximum(torch.maximum(s, s_mean), torch.full_like(s, self.eps))
        return v / d
`,
};

// The blocks' modules: their attribute names make the state_dict keys the engine's tensor names.
const BLOCK_HELPERS = {
  residual: `
class Residual(nn.Module):
    """output = layers(x) + shortcut(x); an empty shortcut is the identity (wasmgrad's residual)."""

    def __init__(self, layers, shortcut):
        super().__init__()
        self.layers = nn.Sequential(*layers)
        self.shortcut = nn.Sequential(*shortcut)

    def forward(self, x):
        return self.layers(x) + self.shortcut(x)
`,
  concat: `
class Concat(nn.Module):
    """Every branch on the same input, their outputs joined along dim 1 (channels, or the features
    of [N, F] outputs); an empty branch passes the input on (wasmgrad's concat)."""

    def __init__(self, branches):
        super().__init__()
        self.branches = nn.ModuleList(nn.Sequential(*branch) for branch in branches)

    def forward(self, x):
        return torch.cat([branch(x) for branch in self.branches], 1)
`,
  globalavgpool: `
class GlobalAvgPool(nn.Module):
    """Each channel's mean: [N, C, H, W] -> [N, C] (wasmgrad's globalavgpool)."""

    def forward(self, x):
        return x.mean(dim=(2, 3))
`,
  flattenLinear: `
class FlattenLinear(nn.Linear):
    """nn.Linear on the flattened input, as wasmgrad's linear takes a [C, H, W] input."""

    def forward(self, x):
        return super().forward(torch.flatten(x, 1))
`,
};

const SAFE_SQRT = `
def safe_sqrt(t):
    """sqrt(t) for t >= 0 whose gradient is 0 where t == 0 (wasmgrad's choice there), not NaN."""
    return torch.where(t > 0, torch.sqrt(t.clamp(min=1e-30)), torch.zeros_like(t))
`;

/**
 * @param {{spec: object, layers: {name, type, outputShape}[], title: string}} model
 * @returns {string} model.py
 */
export function modelPy({ spec, layers, title }) {
  const described = layerTree(spec, layers);
  const everyLayer = [...allLayers(described)];
  const types = new Set(everyLayer.map((L) => L.type));
  if (everyLayer.some((L) => L.path !== '' && flattensFirst(L))) types.add('flattenLinear');
  const helpers = Object.keys(HELPERS).filter((type) => types.has(type));
  const blockHelpers = Object.keys(BLOCK_HELPERS).filter((type) => types.has(type));
  const needsSqrt = types.has('l2pool') || types.has('lcn');
  const width = Math.max(...described.map((L) => L.name.length));
  const construct = described.map((L) => {
    const [module] = layerCode(L);
    return `        self.${L.name.padEnd(width)} = ${module}  # -> ${py.shape(L.outputShape)}`;
  });
  const forward = described.map((L) => `        ${layerCode(L)[1]}`);
  const specText = JSON.stringify(spec);
  return `"""${title}: the network exported from wasmgrad as a PyTorch module.

Every layer has the name it has in wasmgrad (conv1, relu1, maxpool1, ...${types.has('residual') || types.has('concat')
    ? '; inside a block its list and index,\nresidual1.layers.0' : ''}), so the state_dict keys are wasmgrad's tensor names and weights.safetensors
(written by wasmgrad, or by train.py) loads as it is:

    import model
    net = model.load("weights.safetensors")   # eval mode, weights loaded
    logits = net(images)                       # images: float32 [N, ${spec.input.join(', ')}]${spec.input.length === 3 ? ', pixels in [0, 1]' : ''}

Needs only PyTorch: safetensors files are read and written with the \`safetensors\` package when it is
installed, else by the few lines below (the format is an 8-byte little-endian header length, a JSON
header of {dtype, shape, data_offsets} per tensor, then the raw little-endian data).
"""
import json

import torch
import torch.nn.functional as F
from torch import nn

# One sample's shape, and the wasmgrad spec this module was generated from (kept in the weights
# files it writes, so \`wasmgrad import\` can check them against it).
INPUT_SHAPE = (${spec.input.join(', ')}${spec.input.length === 1 ? ',' : ''})
WASMGRAD_SPEC = '${specText.replace(/[\\']/g, (c) => `\\${c}`)}'
${needsSqrt ? SAFE_SQRT : ''}${helpers.map((type) => HELPERS[type]).join('')}${blockHelpers.map((type) => BLOCK_HELPERS[type]).join('')}

class Net(nn.Module):
    """${layers.length} layers, input ${py.shape(spec.input)}, output ${py.shape(layers[layers.length - 1].outputShape)}."""

    def __init__(self):
        super().__init__()
${construct.join('\n')}

    def forward(self, x):
${forward.join('\n')}
        return x


DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64,
          "I64": torch.int64, "I32": torch.int32, "U8": torch.uint8}


def read_safetensors(path):
    """The tensors of a safetensors file, by name."""
    try:
        from safetensors.torch import load_file
    except ImportError:
        load_file = None
    if load_file is not None:
        return load_file(path)
    with open(path, "rb") as f:
        data = f.read()
    header_size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + header_size])
    header.pop("__metadata__", None)
    body = data[8 + header_size:]
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        values = torch.frombuffer(bytearray(body[begin:end]), dtype=DTYPES[entry["dtype"]]) if end > begin \\
            else torch.zeros(0, dtype=DTYPES[entry["dtype"]])
        tensors[name] = values.reshape(entry["shape"])
    return tensors


def write_safetensors(tensors, path, metadata=None):
    """Writes float32 tensors (a name -> tensor dict) and a metadata dict of strings."""
    tensors = {name: t.detach().to("cpu", torch.float32).contiguous() for name, t in tensors.items()}
    try:
        from safetensors.torch import save_file
    except ImportError:
        save_file = None
    if save_file is not None:
        return save_file(tensors, path, metadata=metadata)
    header, offset = {}, 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        size = t.numel() * 4
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for t in tensors.values():
            f.write(t.numpy().tobytes())


def state_to_save(net):
    """The weights wasmgrad reads: parameters and batch-norm running statistics (not PyTorch's
    num_batches_tracked counters, which wasmgrad does not keep)."""
    return {name: t for name, t in net.state_dict().items() if not name.endswith("num_batches_tracked")}


def save(net, path="weights.safetensors"):
    write_safetensors(state_to_save(net), path, {"format": "pt", "wasmgrad.spec": WASMGRAD_SPEC})


def load(path="weights.safetensors", device="cpu"):
    """A Net in eval mode with the weights of \`path\` loaded; every tensor must fit."""
    net = Net()
    tensors = read_safetensors(path)
    missing, unexpected = net.load_state_dict(tensors, strict=False)
    missing = [name for name in missing if not name.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise ValueError(f"{path} does not fit this model: missing {missing}, unexpected {unexpected}")
    return net.to(device).eval()
`;
}
