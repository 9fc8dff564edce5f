// The PyTorch export as one .zip (the playground's download): every file inside one folder.
import { exportLibraries } from './deps.js';

/**
 * @param {Record<string, string | Uint8Array>} files  e.g. model.exportPyTorch()
 * @param {string} folder  the folder name inside the archive
 * @returns {Uint8Array} the .zip file
 */
export function zipFolder(files, folder = 'wasmgrad-pytorch') {
  const { zipSync, strToU8 } = exportLibraries();
  const entries = {};
  for (const [name, content] of Object.entries(files)) {
    entries[`${folder}/${name}`] = typeof content === 'string' ? strToU8(content) : content;
  }
  return zipSync(entries, { level: 6, mtime: new Date('2026-01-01T00:00:00Z') });
}
