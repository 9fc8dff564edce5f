// The playground's engine thread: a classic dedicated Worker (the engine's loader uses
// importScripts for the Emscripten factory, which module workers lack; the ES modules come in by
// import()). It exposes the object of ./api.js to the page through Comlink, then tells the page
// it is ready, so no call can arrive before the object that answers it.
'use strict';

importScripts(new URL('../../../build/vendor/comlink.js', self.location.href).href);

import('./api.js').then(({ createApi }) => {
  self.Comlink.expose(createApi(self.Comlink));
  self.postMessage({ type: 'wasmgrad-worker-ready' });
}, (error) => {
  self.postMessage({ type: 'wasmgrad-worker-failed', message: String(error?.message ?? error) });
});
