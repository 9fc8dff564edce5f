// One source per list, on the page: the playground offers exactly the layer types, optimizers,
// losses and schedules of the engine's catalog (engine.catalog, read here in Node from the same
// build), no more and no fewer. tests/js/api/catalog.test.mjs holds the CLI and the .d.ts to it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, openPlayground } from './lib.mjs';
import { load } from '../../bindings/wasmgrad.js';

let server, browser, close, catalog;
before(async () => {
  ({ server, browser, close } = await startBrowser());
  catalog = (await load({ threads: false })).catalog;
});
after(() => close?.());

/** The values a menu (found by its label) offers. */
const offered = (page, label) => page.getByLabel(label, { exact: true }).evaluate((select) => [...select.options].map((o) => o.value));

/** "only on the page: x; only in the catalog: y" for a failed comparison. */
const difference = (page, engine) => `only on the page: ${page.filter((n) => !engine.includes(n)).join(', ') || '-'}; ` +
  `only in the engine's catalog: ${engine.filter((n) => !page.includes(n)).join(', ') || '-'}`;

test('the menus and the layer editor offer exactly the engine\'s catalog', async () => {
  const { page, problems } = await openPlayground(browser, server);
  for (const [label, list] of [['Optimizer', catalog.optimizers], ['Loss', catalog.losses], ['Schedule', catalog.schedules]]) {
    const values = await offered(page, label);
    assert.deepEqual(values, list, `${label}: ${difference(values, list)}`);
  }
  // Every layer type but an alias, or a block whose required fields are nested layers (no layer-list form).
  const nested = (t) => t.fields.some((f) => f.required && !['integer', 'size', 'number'].includes(f.kind));
  const types = catalog.layerTypes.filter((t) => !t.aliasOf && !nested(t)).map((t) => t.type);
  const addable = await offered(page, 'Type of the layer to add');
  assert.deepEqual(addable, types, `Type of the layer to add: ${difference(addable, types)}`);
  const rowTypes = await offered(page, 'Layer 1 type');
  assert.deepEqual(rowTypes, types, `Layer 1 type: ${difference(rowTypes, types)}`);
  // The layer list reads every type the engine has, and its aliases.
  const { layerTypes } = await page.evaluate(() => window.wasmgradApp.store.get().engine);
  assert.deepEqual(layerTypes.map((t) => t.type), catalog.layerTypes.map((t) => t.type));
  assert.deepEqual(problems, []);
  await page.close();
});

test('a link naming what the engine lacks is refused by name; adamw and bce, which it has, are taken', async () => {
  const lacking = await openPlayground(browser, server, { hash: '#opt=lion&loss=focal' });
  const message = await lacking.page.textContent('#app-messages .message[data-key="link"]');
  assert.match(message, new RegExp(`Optimizer \\(opt=…: "lion" is not one of ${catalog.optimizers.join(', ')}\\)`));
  assert.match(message, new RegExp(`Loss \\(loss=…: "focal" is not one of ${catalog.losses.join(', ')}\\)`));
  assert.equal(await lacking.page.getByLabel('Optimizer', { exact: true }).inputValue(), 'adam');
  assert.match(await lacking.page.evaluate(() => location.hash), /opt=adam&/);
  await lacking.page.close();
  const taken = await openPlayground(browser, server, { hash: '#opt=adamw&loss=bce' });
  assert.equal(await taken.page.getByLabel('Optimizer', { exact: true }).inputValue(), 'adamw');
  assert.equal(await taken.page.getByLabel('Loss', { exact: true }).inputValue(), 'bce');
  assert.equal(await taken.page.$$eval('#app-messages .message[data-key="link"]', (n) => n.length), 0);
  assert.deepEqual([...lacking.problems, ...taken.problems], []);
  await taken.page.close();
});

test('the controls built from the schema: one element per id, every description there, every control labelled', async () => {
  const { page, problems } = await openPlayground(browser, server);
  const report = await page.evaluate(() => {
    const ids = [...document.querySelectorAll('[id]')].map((n) => n.id);
    const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
    const missing = [...document.querySelectorAll('[aria-describedby]')]
      .flatMap((n) => n.getAttribute('aria-describedby').split(/\s+/).filter((id) => !document.getElementById(id)).map((id) => `${n.id}: ${id}`));
    const unlabelled = [...document.querySelectorAll('[data-control] select, [data-control] input[type=text]')]
      .filter((n) => !n.labels?.length && !n.getAttribute('aria-label')).map((n) => n.id);
    return { duplicates, missing, unlabelled };
  });
  assert.deepEqual(report, { duplicates: [], missing: [], unlabelled: [] });
  for (const label of ['Dataset', 'Noise', 'Points', 'Optimizer', 'Learning rate', 'Schedule', 'Batch size', 'Weight decay', 'Loss', 'Epochs',
    'Seed', 'Pace', 'Image size', 'Channels']) {
    assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, `one control labelled ${label}`);
  }
  assert.deepEqual(problems, []);
  await page.close();
});
