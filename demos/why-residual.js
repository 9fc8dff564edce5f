// Demo 9: why residual connections. The same stack of 3x3 convolutions (demos/why-residual-nets.js)
// is built plain and with residual blocks, and both train side by side on the bundled digits in a
// Web Worker (demos/why-residual-worker.js, through worker-engine.js and Comlink). The page draws both loss curves
// (LineChart, uPlot) and each layer's gradient norm (Model.gradNorms) as bars with their numbers
// (grad-norm-bars.js): in the plain net the gradient vanishes on its way to the first layers; the
// identity paths of the residual net carry it back.
import { el, button, select, reducedMotion } from './ui.js';
import { LineChart } from '../web/views/line-chart.js';
import { workerEngine, workerBuildText } from './worker-engine.js';
import { DEPTHS, netSpec, weightNorms, firstToLastRatio } from './why-residual-nets.js';
import { GradNormBars, formatNorm } from './grad-norm-bars.js';

// Measured with bench/why-residual.mjs (the same nets, seed and settings; see CHANGELOG.md).
export const blurb = 'The same 20 convolutions, stacked plainly or in residual blocks, trained side by side on ' +
  'handwritten digits. Watch each layer\'s gradient: in the plain net it fades on its way back to the first layers.';

/** The engine runs in this demo's own Worker, not on the page. */
export const ownEngine = true;

export const params = {
  depth: { type: 'enum', values: DEPTHS, default: '20' },
  // 0.003: within 300 batches (half a minute here) the residual net's loss visibly falls while the
  // plain one's stays at chance; at 0.001 both curves look flat that long (bench/why-residual.mjs).
  lr: { type: 'enum', values: ['0.0003', '0.001', '0.003'], default: '0.003' },
  seed: { type: 'int', min: 1, max: 1000, default: 1 },
  autostart: { type: 'bool', default: false },
};

const NETS = [
  { key: 'plain', label: 'Plain', colour: '#b3261e' },
  { key: 'residual', label: 'Residual', colour: '#2f6fde' },
];
const BATCH_SIZE = 32;

const WORKER_URL = new URL('./why-residual-worker.js', import.meta.url);

/** "1.2e8 times smaller" / "3.1 times smaller" / "4 times larger": the first layer's norm against the last's. */
function describeRatio(ratio) {
  if (!Number.isFinite(ratio)) return 'zero';
  return ratio >= 1 ? `${formatNorm(ratio)} times smaller` : `${formatNorm(1 / ratio)} times larger`;
}

export function mount(root, { state, setState }) {
  let training = false;
  let curves = null;  // {steps: [], plain: [], residual: []}
  let latest = null;  // the last step's report
  let frame = 0;

  const status = el('p', { class: 'readout', 'data-role': 'status' }, 'Loading the digits…');
  const workerBadge = el('p', { class: 'readout', 'data-role': 'worker-build' });
  const ratios = el('p', { class: 'readout', 'data-role': 'ratios' });
  const trainButton = button('Start', () => setTraining(!training), { name: 'train' });
  trainButton.disabled = true;
  const { api, start, failed, destroy } = workerEngine(WORKER_URL, {
    status, starting: () => trainButton.disabled, stopped: () => setTraining(false) });
  const depthSelect = select('Depth (weight layers)', DEPTHS.map((d) => [d, `${d} layers`]), state.depth,
    (value) => { setState({ depth: value }); restart(); });
  const lrSelect = select('Learning rate (Adam)', params.lr.values, state.lr, (value) => { setState({ lr: value }); restart(); });
  const chartHolder = el('div', { class: 'chart-holder' });
  const barsHolder = el('div', { class: 'panel wide' });

  root.append(
    el('div', { class: 'panel controls' }, depthSelect, lrSelect, el('div', { class: 'buttons' }, trainButton), status, ratios,
      workerBadge),
    chartHolder,
    barsHolder,
  );
  const chart = new LineChart(chartHolder, { title: 'Training loss per batch', xLabel: 'batch', yLabel: 'loss', height: 220,
    series: NETS.map((n) => ({ label: `${n.label} net`, colour: n.colour, width: 1.5 })),
    xRange: (min, max) => [0, Math.max(10, max)] });  // batch 0 is the nets as built; a lone point still gets axes
  const bars = new GradNormBars(barsHolder, { nets: NETS });

  function setTraining(on) {
    training = on;
    trainButton.textContent = on ? 'Pause' : 'Start';
    api.train(on).catch((error) => failed('engine error', error));
  }

  /** Draws the latest step (at most once a frame, however fast steps come). */
  function draw() {
    frame = 0;
    if (!latest) return;
    const norms = Object.fromEntries(NETS.map((n) => [n.key, weightNorms(latest.nets[n.key].gradNorms)]));
    const start = latest.step === 0;
    bars.render(norms, start ? `at initialisation (the first ${BATCH_SIZE} digits, no update yet)` : `after batch ${latest.step}`);
    const last = (values) => values[values.length - 1];
    chart.setData(NETS.map((n) => [curves.steps, curves[n.key]]),
      NETS.map((n) => `${n.label} net: loss ${last(curves[n.key]).toFixed(3)} at batch ${latest.step}`).join('; '));
    ratios.replaceChildren(...NETS.map((n) => el('span', { 'data-net': n.key },
      `${n.label}: first layer's gradient ${describeRatio(firstToLastRatio(norms[n.key]))} than the classifier's. `)));
    if (start) return;  // the status line still says the nets are ready
    status.textContent = `batch ${latest.step} (${BATCH_SIZE} digits each): ` +
      NETS.map((n) => `${n.label.toLowerCase()} loss ${latest.nets[n.key].loss.toFixed(3)}`).join(', ');
    status.dataset.batches = String(latest.step);
  }

  /** A step's report (step 0: the nets as built) joins the curves; drawn at the next frame. */
  const record = (event) => {
    latest = event;
    curves.steps.push(event.step);
    for (const n of NETS) curves[n.key].push(event.nets[n.key].loss);
    frame ||= requestAnimationFrame(draw);
  };
  const onEvent = (event) => {
    if (event.type === 'step') record(event);
  };

  async function restart() {
    if (training) setTraining(false);
    trainButton.disabled = true;
    const specs = Object.fromEntries(NETS.map((n) => [n.key, netSpec({ depth: state.depth, residual: n.key === 'residual', seed: state.seed })]));
    const info = await start({ specs, learningRate: Number(state.lr), batchSize: BATCH_SIZE, seed: state.seed }, onEvent);
    if (!info) return;  // failed (said on the status line), or a later restart took over
    curves = { steps: [], plain: [], residual: [] };
    record(info.initial);  // the vanishing already shows before the first update
    cancelAnimationFrame(frame);  // drawn now: an iframe out of view gets no frames, and should not wait blank
    draw();
    trainButton.disabled = false;
    status.className = 'readout';
    status.removeAttribute('role');
    status.textContent = `Two nets of ${state.depth} weight layers, ${info.parameterCounts.plain.toLocaleString('en')} parameters each; ` +
      `ready to train on ${info.trainingSamples.toLocaleString('en')} digits (Adam, batch ${BATCH_SIZE}).`;
    delete status.dataset.batches;
    workerBadge.textContent = workerBuildText(info);
    // With reduced motion the bars and curves stay still until the reader presses Start.
    if (state.autostart && reducedMotion()) status.textContent += ' Reduced motion is on: press Start to train.';
    else if (state.autostart) setTraining(true);
  }

  restart();
  return {
    destroy() {
      cancelAnimationFrame(frame);
      destroy();
    },
  };
}
