// Saliency of one prediction: the input image beside |∂ score_k / ∂ pixel| (Simonyan et al.), the
// pixels whose change would move class k's score most. The worker computes the map with the
// engine (engine/introspect/saliency.h, parameters frozen); this view paints it, scaled to its own
// largest value, with the sequential map. A menu picks the class to explain (default: the
// predicted one) and dispatches 'saliencyclass' {classIndex} (-1 = predicted), bubbling.
import { el } from './dom.js';
import { sequential, paintPixels, paintImage } from './colour.js';

export class SaliencyView {
  constructor(container, { tileSize = 168 } = {}) {
    this.container = container;
    this.tileSize = tileSize;
    this.classNames = Array.from({ length: 10 }, (_, i) => String(i));
    this.imageCanvas = this.canvas('Input image for the saliency map');
    this.mapCanvas = this.canvas('Saliency map: no data yet');
    this.select = el('select', { id: 'saliency-class' });
    this.select.addEventListener('input', () => {
      this.container.dispatchEvent(new CustomEvent('saliencyclass', { bubbles: true, detail: { classIndex: Number(this.select.value) } }));
    });
    this.caption = el('p', { class: 'view-caption', 'aria-live': 'polite' }, 'Draw a digit, or train: the map explains the first training example until you do.');
    this.fillClasses();
    container.replaceChildren(
      el('h3', { class: 'subheading' }, 'Saliency of a prediction'),
      el('div', { class: 'field inline' }, el('label', { for: 'saliency-class' }, 'Explain class'), this.select),
      el('div', { class: 'insight-tiles' },
        el('figure', {}, this.imageCanvas, el('figcaption', {}, 'input')),
        el('figure', {}, this.mapCanvas, el('figcaption', {}, '|∂ score / ∂ pixel|'))),
      this.caption);
    this.state = { image: null, map: null, source: '' };
  }

  canvas(label) {
    const canvas = el('canvas', { class: 'pixelated insight-canvas', role: 'img', 'aria-label': label });
    canvas.style.width = `${this.tileSize}px`;
    canvas.style.height = `${this.tileSize}px`;
    return canvas;
  }

  setClassNames(names) {
    if (!names?.length || names.join('\n') === this.classNames.join('\n')) return;
    this.classNames = names.map(String);
    this.fillClasses();
  }

  fillClasses() {
    const chosen = this.select.value;
    this.select.replaceChildren(el('option', { value: '-1' }, 'the predicted one'),
      ...this.classNames.map((name, k) => el('option', { value: String(k) }, name)));
    this.select.value = [...this.select.options].some((o) => o.value === chosen) ? chosen : '-1';
  }

  /** The class asked for: -1 = the predicted one. */
  get classIndex() { return Number(this.select.value); }

  /**
   * Any subset of {image: {data, shape: [H, W] or [C, H, W], display?: 'ink' | 'photo'}, source: text,
   * map: {shape: [H, W], data, classIndex, score}} (a colour input's map is the largest over its
   * three channels). A new image clears the map until the worker answers for it.
   */
  render(update) {
    if (update.image && !update.map) this.state.map = null;
    Object.assign(this.state, update);
    const { image, map } = this.state;
    if (image) paintImage(this.imageCanvas, image.data, image.shape, { display: image.display });
    const [height, width] = image?.shape.slice(-2) ?? [];
    if (map && image && map.shape[0] === height && map.shape[1] === width) {
      let peak = 0;
      for (const v of map.data) peak = Math.max(peak, Math.abs(v));
      paintPixels(this.mapCanvas, map.data, map.shape[1], map.shape[0], (v) => sequential(Math.abs(v) / (peak || 1)));
      const name = this.classNames[map.classIndex] ?? String(map.classIndex);
      this.mapCanvas.setAttribute('aria-label', `Saliency map for class ${name}`);
      this.caption.textContent = `Saliency of ${this.state.source || 'the input'}, for class ${name}` +
        `${this.classIndex < 0 ? ' (predicted)' : ''}, score ${map.score.toFixed(2)}: darker pixels move the score most.`;
    } else {
      paintPixels(this.mapCanvas, new Float32Array(1), 1, 1, () => [255, 255, 255]);
      this.mapCanvas.setAttribute('aria-label', 'Saliency map: no data yet');
    }
  }
}
