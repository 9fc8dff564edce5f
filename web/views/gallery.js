// A grid of sample images with their labels (and predictions, when given: wrong ones marked).
// Each tile is a button: clicking it (or Enter / Space) dispatches 'exampleselect' (bubbling)
// with {set, index, label}, so a page can load that example into its inspection views.
import { el } from './dom.js';
import { paintImage } from './colour.js';

export class GalleryView {
  /** set: which data set the tiles come from ('train', 'validation'), passed on in the events. */
  constructor(container, { tileSize = 56, classNames = null, set = 'train' } = {}) {
    this.container = container;
    this.tileSize = tileSize;
    this.classNames = classNames;
    this.set = set;
  }

  setClassNames(names) {
    this.classNames = names?.length ? names.map(String) : null;
  }

  /** How one-channel images look: 'ink' (digits, the default) or 'photo' (colour.js sampleColours). */
  setDisplay(display) {
    this.display = display === 'photo' ? 'photo' : 'ink';
  }

  /**
   * data: {images: Float32Array(N*C*H*W), labels: ArrayLike<int>(N), predictions?: ArrayLike<int>(N),
   * indices?: sample indices in the set (default 0..N-1), shape?: [H, W] or [C, H, W], channels?: C
   * (with a 2-D shape; default 1; 3 = red, green, blue), title?}
   */
  render({ images, labels, predictions = null, indices = null, shape = [28, 28], channels = 1, title = null }) {
    const [height, width] = shape.slice(-2);
    const sampleShape = [shape.length === 3 ? shape[0] : channels, height, width];
    const size = sampleShape[0] * height * width;
    const count = labels.length;
    const name = (c) => (this.classNames?.[c] ?? String(c));
    const grid = el('ul', { class: 'gallery-grid' });
    grid.style.setProperty('--tile', `${this.tileSize}px`);
    for (let i = 0; i < count; i++) {
      const index = indices ? indices[i] : i;
      const wrong = predictions && predictions[i] !== labels[i];
      const text = predictions ? `${name(labels[i])} → ${name(predictions[i])}` : name(labels[i]);
      const canvas = el('canvas', { class: 'pixelated', 'aria-hidden': 'true' });
      paintImage(canvas, images, sampleShape, { display: this.display, offset: i * size });
      canvas.style.width = `${this.tileSize}px`;
      canvas.style.height = `${Math.round((this.tileSize * height) / width)}px`;
      const tile = el('button', { type: 'button', class: 'tile-button', 'aria-label': `Inspect ${this.set} example ${index + 1}: label ${text}`,
        title: 'Inspect this example' }, canvas);
      tile.addEventListener('click', () => {
        this.container.querySelectorAll('.tile-button.selected').forEach((b) => b.classList.remove('selected'));
        tile.classList.add('selected');
        this.container.dispatchEvent(new CustomEvent('exampleselect', {
          bubbles: true, detail: { set: this.set, index, label: labels[i] },
        }));
      });
      grid.append(el('li', { class: wrong ? 'wrong' : null }, tile, el('span', {}, text)));
    }
    this.container.replaceChildren(...(title ? [el('p', { class: 'view-caption' }, String(title))] : []),
      count ? grid : el('p', { class: 'view-note' }, 'No examples.'));
  }
}
