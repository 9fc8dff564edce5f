// The page's start-up, watched from outside its modules. A classic script, loaded before the
// page's module, so it runs even when that module never does: a module whose file is missing, or
// whose top-level code throws (uPlot under WebKitGTK's LANG=C once did), stops the whole module
// graph without a word anywhere on the page. This script turns each such failure into a visible
// message that names what failed and what to try, and says so when the page has not reported
// itself ready after a while (a watchdog), instead of "loading…" forever.
//
//   <script src="../web/boot-guard.js" data-watchdog="45"></script>      (in <head>, before the module)
//   <div data-boot-messages></div>        where its messages go (else: the top of <body>)
//   <span data-boot-status="TEXT">loading…</span>  says TEXT (or "did not start") when it fails
//
// The page reports through window.wasmgradBoot:
//   stage(text)  what it is doing now (named by the watchdog's message)
//   ready()      started: the guard steps back (later errors are the page's own to show)
//   failed()     the page showed its own message about the failure: the guard adds none
// ?watchdog=SECONDS in the page's URL overrides data-watchdog (the tests use a short one).
'use strict';

(() => {
  const script = document.currentScript;
  const fromUrl = Number(new URLSearchParams(location.search).get('watchdog'));
  // At most an hour: setTimeout fires at once for a delay past 2^31 ms (a ?watchdog=1e9 link).
  const watchdogSeconds = Math.min(fromUrl > 0 ? fromUrl : Number(script?.dataset.watchdog) || 45, 3600);
  let settled = false;
  let stage = 'loading the page';

  const fileName = (url) => String(url ?? '').replace(/[?#].*$/, '').split('/').pop() || String(url);

  function whenBody(then) {
    if (document.body) then();
    else document.addEventListener('DOMContentLoaded', then, { once: true });
  }

  function show(kind, text, key) {
    whenBody(() => {
      document.querySelector(`.boot-message[data-key="${key}"]`)?.remove();
      const box = document.createElement('div');
      box.className = `message ${kind} boot-message`;
      box.dataset.key = key;
      box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
      box.textContent = text;
      const host = document.querySelector('[data-boot-messages]');
      if (host) host.append(box);
      else document.body.prepend(box);
    });
  }

  function clear(key) {
    whenBody(() => document.querySelector(`.boot-message[data-key="${key}"]`)?.remove());
  }

  function fail(what, hint) {
    if (settled) return;
    settled = true;
    clearTimeout(watchdog);
    clear('watchdog');
    show('error', `The page did not start: ${what}. ${hint}`, 'failed');
    whenBody(() => {
      for (const status of document.querySelectorAll('[data-boot-status]')) {
        status.textContent = status.dataset.bootStatus || 'did not start';
        status.classList.add('failed');
      }
    });
  }

  // Capture: a <script> or <link> that fails to load fires 'error' at itself, which does not bubble.
  window.addEventListener('error', (event) => {
    const target = event.target;
    if (target instanceof HTMLScriptElement || target instanceof HTMLLinkElement) {
      const url = target.src || target.href;
      const imports = target.type === 'module' ? ' or a file it imports' : '';  // the event names only the page's script
      fail(`${fileName(url)}${imports} could not be loaded (${url})`,
        'A file of the page is missing or the network failed: reload the page; if this stays, the site lacks that file.');
    } else if (event.message) {
      const where = event.filename ? ` (${fileName(event.filename)}, line ${event.lineno})` : '';
      fail(`its code stopped with "${event.message}"${where}`,
        'Reload the page. If this happens again, try another browser, and report the message with the browser\'s name.');
    }
  }, true);

  window.addEventListener('unhandledrejection', (event) => {
    const reason = event.reason;
    fail(`its code stopped with "${reason?.message ?? reason}"`,
      'Reload the page. If this happens again, try another browser, and report the message with the browser\'s name.');
  });

  const watchdog = setTimeout(() => {
    if (settled) return;
    show('notice', `Still not ready after ${watchdogSeconds} s (${stage}). A slow network or a busy computer can take this ` +
      'long: wait a little more, or reload the page. If it never starts, try another browser.', 'watchdog');
  }, watchdogSeconds * 1000);

  window.wasmgradBoot = {
    stage(text) { stage = String(text); },
    ready() {
      settled = true;
      clearTimeout(watchdog);
      clear('watchdog');
    },
    failed() {
      settled = true;
      clearTimeout(watchdog);
      clear('watchdog');
    },
    get settled() { return settled; },
    watchdogSeconds,
  };
})();
