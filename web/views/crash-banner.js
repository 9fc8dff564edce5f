// The message shown when the engine worker crashed, was killed or stopped answering
// (web/playground/supervisor.js finds out), with a Restart button that starts a new worker from the
// last checkpoint. Text goes in through textContent only.
import { userLocale } from '../locale.js';
import { el } from './dom.js';

const WHAT = {
  error: 'The engine stopped with an error',
  fatal: 'The engine crashed',
  hung: 'The engine is not responding',
};

export class CrashBanner {
  /** container: where the banner goes (it is inserted as its first child); onRestart: the button's action. */
  constructor(container, { onRestart }) {
    this.element = el('div', { class: 'banner crash-banner', id: 'engine-crash', role: 'alert', hidden: true });
    this.text = el('span', { class: 'crash-text' });
    this.button = el('button', { type: 'button', class: 'button primary small', id: 'engine-restart' }, 'Restart the engine');
    this.button.addEventListener('click', () => onRestart());
    this.element.append(this.text, this.button);
    container.prepend(this.element);
  }

  /** problem: {kind, message, checkpoint} from the supervisor. */
  show({ kind, message, checkpoint }) {
    const facts = [];
    const when = checkpoint ? new Date(checkpoint.savedAt) : null;
    if (when && !Number.isNaN(when.getTime())) facts.push(`saved ${when.toLocaleTimeString(userLocale())}`);
    const { epoch, batch } = checkpoint?.metadata?.position ?? {};
    if (Number.isInteger(epoch) && Number.isInteger(batch)) facts.push(`epoch ${epoch}, batch ${batch}`);
    else if (Number.isInteger(epoch)) facts.push(`after epoch ${epoch}`);
    const saved = checkpoint
      ? `Restart continues from the last autosave${facts.length ? ` (${facts.join(', ')})` : ''}.`
      : 'There is no autosave yet: Restart starts again with a fresh model.';
    this.text.textContent = `${WHAT[kind] ?? WHAT.error}: ${String(message).slice(0, 300)}. ${saved}`;
    this.element.dataset.problem = kind;  // not data-kind: that names the kind of data a panel is for (settings-form.js hides the others)
    this.element.hidden = false;
    this.button.focus({ preventScroll: true });
  }

  hide() {
    this.element.hidden = true;
  }
}
