// A service worker that makes this site cross-origin isolated on hosts that cannot send headers:
// it passes every request through and adds Cross-Origin-Opener-Policy: same-origin,
// Cross-Origin-Embedder-Policy: require-corp and Cross-Origin-Resource-Policy: cross-origin to
// the response. Registered by web/coi.js only on pages that ask for it (dist/).
'use strict';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  // A request Chrome cannot answer from the network in this mode: leave it alone.
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(fetch(request).then((response) => {
    if (response.status === 0) return response;  // opaque: its headers cannot be changed
    const headers = new Headers(response.headers);
    headers.set('Cross-Origin-Opener-Policy', 'same-origin');
    headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
    headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }));
});
