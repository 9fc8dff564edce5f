// A preset fitted to the data it trains on: the engine rebuilds it for the data's sample shape
// and class count (resnet-mini, made for 3x32x32 images, on the 1x28x28 digits).

/** A preset's spec fitted to the data by the engine: input [C, H, W] and one output per class. */
export function fitPreset(engine, name, sampleShape, classes) {
  return engine.presetSpec(name, { input: sampleShape, classes });
}

/**
 * A preset's model for this data: the same model when it already fits (cnn on the digits), else
 * one rebuilt for the data's sample shape and class count (resnet-mini, made for 3x32x32 images,
 * on the 1x28x28 digits), said as a note. Returns the model to train.
 */
export function presetForData(engine, model, name, sampleShape, classes, out) {
  const fits = model.inputShape.join('x') === sampleShape.join('x') && model.outputShape.join('x') === String(classes);
  if (fits) return model;
  model.dispose();
  const fitted = engine.model(fitPreset(engine, name, sampleShape, classes));
  const note = `preset ${name} fitted to the data: input ${sampleShape.join('x')}, ${classes} classes`;
  out.event({ event: 'note', message: note });
  out.line(note);
  return fitted;
}
