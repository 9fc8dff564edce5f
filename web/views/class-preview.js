// A preview of an image data set, one row per class: the class name (a folder's name), how many
// images it has in each part, and its first few training images at the size the model sees them,
// in colour (or grey). A tile is a button: clicking it (or Enter / Space) dispatches
// 'exampleselect' (bubbling) with {set: 'train', index, label}, as the gallery does, so the page
// can inspect that image.
import { el, formatInteger } from './dom.js';
import { paintImage } from './colour.js';

export class ClassPreviewView {
  constructor(container, { tileSize = 48 } = {}) {
    this.container = container;
    this.tileSize = tileSize;
  }

  /** A sentence in place of the grid. */
  showNote(text) {
    this.container.replaceChildren(el('p', { class: 'view-note' }, String(text)));
  }

  /**
   * data: {classNames: [string], counts: {train: [n per class], validation: [n per class] | null},
   * preview: {images: Float32Array, labels, indices (training sample indices), shape: [C, H, W],
   * classes: how many classes have tiles}, display: 'ink' | 'photo', evaluationName?: 'validation'}
   */
  render({ classNames, counts, preview, display = 'photo', evaluationName = 'validation' }) {
    const shape = preview.shape;
    const size = shape.reduce((a, b) => a * b, 1);
    const tilesOf = new Map();
    preview.labels.forEach((label, k) => {
      if (!tilesOf.has(label)) tilesOf.set(label, []);
      tilesOf.get(label).push(k);
    });
    const rows = classNames.map((name, c) => {
      const train = counts.train?.[c] ?? 0;
      const held = counts.validation?.[c] ?? 0;
      const total = train + held;
      const headingId = `class-preview-${c}`;
      const tiles = (tilesOf.get(c) ?? []).map((k) => {
        const index = preview.indices[k];
        const canvas = el('canvas', { class: 'pixelated', 'aria-hidden': 'true' });
        paintImage(canvas, preview.images, shape, { display, offset: k * size });
        canvas.style.width = `${this.tileSize}px`;
        canvas.style.height = `${Math.round((this.tileSize * shape[1]) / shape[2])}px`;
        const tile = el('button', { type: 'button', class: 'tile-button', title: 'Inspect this image',
          'aria-label': `Inspect training example ${index + 1}: ${name}` }, canvas);
        tile.addEventListener('click', () => {
          this.container.dispatchEvent(new CustomEvent('exampleselect', { bubbles: true, detail: { set: 'train', index, label: c } }));
        });
        return el('li', {}, tile);
      });
      const more = train > tiles.length ? el('li', { class: 'class-preview-more' }, `+${formatInteger(train - tiles.length)}`) : null;
      return el('li', { class: 'class-preview-row', 'aria-labelledby': headingId },
        el('h3', { id: headingId, class: 'class-preview-name' }, `${name} (${formatInteger(total)})`),
        el('p', { class: 'class-preview-counts' }, `${formatInteger(train)} training · ${formatInteger(held)} ${evaluationName}`),
        tiles.length ? el('ul', { class: 'class-preview-tiles' }, ...tiles, more)
          : el('p', { class: 'view-note' }, c < preview.classes ? 'no training images' : 'not previewed'));
    });
    const hidden = classNames.length - preview.classes;
    this.container.replaceChildren(
      el('ul', { class: 'class-preview' }, ...rows),
      hidden > 0 ? el('p', { class: 'view-note' }, `Images shown for the first ${preview.classes} classes; the other ${hidden} are counted only.`) : '');
    this.container.style.setProperty('--tile', `${this.tileSize}px`);
  }
}
