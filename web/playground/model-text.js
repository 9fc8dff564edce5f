// The layer-list text of a custom model (what a link holds, e.g.
// "conv2d.8.5.1.2_relu_maxpool.2_linear.10") to and from the engine's spec, the only model
// description. Layers are separated by "_"; a layer is its engine type followed by its main
// fields in the engine's order, trailing ones optional. The types, their aliases and their fields
// come from the engine's catalog (engine.catalog.layerTypes, passed as `catalog`); the engine
// checks the values and says what is wrong with which layer and field; this module only reads the
// syntax. No DOM.
//
// Blocks (the catalog's types whose fields are nested layer lists: residual, concat) are written
// with their lists in parentheses, separated by "|", in the order of the type's fields:
//   residual(conv2d.8.3.1.1_batchnorm_relu)                  layers, the identity shortcut
//   residual(conv2d.16.3.2.1_relu|conv2d.16.1.2)             layers | shortcut (a projection)
//   concat(conv2d.8.1_relu|conv2d.8.3.1.1_relu|)             branches (the last one empty: the input)
// Blocks nest. Older links wrote "conv" for conv2d; they still read.

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

/** Nesting deeper than this is refused by the text (the engine has its own, lower limit). */
const MAX_DEPTH = 8;

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
  // Blocks: type -> {lists: the fields that hold a layer list (residual: layers, shortcut), or
  // branches: the one field holding a list of lists (concat)}.
  const blocks = {};
  for (const info of list) {
    if (info.aliasOf) continue;
    const lists = info.fields.filter((f) => f.kind === 'layers').map((f) => f.name);
    const branches = info.fields.find((f) => f.kind === 'branches')?.name;
    if (lists.length || branches) blocks[info.type] = { lists, branches: branches ?? null };
  }
  const syntax = { fields, aliases, fraction, blocks };
  syntaxes.set(list, syntax);
  return syntax;
}

/** A syntax problem, located like the engine's errors: {layer (0-based), field, problem}. */
const problemAt = (layer, field, problem) => ({ layer, field, problem });

/**
 * "conv2d.8.5_relu_linear.10" -> {layers: [{type: 'conv2d', filters: 8, kernel: 5}, ...], error: null},
 * or {layers: null, error: {layer, field, problem, path?}} for text that is not a layer list (`path`:
 * inside a block, the way in, e.g. "layers › 1", as the engine's errors have it).
 * `catalog`: the engine's layer types (without them, before the engine has loaded, no text reads).
 */
export function layersFromText(text, catalog) {
  if (typeof text !== 'string' || text.trim() === '') return { layers: null, error: problemAt(-1, '', 'the layer list is empty') };
  const syntax = layerSyntax(catalog);
  if (!Object.keys(syntax.fields).length) return { layers: null, error: problemAt(-1, '', 'the engine has not loaded its layer types yet') };
  const unbalanced = balanceProblem(text);
  if (unbalanced) return { layers: null, error: problemAt(-1, '', unbalanced) };
  const counted = { layers: 0 };
  const read = readList(text.trim(), syntax, 0, counted);
  if (read.error) return { layers: null, error: read.error };
  if (counted.layers > MAX_LAYERS) {
    return { layers: null, error: problemAt(-1, '', `${counted.layers} layers is more than ${MAX_LAYERS}`) };
  }
  return { layers: read.layers, error: null };
}

/** "(" and ")" must pair up: the message says where they do not. */
function balanceProblem(text) {
  const open = [];  // character positions of the "(" not closed yet
  for (const [i, c] of [...text].entries()) {
    if (c === '(') open.push(i);
    else if (c === ')' && open.pop() === undefined) return `")" at character ${i + 1} closes nothing`;
  }
  if (!open.length) return null;
  const first = open[0] + 1;
  return open.length === 1 ? `the "(" at character ${first} is never closed: add a ")"`
    : `${open.length} "(" are never closed (the first at character ${first}): add ${open.length} ")"`;
}

/** One list's text -> {layers} or {error}, located in this list (a block's caller adds its place). */
function readList(text, syntax, depth, counted) {
  if (depth > MAX_DEPTH) return { error: problemAt(-1, '', `blocks nested deeper than ${MAX_DEPTH}`) };
  const tokens = splitTopLevel(text, '_', syntax.fields);
  counted.layers += tokens.length;
  if (counted.layers > MAX_LAYERS) return { error: problemAt(-1, '', `more than ${MAX_LAYERS} layers`) };
  const layers = [];
  for (const [index, token] of tokens.entries()) {
    const read = readLayer(token, index, syntax, depth, counted);
    if (read.error) return read;
    layers.push(read.layer);
  }
  return { layers };
}

