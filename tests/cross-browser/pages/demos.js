// A course page holding every demo the gallery lists (DEMOS), as a lecturer embeds them: as the
// custom element (?as=element) or as demos/embed.html in an iframe of the gallery's height (?as=iframe).
import { DEMOS, EMBED_HEIGHTS } from '../../../demos/wasmgrad-demo.js';

const as = new URLSearchParams(location.search).get('as');
const main = document.getElementById('demos');
main.style.width = '800px';  // a course page's text column (CSSOM: the CSP allows no style attribute)
for (const name of Object.keys(DEMOS)) {
  const holder = document.createElement('section');
  holder.dataset.demo = name;
  if (as === 'iframe') {
    const frame = document.createElement('iframe');
    frame.src = new URL(`../../../demos/embed.html?name=${encodeURIComponent(name)}`, import.meta.url).href;
    frame.title = DEMOS[name];
    frame.width = '100%';
    frame.height = String(EMBED_HEIGHTS[name]);
    frame.style.border = '0';
    holder.append(frame);
  } else {
    const demo = document.createElement('wasmgrad-demo');
    demo.setAttribute('name', name);
    holder.append(demo);
  }
  main.append(holder);
}
