// demos/embed.html?name=conv&kernel=5: one demo filling an iframe. The URL's parameters become
// the element's attributes (the element validates them); only names the demo declares are
// copied, through setAttribute, never as HTML.
import { DEMOS, AVAILABLE } from './wasmgrad-demo.js';

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
