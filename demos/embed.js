// demos/embed.html?name=conv&kernel=5: one demo filling an iframe. The URL's parameters become
// the element's attributes (the element validates them); only names the demo declares are
// copied, through setAttribute, never as HTML.
//
// The page tells its host how tall its content is, whenever that changes, with
//   parent.postMessage({type: 'wasmgrad-demo:resize', name, height}, '*')
// so a course page can size the iframe to its content (the gallery shows the few lines of
// script that do it, RESIZE_SNIPPET in wasmgrad-demo.js). Only a height is sent: nothing private.
import { DEMOS, AVAILABLE } from './wasmgrad-demo.js';

// It reports once the demo is in place (or has said why it cannot start), not while it loads, so
// the iframe does not shrink to a few pixels first. Chromium does not render a cross-origin iframe
// that is off screen, so ResizeObserver alone would wait until the reader scrolls to it: changes to
// the page (MutationObserver) and the demo's events also report, reading the height by layout.
if (window.parent !== window) {
  let sent = 0;
  let settled = false;
  const report = () => {
    if (!settled) return;
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === sent) return;
    sent = height;
    window.parent.postMessage({ type: 'wasmgrad-demo:resize', name: new URLSearchParams(location.search).get('name'), height }, '*');
  };
  const settle = () => {
    settled = true;
    report();
  };
  document.addEventListener('demo-ready', settle);
  new MutationObserver(() => {
    if (document.querySelector('wasmgrad-demo[data-failed], #demo-slot > p, .boot-message')) settled = true;
    report();
  }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  new ResizeObserver(report).observe(document.body);
  addEventListener('resize', report);
}

const query = new URLSearchParams(location.search);
const name = query.get('name') ?? '';
const slot = document.getElementById('demo-slot');
if (!AVAILABLE.includes(name)) {
  const message = document.createElement('p');
  message.textContent = `Unknown demo "${name}". Available: ${AVAILABLE.join(', ')}.`;
  slot.append(message);
} else {
  const { params } = await import(`./${name}.js`);
  const demo = document.createElement('wasmgrad-demo');
  demo.setAttribute('name', name);
  for (const key of Object.keys(params)) {
    if (query.has(key)) demo.setAttribute(key, query.get(key).slice(0, 64));
  }
  document.title = `${DEMOS[name]} · wasmgrad`;
  slot.append(demo);
}
window.wasmgradBoot?.ready();  // web/boot-guard.js: from here the element shows its own problems and watchdog
