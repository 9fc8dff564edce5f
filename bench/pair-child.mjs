// One side of an interleaved pair (the busy-machine section, bench/lib/busy.mjs): a Node peer
// warmed up in its own process, then timed one run at a time when its parent asks, so that the
// parent can alternate the runs of two such processes (1 thread and 2 threads) through the same
// minutes of the machine's load.
//   node bench/pair-child.mjs <peer-id> <model> <data-dir> '<protocol overrides as JSON>'
// stdout: "@@READY <json>" (the row's description, batches per run) after the warm-up, then one
// "@@RUN <samples/s>" per "run" line read from stdin; "quit" (or the end of stdin) ends it.
// A failure: "@@RESULT <json>" with status 'error', as bench/child.mjs says it.
import readline from 'node:readline';
import { loadDigits } from './lib/data.mjs';
import { prepareSpeed } from './lib/protocol.mjs';
import { NODE_PEERS } from './peers/registry.mjs';

const [peerId, model, dataDir, overridesJson = '{}'] = process.argv.slice(2);
const say = (tag, value) => process.stdout.write(`@@${tag} ${JSON.stringify(value)}\n`);

async function main() {
  const entry = NODE_PEERS[peerId];
  if (!entry) throw new Error(`unknown peer '${peerId}' (known: ${Object.keys(NODE_PEERS).join(', ')})`);
  const peer = (await import(entry.module)).default(entry.variant);
  const info = peer.describe();
  const log = (msg) => process.stderr.write(`  [${peerId} ${model}] ${msg}\n`);
  const speed = await prepareSpeed(peer, { model, threads: entry.variant.threads ?? 1, data: loadDigits(dataDir), log, ...JSON.parse(overridesJson) });
  say('READY', { ...info, batchSize: speed.p.batchSize, batchesPerRun: speed.batchesPerRun, warmupBatches: speed.warmupBatches,
    warmupSeconds: speed.warmupSeconds });
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line.trim() === 'quit') break;
    if (line.trim() === 'run') say('RUN', await speed.timedRun());
    else throw new Error(`pair-child: unknown command '${line}' (run, quit)`);
  }
  if (speed.trainer.dispose) await speed.trainer.dispose();
}

main().then(
  () => process.exit(0),
  (e) => {
    say('RESULT', { status: 'error', error: String(e?.message ?? e).split('\n')[0] });
    process.exit(1);
  },
);
