// The PyTorch export: a folder's files by name. model.py (pytorch-model.js) is generated from the
// spec, train.py (the template train.py, configured by pytorch-train.js) from the training settings; weights.safetensors
// comes from the engine; spec.json lets `wasmgrad import` read the trained weights back.
import { modelPy } from './pytorch-model.js';
import { shortestFloat32, trainPy } from './pytorch-train.js';

/**
 * @param {{spec: object, layers: object[], weights: Uint8Array, settings: object, settingsSource: string,
 *   startEpoch: number, title: string}} model
 * @returns {{'model.py': string, 'train.py': string, 'README.md': string, 'spec.json': string,
 *   'weights.safetensors': Uint8Array}}
 */
export function pytorchFiles({ spec, layers, weights, settings, settingsSource, startEpoch, title }) {
  return {
    'model.py': modelPy({ spec, layers, title }),
    'train.py': trainPy({ settings, startEpoch, source: settingsSource }),
    'README.md': readme({ spec, layers, settings, settingsSource, startEpoch, title }),
    'spec.json': JSON.stringify(spec, null, 2) + '\n',
    'weights.safetensors': weights,
  };
}

function readme({ spec, layers, settings, settingsSource, startEpoch, title }) {
  const parameters = layers.reduce((total, layer) => total + (layer.parameters ?? 0), 0);
  const hasBatchNorm = (rows) => rows.some((row) => row.type === 'batchnorm' || hasBatchNorm(row.inner ?? []));  // blocks included
  const statistics = hasBatchNorm(layers) ? ' plus batch-norm running statistics' : '';
  return `# ${title}, exported from wasmgrad

| file | what it is |
| --- | --- |
| \`model.py\` | the network as a PyTorch \`nn.Module\` (\`Net\`); layer names are wasmgrad's; \`load(path)\` returns it in eval mode with weights loaded |
| \`weights.safetensors\` | the weights (safetensors, float32): ${parameters.toLocaleString('en')} parameters${statistics} |
| \`train.py\` | continues training with wasmgrad's settings, on one process or many (DistributedDataParallel) |
| \`spec.json\` | the wasmgrad spec, for importing the trained weights back |

Input: float32 \`[N, ${spec.input.join(', ')}]\`${spec.input.length === 3 ? ' with pixel values in [0, 1]' : ''}; output: the raw scores (logits) of the last layer.
Everything needs only PyTorch (Debian's \`python3-torch\` 1.13 works); an image folder needs Pillow too.

\`\`\`python
import model
net = model.load("weights.safetensors")
logits = net(images)
\`\`\`

## Training settings

${settingsSource[0].toUpperCase()}${settingsSource.slice(1)}: optimizer \`${settings.optimizer}\`, learning rate ${shortestFloat32(settings.learningRate)},
schedule \`${settings.schedule.type}\`, loss \`${settings.loss}\`, batch size ${settings.batchSize}. They are the \`SETTINGS\`
at the top of \`train.py\` (the same keys as wasmgrad's training settings); edit them there.
The schedule continues from epoch ${startEpoch} (\`--start-epoch\`).

## Train

\`--data\` is a folder of MNIST-style IDX files (\`train-images-idx3-ubyte\`, \`train-labels-idx1-ubyte\`,
\`t10k-*\` for the test set; \`.gz\` or not), or of images in class folders (\`DIR/train/<class>/\` and
\`DIR/test/<class>/\`, or \`DIR/<class>/\`). Rank 0 prints each epoch and writes \`weights.safetensors\`
(\`--out\` to write elsewhere). \`python3 train.py --help\` lists every option.

One machine, one process (the first GPU if there is one, else the CPU):

    python3 train.py --data /usr/share/datasets/fashion-mnist --epochs 5

One machine with K GPUs (one process per GPU, NCCL):

    torchrun --standalone --nproc_per_node=K train.py --data DIR --epochs 5

Several machines, e.g. 2 nodes with 4 GPUs each: run the same command on every node, pointing the
rendezvous at one of them (HOST:29400 must be reachable from all nodes; any free port works):

    torchrun --nnodes=2 --nproc_per_node=4 --rdzv_id=wasmgrad1 --rdzv_backend=c10d \\
        --rdzv_endpoint=HOST:29400 train.py --data DIR --epochs 5

On CPUs the processes use gloo instead of NCCL; \`--nproc_per_node=2\` on a laptop works too.
Each of K processes takes batchSize / K samples per step, so one step sees the batch size wasmgrad used
(batch norm layers become SyncBatchNorm on GPUs, so their statistics cover the whole step's batch too;
on CPUs each process normalises over its own share).
Without torchrun (Debian 12's \`torchrun\` fails on Python 3.11), start the processes yourself with the
variables torchrun would set:

    MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 WORLD_SIZE=2 RANK=0 LOCAL_RANK=0 python3 train.py --data DIR &
    MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 WORLD_SIZE=2 RANK=1 LOCAL_RANK=1 python3 train.py --data DIR

The processes wait for each other at most \`--timeout\` seconds (default 300), then stop with an error
rather than hang; with \`MASTER_ADDR\` a loopback address they talk over the loopback interface
(\`GLOO_SOCKET_IFNAME\`, unless you set it), whatever the host name resolves to.

## Back into wasmgrad

    wasmgrad import --weights weights.safetensors --spec spec.json --out model.wgm

or in JavaScript \`engine.importSafetensors(spec, bytes)\`; then look at its filters, receptive fields
and saliency in the playground.
`;
}
