// What the user dropped or chose, as image-folder entries (bindings/js/data/image-folder.js):
// [{path, bytes: File}] for files and [{path, directory: true}] for folders (so an empty class
// folder can be named). Nothing is read here: a File is a handle, read by the worker when it
// decodes. Not even its size: in Chromium the first read of a chosen File's `size` is a
// synchronous look at the disk (measured: 0.4 ms a file, 1.3 s of frozen page for 3,000), so the
// worker, where blocking costs no frames, reads it. A drop is walked with webkitGetAsEntry (the only way a page sees a dropped folder's
// contents); a chosen folder (<input webkitdirectory>) gives Files with webkitRelativePath.

/** The entries a FileSystemEntry holds; onCount(n) reports the files found so far. */
async function walk(entry, out, onCount) {
  // fullPath starts with "/", which the loader would refuse as an absolute path.
  const path = entry.fullPath.replace(/^\/+/, '');
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    out.push({ path, bytes: file });
    onCount(out.length);
    return;
  }
  if (!entry.isDirectory) return;
  out.push({ path: `${path}/`, directory: true });
  const reader = entry.createReader();
  // readEntries gives a directory's children in batches (100 in Chromium) until an empty one.
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, out, onCount);
  }
}

/**
 * A drop's DataTransfer as {name, entries, zip}: a single .zip is returned as `zip` (a File, read by
 * the worker with fflate); otherwise the entries of every dropped folder and file. Call it in the
 * drop event itself: the browser empties the DataTransfer when the handler returns, so the entries
 * are taken synchronously before anything is awaited.
 */
export function fromDrop(dataTransfer, onCount = () => {}) {
  const roots = [...dataTransfer.items].filter((item) => item.kind === 'file').map((item) => item.webkitGetAsEntry?.()).filter(Boolean);
  const files = [...dataTransfer.files];
  return (async () => {
    if (roots.length === 1 && roots[0].isFile && isZipName(roots[0].name)) {
      return { name: roots[0].name, zip: files.find((f) => f.name === roots[0].name) ?? await new Promise((resolve, reject) => roots[0].file(resolve, reject)) };
    }
    if (roots.length === 0) return fromFiles(files);  // a browser without entries: plain files
    const entries = [];
    for (const root of roots) await walk(root, entries, onCount);
    return { name: roots.length === 1 ? roots[0].name : `${roots.length} dropped items`, entries };
  })();
}

/** Files from an <input type="file">: one .zip, or a chosen folder's files (webkitRelativePath). */
export function fromFiles(fileList) {
  const files = [...fileList];
  if (files.length === 1 && isZipName(files[0].name)) return { name: files[0].name, zip: files[0] };
  const entries = files.map((file) => ({ path: file.webkitRelativePath || file.name, bytes: file }));
  const top = entries[0]?.path.split('/')[0];
  const name = top && entries.every((e) => e.path.startsWith(`${top}/`)) ? top : `${files.length} files`;
  return { name, entries };
}

function isZipName(name) {
  return /\.zip$/i.test(name);
}
