// A grid of sample images with their labels (and predictions, when given: wrong ones marked).
import { el } from './dom.js';
import { ink, paintPixels } from './colour.js';

export class GalleryView {
  constructor(container, { tileSize = 56, classNames = null } = {}) {
    this.container = container;
    this.tileSize = tileSize;
    this.classNames = classNames;
  }

  /** data: {images: Float32Array(N*H*W), labels: ArrayLike<int>(N), predictions?: ArrayLike<int>(N), shape?: [H, W], title?} */
  render({ images, labels, predictions = null, shape = [28, 28], title = null }) {
    const [height, width] = shape;
    const count = labels.length;
    const name = (c) => (this.classNames ? this.classNames[c] : String(c));
    const grid = el('ul', { class: 'gallery-grid' });
    grid.style.setProperty('--tile', `${this.tileSize}px`);
    for (let i = 0; i < count; i++) {
      const wrong = predictions && predictions[i] !== labels[i];
      const text = predictions ? `${name(labels[i])} → ${name(predictions[i])}` : name(labels[i]);
      const canvas = el('canvas', { class: 'pixelated', role: 'img', 'aria-label': `example ${i + 1}: label ${text}` });
      paintPixels(canvas, images, width, height, ink, i * height * width);
      canvas.style.width = `${this.tileSize}px`;
      canvas.style.height = `${Math.round((this.tileSize * height) / width)}px`;
      grid.append(el('li', { class: wrong ? 'wrong' : null }, canvas, el('span', {}, text)));
    }
    this.container.replaceChildren(...(title ? [el('p', { class: 'view-caption' }, String(title))] : []),
      count ? grid : el('p', { class: 'view-note' }, 'No examples.'));
  }
}
