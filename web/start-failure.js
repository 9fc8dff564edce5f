// What to tell a reader whose engine did not start: the error names what failed, this adds what
// to try. Shared by the playground (app.js) and the demos' element (demos/wasmgrad-demo.js).
const CAUSES = [
  {
    test: /SIMD128|WebAssembly is turned off/,
    hint: 'This browser cannot run the engine: use a current Chrome, Edge, Firefox or Safari (16.4 or later), with WebAssembly allowed.',
  },
  {
    // The engine's own messages, then each browser's for a module that did not arrive (Chromium, WebKit, Firefox).
    test: /HTTP 4\d\d|could not fetch|could not load the engine script|failed to load wasm binary|did not load|failed to fetch|importing a module script failed|error loading dynamically imported module/i,
    hint: 'A file is missing on this site, or the network failed: reload the page. If this stays, the site lacks some of ' +
      'wasmgrad\'s files (the engine in build/engine/, or a script): its author should publish them all (npm run build makes dist/).',
  },
  {
    test: /memory|allocat/i,
    hint: 'The engine needs 512 MB of memory and the browser refused it: close other tabs or programs, then reload the page.',
  },
  {
    // engine-client.js: the engine worker blocked while starting its threads, every time it was started.
    test: /stopped answering while it started/,
    hint: 'The browser did not start the engine\'s threads: reload the page. If this stays, add ?threads=0 to the ' +
      'page\'s address to run the engine on one thread, which needs none.',
  },
  {
    test: /within a minute|did not start within/i,
    hint: 'The computer may be very busy: close other programs, then reload the page.',
  },
];
const ANY = 'Reload the page. If this happens again, try another browser, and report this message with the browser\'s name.';

/** {message, hint}: the error's own message and what to try. */
export function explainStartFailure(error) {
  const message = String(error?.message ?? error ?? 'unknown error').replace(/[.\s]+$/, '');  // the caller ends the sentence
  return { message, hint: CAUSES.find((cause) => cause.test.test(message))?.hint ?? ANY };
}
