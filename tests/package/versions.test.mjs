// The package version and the model file format version are stated together, and agree with
// their sources of truth: package.json's "version" and kModelFormatVersion in
// engine/io/model_file.h. README, CHANGELOG and docs/model-format.md must say the same, and the
// current format version must have its fixture (tests/fixtures/model-format-v<N>/, loaded by
// tests/js/api/model-format.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file) => fs.readFile(path.join(ROOT, file), 'utf8');
const { version } = JSON.parse(await read('package.json'));
const format = Number((await read('engine/io/model_file.h')).match(/kModelFormatVersion = (\d+);/)?.[1]);

test('the sources of truth are readable', () => {
  assert.match(version, /^\d+\.\d+\.\d+$/);
  assert.ok(Number.isInteger(format) && format >= 1, 'kModelFormatVersion in engine/io/model_file.h');
});

test('README states the package version with the format version it writes and reads', async () => {
  assert.match(await read('README.md'), new RegExp(`wasmgrad ${version.replace(/\./g, '\\.')} writes model files in format version ${format} and reads`));
});

test('CHANGELOG starts with this version and states its format version', async () => {
  const changelog = await read('CHANGELOG.md');
  const first = changelog.match(/^## (\S+) .*\n\nModel file format: writes version (\d+), reads versions? ([\d, and]+)\./m);
  assert.ok(first, 'CHANGELOG.md has "## <version> (<date>)" then "Model file format: writes version N, reads version(s) ..."');
  assert.equal(first[1], version);
  assert.equal(Number(first[2]), format);
  assert.ok(first[3].split(/,\s*|\s+and\s+/).map(Number).includes(format), `reads version ${format}`);
});

test('docs/model-format.md documents this format version', async () => {
  assert.match(await read('docs/model-format.md'), new RegExp(`^# wasmgrad model file format \\(version ${format}\\)`));
});

test('this format version has its fixture', async () => {
  const folder = `tests/fixtures/model-format-v${format}`;
  const expected = JSON.parse(await read(`${folder}/expected.json`));
  assert.equal(expected.formatVersion, format);
  await fs.access(path.join(ROOT, folder, 'model.wgm'));
});
