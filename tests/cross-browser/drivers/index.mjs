// The three drivers by name, for the cross-browser tests (user-paths.test.mjs) and the benchmark's
// page rows (bench/lib/browser.mjs): what each browser needs installed, launch() that imports its
// driver only when it is used (a machine without puppeteer-core can still drive Chromium), and
// withBrowser(), one bounded use of a browser that is closed on every way out. The driver
// interface itself is in common.mjs.
import { existsSync } from 'node:fs';

export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
export const INSTALL = 'scripts/setup.sh test';  // installs all three (Debian packages)

export const BROWSERS = {
  chromium: { title: 'Chromium', needs: ['/usr/bin/chromium'], driver: () => import('./chromium.mjs') },
  firefox: { title: 'Firefox ESR', needs: ['/usr/bin/firefox-esr'], driver: () => import('./firefox.mjs') },
  // MiniBrowser has no headless mode here: it runs on an Xvfb display of its own.
  webkit: { title: 'WebKitGTK', needs: ['/usr/bin/WebKitWebDriver', MINIBROWSER, '/usr/bin/Xvfb'], driver: () => import('./webkit.mjs') },
};

/** Why `key` cannot run here (what is missing and the command that installs it), or null. */
export function missing(key, exists = existsSync) {
  const browser = BROWSERS[key];
  if (!browser) throw new Error(`unknown browser '${key}' (known: ${Object.keys(BROWSERS).join(', ')})`);
  const absent = browser.needs.filter((file) => !exists(file));
  return absent.length ? `${browser.title} is not installed (no ${absent.join(', ')}): ${INSTALL}` : null;
}

/** Starts the browser `key` with one page; resolves to its driver (common.mjs). */
export async function launch(key, options) {
  const why = missing(key);
  if (why) throw new Error(why);
  return (await BROWSERS[key].driver()).launch(options);
}

// A wait that does not keep Node alive (it only bounds a close that is already under way).
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Launches `key`, runs use(driver, {deadline}) (deadline: Date.now() by which it must be done) and closes the browser, all within `timeout` ms: past it,
 * rejects with an error that says so, after the browser is closed (a browser whose launch finishes
 * late is closed then, within `closeGrace` ms more). The browser is also closed when use() throws.
 * Ctrl-C, SIGTERM and SIGHUP end the process through exit, whose handlers in every driver kill
 * the browser's processes (puppeteer's and playwright's own; webkit.mjs's process groups).
 */
export async function withBrowser(key, use, { timeout, closeGrace = 30_000, launchOptions } = {}) {
  const release = holdSignals();
  let driver = null, timer;
  const launching = launch(key, launchOptions).then((d) => {
    driver = d;
    return d;
  });
  const close = async () => {
    const d = driver ?? await Promise.race([launching.catch(() => null), sleep(closeGrace).then(() => null)]);
    if (d) await Promise.race([d.close().catch(() => {}), sleep(closeGrace)]);
  };
  try {
    const deadline = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeout / 1000} s`)), timeout);
    });
    const end = Date.now() + timeout;
    return await Promise.race([launching.then((d) => use(d, { deadline: end })), deadline]);
  } finally {
    clearTimeout(timer);
    await close();
    release();
  }
}

// Signals end the process through process.exit, so that the drivers' exit handlers run (Node's
// default for a signal ends it without them). Hooked while a browser is in use.
let holders = 0;
const onSignal = { SIGINT: () => process.exit(130), SIGTERM: () => process.exit(143), SIGHUP: () => process.exit(129) };
function holdSignals() {
  if (holders++ === 0) for (const [signal, handler] of Object.entries(onSignal)) process.on(signal, handler);
  return () => {
    if (--holders === 0) for (const [signal, handler] of Object.entries(onSignal)) process.removeListener(signal, handler);
  };
}
