// The layer-list text of a custom model (what a link holds, e.g.
// "conv2d.8.5.1.2_relu_maxpool.2_linear.10") to and from the engine's spec, the only model
// description. Layers are separated by "_"; a layer is its engine type followed by its main
// fields in the engine's order, trailing ones optional. The types, their aliases and their fields
// come from the engine's catalog (engine.catalog.layerTypes, passed as `catalog`); the engine
// checks the values and says what is wrong with which layer and field; this module only reads the
// syntax. No DOM.
//
// Older links wrote "conv" for conv2d; they still read.

/** Spellings of older links, beside the engine's own aliases (dense for linear). */
const OLD_SPELLINGS = Object.freeze({ conv: 'conv2d' });
const MAX_LAYERS = 64;

/**
 * The fields a layer's text writes, in order: its leading whole-number fields (conv2d's filters,
 * kernel, stride, pad, dilation; linear's units), or a type's one number field (dropout's rate,
 * leaky_relu's slope). Other fields (eps, momentum, bias, init) a layer list leaves at the engine's
 * default. `info`: one of the catalog's layer types.
 */
export function textFields(info) {
  const leading = [];
  for (const field of info.fields) {
    if (field.kind !== 'integer' && field.kind !== 'size') break;
    leading.push(field.name);
  }
  if (leading.length) return leading;
  return info.fields.length === 1 && info.fields[0].kind === 'number' ? [info.fields[0].name] : [];
}

const syntaxes = new WeakMap();
/**
 * The layer-list syntax of a catalog: `fields` (type -> the fields its text writes; every type
 * whose required fields a text can write: not a block of nested layers), `aliases`
 * (spelling -> type), `fraction` (types whose one field is a number: "dropout.0.5" is rate 0.5,
 * not two fields). Empty before the engine has loaded (an empty catalog).
 */
export function layerSyntax(catalog) {
  const list = Array.isArray(catalog) ? catalog : [];
  if (syntaxes.has(list)) return syntaxes.get(list);
  const fields = {};
  const aliases = {};
  for (const info of list) {
    if (info.aliasOf) continue;
    const written = textFields(info);
    // A type whose required fields the text cannot write (a block's nested layers) has no layer-list form.
    if (info.fields.every((f) => !f.required || written.includes(f.name))) fields[info.type] = written;
  }
  for (const info of list) if (info.aliasOf && Object.hasOwn(fields, info.aliasOf)) aliases[info.type] = info.aliasOf;
  for (const [old, type] of Object.entries(OLD_SPELLINGS)) if (Object.hasOwn(fields, type)) aliases[old] = type;
  const fraction = new Set(list.filter((t) => fields[t.type]?.length === 1 && t.fields[0].kind === 'number').map((t) => t.type));
  const syntax = { fields, aliases, fraction };
  syntaxes.set(list, syntax);
  return syntax;
}

/** A syntax problem, located like the engine's errors: {layer (0-based), field, problem}. */
const problemAt = (layer, field, problem) => ({ layer, field, problem });

/**
 * "conv2d.8.5_relu_linear.10" -> {layers: [{type: 'conv2d', filters: 8, kernel: 5}, ...], error: null},
 * or {layers: null, error: {layer, field, problem}} for text that is not a layer list.
 * `catalog`: the engine's layer types (without them, before the engine has loaded, no text reads).
 */
export function layersFromText(text, catalog) {
  if (typeof text !== 'string' || text.trim() === '') return { layers: null, error: problemAt(-1, '', 'the layer list is empty') };
  const { fields: positional, aliases, fraction } = layerSyntax(catalog);
  if (!Object.keys(positional).length) return { layers: null, error: problemAt(-1, '', 'the engine has not loaded its layer types yet') };
  const tokens = splitLayers(text.trim(), positional);
  if (tokens.length > MAX_LAYERS) {
    return { layers: null, error: problemAt(-1, '', `${tokens.length} layers is more than ${MAX_LAYERS}`) };
  }
  const layers = [];
  for (const [index, token] of tokens.entries()) {
    const [rawType, ...args] = token.split('.');
    const type = Object.hasOwn(aliases, rawType) ? aliases[rawType] : rawType;
    if (!Object.hasOwn(positional, type)) {
      return { layers: null, error: problemAt(index, 'type', `"${String(rawType).slice(0, 20)}" is not a layer type (valid: ${Object.keys(positional).join(', ')})`) };
    }
    const fields = positional[type];
    const values = fraction.has(type) && args.length === 2 ? [`${args[0]}.${args[1]}`] : args;
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
function splitLayers(text, positional) {
  const parts = text.split('_');
  const tokens = [];
  for (let i = 0; i < parts.length; i++) {
    const joined = i + 1 < parts.length ? `${parts[i]}_${parts[i + 1]}` : '';
    if (!parts[i].includes('.') && Object.hasOwn(positional, joined.split('.')[0])) {
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
  const { fields: positional, aliases } = layerSyntax(catalog);
  const tokens = [];
  for (const [index, layer] of layers.entries()) {
    const type = Object.hasOwn(aliases, layer.type) ? aliases[layer.type] : layer.type;
    const fields = Object.hasOwn(positional, type) ? positional[type] : null;
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
    while (flat.length > 1 && (flat.at(-1) === undefined || isDefault(fields, fields[flat.length - 1], flat, info))) flat.pop();
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

function isDefault(fields, name, values, info) {
  const field = info?.fields.find((f) => f.name === name);
  if (!field) return false;
  const value = values[values.length - 1];
  if (field.defaultText === '= kernel') return value === values[fields.indexOf('kernel')];
  return field.defaultText !== '' && Number(field.defaultText) === value;
}
