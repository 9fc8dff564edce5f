// Hands a stream of events on in batches at most `intervalMs` apart: the first after a quiet spell
// at once (on the next task), later ones with whatever came in the meantime. flush() hands on what
// is waiting now, so an event that must come after them (an epoch's end, a pause) keeps its place.
//
// Why: the engine worker posts training progress after every chunk of batches, about 16 times a
// second. Drawing each one (two charts, the progress bar, the status line) kept the page's main
// thread and Chromium's compositor and raster threads busy for about 0.75 of a core, which on a
// 2-core machine the two training threads then shared with them. Batched, the page draws about
// 5 times a second and loses no event.
//
//   const pacer = new EventPacer(200, (events) => ...);
//   pacer.push(event);   // ...
//   pacer.flush();       // before handling an event that must follow the ones waiting
export class EventPacer {
  constructor(intervalMs, apply, { now = () => performance.now(), setTimer = (fn, ms) => setTimeout(fn, ms),
    clearTimer = (id) => clearTimeout(id) } = {}) {
    Object.assign(this, { intervalMs, apply, now, setTimer, clearTimer });
    this.pending = [];
    this.timer = null;
    this.last = -Infinity;
  }

  push(event) {
    this.pending.push(event);
    if (this.timer === null) this.timer = this.setTimer(() => this.flush(), Math.max(0, this.last + this.intervalMs - this.now()));
  }

  flush() {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    if (!this.pending.length) return;
    const events = this.pending;
    this.pending = [];
    this.last = this.now();
    this.apply(events);
  }
}
