// The command line stays a set of small files (issue 28): bin/wasmgrad.mjs is the entry and the
// command table only, each command and each shared job is its own module, none over 300 lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/', import.meta.url));
const MAX_LINES = 300;

test(`no file in bin/ is over ${MAX_LINES} lines`, async () => {
  const files = [];
  for (const entry of await readdir(BIN, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.mjs')) files.push(join(entry.parentPath ?? entry.path, entry.name));
  }
  assert.ok(files.length >= 10, `found ${files.length} modules in bin/`);
  const long = [];
  for (const file of files) {
    const lines = (await readFile(file, 'utf8')).split('\n').length - 1;
    if (lines > MAX_LINES) long.push(`${file.slice(BIN.length)}: ${lines} lines`);
  }
  assert.deepEqual(long, []);
});
