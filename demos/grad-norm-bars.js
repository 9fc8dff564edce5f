// Gradient norms of two nets' layers as a bar chart that is also its own text equivalent: a table,
// one row per weight layer (input side first), with each net's norm as a bar on a shared base-10
// log scale and as a number. Reading the numbers down a column shows where the gradient vanishes.
//   const bars = new GradNormBars(container, {nets: [{key, label, colour}]});
//   bars.render({plain: [{depth, name, norm}], residual: [...]}, 'after batch 12');
import { el } from './ui.js';

/** A norm as text: two significant digits, exponent form when far from 1 ("3.4e-9"). */
export function formatNorm(norm) {
  if (!Number.isFinite(norm)) return String(norm);
  if (norm === 0) return '0';
  return norm >= 1e-2 && norm < 1e3 ? String(Number(norm.toPrecision(2))) : norm.toExponential(1);
}

export class GradNormBars {
  constructor(container, { nets }) {
    this.nets = nets;
    this.caption = el('caption', {}, 'Gradient norm of each layer\'s weights: no batch trained yet');
    this.body = el('tbody');
    this.table = el('table', { class: 'info grad-bars', 'data-role': 'grad-norms' }, this.caption,
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Layer'),
        ...nets.map((n) => el('th', { scope: 'col' }, `${n.label} (log scale)`)))),
      this.body);
    container.append(this.table);
  }

  /** norms: {[net key]: [{depth, name, norm}]}, every net with as many layers; when: what the caption says. */
  render(norms, when) {
    const all = this.nets.flatMap((n) => (norms[n.key] ?? []).map((g) => g.norm)).filter((v) => v > 0 && Number.isFinite(v));
    // A decade below the smallest to the decade above the largest: the smallest bar still shows.
    const low = all.length ? Math.floor(Math.log10(Math.min(...all))) - 1 : -1;
    const high = all.length ? Math.ceil(Math.log10(Math.max(...all))) : 0;
    const share = (v) => (v > 0 && Number.isFinite(v) ? Math.max(0, (Math.log10(v) - low) / Math.max(1e-9, high - low)) : 0);
    const layers = Math.max(0, ...this.nets.map((n) => (norms[n.key] ?? []).length));
    const rows = [];
    for (let i = 0; i < layers; i += 1) {
      const first = this.nets.map((n) => norms[n.key]?.[i]).find(Boolean);
      const cells = this.nets.map((n) => {
        const g = norms[n.key]?.[i];
        if (!g) return el('td', {}, '');
        // Set through the CSSOM, not a style attribute: a strict Content-Security-Policy allows it.
        const bar = el('span', { class: 'grad-bar' });
        bar.style.width = `${(100 * share(g.norm)).toFixed(1)}%`;
        bar.style.background = n.colour;
        return el('td', { 'data-net': n.key, 'data-layer': String(g.depth), title: g.name },
          el('span', { class: 'grad-bar-track' }, bar), el('span', { class: 'grad-value' }, formatNorm(g.norm)));
      });
      rows.push(el('tr', {}, el('th', { scope: 'row' }, `${first.depth}${i === 0 ? ' (input side)' : i === layers - 1 ? ' (classifier)' : ''}`), ...cells));
    }
    this.body.replaceChildren(...rows);
    this.caption.textContent = `Gradient norm of each layer's weights, ${when}; bars on a log scale from 1e${low} to 1e${high}`;
  }
}
