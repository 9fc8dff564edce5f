// "What does class k look like": one image per class made by gradient ascent on the input
// (engine/introspect/class_image.h: from a blank image, steps that raise class k's score, an L2
// penalty and a light blur keep it readable). The worker computes one class at a time and sends
// each as it is ready, so the tiles fill in while the page stays responsive. The button
// dispatches 'classimages' (bubbling); it is an engine control (data-engine), enabled by app.js.
import { el } from './dom.js';
import { paintImage } from './colour.js';

export class ClassImagesView {
  constructor(container, { tileSize = 72 } = {}) {
    this.container = container;
    this.tileSize = tileSize;
    this.classNames = Array.from({ length: 10 }, (_, i) => String(i));
    this.button = el('button', { type: 'button', id: 'class-images', class: 'button secondary small', 'data-engine': true,
      disabled: true, title: 'loading engine…' }, 'Show class images');
    this.button.addEventListener('click', () => {
      this.container.dispatchEvent(new CustomEvent('classimages', { bubbles: true, detail: {} }));
    });
    this.status = el('p', { class: 'view-caption', 'aria-live': 'polite' },
      'Images that the current model scores highest for each class. Train first: an untrained model\u2019s are noise.');
    this.grid = el('ul', { class: 'gallery-grid class-image-grid' });
    this.grid.style.setProperty('--tile', `${tileSize}px`);
    container.replaceChildren(el('h3', { class: 'subheading' }, 'What does each class look like?'), this.button, this.status, this.grid);
    this.tiles = [];
  }

  setClassNames(names) {
    if (names?.length) this.classNames = names.map(String);
  }

  /** How one-channel images look: 'ink' (digits, the default) or 'photo'; three channels are colour. */
  setDisplay(display) {
    this.display = display === 'photo' ? 'photo' : 'ink';
  }

  /** Empty tiles for every class, and a status line while the worker computes them. */
  start(total, steps) {
    this.total = total;
    this.done = 0;
    this.tiles = Array.from({ length: total }, (_, k) => {
      const canvas = el('canvas', { class: 'pixelated', role: 'img', 'aria-label': `class ${this.classNames[k] ?? k}: computing` });
      canvas.style.width = `${this.tileSize}px`;
      canvas.style.height = `${this.tileSize}px`;
      const label = el('span', {}, this.classNames[k] ?? String(k));
      return { canvas, label, item: el('li', {}, canvas, label) };
    });
    this.grid.replaceChildren(...this.tiles.map((t) => t.item));
    this.status.textContent = `Gradient ascent on the input, ${steps} steps per class: computing…`;
  }

  /** One class: {classIndex, shape: [C, H, W] or [H, W], data: Float32Array in [0, 1], scores}. */
  render(image) {
    if (!this.tiles.length) this.start(this.classNames.length, image.scores.length - 1);
    const tile = this.tiles[image.classIndex];
    if (!tile) return;
    paintImage(tile.canvas, image.data, image.shape, { display: this.display });
    const name = this.classNames[image.classIndex] ?? String(image.classIndex);
    const score = image.scores[image.scores.length - 1];
    tile.canvas.setAttribute('aria-label', `image the model scores highest as ${name} (score ${score.toFixed(1)})`);
    tile.label.textContent = `${name} · ${score.toFixed(1)}`;
    this.done += 1;
    this.status.textContent = this.done >= this.total
      ? 'Each image was grown from a blank one to raise its class\u2019s score (the number under it); they reflect the weights at the moment you asked.'
      : `Gradient ascent on the input: ${this.done} of ${this.total} classes…`;
  }

  /** Clear (after a reset or a new model): old images no longer describe the model. */
  reset() {
    this.tiles = [];
    this.grid.replaceChildren();
    this.status.textContent = 'Images that the current model scores highest for each class. Train first: an untrained model\u2019s are noise.';
  }
}
