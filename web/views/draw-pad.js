// A pad to draw a digit with mouse, touch or pen (pointer events), a clear button, and a 28x28
// preview of what the network will see after MNIST-style preprocessing (digit-preprocess.js).
// While drawing it dispatches 'digit' events at most every THROTTLE_MS, and once more when the
// stroke ends: detail {pixels: Float32Array(784), empty}. Clearing dispatches an empty 'digit'.
import { el } from './dom.js';
import { ink, paintPixels } from './colour.js';
import { preprocessDigit, SIDE } from '../digit-preprocess.js';

const PAD = 280; // backing-store pixels; CSS may show it smaller on a phone
const STROKE = 20; // about 2 MNIST pixels after the 20-pixel box scaling of a typical digit
const THROTTLE_MS = 100;

export class DrawPad {
  constructor(container) {
    this.container = container;
    this.canvas = el('canvas', {
      class: 'draw-canvas', width: String(PAD), height: String(PAD), role: 'img',
      'aria-label': 'Drawing area: draw a digit with the mouse, a finger or a pen',
    });
    this.preview = el('canvas', { class: 'pixelated draw-preview', role: 'img', 'aria-label': '28 by 28 input the network sees' });
    this.clearButton = el('button', { type: 'button', class: 'button secondary' }, 'Clear');
    container.replaceChildren(
      el('div', { class: 'draw-area' }, this.canvas),
      el('div', { class: 'draw-side' },
        el('figure', {}, this.preview, el('figcaption', {}, 'what the network sees (28×28)')),
        this.clearButton));
    this.context = this.canvas.getContext('2d', { willReadFrequently: true });
    this.context.lineCap = 'round';
    this.context.lineJoin = 'round';
    this.context.lineWidth = STROKE;
    this.context.strokeStyle = '#111';
    this.lastPoint = null;
    this.placeholder = false;
    this.lastEmit = 0;
    this.pendingEmit = null;
    this.pixels = new Float32Array(SIDE * SIDE);
    this.drawPreview();

    this.canvas.addEventListener('pointerdown', (e) => this.start(e));
    this.canvas.addEventListener('pointermove', (e) => this.move(e));
    for (const type of ['pointerup', 'pointercancel', 'lostpointercapture']) this.canvas.addEventListener(type, () => this.end());
    this.clearButton.addEventListener('click', () => this.clear());
  }

  toPad(event) {
    const box = this.canvas.getBoundingClientRect();
    return { x: ((event.clientX - box.left) / box.width) * PAD, y: ((event.clientY - box.top) / box.height) * PAD };
  }

  start(event) {
    if (event.button !== 0 && event.pointerType === 'mouse') return;
    event.preventDefault();
    this.canvas.setPointerCapture?.(event.pointerId);
    if (this.placeholder) this.context.clearRect(0, 0, PAD, PAD); // a drawing replaces the example on show
    this.placeholder = false;
    this.lastPoint = this.toPad(event);
    this.segment(this.lastPoint, this.lastPoint); // a tap leaves a dot
  }

  move(event) {
    if (!this.lastPoint) return;
    event.preventDefault();
    // Coalesced events keep fast pen strokes smooth.
    const events = event.getCoalescedEvents?.() ?? [];
    for (const e of events.length ? events : [event]) {
      const point = this.toPad(e);
      this.segment(this.lastPoint, point);
      this.lastPoint = point;
    }
    this.emitThrottled();
  }

  end() {
    if (!this.lastPoint) return;
    this.lastPoint = null;
    clearTimeout(this.pendingEmit);
    this.pendingEmit = null;
    this.emit();
  }

  segment(from, to) {
    this.context.beginPath();
    this.context.moveTo(from.x, from.y);
    this.context.lineTo(to.x + 0.01, to.y);
    this.context.stroke();
  }

  clear() {
    this.placeholder = false;
    this.context.clearRect(0, 0, PAD, PAD);
    this.emit();
  }

  /**
   * Shows an image that did not come from the pen (a training example the user picked): the pad
   * holds it scaled up, so drawing on goes on from it, and the preview shows it as it is.
   * With {placeholder: true} (the first example, shown until the user picks or draws) it is drawn
   * lighter, and the first stroke starts from an empty pad instead of drawing over it.
   */
  show(pixels, width = SIDE, height = SIDE, { placeholder = false } = {}) {
    this.placeholder = placeholder;
    const strength = placeholder ? 0.45 : 1;
    clearTimeout(this.pendingEmit);
    this.pendingEmit = null;
    this.context.clearRect(0, 0, PAD, PAD);
    const cell = PAD / Math.max(width, height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const value = pixels[y * width + x];
        if (value <= 0) continue;
        this.context.fillStyle = `rgba(17, 17, 17, ${strength * Math.min(1, value)})`;
        this.context.fillRect(x * cell, y * cell, cell + 0.5, cell + 0.5);
      }
    }
    if (width === SIDE && height === SIDE) {
      this.pixels = Float32Array.from(pixels.subarray ? pixels.subarray(0, SIDE * SIDE) : pixels.slice(0, SIDE * SIDE));
      this.drawPreview();
    }
  }

  /** The current drawing as {pixels: Float32Array(784), empty}. */
  read() {
    const rgba = this.context.getImageData(0, 0, PAD, PAD).data;
    const inkValues = new Float32Array(PAD * PAD);
    for (let i = 0; i < inkValues.length; i++) inkValues[i] = rgba[4 * i + 3] / 255; // alpha = ink
    const { pixels, empty } = preprocessDigit(inkValues, PAD, PAD);
    return { pixels, empty };
  }

  emitThrottled() {
    const wait = THROTTLE_MS - (performance.now() - this.lastEmit);
    if (wait <= 0) this.emit();
    else if (!this.pendingEmit) this.pendingEmit = setTimeout(() => { this.pendingEmit = null; this.emit(); }, wait);
  }

  emit() {
    this.lastEmit = performance.now();
    const digit = this.read();
    this.pixels = digit.pixels;
    this.drawPreview();
    this.container.dispatchEvent(new CustomEvent('digit', { bubbles: true, detail: digit }));
  }

  drawPreview() {
    paintPixels(this.preview, this.pixels, SIDE, SIDE, ink);
  }
}
