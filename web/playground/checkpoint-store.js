// The playground's models in this browser's IndexedDB (the only module that opens it): the
// autosave the supervisor (supervisor.js) writes while training, and the model the user saved with
// "Save model" (files.js). One record per key: {bytes: ArrayBuffer (a model file,
// docs/model-format.md, whose metadata holds the settings and the training history), name, savedAt}.
// Also the webcam captures (webcam-panel.js): object store `captures`, added in version 2.
// Every call rejects with an Error when IndexedDB is missing (some private modes): callers keep
// the checkpoint in memory then.

const DB = 'wasmgrad-playground';
const VERSION = 2;         // 1: models; 2: + captures
const OBJECTS = 'models';
const CAPTURES = 'captures';
export const AUTOSAVE_KEY = 'autosave';
export const SAVED_KEY = 'last';  // the user's "Save model"

function openDatabase() {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new Error('this browser keeps no IndexedDB here'));
      return;
    }
    const request = indexedDB.open(DB, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(OBJECTS)) db.createObjectStore(OBJECTS);
      if (!db.objectStoreNames.contains(CAPTURES)) db.createObjectStore(CAPTURES, { autoIncrement: true });
    };
    request.onblocked = () => reject(new Error('another tab of the playground holds an older version of its storage open: close it'));
    request.onsuccess = () => {
      // A newer page in another tab upgrading the database: let it.
      request.result.onversionchange = () => request.result.close();
      resolve(request.result);
    };
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, body, storeName = OBJECTS) {
  const db = await openDatabase();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(storeName, mode);
      const request = body(tx.objectStore(storeName));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

export function putCheckpoint(key, record) {
  return run('readwrite', (objects) => objects.put(record, key));
}

/** The record under `key`, or null. */
export async function getCheckpoint(key) {
  return (await run('readonly', (objects) => objects.get(key))) ?? null;
}

/** The record under `key` if it is well formed (bytes of a model file), else null: storage is input too. */
export async function getValidCheckpoint(key) {
  const record = await getCheckpoint(key);
  if (!record || typeof record !== 'object' || !(record.bytes instanceof ArrayBuffer) || record.bytes.byteLength < 8) return null;
  return record;
}

// ---- webcam captures ----------------------------------------------------------------------------
// One record per captured frame, under an auto-numbered key: {className, blob (a JPEG), width,
// height, capturedAt (ISO time)}. Class names are checked by webcam-panel.js before they are
// stored; what comes back is checked again (storage is input too).

/** Stores one capture; resolves to its key. */
export function addCapture(record) {
  return run('readwrite', (captures) => captures.add(record), CAPTURES);
}

/**
 * Every capture, oldest first: {captures: [{id, className, blob, width, height, capturedAt}],
 * damaged: how many records were not captures (skipped)}.
 */
export async function listCaptures() {
  const db = await openDatabase();
  try {
    const [keys, values] = await new Promise((resolve, reject) => {
      const store = db.transaction(CAPTURES, 'readonly').objectStore(CAPTURES);
      const keysRequest = store.getAllKeys();
      const valuesRequest = store.getAll();
      valuesRequest.onsuccess = () => resolve([keysRequest.result, valuesRequest.result]);
      valuesRequest.onerror = () => reject(valuesRequest.error);
      keysRequest.onerror = () => reject(keysRequest.error);
    });
    const captures = [];
    let damaged = 0;
    values.forEach((value, i) => {
      const ok = value && typeof value === 'object' && typeof value.className === 'string' && value.className.length > 0 &&
        value.blob instanceof Blob && value.blob.size > 0;
      if (ok) captures.push({ id: keys[i], className: value.className, blob: value.blob, width: value.width, height: value.height, capturedAt: value.capturedAt });
      else damaged += 1;
    });
    return { captures, damaged };
  } finally {
    db.close();
  }
}

/** Deletes the captures with these keys. */
export async function deleteCaptures(ids) {
  if (!ids.length) return;
  await run('readwrite', (captures) => {
    let last = null;
    for (const id of ids) last = captures.delete(id);
    return last;
  }, CAPTURES);
}

/** Moves every capture of class `from` into class `to` (a rename, or a merge into an existing class). */
export async function renameCaptureClass(from, to) {
  const { captures } = await listCaptures();
  const moving = captures.filter((c) => c.className === from);
  if (!moving.length) return 0;
  await run('readwrite', (store) => {
    let last = null;
    for (const { id, blob, width, height, capturedAt } of moving) last = store.put({ className: to, blob, width, height, capturedAt }, id);
    return last;
  }, CAPTURES);
  return moving.length;
}
