// Functions that run inside the page (serialised with toString(), so each is self-contained and
// takes only JSON arguments). The Chromium and Firefox drivers have the browser's own role queries
// and error events; the WebKit driver, which speaks classic WebDriver, needs these two.

/**
 * The visible element with this ARIA role and accessible name, as a user would pick it, or null.
 * WebKit's driver confirms the pick with the browser's own Get Computed Role / Label, so this only
 * has to choose the candidate: explicit role or the implicit roles of the elements the project's
 * pages use, and the name from aria-labelledby, aria-label, a <label>, or the text; `name` is
 * matched exactly (whitespace collapsed). Role 'file' is a file input by its label. `hidden`: also
 * elements that are not rendered (a hidden file input that a button opens).
 */
export function findByRole(role, name, hidden = false) {
  const IMPLICIT = {
    button: 'button, input[type=button], input[type=submit], input[type=reset], summary',
    textbox: 'input:not([type]), input[type=text], input[type=search], input[type=email], input[type=url], textarea',
    combobox: 'select:not([multiple])',
    checkbox: 'input[type=checkbox]',
    slider: 'input[type=range]',
    link: 'a[href]',
    img: 'img[alt]:not([alt=""])',
    file: 'input[type=file]',  // no ARIA role; found by its label
  };
  const squash = (text) => String(text ?? '').replace(/\s+/g, ' ').trim();
  const nameOf = (element) => {
    const labelledby = element.getAttribute('aria-labelledby');
    if (labelledby) {
      return squash(labelledby.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' '));
    }
    if (element.hasAttribute('aria-label')) return squash(element.getAttribute('aria-label'));
    if (element.labels?.length) return squash([...element.labels].map((l) => l.textContent).join(' '));
    if (element.tagName === 'IMG') return squash(element.getAttribute('alt'));
    if (element.matches('input[type=button], input[type=submit], input[type=reset]')) return squash(element.value);
    if (['button', 'link', 'heading', 'tab', 'menuitem', 'option', 'cell', 'summary'].includes(role) || element.tagName === 'SUMMARY') {
      return squash(element.textContent);
    }
    return squash(element.getAttribute('title'));
  };
  const visible = (element) => {
    if (element.closest('[hidden], [aria-hidden="true"]')) return false;
    const style = getComputedStyle(element);
    return style.visibility !== 'hidden' && style.display !== 'none' && element.getClientRects().length > 0;
  };
  const selector = role === 'file' ? IMPLICIT.file : `[role="${role}"]${IMPLICIT[role] ? `, ${IMPLICIT[role]}` : ''}`;
  for (const element of document.querySelectorAll(selector)) {
    if (element.matches('[role]') && element.getAttribute('role') !== role && role !== 'file') continue;
    if (!hidden && !visible(element)) continue;
    if (nameOf(element) === squash(name)) return element;
  }
  return null;
}

/**
 * Records what goes wrong in a page (and its same-origin frames) from now on, for a driver
 * without console events: uncaught errors, unhandled rejections, console.error calls and
 * resources that fail to load. Read back with takeProblems(). Installing twice is harmless.
 */
export function installProblemHook() {
  const install = (win) => {
    if (!win || win.__crossBrowserProblems) return;
    const problems = [];
    win.__crossBrowserProblems = problems;
    win.addEventListener('error', (event) => {
      if (event instanceof win.ErrorEvent) problems.push(`error: ${event.message} (${event.filename}:${event.lineno})`);
      else if (event.target && event.target !== win) problems.push(`failed to load: ${event.target.src ?? event.target.href ?? event.target.tagName}`);
    }, true);
    win.addEventListener('unhandledrejection', (event) => problems.push(`unhandled rejection: ${event.reason?.message ?? event.reason}`));
    const original = win.console.error.bind(win.console);
    win.console.error = (...args) => {
      problems.push(`console: ${args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ')}`);
      original(...args);
    };
  };
  install(window);
  for (const frame of document.querySelectorAll('iframe')) {
    try { install(frame.contentWindow); } catch { /* another origin: not ours to watch */ }
  }
  return true;
}

/** What installProblemHook recorded since the last call, in the page and its same-origin frames. */
export function takeProblems() {
  const all = [...(window.__crossBrowserProblems?.splice(0) ?? [])];
  for (const frame of document.querySelectorAll('iframe')) {
    try { all.push(...(frame.contentWindow.__crossBrowserProblems?.splice(0) ?? []).map((p) => `${frame.src}: ${p}`)); } catch { /* other origin */ }
  }
  return all;
}
