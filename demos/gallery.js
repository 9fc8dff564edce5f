// The gallery (demos/index.html): every demo with its copy-paste snippets and a live preview
// on request. Snippets are built as text (textContent), with URLs relative to this page.
import { DEMOS, AVAILABLE } from './wasmgrad-demo.js';

const gallery = document.getElementById('gallery');
const scriptUrl = new URL('./wasmgrad-demo.js', import.meta.url).href;
const make = (tag, text, className) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
};

for (const [name, title] of Object.entries(DEMOS)) {
  const section = make('section');
  section.id = name;
  section.append(make('h2', title));
  if (!AVAILABLE.includes(name)) {
    section.append(make('p', 'Not available yet.', 'missing'));
    gallery.append(section);
    continue;
  }
  const module = await import(`./${name}.js`);
  if (module.blurb) section.append(make('p', module.blurb));
  const attributes = Object.entries(module.params).map(([key, spec]) => ` ${key}="${spec.default}"`).join('');
  const embedUrl = new URL(`./embed.html?name=${name}`, import.meta.url).href;
  section.append(
    make('p', 'As an element (one script tag per page):'),
    make('pre', `<script type="module" src="${scriptUrl}"></script>\n<wasmgrad-demo name="${name}"${attributes}></wasmgrad-demo>`),
    make('p', 'As an iframe:'),
    make('pre', `<iframe src="${embedUrl}" width="100%" height="720" style="border:0"></iframe>`),
  );
  const actions = make('div', undefined, 'actions');
  const show = make('button', 'Show it here');
  show.type = 'button';
  const open = make('a', 'open alone');
  open.href = embedUrl;
  actions.append(show, open);
  const live = make('div', undefined, 'live');
  show.addEventListener('click', () => {
    if (live.firstChild) return;
    const demo = document.createElement('wasmgrad-demo');
    demo.setAttribute('name', name);
    live.append(demo);
    show.disabled = true;
  });
  section.append(actions, live);
  gallery.append(section);
}
