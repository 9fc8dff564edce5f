// The playground's models in this browser's IndexedDB (the only module that opens it): the
// autosave the supervisor (supervisor.js) writes while training, and the model the user saved with
// "Save model" (files.js). One record per key: {bytes: ArrayBuffer (a model file,
// docs/model-format.md, whose metadata holds the settings and the training history), name, savedAt}.
// Every call rejects with an Error when IndexedDB is missing (some private modes): callers keep
// the checkpoint in memory then.

const DB = 'wasmgrad-playground';
const OBJECTS = 'models';
export const AUTOSAVE_KEY = 'autosave';
export const SAVED_KEY = 'last';  // the user's "Save model"

function openDatabase() {
  return new Promise((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new Error('this browser keeps no IndexedDB here'));
      return;
    }
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(OBJECTS);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, body) {
  const db = await openDatabase();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(OBJECTS, mode);
      const request = body(tx.objectStore(OBJECTS));
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
