// The gallery (demos/index.html): every demo with its copy-paste snippets and a live preview
// on request. Snippets are built as text (textContent), with URLs relative to this page.
import { DEMOS, AVAILABLE, EMBED_HEIGHTS, resizeSnippet } from './wasmgrad-demo.js';

const gallery = document.getElementById('gallery');
const scriptUrl = new URL('./wasmgrad-demo.js', import.meta.url).href;
const make = (tag, text, className) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
};
/** A snippet to copy: focusable, so a keyboard can scroll it when it is wider than its column. */
const snippet = (text, label) => {
  const pre = make('pre', text);
  pre.tabIndex = 0;
  pre.setAttribute('aria-label', label);
  return pre;
};

// Once per course page: the script that sizes every demo iframe to its content.
const resizing = make('section');
resizing.id = 'iframe-height';
resizing.append(
  make('h2', 'Iframes that fit their demo'),
  make('p', 'An iframe cannot size itself. Each demo page tells its host how tall it is; add this line once to the ' +
    'course page and every wasmgrad iframe on it takes its demo\'s height (also when it grows, and in narrow columns). ' +
    'Without it, the height in each snippet below holds the demo at about 800 px wide.'),
  snippet(resizeSnippet(), 'the resize script, HTML'),
);
gallery.append(resizing);

for (const [name, title] of Object.entries(DEMOS)) {
  const section = make('section');
  section.id = name;
  section.append(make('h2', title));
  if (!AVAILABLE.includes(name)) {
    section.append(make('p', 'Not available yet.', 'missing'));
    gallery.append(section);
    continue;
  }
  let module;
  try {
    module = await import(`./${name}.js`);
  } catch (error) {  // one demo that cannot load leaves the others, and says why
    const problem = make('p', `This demo could not load: ${error?.message ?? error}. Reload the page; if this stays, ` +
      'try another browser, and report the message with the browser\'s name.', 'problem');
    problem.setAttribute('role', 'alert');
    section.append(problem);
    gallery.append(section);
    continue;
  }
  if (module.blurb) section.append(make('p', module.blurb));
  const attributes = Object.entries(module.params).map(([key, spec]) => ` ${key}="${spec.default}"`).join('');
  const embedUrl = new URL(`./embed.html?name=${name}`, import.meta.url).href;
  section.append(
    make('p', 'As an element (one script tag per page):'),
    snippet(`<script type="module" src="${scriptUrl}"></script>\n<wasmgrad-demo name="${name}"${attributes}></wasmgrad-demo>`,
      `${title}: the element snippet, HTML`),
    make('p', 'As an iframe (with the script above, its height follows the demo):'),
    snippet(`<iframe src="${embedUrl}"\n  title="${title.replace(/"/g, '&quot;')}"\n  width="100%" height="${EMBED_HEIGHTS[name]}" style="border:0"></iframe>`,
      `${title}: the iframe snippet, HTML`),
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
window.wasmgradBoot?.ready();  // web/boot-guard.js: the gallery is drawn (each demo shows its own problems)
