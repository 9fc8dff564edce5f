#!/usr/bin/env python3
"""Peer: PyTorch (native CPU) for bench/run.mjs, in a child process of its own.

    /usr/bin/python3 bench/peers/torch_bench.py <model> <threads> <data-dir> '<protocol JSON>'

Repeats bench/lib/protocol.mjs step for step (warm-up, timed runs of B batches, accuracy from a
fresh model after one epoch or what the budget allows) on the same gzipped IDX digits, and prints
"@@PARTIAL <json>" lines as it goes and "@@RESULT <json>" as its last stdout line. torch.set_num_threads(<threads>) is set before any work.
"""
import gzip
import json
import math
import os
import statistics
import struct
import sys
import time

PIXELS = 784


def emit(obj):
    sys.stdout.write("@@RESULT " + json.dumps(obj) + "\n")
    sys.stdout.flush()


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return dims, data[4 + 4 * rank:]


def load_split(torch, data_dir, kind):
    dims, pixels = read_idx(os.path.join(data_dir, f"digits-{kind}-images-idx3-ubyte.gz"))
    _, labels = read_idx(os.path.join(data_dir, f"digits-{kind}-labels-idx1-ubyte.gz"))
    images = torch.frombuffer(bytearray(pixels), dtype=torch.uint8).float().div_(255.0).reshape(dims[0], 1, 28, 28)
    return images, torch.frombuffer(bytearray(labels), dtype=torch.uint8).long()


