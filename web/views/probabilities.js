// Class probabilities as horizontal bars, the most probable class highlighted, with the class
// names of the data in use (setClassNames).
import { el } from './dom.js';
import { argmax } from '../shared/argmax.js';

export class ProbabilitiesView {
  constructor(container, { classNames = null } = {}) {
    this.container = container;
    this.setClassNames(classNames ?? Array.from({ length: 10 }, (_, i) => String(i)));
  }

  setClassNames(names) {
    if (!names?.length || names.join('\n') === this.classNames?.join('\n')) return;
    this.classNames = names.map(String);
    this.rows = this.classNames.map((name) => {
      const fill = el('span', { class: 'prob-fill' });
      const value = el('span', { class: 'prob-value' }, '–');
      const row = el('li', { class: 'prob-row' }, el('span', { class: 'prob-label' }, name), el('span', { class: 'prob-track' }, fill), value);
      return { row, fill, value };
    });
    this.verdict = el('p', { class: 'prob-verdict', 'aria-live': 'polite' }, 'No input yet.');
    this.container.replaceChildren(this.verdict, el('ol', { class: 'prob-list', start: '0' }, ...this.rows.map((r) => r.row)));
  }

  /** data: {probabilities: Float32Array(classes)}, or null to clear */
  render(data) {
    const p = data?.probabilities;
    const top = p ? argmax(p) : -1;
    this.rows.forEach((r, i) => {
      const value = p ? p[i] ?? 0 : 0;
      r.fill.style.width = `${(Math.max(0, Math.min(1, value)) * 100).toFixed(1)}%`;
      r.value.textContent = p ? `${(value * 100).toFixed(1)}%` : '–';
      r.row.classList.toggle('top', i === top);
    });
    this.verdict.textContent = p ? `Prediction: ${this.classNames[top] ?? top} (${(p[top] * 100).toFixed(1)}%)` : 'No input yet.';
  }
}
