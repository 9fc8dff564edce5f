// One (framework, model) measurement in its own process, started by bench/run.mjs, so a crash,
// an out-of-memory or a thread pool in one peer cannot disturb the others.
//   node bench/child.mjs <peer-id> <model> <data-dir> '<protocol overrides as JSON>'
// Progress goes to stderr; stdout has "@@PARTIAL <json>" lines (what is known so far, for a
// parent that has to kill a too-slow peer) and finally "@@RESULT <json>".
import { loadDigits } from './lib/data.mjs';
import { runProtocol } from './lib/protocol.mjs';
import { NODE_PEERS } from './peers/registry.mjs';

const [peerId, model, dataDir, overridesJson = '{}'] = process.argv.slice(2);
const emit = (obj) => process.stdout.write(`@@RESULT ${JSON.stringify(obj)}\n`);

async function main() {
  const entry = NODE_PEERS[peerId];
  if (!entry) throw new Error(`unknown peer '${peerId}' (known: ${Object.keys(NODE_PEERS).join(', ')})`);
  const makePeer = (await import(entry.module)).default;
  const peer = makePeer(entry.variant);
  const info = peer.describe();
  process.stdout.write(`@@PARTIAL ${JSON.stringify(info)}\n`); // names the row even if it never finishes a batch
  try {
    const data = loadDigits(dataDir);
    const log = (msg) => process.stderr.write(`  [${peerId} ${model}] ${msg}\n`);
    const progress = (partial) => process.stdout.write(`@@PARTIAL ${JSON.stringify({ ...info, ...partial })}\n`);
    const result = await runProtocol(peer, { model, threads: entry.variant.threads ?? 1, data, log, progress, ...JSON.parse(overridesJson) });
    emit({ status: 'ok', ...info, ...result });
  } catch (e) {
    const status = e.cannotTrain ? 'cannot-train' : e.notAvailable ? 'not-available' : 'error';
    emit({ status, ...info, error: String(e && e.message ? e.message : e).split('\n')[0] });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    emit({ status: 'error', error: String(e && e.stack ? e.stack : e) });
    process.exit(1);
  },
);
