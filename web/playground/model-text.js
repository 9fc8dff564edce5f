// The layer-list text of a custom model (what a link holds, e.g.
// "conv2d.8.5.1.2_relu_maxpool.2_linear.10") to and from the engine's spec, the only model
// description. Layers are separated by "_"; a layer is its engine type followed by its main
// fields in a fixed order (POSITIONAL), trailing ones optional. The engine checks the values and
// says what is wrong with which layer and field; this module only reads the syntax. No DOM.
//
// Older links wrote "conv" for conv2d; they still read.

/** Each type's fields that the text writes, in order (the engine's field names). */
export const POSITIONAL = Object.freeze({
  conv2d: ['filters', 'kernel', 'stride', 'pad', 'dilation'],
  maxpool: ['kernel', 'stride', 'pad'],
  avgpool: ['kernel', 'stride', 'pad'],
  l2pool: ['kernel', 'stride', 'pad'],
  linear: ['units'],
  leaky_relu: ['slope'],
  dropout: ['rate'],
  lcn: ['size'],
  relu: [], sigmoid: [], tanh: [], softplus: [], sign: [], step: [],
  batchnorm: [], layernorm: [], instancenorm: [], flatten: [],
});

const ALIASES = Object.freeze({ conv: 'conv2d', dense: 'linear' });
/** Types whose one field is a fraction ("dropout.0.5" is rate 0.5, not two fields). */
const FRACTION = new Set(['leaky_relu', 'dropout']);
const MAX_LAYERS = 64;

/** A syntax problem, located like the engine's errors: {layer (0-based), field, problem}. */
const problemAt = (layer, field, problem) => ({ layer, field, problem });

/**
 * "conv2d.8.5_relu_linear.10" -> {layers: [{type: 'conv2d', filters: 8, kernel: 5}, ...], error: null},
 * or {layers: null, error: {layer, field, problem}} for text that is not a layer list.
 */
export function layersFromText(text) {
  if (typeof text !== 'string' || text.trim() === '') return { layers: null, error: problemAt(-1, '', 'the layer list is empty') };
  const tokens = splitLayers(text.trim());
  if (tokens.length > MAX_LAYERS) {
    return { layers: null, error: problemAt(-1, '', `${tokens.length} layers is more than ${MAX_LAYERS}`) };
  }
  const layers = [];
  for (const [index, token] of tokens.entries()) {
    const [rawType, ...args] = token.split('.');
    const type = Object.hasOwn(ALIASES, rawType) ? ALIASES[rawType] : rawType;
    if (!Object.hasOwn(POSITIONAL, type)) {
      return { layers: null, error: problemAt(index, 'type', `"${String(rawType).slice(0, 20)}" is not a layer type (valid: ${Object.keys(POSITIONAL).join(', ')})`) };
    }
    const fields = POSITIONAL[type];
    const values = FRACTION.has(type) && args.length === 2 ? [`${args[0]}.${args[1]}`] : args;
    if (values.length > fields.length) {
      return { layers: null, error: problemAt(index, '', fields.length
        ? `${type} takes at most ${fields.length} value${fields.length === 1 ? '' : 's'} (${fields.join(', ')}), got ${values.length}`
        : `${type} takes no values, got ${values.length}`) };
    }
    const layer = { type };
    for (const [i, raw] of values.entries()) {
      const number = /^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(raw) ? Number(raw) : NaN;
      if (!Number.isFinite(number)) {
        return { layers: null, error: problemAt(index, fields[i], `"${String(raw).slice(0, 20)}" is not a number`) };
      }
      layer[fields[i]] = number;
    }
    layers.push(layer);
  }
  return { layers, error: null };
}

/** "conv2d.8.5_leaky_relu.0.1_linear.10" -> its layers' tokens: a "_" inside a type name (leaky_relu) joins. */
function splitLayers(text) {
  const parts = text.split('_');
  const tokens = [];
  for (let i = 0; i < parts.length; i++) {
    const joined = i + 1 < parts.length ? `${parts[i]}_${parts[i + 1]}` : '';
    if (!parts[i].includes('.') && Object.hasOwn(POSITIONAL, joined.split('.')[0])) {
      tokens.push(joined);
      i++;
    } else {
      tokens.push(parts[i]);
    }
  }
  return tokens;
}

/**
 * Engine spec layers -> text, or {text: null, reason} when a layer has a setting the text cannot
 * hold (no bias, an initializer, a non-square kernel...). Fields equal to the engine's default
 * at the end of a layer are left out.
 */
export function textFromLayers(layers, catalog) {
  const tokens = [];
  for (const [index, layer] of layers.entries()) {
    const type = Object.hasOwn(ALIASES, layer.type) ? ALIASES[layer.type] : layer.type;
    const fields = POSITIONAL[type];
    if (!fields) return { text: null, reason: `layer ${index + 1} (${layer.type}) has no layer-list form` };
    const info = catalog?.find((t) => t.type === type);
    for (const [name, value] of Object.entries(layer)) {
      if (name === 'type' || fields.includes(name)) continue;
      const field = info?.fields.find((f) => f.name === name);
      if (!field || !equalsDefault(value, field.defaultText)) {
        return { text: null, reason: `layer ${index + 1} (${type}) sets ${name}, which a layer list cannot hold` };
      }
    }
    const values = fields.map((name) => layer[name]);
    if (values.some((v) => Array.isArray(v) && v[0] !== v[1])) {
      return { text: null, reason: `layer ${index + 1} (${type}) has a non-square kernel, which a layer list cannot hold` };
    }
    const flat = values.map((v) => (Array.isArray(v) ? v[0] : v));
    // The first value stays ("maxpool.2" reads better than "maxpool"); later defaults go.
    while (flat.length > 1 && (flat.at(-1) === undefined || isDefault(type, fields[flat.length - 1], flat, info))) flat.pop();
    tokens.push([type, ...flat].join('.'));
  }
  return { text: tokens.join('_'), reason: null };
}

/** A spec value against the catalog's default text ("1e-05", "true", "0.1"), as values, not as spellings. */
function equalsDefault(value, defaultText) {
  if (typeof value === 'boolean') return String(value) === defaultText;
  const wanted = Number(defaultText);
  if (typeof value !== 'number' || defaultText === '' || !Number.isFinite(wanted)) return String(value) === defaultText;
  return value === wanted || Math.abs(value - wanted) <= 1e-6 * Math.abs(wanted);  // a float32 round trip of the default
}

function isDefault(type, name, values, info) {
  const field = info?.fields.find((f) => f.name === name);
  if (!field) return false;
  const value = values[values.length - 1];
  if (field.defaultText === '= kernel') return value === values[POSITIONAL[type].indexOf('kernel')];
  return field.defaultText !== '' && Number(field.defaultText) === value;
}
