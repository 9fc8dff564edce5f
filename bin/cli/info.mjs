// `wasmgrad info`: a model's layers as a table (or one 'info' event): output shapes, parameters,
// multiply-adds and receptive fields.
import { EXIT, loadEngine, loadModel, nameList, requireOption } from './shared.mjs';

export const info = {
  summary: 'show a model\'s layers: shapes, parameters, multiply-adds, receptive fields',
  usage: 'wasmgrad info --model <preset|spec.json|model.wgm>',
  options: {
    model: { type: 'string', help: (catalog) => `preset name (${nameList(catalog.presets.map((p) => p.name))}), ` +
      `JSON spec file (or inline JSON; layer types: ${nameList(catalog.layerTypes.map((t) => t.type))}), or saved model file` },
  },
  run,
};

async function run(values, out) {
  const modelRef = requireOption(values, 'info', 'model');
  const engine = await loadEngine(values, 'info');
  const { model } = await loadModel(engine, modelRef);
  const layers = model.summary;
  const totalMultiplyAdds = layers.reduce((a, l) => a + l.multiplyAdds, 0);
  out.event({ event: 'info', model: modelRef, input: model.inputShape, output: model.outputShape,
    parameters: model.parameterCount, multiplyAdds: totalMultiplyAdds, layers, metadata: model.metadata });
  const rows = [['layer', 'type', 'output', 'parameters', 'multiply-adds', 'receptive field', 'detail'],
    ['input', '', model.inputShape.join('x'), '', '', '1x1', '']];
  for (const l of layers) {
    const rf = l.receptiveField ? `${l.receptiveField.size}x${l.receptiveField.size} (jump ${l.receptiveField.jump})` : '';
    rows.push([l.name, l.type, l.outputShape.join('x'), l.parameters.toLocaleString('en'), l.multiplyAdds.toLocaleString('en'), rf, l.detail]);
  }
  rows.push(['total', '', '', model.parameterCount.toLocaleString('en'), totalMultiplyAdds.toLocaleString('en'), '', '']);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const numeric = new Set([3, 4]);
  for (const r of rows) {
    out.line(r.map((cell, c) => numeric.has(c) ? String(cell).padStart(widths[c]) : String(cell).padEnd(widths[c])).join('  ').trimEnd());
  }
  return EXIT.ok;
}
