// The message area under the run bar: notices (they fade after a while) and errors (they stay
// until dismissed). A message has a key: a new one with the same key replaces the old (one
// "Training" error, not a pile of them), and at most MAX are shown. Problems with a setting are
// not shown here but next to the setting (settings-form.js).
import { el } from '../views/dom.js';

const MAX = 3;
const NOTICE_MS = 8000;

export class Messages {
  constructor(container) {
    this.container = container;
  }

  /** kind: 'error' | 'notice'; key: what the message is about (replaces an earlier one with that key). */
  show(text, kind = 'error', key = text) {
    for (const old of this.container.querySelectorAll('.message')) if (old.dataset.key === key) old.remove();
    const close = el('button', { type: 'button', class: 'icon-button', 'aria-label': 'Dismiss' }, '✕');
    const item = el('div', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-key': key },
      el('span', { class: 'message-text' }, String(text)), close);
    close.addEventListener('click', () => item.remove());
    this.container.append(item);
    while (this.container.children.length > MAX) this.container.firstChild.remove();
    if (kind !== 'error') setTimeout(() => item.remove(), NOTICE_MS);
    return item;
  }

  clear(key) {
    for (const old of this.container.querySelectorAll('.message')) if (old.dataset.key === key) old.remove();
  }
}
