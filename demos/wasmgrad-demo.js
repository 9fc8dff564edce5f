// <wasmgrad-demo name="conv" kernel="3" ...>: one lecture demo, running the real wasmgrad
// engine in the page. A lecturer embeds it with one snippet and no build step:
//
//   <script type="module" src="https://<host>/demos/wasmgrad-demo.js"></script>
//   <wasmgrad-demo name="perceptron" gate="nand"></wasmgrad-demo>
//
// or as an iframe: demos/embed.html?name=perceptron&gate=nand. Each demo lives in its own module
// (demos/<name>.js) exporting {title, blurb, params, mount}; its state is a flat object of
// validated params, read from the element's attributes and written back to them (so a
// "link to these settings" is always at hand). The engine is the single-thread `simd` build,
// loaded on the page's main thread: it needs no cross-origin isolation, and these demos are small.
// Nothing from attributes or URLs is ever inserted as HTML: text goes in through textContent.
import { load } from '../bindings/wasmgrad.js';
import { el } from './ui.js';
import { explainStartFailure } from '../web/start-failure.js';
import { checkValue } from '../web/shared/check-value.js';

/** After this long without the demo mounted, the element says it is still loading, and what to try. */
const WATCHDOG_MS = 30_000;

/** name -> title; the order is the gallery's. */
export const DEMOS = {
  perceptron: 'Perceptron: AND, OR, NAND, and why XOR needs a hidden layer',
  backprop: 'Backpropagation on a computation graph',
  approximation: 'Universal approximation: a ReLU layer is a linear spline',
  autoencoder: 'The 8-3-8 autoencoder: three units learn a binary code',
  activations: 'Activations and losses',
  optimizers: 'Optimizer race on a 2-D loss surface',
  conv: 'Convolution arithmetic and pooling',
  'receptive-field': 'Receptive fields of stacked layers',
  lenet: 'LeNet-5 on handwritten digits',
  'why-residual': 'Why residual connections: gradients through a deep stack',
};
/**
 * Iframe heights (CSS px) that hold each demo in its default state at 800 px wide (measured),
 * for a host page without the resize script below. Narrower frames need more (the panels
 * stack: about twice as much at 360 px), and some states grow (the ReLU graph of backprop).
 */
export const EMBED_HEIGHTS = {
  perceptron: 880, backprop: 800, approximation: 600, autoencoder: 850, activations: 670,
  optimizers: 870, conv: 890, 'receptive-field': 610, lenet: 700, 'why-residual': 1340,
};

/**
 * The line a course page adds once to size every wasmgrad iframe to its content: demos/embed.html
 * posts {type: 'wasmgrad-demo:resize', height} to its parent whenever its height changes, and
 * demos/embed-resize.js (a classic script by URL: site generators and strict policies keep it)
 * applies it, taking messages only from the host it was loaded from.
 */
export function resizeSnippet(demosUrl = new URL('./', import.meta.url)) {
  return `<script src="${new URL('embed-resize.js', demosUrl).href}" defer></script>`;
}

/** Demos whose module exists (all of them: the gallery marks any other as not available yet). */
export const AVAILABLE = Object.keys(DEMOS);

const ENGINE_URL = new URL('../build/engine/', import.meta.url);
const DATA_URL = new URL('../build/data/', import.meta.url);
const STYLE_URL = new URL('./demo.css', import.meta.url);
const CHART_STYLE_URL = new URL('../build/vendor/uPlot.min.css', import.meta.url);  // the line charts (web/views/line-chart.js)

let enginePromise = null;
/** The engine, loaded once per page (single-thread build on the main thread). */
export function demoEngine() {
  enginePromise ??= load({ threads: false, engineUrl: ENGINE_URL, dataUrl: DATA_URL });
  return enginePromise;
}

/**
 * Validates one raw value (string or null) against a param spec; returns {value, problem}: an
 * absent value is the default; one that fails keeps the default and says why. The check is the
 * playground's (web/shared/check-value.js). Specs: {type: 'int'|'number', min, max, default} |
 * {type: 'enum', values, default} | {type: 'bool', default} | {type: 'pattern', pattern: RegExp, describe, default}.
 */
export function parseParam(spec, raw) {
  if (raw === null || raw === undefined || raw === '') return { value: spec.default };
  const { value, error } = checkValue(spec, String(raw).trim());
  return error ? { value: spec.default, problem: error } : { value };
}

/** The embed URL of a demo with the given state (only non-default values are written). */
export function embedUrl(name, params, state) {
  const url = new URL('./embed.html', import.meta.url);
  url.searchParams.set('name', name);
  for (const [key, spec] of Object.entries(params)) {
    if (state[key] !== spec.default) url.searchParams.set(key, String(state[key]));
  }
  return url.href;
}

