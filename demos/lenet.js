// Demo 8: LeNet-5 (the lectures' table) trained on the bundled MNIST digits. The engine runs in
// a Web Worker (demos/lenet-worker.js) so the page stays responsive; the first-layer filters
// (FiltersView) and the draw pad (DrawPad) are the playground's own views from web/views/.
import { el, button, select } from './ui.js';
import { FiltersView } from '../web/views/filters.js';
import { DrawPad } from '../web/views/draw-pad.js';
import { explainStartFailure } from '../web/start-failure.js';

/** After this long without its worker's engine ready, the demo says it is still loading, and what to try. */
const WATCHDOG_MS = 30_000;

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
const BINDINGS_URL = new URL('../bindings/wasmgrad.js', import.meta.url);
const ENGINE_URL = new URL('../build/engine/', import.meta.url);
const DATA_URL = new URL('../build/data/', import.meta.url);

/**
 * The demo's Worker. A page may not start a Worker from a script of another origin (a course
 * site embedding the element from where the demos are hosted), but a same-origin blob Worker
 * may importScripts one: the worker script uses only absolute URLs it is sent, so it runs the same.
 */
function startWorker(url) {
  if (url.origin === location.origin) return new Worker(url);
  const trampoline = new Blob([`importScripts(${JSON.stringify(url.href)});`], { type: 'text/javascript' });
  return new Worker(URL.createObjectURL(trampoline));
}

export function mount(root, { state, setState }) {
  const worker = startWorker(WORKER_URL);
  let training = false;
  let pixels = null;

  const status = el('p', { class: 'readout', 'data-role': 'status' }, 'Loading the digits…');
  const workerBadge = el('p', { class: 'readout', 'data-role': 'worker-build' });
  const epochText = el('p', { class: 'readout', 'data-role': 'epoch' });
  const trainButton = button('Train', () => setTraining(!training), { name: 'train' });
  trainButton.disabled = true;
  const modelSelect = select('model', [['lenet5', 'LeNet-5 (20 and 50 filters, 1.26M parameters)'], ['cnn', 'small CNN (8 and 16 filters)']],
    state.model, (value) => { setState({ model: value }); restart(); });
  const filtersHolder = el('div', { 'data-role': 'filters' });
  const filters = new FiltersView(filtersHolder, { tileSize: 40 });
  const padHolder = el('div');
  const pad = new DrawPad(padHolder);
  const bars = el('div', { class: 'prob-bars', 'data-role': 'probabilities' });
  padHolder.addEventListener('digit', (event) => {
    pixels = event.detail.empty ? null : event.detail.pixels;
    classify();
  });

  root.append(
    el('div', { class: 'panel controls' }, modelSelect, el('div', { class: 'buttons' }, trainButton), status, epochText, workerBadge,
      el('h3', {}, 'First-layer filters'), filtersHolder),
    el('div', { class: 'panel' }, el('h3', {}, 'Draw a digit'), padHolder, bars),
  );

  function setTraining(on) {
    training = on;
    trainButton.textContent = on ? 'Pause' : 'Train';
    worker.postMessage({ type: 'train', on });
  }

  function classify() {
    if (!pixels) {
      bars.replaceChildren(el('span', {}, ''), el('span', {}, 'draw a digit above'), el('span', {}, ''));
      return;
    }
    worker.postMessage({ type: 'classify', pixels: Array.from(pixels) });
  }

  function showProbabilities(probabilities) {
    let best = 0;
    probabilities.forEach((p, k) => { if (p > probabilities[best]) best = k; });
    bars.replaceChildren(...Array.from(probabilities).flatMap((p, k) => {
      const bar = el('span', { class: 'bar' });
      bar.style.width = `${Math.max(1, Math.round(p * 100))}%`;
      return [el('span', { class: k === best ? 'best' : '' }, String(k)), el('span', {}, bar),
        el('span', { class: k === best ? 'best' : '' }, `${(100 * p).toFixed(1)}%`)];
    }));
    bars.dataset.best = String(best);
  }

  let watchdog = 0;
  const failed = (what, error) => {
    clearTimeout(watchdog);
    const { message, hint } = explainStartFailure(error);
    status.className = 'readout bad';
    status.setAttribute('role', 'alert');
    status.textContent = `${what}: ${message}.${trainButton.disabled ? ` ${hint}` : ''}`;
  };
  worker.onmessage = ({ data: message }) => {
    if (message.type === 'ready') {
      clearTimeout(watchdog);
      trainButton.disabled = false;
      status.textContent = `${message.parameters.toLocaleString('en')} parameters; ready to train (8,000 digits, Adam, batch 32).`;
      workerBadge.textContent = `worker engine: wasmgrad ${message.build}, ${message.threads} thread${message.threads === 1 ? '' : 's'} (${message.reason})`;
      if (state.autostart) setTraining(true);
    } else if (message.type === 'progress') {
      status.textContent = `epoch ${message.epoch}, batch ${message.batch}/${message.batches}: loss ${message.loss.toFixed(3)}, ` +
        `accuracy ${(100 * message.accuracy).toFixed(1)}% (${Math.round(message.samplesPerSecond)} samples/s)`;
      status.dataset.batches = String(message.total);
      if (message.total % 10 === 0) classify();
    } else if (message.type === 'epoch') {
      epochText.textContent = `after epoch ${message.epoch}: ${(100 * message.validationAccuracy).toFixed(1)}% on 1,000 test digits`;
    } else if (message.type === 'filters') {
      filters.render({ layer: message.layer, shape: message.shape, data: message.data });
    } else if (message.type === 'probabilities') {
      showProbabilities(message.data);
    } else if (message.type === 'error') {
      failed('engine error', message.message);
      setTraining(false);
    }
  };
  worker.onerror = (event) => failed('the engine worker failed', event.message || 'its script did not load');

  function restart() {
    setTraining(false);
    trainButton.disabled = true;
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      status.textContent = `Still loading after ${WATCHDOG_MS / 1000} s. A slow network or a busy computer can take this long: ` +
        'wait a little more, or reload the page. If it never starts, try another browser.';
    }, WATCHDOG_MS);
    worker.postMessage({ type: 'init', model: state.model, seed: state.seed, learningRate: 1e-3, batchSize: 32,
      bindingsUrl: BINDINGS_URL.href, engineUrl: ENGINE_URL.href, dataUrl: DATA_URL.href });
  }

  restart();
  classify();
  return { destroy() { clearTimeout(watchdog); worker.terminate(); } };
}
