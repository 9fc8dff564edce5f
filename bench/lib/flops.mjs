// How much arithmetic one training step is, so that a speed in samples/s can be read as GFLOP/s
// and as a fraction of the measured peak. Counted from the engine's own model summary
// (model.summary[i].multiplyAdds: per sample, weights only), the usual way:
//   forward            2 FLOPs per multiply-add of every layer with weights;
//   weight gradient    the same again;
//   input gradient     the same again, except for the first layer with weights (nothing upstream
//                      needs it: the engine does not compute it, nor do the peers).
// So a step is 6 x multiply-adds per sample, 4 x for the first weighted layer. Bias adds,
// activations, pooling, the loss and the optimizer are not counted: they are what the
// "% of peak" of a whole step shows beside the kernels' figures.

/** Training FLOPs per sample for a model summary (array of { multiplyAdds }). */
export function trainingFlopsPerSample(summary) {
  let flops = 0, first = true;
  for (const layer of summary) {
    const macs = layer.multiplyAdds ?? 0;
    if (macs <= 0) continue;
    flops += 2 * macs * (first ? 2 : 3);
    first = false;
  }
  return flops;
}

/** GFLOP/s of a training speed (samples/s) for a model of flopsPerSample. */
export const gflopsOf = (samplesPerSecond, flopsPerSample) => (samplesPerSecond * flopsPerSample) / 1e9;
