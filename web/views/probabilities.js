// Class probabilities as horizontal bars, the most probable class highlighted.
import { el } from './dom.js';

export class ProbabilitiesView {
  constructor(container, { classNames = null } = {}) {
    this.container = container;
    this.classNames = classNames ?? Array.from({ length: 10 }, (_, i) => String(i));
    this.rows = this.classNames.map((name) => {
      const fill = el('span', { class: 'prob-fill' });
      const value = el('span', { class: 'prob-value' }, '–');
      const row = el('li', { class: 'prob-row' }, el('span', { class: 'prob-label' }, name), el('span', { class: 'prob-track' }, fill), value);
      return { row, fill, value };
    });
    this.verdict = el('p', { class: 'prob-verdict', 'aria-live': 'polite' }, 'Draw a digit.');
    container.replaceChildren(this.verdict, el('ol', { class: 'prob-list', start: '0' }, ...this.rows.map((r) => r.row)));
  }

  /** data: {probabilities: Float32Array(10)}, or null to clear */
  render(data) {
    const p = data?.probabilities;
    let top = -1;
    if (p) for (let i = 0; i < p.length; i++) if (top < 0 || p[i] > p[top]) top = i;
    this.rows.forEach((r, i) => {
      const value = p ? p[i] : 0;
      r.fill.style.width = `${(Math.max(0, Math.min(1, value)) * 100).toFixed(1)}%`;
      r.value.textContent = p ? `${(value * 100).toFixed(1)}%` : '–';
      r.row.classList.toggle('top', i === top);
    });
    this.verdict.textContent = p ? `Prediction: ${this.classNames[top]} (${(p[top] * 100).toFixed(1)}%)` : 'Draw a digit.';
  }
}
