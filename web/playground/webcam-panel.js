// Webcam captures, Teachable Machine style: name a class, hold its button, and frames of the camera
// go into it (CAPTURES_PER_SECOND while held: the centre square of the picture, CAPTURE_SIDE pixels,
// as JPEG). Every frame is kept in this browser's IndexedDB as it is taken (checkpoint-store.js),
// so a reload loses nothing; "Download as .zip" gives them in the ImageFolder layout
// (webcam-captures/<class>/00001.jpg: the CLI's --data and PyTorch's ImageFolder read it). The
// captures are a data source like a dropped folder: image-panel.js asks source() for them, and the
// data in use follow the captures (a reload of the data after each hold).
import { el, formatInteger } from '../views/dom.js';
import { Camera, canvasToJpeg } from './camera.js';
import { addCapture, listCaptures, deleteCaptures, renameCaptureClass } from './checkpoint-store.js';
import { loadExportLibraries, exportLibraries } from '../../bindings/js/export/deps.js';  // fflate's zipSync, in the exporters' bundle
import { download } from './files.js';

export const CAPTURE_SIDE = 224;        // stored size: room to train at 32 to 96 here, or larger elsewhere
export const CAPTURES_PER_SECOND = 10;
const THUMBNAILS = 8;                   // the latest captures shown per class
const RELOAD_AFTER_MS = 400;            // after the last hold ends, the data follow
const ZIP_ROOT = 'webcam-captures';

const byId = (id) => document.getElementById(id);