/** One layer's token -> {layer} or {error: located at `index`}. */
function readLayer(token, index, syntax, depth, counted) {
  const { fields: positional, aliases, fraction, blocks } = syntax;
  const open = token.indexOf('(');
  if (open >= 0) {
    const type = token.slice(0, open);
    if (!Object.hasOwn(blocks, type) || !token.endsWith(')')) {
      return { error: problemAt(index, 'type', `"${type.slice(0, 20)}(…)" is not a block (blocks: ${Object.keys(blocks).map((t) => `${t}(…)`).join(', ')})`) };
    }
    const { lists, branches } = blocks[type];
    const parts = splitTopLevel(token.slice(open + 1, -1), '|');
    if (!branches && parts.length > lists.length) {
      return { error: problemAt(index, '', `${type} holds at most ${lists.length} lists (${lists.join(' | ')}), got ${parts.length}`) };
    }
    const layer = { type };
    for (const [k, part] of parts.entries()) {
      const field = branches ?? lists[k];
      const place = branches ? `${branches} › ${k}` : field;
      let read = { layers: [] };
      if (part.trim() !== '') read = readList(part.trim(), syntax, depth + 1, counted);
      else if (!branches && k === 0) read = { error: problemAt(-1, '', 'is empty') };
      if (read.error) {
        const inner = read.error;
        const path = inner.layer >= 0 ? `${place} › ${inner.layer}${inner.path ? ` › ${inner.path}` : ''}` : place;
        return { error: { layer: index, field: inner.layer >= 0 ? inner.field : field, problem: inner.problem, path } };
      }
      if (branches) (layer[branches] ??= []).push(read.layers);
      else layer[field] = read.layers;
    }
    return { layer };
  }
  const [rawType, ...args] = token.split('.');
  const type = Object.hasOwn(aliases, rawType) ? aliases[rawType] : rawType;
  if (!Object.hasOwn(positional, type)) {
    const hint = Object.hasOwn(blocks, type) ? ` (a block: write ${type}(…) with its layers inside)` : ` (valid: ${Object.keys(positional).join(', ')})`;
    return { error: problemAt(index, 'type', `"${String(rawType).slice(0, 20)}" is not a layer type${hint}`) };
  }
  const fields = positional[type];
  const values = fraction.has(type) && args.length === 2 ? [`${args[0]}.${args[1]}`] : args;
  if (values.length > fields.length) {
    return { error: problemAt(index, '', fields.length
      ? `${type} takes at most ${fields.length} value${fields.length === 1 ? '' : 's'} (${fields.join(', ')}), got ${values.length}`
      : `${type} takes no values, got ${values.length}`) };
  }
  const layer = { type };
  for (const [i, raw] of values.entries()) {
    const number = /^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(raw) ? Number(raw) : NaN;
    if (!Number.isFinite(number)) return { error: problemAt(index, fields[i], `"${String(raw).slice(0, 20)}" is not a number`) };
    layer[fields[i]] = number;
  }
  return { layer };
}

/**
 * Splits at `separator` outside parentheses. With `positional` (the "_" between layers), a "_"
 * inside a type name (leaky_relu) joins its two parts again.
 */
function splitTopLevel(text, separator, positional = null) {
  const parts = [''];
  let depth = 0;
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === separator && depth === 0) parts.push('');
    else parts[parts.length - 1] += c;
  }
  if (!positional) return parts;
  const tokens = [];
  for (let i = 0; i < parts.length; i++) {
    const joined = i + 1 < parts.length ? `${parts[i]}_${parts[i + 1]}` : '';
    if (!/[.(]/.test(parts[i]) && Object.hasOwn(positional, joined.split(/[.(]/)[0])) {
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
  const { fields: positional, aliases, blocks } = layerSyntax(catalog);
  const tokens = [];
  for (const [index, layer] of layers.entries()) {
    const type = Object.hasOwn(aliases, layer.type) ? aliases[layer.type] : layer.type;
    if (Object.hasOwn(blocks, type)) {
      const block = blockText(layer, type, blocks[type], catalog);
      if (block.text === null) return { text: null, reason: `layer ${index + 1} (${type}) › ${block.reason}` };
      tokens.push(block.text);
      continue;
    }
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

/** A block's text: "residual(a_b)" (identity shortcut left out), "residual(a|s)", "concat(a|b|)". */
function blockText(layer, type, { lists, branches }, catalog) {
  const parts = [];
  const names = branches ? [] : lists;
  for (const name of Object.keys(layer)) {
    if (name !== 'type' && name !== branches && !names.includes(name)) return { text: null, reason: `sets ${name}, which a layer list cannot hold` };
  }
  const listsOf = branches ? (layer[branches] ?? []).map((list, k) => [`${branches} › ${k}`, list]) : names.map((n) => [n, layer[n] ?? []]);
  for (const [place, list] of listsOf) {
    const { text, reason } = list.length ? textFromLayers(list, catalog) : { text: '', reason: null };
    if (text === null) return { text: null, reason: `${place} › ${reason}` };
    parts.push(text);
  }
  // Trailing empty lists of a residual (the identity shortcut) go; a concat keeps its empty branches.
  while (!branches && parts.length > 1 && parts.at(-1) === '') parts.pop();
  return { text: `${type}(${parts.join('|')})`, reason: null };
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
