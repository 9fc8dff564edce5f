// scripts/vendor.mjs changes a library's file only where it says why, and a change that no longer
// fits (a new version of the library) stops the build instead of being skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { PATCHES, patched } from '../../scripts/vendor.mjs';

test('uPlot: the locale it formats numbers with is checked first (navigator.language "C" throws in Intl)', async () => {
  const source = await fs.readFile(new URL('../../node_modules/uplot/dist/uPlot.esm.js', import.meta.url), 'utf8');
  const text = patched('uPlot.esm.js', source);
  assert.equal(text.split(PATCHES['uPlot.esm.js'][0].find).length, 1, 'the original call is gone');
  const expression = /new Intl\.NumberFormat\(domEnv \? (\(\(\) => \{.*?\}\)\(\)) : 'en-US'\)/.exec(text)[1];
  const localeFor = (language) => new Function('nav', `return ${expression};`)({ language });
  assert.equal(localeFor('C'), 'en-US');
  assert.equal(localeFor(undefined), 'en-US');
  assert.equal(localeFor('de-DE'), 'de-DE');
  assert.equal(localeFor('en_US'), 'en-US', 'an underscore tag (also invalid) falls back too');
});

test('a change whose text is not found exactly once fails, naming the file', () => {
  assert.throws(() => patched('uPlot.esm.js', 'export default function uPlot() {}'), /vendor: uPlot\.esm\.js: .*found 0 times/);
  const twice = `${PATCHES['uPlot.esm.js'][0].find};${PATCHES['uPlot.esm.js'][0].find}`;
  assert.throws(() => patched('uPlot.esm.js', twice), /found 2 times/);
  assert.equal(patched('comlink.js', 'unchanged'), 'unchanged');
});
