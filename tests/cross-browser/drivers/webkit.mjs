// WebKitGTK (Safari's engine) through WebKitWebDriver, classic W3C WebDriver over HTTP with plain
// fetch. Debian's MiniBrowser has no headless mode, so it runs on its own Xvfb display. `lang` is
// the locale of the driver and the browser (LANG): 'C.UTF-8', this machine's default, makes
// navigator.language "C", which is not a valid language tag for Intl.
//
// Classic WebDriver sends no console events: problems() reads a hook that open() installs in the
// page (in-page.mjs), so errors before the hook is in (during the page's own load) are not seen
// here; the tests also check what the page itself shows. An element is found by an in-page
// function and then confirmed with WebKit's own Get Computed Role and Get Computed Label.
// Downloads land in the browser's $HOME (a fresh folder per launch: no XDG download folder).
//
// Every process started here (Xvfb, WebKitWebDriver and the MiniBrowser it starts) runs in a
// process group of its own that close() ends, and that is ended when Node exits in any way.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { callExpression, newFileIn, shotPath } from './common.mjs';
import { findByRole, installProblemHook, takeProblems } from './in-page.mjs';
import { MINIBROWSER } from './index.mjs';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';  // the W3C key of an element reference
const ENTER = '\uE007';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A process group started here: ended (SIGTERM, then SIGKILL) by stop(), or by Node's exit. */
function group(command, args, options) {
  const child = spawn(command, args, { ...options, detached: true });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let alive = true;
  child.once('exit', () => { alive = false; });
  const kill = (signal) => { try { process.kill(-child.pid, signal); } catch { /* already gone */ } };
  const onExit = () => kill('SIGKILL');
  process.once('exit', onExit);
  return {
    child,
    exited,
    async stop() {
      process.removeListener('exit', onExit);
      if (alive) kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
      kill('SIGKILL');  // whatever is left of the group (a browser process its parent did not wait for)
      if (!done) await exited;
    },
  };
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Xvfb on the first free display (-displayfd); resolves to {display: ':N', stop()}. */
async function startXvfb() {
  const xvfb = group('Xvfb', ['-displayfd', '3', '-screen', '0', '1600x1200x24', '-nolisten', 'tcp'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  xvfb.child.stderr.on('data', (chunk) => { stderr += chunk; });
  let timer;
  const display = await new Promise((resolve, reject) => {
    let out = '';
    xvfb.child.stdio[3].on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    xvfb.exited.then((code) => reject(new Error(`Xvfb exited (${code}) before it was ready: ${stderr.trim()}`)));
    timer = setTimeout(() => reject(new Error(`Xvfb did not start within 20 s: ${stderr.trim()}`)), 20_000);
  }).finally(() => clearTimeout(timer)).catch(async (error) => {
    await xvfb.stop();
    throw error;
  });
  return { display, stop: () => xvfb.stop() };
}

export async function launch({ lang = 'C.UTF-8', viewport = { width: 1400, height: 900 } } = {}) {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'wasmgrad-webkit-home-'));
  const stops = [() => fs.rm(home, { recursive: true, force: true })];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => {});
  };
  try {
    const xvfb = await startXvfb();
    stops.push(xvfb.stop);
    const port = await freePort();
    // The browser's locale is LANG alone: the variables that would override it are removed.
    const { LC_ALL, LC_MESSAGES, LANGUAGE, ...env } = process.env;
    const driver = group('WebKitWebDriver', [`--port=${port}`],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, DISPLAY: xvfb.display, LANG: lang, HOME: home } });
    let driverLog = '';  // the driver's output and the browser's, which it inherits: the last of it
    for (const stream of [driver.child.stdout, driver.child.stderr]) stream.on('data', (chunk) => { driverLog = (driverLog + chunk).slice(-4000); });
    stops.push(driver.stop);
    const session = await newSession(`http://127.0.0.1:${port}`, driver, () => driverLog);
    stops.push(() => session.call('DELETE', '', undefined, 20_000));
    return await webkitDriver(session, { home, viewport, lang, stopAll });
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function newSession(base, driver, log) {
  const request = async (method, url, body, timeout = 120_000) => {
    const response = await fetch(base + url, {
      method, signal: AbortSignal.timeout(timeout),
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) {
      // The browser went away (crashed or was killed): what it and the driver last wrote says why.
      const gone = json.value?.error === 'invalid session id' ? `\nWebKitWebDriver and MiniBrowser last wrote:\n${log()}` : '';
      throw new Error(`WebDriver ${method} ${url}: ${json.value?.error}: ${json.value?.message}${gone}`);
    }
    return json.value;
  };
  const deadline = Date.now() + 20_000;
  for (;;) {  // the driver listens within a moment
    if (driver.child.exitCode !== null) throw new Error(`WebKitWebDriver exited: ${log()}`);
    try {
      if ((await request('GET', '/status', undefined, 2000)).ready) break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not answer: ${error.message} ${log()}`);
    }
    await sleep(100);
  }
  const { sessionId, capabilities } = await request('POST', '/session', { capabilities: { alwaysMatch: {
    browserName: 'MiniBrowser',
    'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
    timeouts: { pageLoad: 90_000, script: 180_000, implicit: 0 },
  } } });
  return {
    capabilities,
    call: (method, url, body, timeout) => request(method, `/session/${sessionId}${url}`, body, timeout),
  };
}

async function webkitDriver(session, { home, viewport, lang, stopAll }) {
  const { call } = session;
  const evaluate = (fn, ...args) => call('POST', '/execute/sync', { script: `return ${callExpression(fn, args)};`, args: [] });
  const id = (element) => element[ELEMENT];
  const elementCall = (element, method, what, body) => call(method, `/element/${id(element)}/${what}`, body);

  // The window outside the viewport (there are no decorations under Xvfb, but there may be a bar):
  // size the window so that the page gets `viewport`.
  await call('POST', '/window/rect', { x: 0, y: 0, ...viewport });
  const inner = await evaluate(() => [innerWidth, innerHeight]);
  await call('POST', '/window/rect', { width: 2 * viewport.width - inner[0], height: 2 * viewport.height - inner[1] });

  const driver = {
    engine: 'webkit',
    version: `WebKitGTK ${session.capabilities.browserVersion} (LANG=${lang})`,
    async open(url) {
      await call('POST', '/url', { url }, 120_000);
      await evaluate(installProblemHook);
    },
    async find(role, name, { timeout = 60_000, hidden = false } = {}) {
      const deadline = Date.now() + timeout;
      let element;
      while (!(element = await evaluate(findByRole, role, name, hidden || role === 'file'))) {
        if (Date.now() > deadline) throw new Error(`webkit: no ${role} named "${name}" within ${timeout / 1000} s`);
        await sleep(150);
      }
      if (role !== 'file' && !hidden) {
        // WebKit's own accessibility computation must agree with the pick.
        const [computedRole, computedLabel] = [await elementCall(element, 'GET', 'computedrole'),
          await elementCall(element, 'GET', 'computedlabel')];
        const roles = { img: ['img', 'image'], textbox: ['textbox', 'textfield'] }[role] ?? [role];
        if (!roles.includes(computedRole) || computedLabel.replace(/\s+/g, ' ').trim() !== name) {
          throw new Error(`webkit: the ${role} "${name}" found in the page is, to WebKit, a ${computedRole} named "${computedLabel}"`);
        }
      }
      return element;
    },
    click: (element) => elementCall(element, 'POST', 'click', {}),
    async type(element, text) {
      await elementCall(element, 'POST', 'clear', {});
      await elementCall(element, 'POST', 'value', { text: text + ENTER });
    },
    setFiles: (element, paths) => elementCall(element, 'POST', 'value', { text: paths.join('\n') }),
    async drag(element, points) {
      const box = await call('POST', '/execute/sync', { script: `const e = arguments[0]; e.scrollIntoView({ block: 'center' });
        const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height };`, args: [element] });
      const at = ([fx, fy]) => ({ x: Math.round(box.x + box.width * fx), y: Math.round(box.y + box.height * fy) });
      const actions = [{ type: 'pointerMove', duration: 0, origin: 'viewport', ...at(points[0]) }, { type: 'pointerDown', button: 0 }];
      // duration 0: one move event per point (a move with a duration is split into as many as the time allows)
      for (const point of points.slice(1)) actions.push({ type: 'pointerMove', duration: 0, origin: 'viewport', ...at(point) });
      actions.push({ type: 'pointerUp', button: 0 });
      await call('POST', '/actions', { actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions }] });
      await call('DELETE', '/actions');
    },
    evaluate,
    async download(action) {
      const before = new Set(await fs.readdir(home));
      await action();
      return newFileIn(home, before);
    },
    async screenshot(name) {
      const file = await shotPath(name);
      await fs.writeFile(file, Buffer.from(await call('GET', '/screenshot'), 'base64'));
      return file;
    },
    async problems() {
      await evaluate(installProblemHook);  // frames that appeared since open()
      return evaluate(takeProblems);
    },
    close: stopAll,
  };
  return driver;
}
