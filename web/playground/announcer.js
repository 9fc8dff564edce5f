// What a screen reader hears about training. The visible status line changes several times a
// second while a run trains, so it is not a live region (a reader would queue every change); this
// polite live region speaks a change of kind (started, paused, finished, stopped) at once and,
// within one kind, at most once every `interval` ms: enough to follow a run without a flood.
export const PROGRESS_INTERVAL_MS = 15_000;

export class Announcer {
  /** element: a role="status" element, visually hidden; now: the clock (tests give their own). */
  constructor(element, { interval = PROGRESS_INTERVAL_MS, now = () => performance.now() } = {}) {
    this.element = element;
    this.interval = interval;
    this.now = now;
    this.kind = null;
    this.spokenAt = -Infinity;
  }

  /** kind: what sort of news (e.g. the run's status); text: the sentence to speak. */
  update(kind, text) {
    if (text === this.element.textContent) return;
    const now = this.now();
    if (kind === this.kind && now - this.spokenAt < this.interval) return;
    this.element.textContent = text;
    this.kind = kind;
    this.spokenAt = now;
  }
}
