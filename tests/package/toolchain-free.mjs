// A machine state without the build toolchain, for running the packed package as a user would:
// a temporary folder outside the repository and an environment whose PATH holds only node, npm
// and npx (no emcc, em++, cmake, ninja, g++), with no NODE_PATH and none of the npm_* variables
// that `npm test` sets.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const TOOLS = ['node', 'npm', 'npx', 'sh'];  // sh: npx runs package bins through it
export const ABSENT = ['emcc', 'em++', 'cmake', 'ninja', 'g++'];

async function which(tool) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = path.join(dir, tool);
    try {
      await fs.access(candidate, fs.constants.X_OK);
      return candidate;
    } catch { /* not here */ }
  }
  throw new Error(`toolchain-free: ${tool} is not on PATH`);
}

/** {dir, env}: a fresh folder under the system temp dir, and the environment to run in it. */
export async function toolchainFreeFolder(prefix = 'wasmgrad-user-') {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  const bin = path.join(dir, 'bin');
  await fs.mkdir(bin);
  for (const tool of TOOLS) await fs.symlink(await which(tool), path.join(bin, tool));
  const env = { HOME: process.env.HOME ?? dir, PATH: bin, LANG: 'C.UTF-8', npm_config_update_notifier: 'false' };
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  return { dir, env };
}

/** Runs `command args` with `env` in `cwd`; resolves to {stdout, stderr}, rejects with both on failure. */
export async function runIn(cwd, env, command, args, { timeout = 300_000 } = {}) {
  try {
    return await run(command, args, { cwd, env, timeout, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    error.message += `\n--- stdout\n${error.stdout ?? ''}\n--- stderr\n${error.stderr ?? ''}`;
    throw error;
  }
}

/** The tools of ABSENT that `sh -c 'command -v T'` still finds with `env` (expected: none). */
export async function toolsFound(env) {
  const found = [];
  for (const tool of ABSENT) {
    try {
      await run('/bin/sh', ['-c', `command -v ${tool}`], { env });
      found.push(tool);
    } catch { /* absent, as it should be */ }
  }
  return found;
}
