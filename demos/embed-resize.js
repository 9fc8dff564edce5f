// For a course page that embeds demos as iframes: each iframe of demos/embed.html takes the height
// of its demo. Add it once per page, from the host that serves the demos:
//   <script src="https://your-host/demos/embed-resize.js" defer></script>
// A classic script loaded by URL, so it works where a site generator escapes or drops inline
// script (VitePress, MkDocs) and under a Content-Security-Policy without 'unsafe-inline'.
// It accepts only messages from the origin it was loaded from, and only a height for the iframe
// that sent it, kept between MIN_HEIGHT and MAX_HEIGHT (docs/embedding.md).
(() => {
  const MIN_HEIGHT = 160;
  const MAX_HEIGHT = 5000;
  const script = document.currentScript;
  if (!script?.src) return;
  const origin = new URL(script.src).origin;
  addEventListener('message', (event) => {
    if (event.origin !== origin || event.data?.type !== 'wasmgrad-demo:resize') return;
    const height = Number(event.data.height);
    if (!Number.isFinite(height) || height <= 0) return;
    for (const frame of document.querySelectorAll('iframe')) {
      if (frame.contentWindow === event.source) {
        frame.style.height = `${Math.min(Math.max(Math.ceil(height), MIN_HEIGHT), MAX_HEIGHT)}px`;
      }
    }
  });
})();
