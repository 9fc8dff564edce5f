// The API reference (scripts/api-docs.mjs, TypeDoc over the package's declarations):
//   - the declarations type-check, and every public function, method, class, interface, type and
//     constant has a description (TypeDoc's validation names each one that has none);
//   - every name the package's entry points export at run time has its page, so nothing a user can
//     import is missing from the reference;
//   - the pages obey the site's policy: no inline script;
//   - the front page's example (bindings/API.md) runs as written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { buildApiDocs } from '../../../scripts/api-docs.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);
let out;
let result;

before(async () => {
  out = await fs.mkdtemp(path.join(os.tmpdir(), 'wasmgrad-api-'));
  result = await buildApiDocs(out);
});
after(async () => { if (out) await fs.rm(out, { recursive: true, force: true }); });

test('the declarations type-check under strict TypeScript', async () => {
  await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'bindings/tsconfig.json')]);
});

test('every public call, type and constant has a description, and every {@link} resolves', () => {
  assert.deepEqual(result.problems, []);
  assert.ok(result.pages > 50, `${result.pages} pages`);
});

test('every name the entry points export has its page in the reference', async () => {
  const entries = { wasmgrad: 'bindings/wasmgrad.js', wasmgrad_data_node: 'bindings/js/data/node.js',
    wasmgrad_data_browser: 'bindings/js/data/browser.js' };
  for (const [module, file] of Object.entries(entries)) {
    const modulePage = await fs.readFile(path.join(out, 'modules', `${module}.html`), 'utf8');
    // The browser entry needs browser globals only when its functions run: importing it is fine in Node.
    const names = Object.keys(await import(pathToFileURL(path.join(ROOT, file)).href));
    assert.ok(names.length > 0, file);
    const missing = names.filter((name) => !modulePage.includes(`.${name}.html`));
    assert.deepEqual(missing, [], `${file} exports these without a page in modules/${module}.html`);
  }
});

test('the pages carry no inline script (the site\'s Content-Security-Policy allows none)', async () => {
  const pages = (await fs.readdir(out, { recursive: true })).filter((f) => f.endsWith('.html'));
  assert.equal(pages.length, result.pages);
  for (const page of pages) {
    const html = await fs.readFile(path.join(out, page), 'utf8');
    assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/i, page);
  }
  await fs.access(path.join(out, 'assets/theme.js'));
});

test('the front page\'s example runs as written and prints a class for a label', async () => {
  const markdown = await fs.readFile(path.join(ROOT, 'bindings/API.md'), 'utf8');
  const example = markdown.match(/```js\n([\s\S]*?)```/)[1];
  assert.match(example, /from 'wasmgrad'/);
  const script = path.join(out, 'example.mjs');
  await fs.writeFile(script, example.replace(`from 'wasmgrad'`, `from '${pathToFileURL(path.join(ROOT, 'bindings/wasmgrad.js')).href}'`));
  const { stdout } = await run(process.execPath, [script], { timeout: 600_000 });
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 3, stdout);
  for (const [i, line] of lines.slice(0, 2).entries()) {
    const [epoch, accuracy] = line.split(' ').map(Number);
    assert.equal(epoch, i + 1, line);
    assert.ok(accuracy > 0.5 && accuracy <= 1, `epoch ${epoch}: test accuracy ${accuracy}`);
  }
  assert.match(lines[2], /^\d for a \d$/);
});