class WasmgradDemo extends HTMLElement {
  #mounted = null;
  #module = null;
  #state = null;
  #reflecting = false;
  #watchdog = 0;

  static get observedAttributes() { return ['name']; }

  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: 'open' });
    root.append(el('link', { rel: 'stylesheet', href: CHART_STYLE_URL.href }), el('link', { rel: 'stylesheet', href: STYLE_URL.href }));
    this.frame = el('div', { class: 'demo', part: 'demo' });
    root.append(this.frame);
    this.#start();
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (name === 'name' && this.shadowRoot && oldValue !== null && oldValue !== newValue && !this.#reflecting) this.#start();
  }

  disconnectedCallback() {
    clearTimeout(this.#watchdog);
    this.#mounted?.destroy?.();
    this.#mounted = null;
  }

  async #start() {
    clearTimeout(this.#watchdog);
    this.#mounted?.destroy?.();
    this.#mounted = null;
    const name = this.getAttribute('name') ?? '';
    const header = el('div', { class: 'demo-head' });
    const loading = el('p', { class: 'loading', role: 'status' }, 'Loading the wasmgrad engine…');
    const body = el('div', { class: 'demo-body' }, loading);
    this.#watchdog = setTimeout(() => {
      loading.textContent = `Still loading after ${WATCHDOG_MS / 1000} s. A slow network or a busy computer can take this long: ` +
        'wait a little more, or reload the page. If it never starts, try another browser.';
    }, WATCHDOG_MS);
    const footer = el('div', { class: 'demo-foot' });
    this.frame.replaceChildren(header, body, footer);
    if (!Object.hasOwn(DEMOS, name) || !AVAILABLE.includes(name)) {
      clearTimeout(this.#watchdog);
      body.replaceChildren(el('p', { class: 'problem' },
        `wasmgrad-demo: unknown demo name "${name}". Available: ${AVAILABLE.join(', ')}.`));
      return;
    }
    try {
      const module = await import(`./${name}.js`);
      // A demo that runs its own engine in a Worker (module.ownEngine) needs none on the page.
      const engine = module.ownEngine ? null : await demoEngine();
      this.#module = module;
      const problems = [];
      this.#state = {};
      for (const [key, spec] of Object.entries(module.params)) {
        const { value, problem } = parseParam(spec, this.getAttribute(key));
        this.#state[key] = value;
        if (problem) problems.push(`${key}="${this.getAttribute(key)}" ignored: ${problem}`);
      }
      header.replaceChildren(el('h2', {}, DEMOS[name]));
      if (module.blurb) header.append(el('p', { class: 'blurb' }, module.blurb));
      for (const problem of problems) header.append(el('p', { class: 'problem' }, problem));
      const link = el('a', { class: 'share', target: '_blank', rel: 'noopener' }, 'link to these settings');
      const badge = engine
        ? el('span', { class: 'badge', title: engine.reason },
          `engine: wasmgrad ${engine.build} (${engine.threads} thread${engine.threads === 1 ? '' : 's'}, WebAssembly ${engine.build.startsWith('simd-relaxed') ? 'relaxed ' : ''}SIMD)`)
        : el('span', { class: 'badge' }, 'engine: wasmgrad in a Web Worker (build shown above)');
      footer.replaceChildren(badge, link);
      const context = {
        engine,
        state: this.#state,
        /** Updates (validated) state, mirrors it into attributes and the share link. */
        setState: (partial) => {
          for (const [key, raw] of Object.entries(partial)) {
            const spec = module.params[key];
            if (!spec) continue;
            const { value } = parseParam(spec, raw);
            this.#state[key] = value;
            this.#reflecting = true;
            this.setAttribute(key, String(value));
            this.#reflecting = false;
          }
          link.href = embedUrl(name, module.params, this.#state);
        },
      };
      link.href = embedUrl(name, module.params, this.#state);
      body.replaceChildren();
      this.#mounted = await module.mount(body, context) ?? null;
      clearTimeout(this.#watchdog);
      this.dataset.ready = 'true';
      this.dispatchEvent(new CustomEvent('demo-ready', { bubbles: true }));
    } catch (error) {
      clearTimeout(this.#watchdog);
      const { message, hint } = explainStartFailure(error);
      body.replaceChildren(el('p', { class: 'problem', role: 'alert' }, `This demo could not start: ${message}. ${hint}`));
      this.dataset.failed = 'true';
      console.error(error);
    }
  }
}

if (!customElements.get('wasmgrad-demo')) customElements.define('wasmgrad-demo', WasmgradDemo);