/** Why a class name cannot be a folder name, or null. */
export function classNameProblem(name, others = []) {
  if (name.length === 0) return 'a class needs a name';
  if (name.length > 40) return 'at most 40 characters';
  if (/[/\\:*?"<>|]/.test(name) || /[\u0000-\u001f]/.test(name)) return 'no / \\ : * ? " < > | (it becomes a folder name)';
  if (name.startsWith('.')) return 'it may not start with a dot (a hidden folder)';
  if (others.includes(name)) return `there is already a class "${name}"`;
  return null;
}

export class WebcamPanel {
  /** notify(text, kind, key); onChange(): the captures changed (the data panel loads them again). */
  constructor(store, { notify, onChange }) {
    Object.assign(this, { store, notify, onChange });
    this.camera = new Camera();
    this.classes = [];        // [{name, captures: [{id, blob}], row (DOM)}] in the order shown
    this.revision = 0;        // counts changes to the captures
    this.ready = false;       // the stored captures have been read
    this.storageProblem = null;
    this.capturing = null;    // {cls, timer, pointerId}
    this.writes = Promise.resolve();
    this.video = byId('webcam-video');
    byId('webcam-camera').addEventListener('click', () => (this.camera.on ? this.stopCamera() : this.startCamera()));
    byId('webcam-add-class').addEventListener('click', () => this.addClass());
    byId('webcam-download').addEventListener('click', () => this.downloadZip());
    for (const type of ['pointerup', 'pointercancel']) window.addEventListener(type, () => this.stopCapture());
    window.addEventListener('blur', () => this.stopCapture());
    store.subscribe(['settings'], ({ settings }) => {
      if (settings.dataset !== 'webcam') this.stopCamera();
    });
    this.restore();
  }

  /** Reads what earlier visits captured. */
  async restore() {
    try {
      const { captures, damaged } = await listCaptures();
      for (const capture of captures) this.classNamed(capture.className, true).captures.push(capture);
      if (damaged) this.notify(`${damaged} stored webcam records were damaged and are left out.`, 'error', 'webcam');
    } catch (error) {
      this.storageProblem = error.message;
      this.notify(`Webcam captures cannot be kept in this browser (${error.message}): they last until the page is closed.`, 'error', 'webcam');
    }
    while (this.classes.length < 2) this.classNamed(this.freeName(), true);
    this.ready = true;
    this.changed(0);  // the data panel was waiting for this
  }

  /** The class called `name`, made (with its row) when `make` and missing. */
  classNamed(name, make = false) {
    let cls = this.classes.find((c) => c.name === name);
    if (!cls && make) {
      cls = { name, captures: [] };
      this.classes.push(cls);
      this.buildRow(cls);
    }
    return cls;
  }

  freeName() {
    for (let n = this.classes.length + 1; ; n++) if (!this.classes.some((c) => c.name === `Class ${n}`)) return `Class ${n}`;
  }

  // ---- the data source

  /** For image-panel.js: the captures as image-folder entries, or {needsFiles: what is missing}. */
  source() {
    if (!this.ready) return { needsFiles: 'Reading the stored webcam captures' };
    const used = this.classes.filter((c) => c.captures.length > 0);
    if (used.length < 2) {
      return { needsFiles: 'Capture images into at least two classes in the Webcam panel (name a class, then hold its button)' };
    }
    const entries = used.flatMap((c) => c.captures.map((capture) => ({ path: `${c.name}/${String(capture.id).padStart(5, '0')}.jpg`,
      size: capture.blob.size, bytes: capture.blob })));
    return { id: `webcam ${this.revision}`, name: 'webcam captures', entries };
  }

  /** The captures changed: the data follow once the user has stopped capturing for a moment. */
  changed(delay = RELOAD_AFTER_MS) {
    this.revision += 1;
    this.draw();
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      if (!this.capturing) this.onChange();
    }, delay);
  }

  // ---- the camera

  async startCamera() {
    try {
      await this.camera.start(this.video);
      this.say('The camera is on. Hold a class\u2019s button to capture frames into it.');
    } catch (error) {
      this.say(`No camera: ${error.message}.`, true);
    }
    this.draw();
  }

  stopCamera() {
    this.stopCapture();
    if (!this.camera.on) return;
    this.camera.stop();
    this.draw();
  }

  // ---- capturing

  async startCapture(cls) {
    if (this.capturing) return;
    const problem = classNameProblem(cls.name, this.classes.filter((c) => c !== cls).map((c) => c.name));
    if (problem) {
      this.say(`Class "${cls.name}": ${problem}.`, true);
      return;
    }
    this.capturing = { cls, timer: null };
    cls.row.button.classList.add('capturing');
    if (!this.camera.on) await this.startCamera();
    if (!this.camera.on || this.capturing?.cls !== cls) {
      this.stopCapture();
      return;
    }
    const take = () => {
      if (this.capturing?.cls !== cls) return;
      try {
        const canvas = this.camera.frame(CAPTURE_SIDE);
        this.writes = this.writes.then(() => this.keep(cls, canvas));
      } catch (error) {
        this.say(`Capturing stopped: ${error.message}.`, true);
        this.stopCapture();
      }
    };
    take();
    this.capturing.timer = setInterval(take, 1000 / CAPTURES_PER_SECOND);
  }

  stopCapture() {
    if (!this.capturing) return;
    const { cls, timer } = this.capturing;
    clearInterval(timer);
    this.capturing = null;
    cls.row.button.classList.remove('capturing');
    this.writes.then(() => this.changed());
  }

  /** Encodes one frame and stores it (in memory too, when the browser keeps no IndexedDB). */
  async keep(cls, canvas) {
    const blob = await canvasToJpeg(canvas);
    const record = { className: cls.name, blob, width: CAPTURE_SIDE, height: CAPTURE_SIDE, capturedAt: new Date().toISOString() };
    let id;
    try {
      id = this.storageProblem ? null : await addCapture(record);
    } catch (error) {
      this.storageProblem = error.message;
      this.notify(`Webcam captures cannot be kept in this browser (${error.message}): they last until the page is closed.`, 'error', 'webcam');
    }
    id ??= -(cls.captures.length + 1 + Date.now() % 100000);
    cls.captures.push({ id, blob, ...record });
    this.drawRow(cls);
    this.drawSummary();
  }

  // ---- classes

  addClass() {
    const cls = this.classNamed(this.freeName(), true);
    this.draw();
    cls.row.name.focus();
    cls.row.name.select();
  }

  async rename(cls, name) {
    const trimmed = name.trim();
    const problem = classNameProblem(trimmed, this.classes.filter((c) => c !== cls).map((c) => c.name));
    cls.row.error.textContent = problem ? `${problem}.` : '';
    cls.row.error.hidden = !problem;
    cls.row.name.setAttribute('aria-invalid', String(Boolean(problem)));
    if (problem || trimmed === cls.name) return;
    const from = cls.name;
    cls.name = trimmed;
    this.drawRow(cls);
    if (!cls.captures.length) return;
    try {
      if (!this.storageProblem) await renameCaptureClass(from, trimmed);
      for (const capture of cls.captures) capture.className = trimmed;
      this.changed();
    } catch (error) {
      this.notify(`Renaming "${from}": ${error.message}`, 'error', 'webcam');
    }
  }

  /** Deletes a class and its captures: the first press asks, a second within 4 s deletes. */
  async remove(cls) {
    const button = cls.row.remove;
    if (cls.captures.length && button.dataset.armed !== 'true') {
      button.dataset.armed = 'true';
      button.textContent = `Delete ${formatInteger(cls.captures.length)} images?`;
      setTimeout(() => {
        button.dataset.armed = 'false';
        this.drawRow(cls);
      }, 4000);
      return;
    }
    try {
      if (!this.storageProblem) await deleteCaptures(cls.captures.map((c) => c.id).filter((id) => id > 0));
    } catch (error) {
      this.notify(`Deleting "${cls.name}": ${error.message}`, 'error', 'webcam');
      return;
    }
    this.classes = this.classes.filter((c) => c !== cls);
    cls.row.item.remove();
    const hadImages = cls.captures.length > 0;
    while (this.classes.length < 2) this.classNamed(this.freeName(), true);
    if (hadImages) this.changed();
    else this.draw();
  }

  /** The captures as a .zip in the ImageFolder layout; stored, not compressed again (they are JPEGs). */
  async downloadZip() {
    const used = this.classes.filter((c) => c.captures.length);
    if (!used.length) {
      this.say('Nothing to download yet: capture some images first.', true);
      return;
    }
    const files = {};
    for (const cls of used) {
      for (const [i, capture] of cls.captures.entries()) {
        files[`${ZIP_ROOT}/${cls.name}/${String(i + 1).padStart(5, '0')}.jpg`] = [new Uint8Array(await capture.blob.arrayBuffer()), { level: 0 }];
      }
    }
    await loadExportLibraries();  // loaded on the first download: the page does not need it before
    const zip = exportLibraries().zipSync(files);
    download(zip, `${ZIP_ROOT}.zip`, 'application/zip');
    const count = used.reduce((n, c) => n + c.captures.length, 0);
    this.say(`Downloaded ${ZIP_ROOT}.zip: ${formatInteger(count)} images in ${used.length} class folders ` +
      `(${used.map((c) => c.name).join(', ')}); wasmgrad train --data ${ZIP_ROOT}.zip reads it, and so does PyTorch's ImageFolder once unzipped.`);
  }

  // ---- drawing

  say(text, problem = false) {
    const line = byId('webcam-status');
    line.textContent = text;
    line.classList.toggle('problem', problem);
  }

  buildRow(cls) {
    const index = this.classes.indexOf(cls) + 1;
    const name = el('input', { type: 'text', class: 'webcam-class-name', autocomplete: 'off', spellcheck: 'false', maxlength: '40' });
    name.value = cls.name;
    const error = el('p', { class: 'field-error', hidden: true });
    const button = el('button', { type: 'button', class: 'button primary webcam-hold' }, 'Hold to capture');
    const count = el('span', { class: 'webcam-count', role: 'status' });
    const remove = el('button', { type: 'button', class: 'button secondary small' }, 'Delete class');
    const thumbnails = el('ul', { class: 'webcam-thumbnails', 'aria-label': 'Latest captures' });
    const label = el('label', {}, `Class ${index} name`);
    const item = el('li', { class: 'webcam-class' },
      el('div', { class: 'webcam-class-head' }, el('div', { class: 'field' }, label, name, error), button, count, remove),
      thumbnails);
    name.id = `webcam-class-${Math.random().toString(36).slice(2, 10)}`;
    label.setAttribute('for', name.id);
    cls.row = { item, name, error, button, count, remove, thumbnails, label, shown: new Set() };
    name.addEventListener('change', () => this.rename(cls, name.value));
    button.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      event.preventDefault();
      this.startCapture(cls);
    });
    button.addEventListener('pointerleave', () => this.stopCapture());
    button.addEventListener('keydown', (event) => {
      if ((event.key === ' ' || event.key === 'Enter') && !event.repeat) {
        event.preventDefault();
        this.startCapture(cls);
      }
    });
    button.addEventListener('keyup', (event) => {
      if (event.key === ' ' || event.key === 'Enter') this.stopCapture();
    });
    button.addEventListener('contextmenu', (event) => event.preventDefault());
    remove.addEventListener('click', () => this.remove(cls));
    byId('webcam-classes').append(item);
  }

  drawRow(cls) {
    const row = cls.row;
    const index = this.classes.indexOf(cls) + 1;
    row.label.textContent = `Class ${index} name`;
    if (document.activeElement !== row.name) row.name.value = cls.name;
    row.button.setAttribute('aria-label', `Hold to capture into ${cls.name}`);
    row.count.textContent = `${formatInteger(cls.captures.length)} image${cls.captures.length === 1 ? '' : 's'}`;
    if (row.remove.dataset.armed !== 'true') row.remove.textContent = 'Delete class';
    row.remove.setAttribute('aria-label', `Delete class ${cls.name}`);
    const latest = cls.captures.slice(-THUMBNAILS);
    const ids = latest.map((c) => c.id).join();
    if (ids === row.thumbnailIds) return;
    row.thumbnailIds = ids;
    row.thumbnails.replaceChildren(...latest.map((capture) => {
      const canvas = el('canvas', { class: 'webcam-thumbnail', width: '48', height: '48', role: 'img', 'aria-label': `capture of ${cls.name}` });
      createImageBitmap(capture.blob).then((bitmap) => {
        canvas.getContext('2d').drawImage(bitmap, 0, 0, 48, 48);
        bitmap.close();
      }, () => canvas.setAttribute('aria-label', `capture of ${cls.name}: could not be decoded`));
      return el('li', {}, canvas);
    }));
  }

  drawSummary() {
    const total = this.classes.reduce((n, c) => n + c.captures.length, 0);
    const used = this.classes.filter((c) => c.captures.length).length;
    byId('webcam-summary').textContent = total
      ? `${formatInteger(total)} images in ${used} of ${this.classes.length} classes, kept in this browser` +
        `${this.storageProblem ? ' until the page is closed' : ' (a reload keeps them)'}.`
      : 'No captures yet.';
    byId('webcam-download').disabled = total === 0;
  }

  draw() {
    for (const cls of this.classes) this.drawRow(cls);
    this.drawSummary();
    const on = this.camera.on;
    byId('webcam-camera').textContent = on ? 'Stop the camera' : 'Start the camera';
    byId('webcam-camera').setAttribute('aria-pressed', String(on));
    this.video.hidden = !on;
    byId('webcam-video-off').hidden = on;
  }
}
