// The message area under the run bar: notices (they fade after a while) and errors (they stay
// until dismissed). The messages are the store's `messages` slice, [{id, key, kind, text}]; this
// module writes it (notify, dismiss, a notice's time running out) and draws it. A message has a
// key: a new one with the same key replaces the old (one "Training" error, not a pile of them),
// and at most MAX are kept. Problems with a setting are not shown here but next to the setting
// (settings-form.js).
import { el } from '../views/dom.js';

const MAX = 3;
const NOTICE_MS = 8000;

export class Messages {
  constructor(store, container) {
    Object.assign(this, { store, container });
    this.shown = new Map();  // id -> its element, so a message stays the same node (read once by a screen reader)
    this.count = 0;
    store.subscribe(['messages'], ({ messages }) => this.draw(messages));
  }

  /** kind: 'error' | 'notice'; key: what the message is about (replaces an earlier one with that key). */
  show(text, kind = 'error', key = text) {
    const id = ++this.count;
    this.store.update('messages', (list) => [...list.filter((m) => m.key !== key), { id, key, kind, text: String(text) }].slice(-MAX));
    if (kind !== 'error') setTimeout(() => this.remove(id), NOTICE_MS);
  }

  clear(key) {
    if (this.store.get().messages.some((m) => m.key === key)) this.store.update('messages', (list) => list.filter((m) => m.key !== key));
  }

  remove(id) {
    if (this.store.get().messages.some((m) => m.id === id)) this.store.update('messages', (list) => list.filter((m) => m.id !== id));
  }

  draw(messages) {
    const ids = new Set(messages.map((m) => m.id));
    for (const [id, item] of this.shown) {
      if (ids.has(id)) continue;
      item.remove();
      this.shown.delete(id);
    }
    for (const message of messages) {
      if (this.shown.has(message.id)) continue;
      const close = el('button', { type: 'button', class: 'icon-button', 'aria-label': 'Dismiss' }, '✕');
      const item = el('div', { class: `message ${message.kind}`, role: message.kind === 'error' ? 'alert' : 'status', 'data-key': message.key },
        el('span', { class: 'message-text' }, message.text), close);
      close.addEventListener('click', () => this.remove(message.id));
      this.shown.set(message.id, item);
      this.container.append(item);
    }
  }
}
