// Runs an exported train.py as the K processes of a DistributedDataParallel job on this machine,
// started with the variables torchrun sets (Debian's torchrun fails on Python 3.11), and reports
// them so that a failure can be diagnosed from the message alone: every rank's exit, stdout and
// stderr, and which rank hung.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { PYTHON } from './export-fixtures.mjs';

/** A rank still running after this long is killed and reported as hung. train.py's own --timeout
 * (passed below as TIMEOUT_S) is shorter, so a rank waiting for a peer that died stops by itself first. */
export const KILL_AFTER_MS = 240_000;
export const TIMEOUT_S = 120;

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** One process; resolves {rank, code, signal, hung, stdout, stderr}. */
function runRank(rank, script, args, { cwd, env }) {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, [script, ...args], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    let hung = false;
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => { hung = true; child.kill('SIGKILL'); }, KILL_AFTER_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ rank, code, signal, hung, stdout, stderr });
    });
  });
}

/**
 * Runs `script args --timeout TIMEOUT_S` as `world` ranks (world 1: one plain process, no DDP
 * variables). CPU only (CUDA_VISIBLE_DEVICES=''), gloo, one OpenMP thread each (as torchrun sets).
 * @returns {Promise<{rank, code, signal, hung, stdout, stderr}[]>} by rank
 */
export async function runRanks(script, args, { world, cwd }) {
  const common = { OMP_NUM_THREADS: '1', CUDA_VISIBLE_DEVICES: '' };
  const all = [...args, '--timeout', String(TIMEOUT_S)];
  if (world === 1) return [await runRank(0, script, all, { cwd, env: common })];
  const job = { ...common, MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(await freePort()), WORLD_SIZE: String(world) };
  return Promise.all(Array.from({ length: world }, (_, rank) =>
    runRank(rank, script, all, { cwd, env: { ...job, RANK: String(rank), LOCAL_RANK: String(rank) } })));
}

/** Every rank's outcome, stdout and stderr, as one text for an assertion message. */
export function describeRanks(ranks) {
  return ranks.map((r) => {
    const outcome = r.hung ? `HUNG: still running after ${KILL_AFTER_MS / 1000} s, killed`
      : r.code === 0 ? 'exited 0' : `failed: exit ${r.code ?? r.signal}`;
    return `--- rank ${r.rank} of ${ranks.length}: ${outcome}\n` +
      `stdout:\n${r.stdout.trimEnd() || '(empty)'}\nstderr:\n${r.stderr.trimEnd() || '(empty)'}`;
  }).join('\n');
}

/** Throws with every rank's report unless every rank exited 0. */
export function assertRanksSucceeded(ranks) {
  if (ranks.every((r) => r.code === 0)) return;
  const named = (list) => `rank${list.length > 1 ? 's' : ''} ${list.map((r) => r.rank).join(' and ')}`;
  const hung = ranks.filter((r) => r.hung);
  const headline = hung.length ? `${named(hung)} hung (killed after ${KILL_AFTER_MS / 1000} s)`
    : `${named(ranks.filter((r) => r.code !== 0))} failed`;
  throw new Error(`train.py as ${ranks.length} process${ranks.length > 1 ? 'es' : ''}: ${headline}\n${describeRanks(ranks)}`);
}
