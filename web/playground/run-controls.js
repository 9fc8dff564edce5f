// The run bar: Start, Pause, Resume, Step and Reset, a status line saying where training stands
// ("Paused at epoch 2 of 3, batch 40 of 250"), and, when Start cannot run, why. Start never
// trains with settings other than the ones shown: a field holding a value it cannot take, a
// model the engine refuses, or data still missing keep it disabled with the reason beside it.
// Starting (or resetting) while a run is in progress asks first: its weights would be lost.
// Screen readers hear the status through an Announcer (announcer.js), not every change of the line.
import { formatDuration, formatInteger } from '../views/dom.js';
import { SCHEMA } from './settings.js';
import { Announcer } from './announcer.js';

const byId = (id) => document.getElementById(id);

export class RunControls {
  /** actions: {start, pause, resume, step, reset} (async; the app runs them against the engine). */
  constructor(store, actions) {
    this.store = store;
    this.buttons = { start: byId('start'), pause: byId('pause'), resume: byId('resume'), step: byId('step'), reset: byId('reset') };
    this.status = byId('run-status');
    this.announcer = new Announcer(byId('run-announcer'));
    this.blocked = byId('run-blocked');
    this.dialog = byId('confirm-dialog');
    // Nothing in progress: the action runs at once (in the click), so no later event finds the old run's state.
    const guarded = (name) => () => (this.inProgress() ? this.confirmed(name).then((ok) => ok && actions[name]()) : actions[name]());
    this.buttons.start.addEventListener('click', guarded('start'));
    this.buttons.reset.addEventListener('click', guarded('reset'));
    this.buttons.pause.addEventListener('click', () => actions.pause());
    this.buttons.resume.addEventListener('click', () => actions.resume());
    this.buttons.step.addEventListener('click', () => actions.step());
    store.subscribe(['engine', 'data', 'model', 'run', 'fieldErrors', 'settings'], (state) => this.draw(state));
    this.draw(store.get());
  }

  /** What keeps a new run from starting, as sentences; [] when nothing does. */
  static blockers(state) {
    const reasons = [];
    if (state.engine.status !== 'ready') reasons.push(state.engine.status === 'loading' ? 'the engine is loading' : 'the engine is not running');
    for (const [field, message] of Object.entries(state.fieldErrors)) {
      if (field !== 'layers') reasons.push(message.startsWith(SCHEMA[field]?.label ?? '') ? message : `${SCHEMA[field]?.label ?? field}: ${message}`);
    }
    if (state.data.status === 'needs-files') reasons.push(state.data.note);
    else if (state.data.status === 'loading') reasons.push('the data are loading');
    else if (state.data.status === 'error') reasons.push(`the data did not load (${state.data.error})`);
    if (state.fieldErrors.layers) reasons.push(`the layer list: ${state.fieldErrors.layers}`);
    else if (state.model.error) reasons.push(`the model: ${state.model.error.problem || state.model.error.message}`);
    else if (!state.model.spec && state.engine.status === 'ready') reasons.push('the model is being built');
    return reasons;
  }

  inProgress() {
    const { status } = this.store.get().run;
    return status === 'training' || status === 'paused';
  }

  /** Asks before a run in progress is replaced: true when the user agrees. */
  async confirmed(action) {
    const { run } = this.store.get();
    const p = run.progress;
    const where = run.epochsDone > 0 ? `${run.epochsDone} epoch${run.epochsDone === 1 ? '' : 's'}` : '';
    const within = p && p.batch < p.batches && !(p.batch === 0) ? `${formatInteger(p.batch)} batches into epoch ${p.epoch}` : '';
    byId('confirm-title').textContent = action === 'start' ? 'Start a new run?' : 'Reset the model?';
    byId('confirm-yes').textContent = action === 'start' ? 'Start a new run' : 'Reset';
    byId('confirm-text').textContent = `The current run has trained ${[where, within].filter(Boolean).join(' and ') || 'a little'}. ` +
      `${action === 'start' ? 'Starting again' : 'Resetting'} replaces its weights and its history; save the model first to keep them.`;
    this.dialog.returnValue = '';
    this.dialog.showModal();
    byId('confirm-no').focus();
    await new Promise((resolve) => this.dialog.addEventListener('close', resolve, { once: true }));
    return this.dialog.returnValue === 'confirm';
  }

  draw(state) {
    const { run, settings } = state;
    const reasons = RunControls.blockers(state);
    const ready = state.engine.status === 'ready';
    const training = run.status === 'training';
    const canContinue = run.status === 'paused' || (run.status === 'finished' && run.epochsDone < settings.epochs);
    this.buttons.start.disabled = reasons.length > 0;
    this.buttons.pause.disabled = !training;
    this.buttons.resume.disabled = training || !canContinue || reasons.length > 0;
    this.buttons.resume.textContent = run.status === 'finished' || (run.status === 'paused' && !run.progress) ? 'Continue' : 'Resume';
    this.buttons.step.disabled = training || !ready || reasons.length > 0 || (run.status === 'finished' && !canContinue);
    this.buttons.reset.disabled = !ready || !state.model.spec || state.data.status !== 'ready';
    this.blocked.hidden = reasons.length === 0 || !ready;
    this.blocked.textContent = reasons.length ? `Start waits for: ${reasons.join('; ')}.` : '';
    this.status.textContent = statusText(state);
    this.announcer.update(run.status, this.status.textContent);
    byId('run-bar').dataset.status = run.status;
  }
}

function statusText({ engine, run, settings }) {
  if (engine.status === 'loading') return 'Loading the engine…';
  if (engine.status !== 'ready') return 'The engine is not running.';
  const p = run.progress;
  const epochs = settings.epochs;
  switch (run.status) {
    case 'training':
      return p ? `Training · epoch ${p.epoch} of ${p.epochs} · batch ${formatInteger(p.batch)} of ${formatInteger(p.batches)} · ` +
        `${formatInteger(p.samplesPerSecond)} samples/s · ${formatDuration(p.etaSeconds)} left` : 'Training…';
    case 'paused':
      if (p && p.batch < p.batches) return `Paused at epoch ${p.epoch} of ${p.epochs}, batch ${formatInteger(p.batch)} of ${formatInteger(p.batches)}.`;
      return run.epochsDone < epochs
        ? `Paused after epoch ${run.epochsDone}: Resume continues with epoch ${run.epochsDone + 1} of ${epochs}.`
        : `Trained ${run.epochsDone} epochs: set Epochs above ${run.epochsDone} to continue it, or press Start for a new run.`;
    case 'finished':
      return run.epochsDone < epochs
        ? `Finished ${run.epochsDone} epochs. Continue trains on to epoch ${epochs}.`
        : `Finished: ${run.epochsDone} epoch${run.epochsDone === 1 ? '' : 's'}.`;
    default:
      return `Not started: Start trains a fresh model for ${epochs} epoch${epochs === 1 ? '' : 's'}.`;
  }
}
