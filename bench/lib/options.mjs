// bench/run.mjs's command line: the models, the rows (peers) in table order, and the options.
// Pure (tested in tests/bench/): run.mjs passes the checks that look at the machine.
import path from 'node:path';
import { NODE_PEERS } from '../peers/registry.mjs';
import { BROWSER_VARIANTS, parseBrowsers } from './browser.mjs';

export const MODELS = {
  mlp: 'MLP 784-128-10',
  cnn: 'CNN conv8-pool-conv16-pool-fc10',
  lenet: 'LeNet-5 conv20-pool-conv50-pool-fc500-fc10',
  'resnet-mini': 'ResNet-mini conv8-BN stem, 3 stages of 2 residual blocks (8-16-32, BN)-global avg pool-fc10',
};

// Models only some peers build: the others are not run for them (their rows would only say so).
// ResNet-mini's residual blocks and batch norm run in wasmgrad (1 and 2 threads, beside the CNN)
// and in PyTorch (the same model, bench/peers/torch_bench.py); one model fewer in the busy section.
export const MODEL_PEERS = { 'resnet-mini': ['wasmgrad-wasm-1', 'wasmgrad-wasm-2', 'torch-1', 'torch-2'] };
/** Whether the row `peerId` runs `model`. */
export const runsOn = (model, peerId) => !MODEL_PEERS[model] || MODEL_PEERS[model].includes(peerId);

export const PEERS = [
  ...Object.keys(NODE_PEERS).map((id) => ({ id, kind: 'node' })),
  // Two one-thread trainers in two processes at once: what 2 cores give when nothing is shared, the
  // ceiling against which the 2-thread rows' scaling is read.
  { id: 'wasmgrad-wasm-1x2', kind: 'pair', of: 'wasmgrad-wasm-1' },
  // The page rows, browser by browser (Chromium, Firefox ESR, WebKitGTK) side by side.
  ...Object.entries(BROWSER_VARIANTS).map(([id, v]) => ({ id, kind: 'browser', browser: v.browser })),
  { id: 'wasmgrad-native', kind: 'native', threads: 1 },
  { id: 'torch-1', kind: 'python', threads: 1 },
  { id: 'torch-2', kind: 'python', threads: 2 },
];

/**
 * argv -> args. `browsers` is what --browsers asked for (all by default); `browsersNamed` says
 * whether the user named them. `root`: the repository (default output and data folders).
 */
export function parseArgs(argv, root) {
  const args = { models: Object.keys(MODELS), peers: PEERS.map((p) => p.id), quick: false, kernels: true, scaling: true, page: true, busy: true, timeout: 90,
    browsers: parseBrowsers(undefined), browsersNamed: false,
    out: path.join(root, 'build', 'bench', 'results.json'), data: path.join(root, 'build', 'data') };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--models') args.models = value().split(',');
    else if (a === '--peers') args.peers = value().split(',');
    else if (a === '--browsers') Object.assign(args, { browsers: parseBrowsers(value()), browsersNamed: true });  // the page rows' browsers
    else if (a === '--quick') args.quick = true;
    else if (a === '--no-kernels') args.kernels = false;
    else if (a === '--no-scaling') args.scaling = false;
    else if (a === '--no-page') args.page = false;
    else if (a === '--no-busy') args.busy = false;
    else if (a === '--only-busy') Object.assign(args, { peers: [], kernels: false, scaling: false, page: false, busy: true });
    // The busy section's rows with nothing spinning: 2t / 1t on the idle machine, a few minutes.
    else if (a === '--only-idle') Object.assign(args, { peers: [], kernels: false, scaling: false, page: false, busy: false, idle: true });
    else if (a === '--runtimes') args.runtimes = value().split(',');  // the busy/idle sections' rows: Node, Chromium
    else if (a === '--copy-batches') args.copyBatches = true;  // wasmgrad copies each batch in, as before trainBatchAt
    else if (a === '--timeout') args.timeout = Number(value());
    else if (a === '--out') args.out = path.resolve(value());
    else if (a === '--data') args.data = path.resolve(value());
    else throw new Error(`unknown option ${a} (see the header of bench/run.mjs)`);
  }
  for (const m of args.models) if (!MODELS[m]) throw new Error(`unknown model '${m}' (known: ${Object.keys(MODELS).join(', ')})`);
  for (const p of args.peers) if (!PEERS.some((q) => q.id === p)) throw new Error(`unknown peer '${p}' (known: ${PEERS.map((q) => q.id).join(', ')})`);
  if (!(args.timeout > 0)) throw new Error('--timeout needs a number of seconds above 0');
  return args;
}

/**
 * The rows that run, in table order: the peers asked for, less the page rows of browsers not
 * asked for, and, unless the user named them (--browsers), of browsers that are not installed
 * (`absent`: their keys; run.mjs names them with the install command instead). A named browser
 * that is missing keeps its rows, which say what is missing.
 */
export function selectedPeers(args, absent = []) {
  return PEERS.filter((p) => args.peers.includes(p.id) &&
    (p.kind !== 'browser' || (args.browsers.includes(p.browser) && (args.browsersNamed || !absent.includes(p.browser)))));
}
