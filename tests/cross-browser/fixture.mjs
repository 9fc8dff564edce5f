// The servers every engine's run uses, started once for the suite (the browser suites' fixture,
// tests/browser/lib.mjs, serves and names them):
//   - the repository with COOP/COEP (tests/browser/static-server.mjs, with the project's CSP): the
//     playground, as scripts/serve.mjs serves it;
//   - the repository without them: the demos on a course page (tests/cross-browser/pages/demos.html),
//     which is not cross-origin isolated;
//   - the installed package's plain-ESM page (tests/package/page/, no bundler), served with COOP/COEP
//     from a project folder outside the repository where the packed tarball was installed, as a
//     user without the toolchain has it (tests/package/toolchain-free.mjs). The package suite checks
//     that packing builds what it ships (prepack); here the tarball is packed without that step
//     (--ignore-scripts) from the build `npm test` has just made, so it is not built twice.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { startServer } from '../browser/static-server.mjs';
import { ROOT, serverOrigin as origin, playgroundUrl } from '../browser/lib.mjs';
import { toolchainFreeFolder, runIn } from '../package/toolchain-free.mjs';

const run = promisify(execFile);
const close = (server) => new Promise((resolve) => (server ? server.close(resolve) : resolve()));

/** Packs the repository (no prepack) and installs the tarball offline in a fresh project; returns the static site folder. */
async function installedPackageSite(user) {
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', user.dir],
    { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  const [report] = JSON.parse(stdout.slice(stdout.indexOf('[')));
  const project = path.join(user.dir, 'course-project');
  await fs.mkdir(project);
  await runIn(project, user.env, 'npm', ['init', '-y']);
  await runIn(project, user.env, 'npm', ['install', '--offline', '--no-audit', '--no-fund', path.join(user.dir, report.filename)]);
  // The page as a static host serves it: its files beside the installed package, and the worker's
  // and page's bare 'wasmgrad' imports as paths (browsers resolve no bare specifiers in workers; no import map here).
  const site = path.join(project, 'static-site');
  await fs.cp(path.join(ROOT, 'tests/package/page'), site, { recursive: true });
  await fs.symlink(path.join(project, 'node_modules'), path.join(site, 'node_modules'));
  for (const name of ['main.js', 'worker.js']) {
    const file = path.join(site, name);
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace("from 'wasmgrad'", "from './node_modules/wasmgrad/bindings/wasmgrad.js'"));
  }
  return site;
}

/** Starts the servers; returns their URLs and close(). */
export async function startFixture() {
  const servers = [];
  let user = null;
  const closeAll = async () => {
    await Promise.all(servers.map(close));
    if (user) await fs.rm(user.dir, { recursive: true, force: true });
  };
  try {
    const isolated = await startServer(0, { isolated: true });
    servers.push(isolated);
    const plain = await startServer(0, { isolated: false });
    servers.push(plain);
    user = await toolchainFreeFolder('wasmgrad-cross-browser-');
    const packageSite = await startServer(0, { isolated: true, root: await installedPackageSite(user) });
    servers.push(packageSite);
    return {
      playground: (hash = '') => playgroundUrl(isolated, hash),
      demos: (as) => `${origin(plain)}/tests/cross-browser/pages/demos.html?as=${as}`,
      packagePage: `${origin(packageSite)}/`,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
