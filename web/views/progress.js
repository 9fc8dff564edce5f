// Progress of the current epoch: a bar, and one line with throughput, time left and live metrics.
import { el, formatDuration, formatInteger } from './dom.js';

export class ProgressView {
  constructor(container) {
    this.container = container;
    this.bar = el('progress', { max: '1', value: '0', 'aria-label': 'Epoch progress' });
    this.title = el('span', { class: 'progress-title' }, 'Not started');
    this.detail = el('span', { class: 'progress-detail' });
    container.replaceChildren(el('div', { class: 'progress-head' }, this.title, this.detail), this.bar);
  }

  /** data: {epoch, epochs, batch, batches, samplesPerSecond, loss, accuracy, learningRate, etaSeconds}, or null */
  render(p) {
    if (!p) {
      this.bar.value = 0;
      this.title.textContent = 'Not started';
      this.detail.textContent = '';
      return;
    }
    this.bar.max = p.batches;
    this.bar.value = p.batch;
    this.title.textContent = `Epoch ${p.epoch}/${p.epochs} · batch ${formatInteger(p.batch)}/${formatInteger(p.batches)}`;
    const parts = [
      `${formatInteger(p.samplesPerSecond)} samples/s`,
      `${formatDuration(p.etaSeconds)} left`,
      `loss ${Number(p.loss).toFixed(3)}`,
      Number.isFinite(p.accuracy) ? `accuracy ${(p.accuracy * 100).toFixed(1)}%` : null,
      `lr ${Number(p.learningRate).toPrecision(3)}`,
    ];
    this.detail.textContent = parts.filter(Boolean).join(' · ');
  }
}
