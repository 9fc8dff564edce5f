// What the three drivers share. A driver is one browser with one page (tab), driven as a user
// would: the interface every driver implements (chromium.mjs, firefox.mjs, webkit.mjs) is
//
//   engine, version                       'chromium' | 'firefox' | 'webkit', and the browser's version
//   open(url)                             navigate the page and wait for its load event
//   find(role, name, {timeout, hidden})   the element a user means by role and exact accessible name;
//                                         waits until it is there ('file': a file input by its label)
//   click(element), type(element, text)   click; select the field's text, type, press Enter (which commits
//                                         a field like leaving it does: headless Firefox never has the
//                                         window's focus, so leaving a field fires no change event there)
//   setFiles(element, paths)              choose files on a file input
//   drag(element, points)                 press the mouse at points[0], move through them, release;
//                                         points are fractions [fx, fy] of the element's box
//   evaluate(fn, ...args)                 run fn(...args) in the page (JSON in and out, promises awaited)
//   download(action)                      run action() (a click) and wait for the file it saves: {name, bytes}
//   screenshot(name)                      PNG of the viewport to build/screenshots/<name>.png; returns the path
//   problems()                            what went wrong in the page since the last call (errors, console errors)
//   close()                               end the browser and every process it started
//
// plus waitFor(fn, args, {timeout, what}), shared by all three (below).
import fs from 'node:fs/promises';
import path from 'node:path';
import { ROOT, SHOTS } from '../../browser/lib.mjs';

export { ROOT, SHOTS };

/** The expression that calls fn with args in the page (args travel as JSON). */
export const callExpression = (fn, args) => `(${fn.toString()})(...${JSON.stringify(args)})`;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls fn(...args) in the page until `until` holds for what it returns (default: it is truthy),
 * and returns that. On timeout
 * the error says what was awaited and what `explain` (an in-page function) reports about the page
 * then, so a failure on a slow engine reads as what the page showed, not just "timeout".
 */
export async function waitFor(driver, fn, args = [],
  { timeout = 60_000, what = fn.name || 'a condition', explain = null, until = Boolean, every = 150 } = {}) {
  const deadline = Date.now() + timeout;
  let last = null;
  for (;;) {
    try {
      const value = await driver.evaluate(fn, ...args);
      if (until(value)) return value;
      last = null;
    } catch (error) {
      // A browser that is gone does not come back: say so now, not at the deadline.
      if (/invalid session id|session deleted|Target closed|has been closed|Connection closed/i.test(error.message)) throw error;
      last = error;  // a page in the middle of navigating; try again until the deadline
    }
    if (Date.now() > deadline) {
      let state = '';
      if (explain) {
        try { state = ` The page shows: ${JSON.stringify(await driver.evaluate(explain))}`; } catch (error) { state = ` (${error.message})`; }
      }
      throw new Error(`${driver.engine}: timed out after ${timeout / 1000} s waiting for ${what}.${state}${last ? ` Last error: ${last.message}` : ''}`);
    }
    await sleep(every);
  }
}

/** Waits for a new, complete file in dir (not in `before`, not a partial download); returns {name, bytes}. */
export async function newFileIn(dir, before, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  let seen = null;
  for (;;) {
    const names = (await fs.readdir(dir)).filter((n) => !before.has(n) && !n.startsWith('.') && !/\.(part|download)$/.test(n));
    for (const name of names) {
      const stat = await fs.stat(path.join(dir, name)).catch(() => null);
      if (!stat?.isFile() || stat.size === 0) continue;
      // The same size twice in a row: the browser has finished writing it.
      if (seen?.name === name && seen.size === stat.size) return { name, bytes: await fs.readFile(path.join(dir, name)) };
      seen = { name, size: stat.size };
    }
    if (Date.now() > deadline) throw new Error(`no download appeared in ${dir} within ${timeout / 1000} s`);
    await sleep(200);
  }
}

export async function shotPath(name) {
  await fs.mkdir(SHOTS, { recursive: true });
  return path.join(SHOTS, `${name}.png`);
}

/**
 * A pointer drag through `points` (fractions [x, y] of the element's box), as a pen would draw:
 * Playwright's and Puppeteer's page.mouse have the same move/down/up.
 */
export async function dragWithMouse(mouse, box, points) {
  const at = ([fx, fy]) => [box.x + box.width * fx, box.y + box.height * fy];
  await mouse.move(...at(points[0]));
  await mouse.down();
  for (const point of points.slice(1)) await mouse.move(...at(point));
  await mouse.up();
}
