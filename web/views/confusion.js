// Confusion matrix: rows are the true class, columns the predicted class; a cell's shade is its
// share of the row, so each row reads as "where did the true 7s go". Every cell is a button:
// clicking it (or Enter/Space) dispatches 'cellselect' {trueClass, predictedClass} so the app can
// ask the worker for the examples in that cell. The last column is per-class accuracy (recall).
import { el, formatInteger } from './dom.js';
import { sequential, rgb } from './colour.js';

export class ConfusionView {
  constructor(container, { classNames = null } = {}) {
    this.container = container;
    this.classNames = classNames;
  }

  /** data: {classes, matrix: Int32Array(classes*classes), classNames?} */
  render({ classes, matrix, classNames }) {
    const names = classNames ?? this.classNames ?? Array.from({ length: classes }, (_, i) => String(i));
    const table = el('table', { class: 'confusion', 'aria-label': 'Confusion matrix' });
    const head = el('tr', {}, el('th', { scope: 'col', class: 'corner' }, 'true \\ pred'));
    for (let p = 0; p < classes; p++) head.append(el('th', { scope: 'col' }, names[p]));
    head.append(el('th', { scope: 'col' }, 'acc.'));
    table.append(el('thead', {}, head));

    const body = el('tbody');
    let correct = 0, total = 0;
    for (let t = 0; t < classes; t++) {
      const row = el('tr', {}, el('th', { scope: 'row' }, names[t]));
      let rowTotal = 0;
      for (let p = 0; p < classes; p++) rowTotal += matrix[t * classes + p];
      for (let p = 0; p < classes; p++) {
        const count = matrix[t * classes + p];
        const share = rowTotal ? count / rowTotal : 0;
        // Off-diagonal errors are rare; a square root makes a 2% confusion visible.
        const shade = t === p ? share : Math.sqrt(share);
        const button = el('button', {
          type: 'button', class: `cell${t === p ? ' diagonal' : ''}`,
          'aria-label': `true ${names[t]}, predicted ${names[p]}: ${count} examples`,
          title: `true ${names[t]} → predicted ${names[p]}: ${count} (${(share * 100).toFixed(1)}% of row)`,
        }, count ? formatInteger(count) : '');
        button.style.background = rgb(sequential(shade * 0.85));
        button.style.color = shade > 0.45 ? '#fff' : 'var(--ink)';
        button.addEventListener('click', () => {
          this.container.querySelectorAll('.cell.selected').forEach((b) => b.classList.remove('selected'));
          button.classList.add('selected');
          this.container.dispatchEvent(new CustomEvent('cellselect', {
            bubbles: true, detail: { trueClass: t, predictedClass: p },
          }));
        });
        row.append(el('td', {}, button));
      }
      const accuracy = rowTotal ? matrix[t * classes + t] / rowTotal : NaN;
      row.append(el('td', { class: 'num row-accuracy' }, Number.isNaN(accuracy) ? '–' : `${(accuracy * 100).toFixed(1)}%`));
      correct += matrix[t * classes + t];
      total += rowTotal;
      body.append(row);
    }
    table.append(body);
    const overall = total ? `Overall accuracy ${(100 * correct / total).toFixed(2)}% on ${formatInteger(total)} examples.` : 'No examples.';
    this.container.replaceChildren(
      el('p', { class: 'view-caption' }, 'Rows: true class. Columns: predicted class. Right: per-class accuracy. Click a cell for its examples.'),
      el('div', { class: 'table-scroll' }, table),
      el('p', { class: 'view-caption' }, overall));
  }
}
