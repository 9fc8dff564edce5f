// Demo 8: LeNet-5 (the lectures' table) trained on the bundled MNIST digits. The engine runs in
// a Web Worker (demos/lenet-worker.js, through worker-engine.js and Comlink) so the page stays responsive; the
// first-layer filters (FiltersView), the draw pad (DrawPad) and the class probabilities
// (ProbabilitiesView) are the playground's own views from web/views/.
import { el, button, select } from './ui.js';
import { FiltersView } from '../web/views/filters.js';
import { DrawPad } from '../web/views/draw-pad.js';
import { ProbabilitiesView } from '../web/views/probabilities.js';
import { workerEngine, workerBuildText } from './worker-engine.js';

export const blurb = 'Train the lectures\' LeNet-5 on 8,000 real MNIST digits, watch its first-layer filters form, ' +
  'and draw a digit for it to read.';

/** The engine runs in this demo's own Worker, not on the page. */
export const ownEngine = true;

export const params = {
  model: { type: 'enum', values: ['lenet5', 'cnn'], default: 'lenet5' },
  seed: { type: 'int', min: 1, max: 1000, default: 1 },
  autostart: { type: 'bool', default: false },
};

const WORKER_URL = new URL('./lenet-worker.js', import.meta.url);

export function mount(root, { state, setState }) {
  let training = false;
  let pixels = null;

  const status = el('p', { class: 'readout', 'data-role': 'status' }, 'Loading the digits…');
  const workerBadge = el('p', { class: 'readout', 'data-role': 'worker-build' });
  const epochText = el('p', { class: 'readout', 'data-role': 'epoch' });
  const trainButton = button('Train', () => setTraining(!training), { name: 'train' });
  trainButton.disabled = true;
  const { api, start, failed, destroy } = workerEngine(WORKER_URL, {
    status, starting: () => trainButton.disabled, stopped: () => setTraining(false) });
  const modelSelect = select('model', [['lenet5', 'LeNet-5 (20 and 50 filters, 1.26M parameters)'], ['cnn', 'small CNN (8 and 16 filters)']],
    state.model, (value) => { setState({ model: value }); restart(); });
  const filtersHolder = el('div', { 'data-role': 'filters' });
  const filters = new FiltersView(filtersHolder, { tileSize: 40 });
  const padHolder = el('div');
  const pad = new DrawPad(padHolder);
  const probabilitiesHolder = el('div', { class: 'probabilities', 'data-role': 'probabilities' });
  const probabilities = new ProbabilitiesView(probabilitiesHolder);
  padHolder.addEventListener('digit', (event) => {
    pixels = event.detail.empty ? null : event.detail.pixels;
    classify();
  });

  root.append(
    el('div', { class: 'panel controls' }, modelSelect, el('div', { class: 'buttons' }, trainButton), status, epochText, workerBadge,
      el('h3', {}, 'First-layer filters'), filtersHolder),
    el('div', { class: 'panel' }, el('h3', {}, 'Draw a digit'), padHolder, probabilitiesHolder),
  );

  function setTraining(on) {
    training = on;
    trainButton.textContent = on ? 'Pause' : 'Train';
    api.train(on).catch((error) => failed('engine error', error));
  }

  async function classify() {
    if (!pixels || trainButton.disabled) {
      probabilities.render(null);
      return;
    }
    try {
      probabilities.render({ probabilities: await api.classify(pixels) });
    } catch (error) {
      failed('engine error', error);
    }
  }

  const onEvent = (event) => {
    if (event.type === 'progress') {
      status.textContent = `epoch ${event.epoch}, batch ${event.batch}/${event.batches}: loss ${event.loss.toFixed(3)}, ` +
        `accuracy ${(100 * event.accuracy).toFixed(1)}% (${Math.round(event.samplesPerSecond)} samples/s)`;
      status.dataset.batches = String(event.total);
      if (event.total % 10 === 0) classify();
    } else if (event.type === 'epoch') {
      epochText.textContent = `after epoch ${event.epoch}: ${(100 * event.validationAccuracy).toFixed(1)}% on 1,000 test digits`;
    } else if (event.type === 'filters') {
      filters.render({ layer: event.layer, shape: event.shape, data: event.data });
    }
  };

  async function restart() {
    if (training) setTraining(false);
    trainButton.disabled = true;
    const info = await start({ model: state.model, seed: state.seed, learningRate: 1e-3, batchSize: 32 }, onEvent);
    if (!info) return;  // failed (said on the status line), or a later restart took over
    trainButton.disabled = false;
    status.textContent = `${info.parameterCount.toLocaleString('en')} parameters; ready to train (8,000 digits, Adam, batch 32).`;
    workerBadge.textContent = workerBuildText(info);
    if (info.filters) filters.render(info.filters);
    classify();
    if (state.autostart) setTraining(true);
  }

  restart();
  return { destroy };
}
