// The model as the exporters walk it: the spec's layers joined with the engine's summary rows,
// each with its name, type, spec fields and input and output shapes, and a block's lists of inner
// layers in `paths`, nested as the engine nests them (engine/nn/layer.h):
//   residual  paths [{branch: 'layers', ...}, {branch: 'shortcut', ...}]   (an empty shortcut: the identity)
//   concat    paths [{branch: 'branches.0', ...}, {branch: 'branches.1', ...}]  (an empty branch: the input)
// Every layer knows where it is in the words of the engine's spec errors (`where`:
// "layer 3 (residual) › layers › 1 (conv2d)"), so an exporter that cannot write a layer says
// which one (exportError).

const BLOCK_LISTS = {
  residual: (spec) => [['layers', spec.layers ?? []], ['shortcut', spec.shortcut ?? []]],
  concat: (spec) => (spec.branches ?? []).map((list, b) => [`branches.${b}`, list]),
};

/** True for a layer type made of lists of layers (residual, concat). */
export const isBlock = (type) => Object.hasOwn(BLOCK_LISTS, type);

/**
 * @param {{input: number[], layers: object[]}} spec the model's spec, defaults filled in (model.spec)
 * @param {{name: string, type: string, outputShape: number[], branch?: string, inner?: object[]}[]} rows
 *   the model's summary (model.summary)
 * @returns {object[]} one node per layer of the model's own list:
 *   {...spec fields, type, name, inputShape, outputShape, where, layer, layerType, path, paths?: {branch, layers}[]}
 */
export function layerTree(spec, rows) {
  if (spec.layers.length !== rows.length) {
    throw new Error(`wasmgrad: export: the spec has ${spec.layers.length} layers but the model ${rows.length}`);
  }
  return describeList(spec.layers, rows, spec.input, { where: '', layer: -1, layerType: '' });
}

// where: the list's location ('' for the model's own list, else "layer 3 (residual) › layers › ").
function describeList(specs, rows, inputShape, parent) {
  let shape = inputShape;
  return specs.map((layerSpec, i) => {
    const row = rows[i];
    const where = `${parent.where === '' ? 'layer ' : parent.where}${i} (${row.type})`;
    const node = {
      ...layerSpec, type: row.type, name: row.name, inputShape: shape, outputShape: row.outputShape,
      where, layer: parent.layer < 0 ? i : parent.layer, layerType: parent.layer < 0 ? row.type : parent.layerType,
      path: parent.layer < 0 ? '' : where.replace(/^layer \d+ \([^)]*\) › /, ''),
    };
    if (isBlock(row.type)) {
      const inner = row.inner ?? [];
      node.paths = BLOCK_LISTS[row.type](layerSpec).map(([branch, list]) => {
        const listRows = inner.filter((r) => r.branch === branch);
        if (listRows.length !== list.length) {
          throw exportError('export', node, `its ${branch} list has ${list.length} layers in the spec but ${listRows.length} in the model`);
        }
        const words = branch.replace('.', ' › ');  // "branches.1" -> "branches › 1"
        return { branch, layers: describeList(list, listRows, shape, { where: `${where} › ${words} › `, layer: node.layer, layerType: node.layerType }) };
      });
    }
    shape = row.outputShape;
    return node;
  });
}

/**
 * An Error naming the layer it is about, located as the engine locates spec errors: the message
 * ends with "at layer 3 (residual) › layers › 1 (conv2d) "residual1.layers.1"", and error.layer,
 * error.layerType (the index and type of the layer in the model's own list) and error.path (""
 * for a top-level layer, "layers › 1 (conv2d)" inside a block) are the fields a spec error has.
 */
export function exportError(format, L, problem) {
  const error = new Error(`wasmgrad: ${format}: ${problem} at ${L.where} "${L.name}"`);
  error.layer = L.layer;
  error.layerType = L.layerType;
  error.path = L.path;
  return error;
}

/** Every node of the tree, depth first, blocks before their inner layers. */
export function* allLayers(nodes) {
  for (const node of nodes) {
    yield node;
    for (const path of node.paths ?? []) yield* allLayers(path.layers);
  }
}