def build_model(nn, model):
    if model == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(PIXELS, 128), nn.ReLU(), nn.Linear(128, 10))
    if model == "cnn":
        return nn.Sequential(
            nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(16 * 7 * 7, 10))
    if model == "lenet":
        return nn.Sequential(
            nn.Conv2d(1, 20, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(20, 50, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(50 * 7 * 7, 500), nn.ReLU(), nn.Linear(500, 10))
    if model == "resnet-mini":
        return resnet_mini(nn)
    raise ValueError(f"unknown model '{model}'")


def resnet_mini(nn):
    """The engine's resnet-mini preset (engine/nn/presets.cpp, spec_blocks.cpp basic_block) fitted to
    1x28x28 digits: a conv-BN-ReLU stem of 8, three stages of two basic blocks (8, 16, 32 filters;
    a later stage's first block halves H and W, its shortcut a 1x1 conv with stride 2 and BN), a
    global average pool and a linear layer to 10; convs without bias, as the preset builds them."""
    class Residual(nn.Module):
        def __init__(self, layers, shortcut):
            super().__init__()
            self.layers = nn.Sequential(*layers)
            self.shortcut = nn.Sequential(*shortcut)  # empty: the identity

        def forward(self, x):
            return self.layers(x) + self.shortcut(x)

    def basic_block(cin, filters, stride):
        layers = [nn.Conv2d(cin, filters, 3, stride, 1, bias=False), nn.BatchNorm2d(filters), nn.ReLU(),
                  nn.Conv2d(filters, filters, 3, 1, 1, bias=False), nn.BatchNorm2d(filters)]
        shortcut = [nn.Conv2d(cin, filters, 1, stride, 0, bias=False), nn.BatchNorm2d(filters)] if stride != 1 else []
        return [Residual(layers, shortcut), nn.ReLU()]

    modules = [nn.Conv2d(1, 8, 3, 1, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU()]
    channels = 8
    for filters in (8, 16, 32):
        stride = 1 if filters == 8 else 2
        modules += basic_block(channels, filters, stride) + basic_block(filters, filters, 1)
        channels = filters
    modules += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10)]
    return nn.Sequential(*modules)


WARMUP_KEPT = 10  # warm-up batch times kept for the report and a killed child's estimate

# Fallback only: bench/run.mjs passes bench/lib/protocol.mjs DEFAULT_PROTOCOL in full.
DEFAULTS = dict(batchSize=64, learningRate=1e-3, warmupBatches=5, warmupMinSeconds=3, warmupMaxSeconds=4, runs=5, minRuns=3,
                timedMaxSeconds=20, targetRunSeconds=1.0, minBatchesPerRun=1, maxBatchesPerRun=400,
                accuracyBudgetSeconds=15, minAccuracyBatches=10)


def main():
    model, threads, data_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    p = dict(DEFAULTS, **json.loads(sys.argv[4] if len(sys.argv) > 4 else "{}"))
    info = {"framework": f"PyTorch {threads} thread{'s' if threads > 1 else ''}"}
    try:
        import torch
        from torch import nn
    except Exception as e:  # noqa: BLE001 - any import failure means "not installed" here
        emit(dict(info, status="not-available", error=f"not installed: {e}"))
        return
    torch.set_num_threads(threads)
    info["version"] = torch.__version__
    info["threadsInEffect"] = torch.get_num_threads()
    torch.manual_seed(1)
    train_x, train_y = load_split(torch, data_dir, "train")
    test_x, test_y = load_split(torch, data_dir, "test")
    bs = p["batchSize"]
    per_epoch = train_x.shape[0] // bs
    batches = [(train_x[i * bs:(i + 1) * bs].contiguous(), train_y[i * bs:(i + 1) * bs].contiguous()) for i in range(per_epoch)]
    counter = {"next": 0}
    loss_fn = nn.CrossEntropyLoss()

    def fresh():
        net = build_model(nn, model)
        return net, torch.optim.Adam(net.parameters(), lr=p["learningRate"])

    def step(net, opt):
        x, y = batches[counter["next"] % per_epoch]
        counter["next"] += 1
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

    def partial(**known):
        sys.stdout.write("@@PARTIAL " + json.dumps(dict(info, batchSize=bs, **known)) + "\n")
        sys.stdout.flush()

    log = lambda msg: sys.stderr.write(f"  [torch-{threads} {model}] {msg}\n")
    net, opt = fresh()
    warmup = []  # the last WARMUP_KEPT batches' times
    warmup_batches, reported = 0, 0.0
    start = time.perf_counter()
    while True:  # at least warmupBatches and warmupMinSeconds, at most warmupMaxSeconds (>= 1 batch)
        elapsed = time.perf_counter() - start
        enough = warmup_batches >= p["warmupBatches"] and elapsed >= p["warmupMinSeconds"]
        if warmup_batches > 0 and (enough or elapsed >= p["warmupMaxSeconds"]):
            break
        t = time.perf_counter()
        step(net, opt)
        warmup = (warmup + [time.perf_counter() - t])[-WARMUP_KEPT:]
        warmup_batches += 1
        if warmup_batches <= WARMUP_KEPT or time.perf_counter() - reported >= 0.25:
            partial(warmupSeconds=warmup, samplesPerSecond=[])
            reported = time.perf_counter()
    per_batch = statistics.median(warmup[-3:])
    b = max(p["minBatchesPerRun"], min(p["maxBatchesPerRun"], round(p["targetRunSeconds"] / per_batch)))
    runs = min(p["runs"], max(p["minRuns"], math.floor(p["timedMaxSeconds"] / (b * per_batch))))
    log(f"warm-up {warmup_batches} batches, the last {' '.join(f'{s:.4f}' for s in warmup)} s/batch -> {runs} runs of {b} batches")
    sps = []
    for r in range(runs):
        t = time.perf_counter()
        for _ in range(b):
            step(net, opt)
        sps.append(b * bs / (time.perf_counter() - t))
        partial(warmupSeconds=warmup, samplesPerSecond=sps, batchesPerRun=b)
        log(f"run {r + 1}/{runs}: {sps[-1]:.1f} samples/s")
    med = statistics.median(sps)

    affordable = math.floor(p["accuracyBudgetSeconds"] * med / bs)
    acc_batches = min(per_epoch, max(p["minAccuracyBatches"], affordable))
    accuracy, acc_seconds, skipped = None, 0.0, None
    if acc_batches * bs / med > 2 * p["accuracyBudgetSeconds"]:
        skipped = f"skipped: {acc_batches} batches would take ~{round(acc_batches * bs / med)} s"
        acc_batches = 0
    else:
        net, opt = fresh()
        counter["next"] = 0
        t = time.perf_counter()
        for _ in range(acc_batches):
            step(net, opt)
        acc_seconds = time.perf_counter() - t
        net.eval()  # batch norm on its running statistics, as the engine classifies
        with torch.no_grad():
            predicted = net(test_x).argmax(dim=1)
        accuracy = float((predicted == test_y).float().mean())
        log(f"accuracy {accuracy} after {acc_batches}/{per_epoch} batches")
    emit(dict(info, status="ok", samplesPerSecond=sps, median=med, min=min(sps), max=max(sps), batchSize=bs,
              warmupBatches=warmup_batches, warmupSeconds=warmup, batchesPerRun=b, runs=runs, accuracy=accuracy,
              accuracySkipped=skipped, accuracyBatches=acc_batches, epochBatches=per_epoch,
              accuracyTrainSeconds=acc_seconds))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - reported as this row's error, the run goes on
        emit({"status": "error", "error": f"{type(e).__name__}: {e}"})
        sys.exit(1)
