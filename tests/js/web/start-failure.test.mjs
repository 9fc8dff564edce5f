// What the pages say when the engine does not start (web/start-failure.js), and the locale they
// format with (web/locale.js): both run before anything else can, so they must never throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainStartFailure } from '../../../web/start-failure.js';
import { safeLocale, FALLBACK_LOCALE } from '../../../web/locale.js';

test('each kind of start failure gets its own advice; the message is kept whole', () => {
  const cases = [
    ['wasmgrad: this runtime\'s WebAssembly has no SIMD128, which every wasmgrad build needs', /current Chrome, Edge, Firefox or Safari/],
    ['wasmgrad: WebAssembly is turned off in this runtime', /with WebAssembly allowed/],
    ['wasmgrad: could not fetch http://x/build/engine/wasmgrad-simd.wasm: HTTP 404', /A file is missing on this site/],
    ['the engine worker failed to start: Failed to fetch dynamically imported module: http://x/web/playground/worker/api.js', /A file is missing on this site/],
    ['Importing a module script failed.', /A file is missing on this site/],
    ['error loading dynamically imported module: http://x/demos/conv.js', /A file is missing on this site/],
    ['WebAssembly.Memory(): could not allocate memory', /needs 512 MB of memory/],
    ['the engine worker did not start within a minute', /very busy/],
    ['the engine worker stopped answering while it started (no answer for 15 s), 3 times in a row', /add \?threads=0 to the page's address/],
    ['something nobody expected', /try another browser, and report this message/],
  ];
  for (const [message, advice] of cases) {
    const explained = explainStartFailure(new Error(message));
    assert.equal(explained.message, message.replace(/\.$/, ''), 'whole, without a closing full stop (the caller ends the sentence)');
    assert.match(explained.hint, advice, message);
  }
  assert.equal(explainStartFailure('a string').message, 'a string');
  assert.equal(explainStartFailure(undefined).message, 'unknown error');
});

test('a browser language Intl refuses becomes en-US; a valid one is kept, canonical', () => {
  for (const bad of ['C', 'C.UTF-8', 'en_US', '', 'x', undefined, null, 42]) assert.equal(safeLocale(bad), FALLBACK_LOCALE, String(bad));
  assert.equal(safeLocale('de-de'), 'de-DE');
  assert.equal(safeLocale('fr'), 'fr');
  assert.doesNotThrow(() => new Intl.NumberFormat(safeLocale('C')).format(1234.5));
});
