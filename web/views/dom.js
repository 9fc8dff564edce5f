// Small DOM helpers shared by the views. Text always goes in through textContent, never as HTML,
// so data (layer names from a URL, messages from the worker) cannot inject markup.

/** el('td', {class: 'num', title: 'x'}, 'text', childNode, ...) */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) throw new Error('el(): attach listeners with addEventListener');
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Remove every child of a node. */
export function clear(node) {
  node.replaceChildren();
  return node;
}

/**
 * Size a canvas for crisp drawing at the device pixel ratio; returns a context whose units are
 * CSS pixels.
 */
export function prepareCanvas(canvas, cssWidth, cssHeight) {
  const ratio = globalThis.devicePixelRatio || 1;
  canvas.width = Math.round(cssWidth * ratio);
  canvas.height = Math.round(cssHeight * ratio);
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  const context = canvas.getContext('2d');
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  return context;
}

/** Read a CSS custom property of the document (the palette lives in style.css). */
export function cssVar(name, fallback) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

export function formatInteger(value) {
  return Math.round(value).toLocaleString('en-US');
}

/** 1234567 -> "1.23M", 12345 -> "12.3k": for dense tables on a projector. */
export function formatCompact(value) {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toPrecision(3)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toPrecision(3)}k`;
  return formatInteger(value);
}

export function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), rest = s % 60;
  const two = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(rest)}` : `${m}:${two(rest)}`;
}

/** Run fn at most once per animation frame however often it is asked for. */
export function frameThrottle(fn) {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      fn();
    });
  };
}

/**
 * Makes `zone` a drop target: it is marked 'dragging' while something is held over it, and
 * onDrop(dataTransfer) gets what is dropped (the browser's default, opening the file, is stopped).
 */
export function dropZone(zone, onDrop) {
  for (const type of ['dragenter', 'dragover']) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add('dragging');
    });
  }
  for (const type of ['dragleave', 'drop']) zone.addEventListener(type, () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    onDrop(event.dataTransfer);
  });
}

/** Zero padding drawn as a hatched square of `side` CSS pixels (the unit inspector and the receptive field). */
export function hatchPadding(context, side) {
  context.fillStyle = '#f0f1f4';
  context.fillRect(0, 0, side, side);
  context.strokeStyle = '#c9ced8';
  context.lineWidth = 1;
  for (let d = -side; d < side; d += 6) {
    context.beginPath();
    context.moveTo(d, side);
    context.lineTo(d + side, 0);
    context.stroke();
  }
}
