// Cross-origin isolation on static hosts. Threads need SharedArrayBuffer, which a browser gives
// only to pages served with COOP/COEP headers. Hosts that cannot set headers (GitHub Pages, a
// course site) get them from web/coi-serviceworker.js: the page registers it and reloads once,
// and from then on the service worker adds the headers to every response of this site.
// Only pages that ask for it (a <meta name="wasmgrad-coi-serviceworker"> tag, which
// scripts/build-dist.mjs adds to dist/) register the worker; when it cannot help (no service
// workers, not a secure context, or still not isolated after the reload) the page runs the
// single-thread build and the badge says why.
const RELOADED = 'wasmgrad-coi-reloaded';

// sessionStorage throws where storage is blocked (a sandboxed frame, some privacy settings): the
// page then just does not try the reload, rather than stop.
const remembered = () => { try { return sessionStorage.getItem(RELOADED) !== null; } catch { return true; } };
const remember = (on) => { try { if (on) sessionStorage.setItem(RELOADED, '1'); else sessionStorage.removeItem(RELOADED); } catch { /* see above */ } };

/** Returns {reloading: true} when the page is about to reload, else {note} (why no isolation) or {}. */
export async function enableIsolationIfNeeded() {
  if (globalThis.crossOriginIsolated) {
    remember(false);
    return {};
  }
  if (!document.querySelector('meta[name="wasmgrad-coi-serviceworker"]')) return { note: 'the server sends no COOP/COEP headers' };
  if (!('serviceWorker' in navigator) || !globalThis.isSecureContext) {
    return { note: 'no service worker here (needs https or localhost) to add the COOP/COEP headers' };
  }
  if (remembered()) {
    return { note: 'the service worker could not make this page cross-origin isolated' };
  }
  try {
    await navigator.serviceWorker.register(new URL('./coi-serviceworker.js', import.meta.url));
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => {
        navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true });
        setTimeout(resolve, 3000);  // a worker that never takes control: reload anyway, once
      });
    }
  } catch (error) {
    return { note: `the service worker failed to register (${error.message})` };
  }
  remember(true);
  location.reload();
  return { reloading: true };
}
