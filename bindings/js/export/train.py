"""Continues training the exported model (model.py, weights.safetensors) with the settings
wasmgrad trained it with.

    python3 train.py --data DIR --epochs N                 one process (the first GPU, else the CPU)
    torchrun --nproc_per_node=K train.py --data DIR ...     K processes, DistributedDataParallel
                                                            (nccl on GPUs, gloo on CPUs)

DIR holds MNIST-style IDX files (train-images-idx3-ubyte and train-labels-idx1-ubyte, .gz or not,
and t10k-* for the test set), or an image folder: DIR/train/<class>/*.png and DIR/test/<class>/*,
or DIR/<class>/* (reading images needs Pillow). Without test files, 10% of the training set is held
out for validation. Rank 0 evaluates after every epoch and writes the trained weights to
weights.safetensors (or --out) at the end; `wasmgrad import` reads them back (README.md).

With K processes each takes batchSize / K samples (rounded up) per step and DistributedDataParallel
averages their gradients, so one step sees the batch size wasmgrad used. The processes meet within
--timeout seconds or stop with an error (a process that never arrives is named, not waited for for
30 minutes); on one machine (MASTER_ADDR a loopback address) they talk over the loopback interface,
whatever the host name resolves to.
"""
import argparse
import datetime
import gc
import gzip
import ipaddress
import json
import math
import os
import socket
import struct
import sys
import time
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, Dataset, TensorDataset
from torch.utils.data.distributed import DistributedSampler

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import model as exported  # noqa: E402  (model.py beside this file)

# The configuration, the only lines wasmgrad's export writes (between the two markers below):
#   SETTINGS         wasmgrad's training settings, the keys of its TrainSettings (engine/train/config_json.h):
#                    edit them here
#   START_EPOCH      the epochs wasmgrad had trained: the learning-rate schedule continues from there
#   SETTINGS_SOURCE  where the settings came from
# ---- configuration: written by the export ----
SETTINGS = json.loads("""
{}
""")
START_EPOCH = 0
SETTINGS_SOURCE = "the template's placeholder"
# ---- end of configuration ----
HOLD_OUT = 0.1  # share of the training set kept for validation when there are no test files
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".pgm", ".ppm", ".tif", ".tiff", ".webp"}


# ---- data ----------------------------------------------------------------------------------------

def read_idx(path):
    """An IDX file (.gz or not) as a uint8 tensor of the shape its header gives."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 8:
        raise SystemExit(f"{path}: not an IDX file of unsigned bytes")
    rank = data[3]
    dims = struct.unpack(f">{rank}I", data[4:4 + 4 * rank])
    values = torch.frombuffer(bytearray(data[4 + 4 * rank:]), dtype=torch.uint8)
    if values.numel() != math.prod(dims):
        raise SystemExit(f"{path}: the header says {list(dims)} = {math.prod(dims)} bytes, the file has {values.numel()}")
    return values.reshape(dims)


def find_idx(folder, split, kind):
    stem = ("t10k" if split == "test" else "train") + "-" + kind
    suffix = "idx3-ubyte" if kind == "images" else "idx1-ubyte"
    for separator in ("-", "."):
        for gz in ("", ".gz"):
            path = folder / f"{stem}{separator}{suffix}{gz}"
            if path.exists():
                return path
    return None


class IdxDataset(TensorDataset):
    """Images [N, 1, H, W] with pixels scaled to [0, 1] (as wasmgrad reads them) and their labels."""

    def __init__(self, images_path, labels_path):
        images = read_idx(images_path).unsqueeze(1).float() * (1.0 / 255.0)
        labels = read_idx(labels_path).long()
        if len(images) != len(labels):
            raise SystemExit(f"{images_path} has {len(images)} images but {labels_path} has {len(labels)} labels")
        super().__init__(images, labels)


class ImageFolderDataset(Dataset):
    """root/<class>/<image>: each image converted to the model's channels and size, pixels in [0, 1]."""

    def __init__(self, root, classes, shape):
        try:
            from PIL import Image
        except ImportError:
            raise SystemExit("reading an image folder needs Pillow: apt-get install python3-pil (or pip install pillow)")
        self.image_class = Image
        self.shape = shape
        self.samples = [(path, label) for label, name in enumerate(classes) if (root / name).is_dir()
                        for path in sorted((root / name).iterdir()) if path.suffix.lower() in IMAGE_SUFFIXES]
        if not self.samples:
            raise SystemExit(f"{root}: no images in its class folders ({', '.join(classes)})")

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, index):
        path, label = self.samples[index]
        channels, height, width = self.shape
        image = self.image_class.open(path).convert("L" if channels == 1 else "RGB")
        if image.size != (width, height):
            image = image.resize((width, height))
        pixels = torch.frombuffer(bytearray(image.tobytes()), dtype=torch.uint8)
        return pixels.reshape(height, width, channels).permute(2, 0, 1).float() * (1.0 / 255.0), label


def hold_out(dataset, seed):
    order = torch.randperm(len(dataset), generator=torch.Generator().manual_seed(seed)).tolist()
    cut = len(dataset) - max(1, round(HOLD_OUT * len(dataset)))
    return torch.utils.data.Subset(dataset, order[:cut]), torch.utils.data.Subset(dataset, order[cut:])


def load_data(folder, seed):
    """(train set, validation set, what the validation set is)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SystemExit(f"--data {folder}: no such directory")
    if find_idx(folder, "train", "images"):
        if not find_idx(folder, "train", "labels"):
            raise SystemExit(f"{folder}: train images but no train-labels-idx1-ubyte file")
        train = IdxDataset(find_idx(folder, "train", "images"), find_idx(folder, "train", "labels"))
        if find_idx(folder, "test", "images") and find_idx(folder, "test", "labels"):
            return train, IdxDataset(find_idx(folder, "test", "images"), find_idx(folder, "test", "labels")), "test"
        return (*hold_out(train, seed), "validation")
    if len(exported.INPUT_SHAPE) != 3:
        raise SystemExit(f"{folder}: no IDX files, and an image folder needs a model with image input")
    split = (folder / "train").is_dir()
    root = folder / "train" if split else folder
    classes = sorted(p.name for p in root.iterdir() if p.is_dir())
    if not classes:
        raise SystemExit(f"{folder}: neither IDX files (train-images-idx3-ubyte) nor class folders of images")
    train = ImageFolderDataset(root, classes, exported.INPUT_SHAPE)
    if split and (folder / "test").is_dir():
        return train, ImageFolderDataset(folder / "test", classes, exported.INPUT_SHAPE), "test"
    return (*hold_out(train, seed), "validation")


def first(dataset, limit):
    return dataset if limit is None or limit >= len(dataset) else torch.utils.data.Subset(dataset, range(limit))


def augment(images, settings, generator):
    """wasmgrad's augmentation (engine/data/augment.h) of a batch [N, C, H, W]: per image a shift of
    whole pixels in [-maxShift, maxShift] on each axis and a rotation in [-maxRotation, maxRotation]
    degrees about the centre (bilinear, zeros outside), then gaussian noise, clamped to [0, 1]."""
    shift, rotation, noise = settings["maxShift"], settings["maxRotation"], settings["noise"]
    n, _, height, width = images.shape
    if shift or rotation:
        shift_x = torch.randint(-shift, shift + 1, (n, 1, 1), generator=generator).float()
        shift_y = torch.randint(-shift, shift + 1, (n, 1, 1), generator=generator).float()
        angle = (torch.rand(n, 1, 1, generator=generator) * 2 - 1) * math.radians(rotation)
        rows, cols = torch.meshgrid(torch.arange(height).float(), torch.arange(width).float(), indexing="ij")
        cx, cy = (width - 1) / 2, (height - 1) / 2
        u, v = cols - shift_x - cx, rows - shift_y - cy  # where each output pixel comes from
        source_x = angle.cos() * u - angle.sin() * v + cx
        source_y = angle.sin() * u + angle.cos() * v + cy
        grid = torch.stack((source_x / max(width - 1, 1) * 2 - 1, source_y / max(height - 1, 1) * 2 - 1), dim=-1)
        images = F.grid_sample(images, grid.to(images.device), mode="bilinear", padding_mode="zeros", align_corners=True)
    if noise:
        images = (images + noise * torch.randn(images.shape, generator=generator).to(images.device)).clamp(0, 1)
    return images


# ---- loss, optimiser, schedule -------------------------------------------------------------------

def data_loss(outputs, labels, kind):
    """wasmgrad's classification losses (engine/losses/losses.h), each a mean over the batch."""
    outputs = outputs.reshape(len(labels), -1)
    if kind == "cross_entropy":
        return F.cross_entropy(outputs, labels)
    if kind == "hinge":  # sum over wrong classes of max(0, s_j - s_label + 1)
        margins = (outputs - outputs.gather(1, labels[:, None]) + 1).clamp(min=0)
        return margins.scatter(1, labels[:, None], 0).sum(dim=1).mean()
    one_hot = F.one_hot(labels, outputs.shape[1]).to(outputs.dtype)
    if kind == "mse":
        return F.mse_loss(outputs, one_hot)
    if kind == "bce":
        return F.binary_cross_entropy_with_logits(outputs, one_hot)
    raise SystemExit(f"unknown loss {kind!r}")


def penalty(net, settings):
    """The l1 / l2 penalties on weights (not biases): l2 * sum(w^2) + l1 * sum(|w|)."""
    weights = [p for name, p in net.named_parameters() if name.endswith(".weight")]
    total = 0.0
    if settings["l2"] > 0:
        total = total + settings["l2"] * sum((w * w).sum() for w in weights)
    if settings["l1"] > 0:
        total = total + settings["l1"] * sum(w.abs().sum() for w in weights)
    return total


def get_optimizer(net, settings):
    """wasmgrad's optimizer and hyperparameters; its formulas are torch.optim's (engine/optim/optimizer.h).
    Weight decay applies to weights only (names ending in .weight), and a layer with its own
    learning-rate multiplier (layerLearningRates) gets its own parameter group."""
    groups = {}
    for name, parameter in net.named_parameters():
        multiplier = settings["layerLearningRates"].get(name.split(".")[0], 1.0)
        groups.setdefault((multiplier, name.endswith(".weight")), []).append(parameter)
    lr, decay = settings["learningRate"], settings["weightDecay"]
    param_groups = [{"params": params, "lr": lr * multiplier, "lr_multiplier": multiplier,
                     "weight_decay": decay if decays else 0.0} for (multiplier, decays), params in groups.items()]
    kind, betas, eps = settings["optimizer"], (settings["beta1"], settings["beta2"]), settings["eps"]
    if kind == "sgd":
        return torch.optim.SGD(param_groups, lr=lr)
    if kind in ("momentum", "nesterov"):
        return torch.optim.SGD(param_groups, lr=lr, momentum=settings["momentum"],
                               nesterov=kind == "nesterov" or settings["nesterov"])
    if kind == "adagrad":
        return torch.optim.Adagrad(param_groups, lr=lr, eps=eps)
    if kind == "rmsprop":
        return torch.optim.RMSprop(param_groups, lr=lr, alpha=settings["alpha"], eps=eps)
    if kind == "adam":
        return torch.optim.Adam(param_groups, lr=lr, betas=betas, eps=eps)
    if kind == "adamw":
        return torch.optim.AdamW(param_groups, lr=lr, betas=betas, eps=eps)
    raise SystemExit(f"unknown optimizer {kind!r}")


def scheduled_learning_rate(schedule, base, epoch):
    """The learning rate of (0-based) epoch: wasmgrad's closed forms (engine/optim/schedule.cpp)."""
    warmup = schedule["warmupEpochs"]
    if epoch < warmup:
        return base * (epoch + 1) / warmup
    e, kind = epoch - warmup, schedule["type"]
    if kind == "step":
        return base * schedule["gamma"] ** (e // schedule["stepSize"])
    if kind == "exponential":
        return base * schedule["gamma"] ** e
    if kind == "cosine":
        length = schedule["totalEpochs"] - warmup
        return schedule["minLr"] + (base - schedule["minLr"]) * (1 + math.cos(math.pi * min(e, length) / length)) / 2
    return base


# ---- processes -----------------------------------------------------------------------------------

def is_loopback(address):
    """True for 127.x.x.x, ::1 and "localhost", decided without asking a resolver."""
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def loopback_interface():
    """The loopback interface's name ("lo" on Linux, "lo0" on macOS), or None."""
    try:
        names = [name for _, name in socket.if_nameindex()]
    except OSError:
        return None
    return "lo" if "lo" in names else next((name for name in names if name.startswith("lo")), None)


def start_processes(timeout):
    """Joins the job torchrun (or the variables MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK) describes.
    gloo otherwise listens on the address the host name resolves to, which on some machines (CI
    containers, stale /etc/hosts entries) is unreachable, and the ranks then wait for each other
    silently: when every process is on this machine it is told to use the loopback interface."""
    cuda = torch.cuda.is_available()
    if cuda and int(os.environ.get("LOCAL_RANK", "0")) >= torch.cuda.device_count():
        raise SystemExit(f"LOCAL_RANK {os.environ['LOCAL_RANK']} but this machine shows {torch.cuda.device_count()} "
                         "GPU(s): start at most one process per GPU, or CUDA_VISIBLE_DEVICES= to train on CPUs")
    if not cuda and "GLOO_SOCKET_IFNAME" not in os.environ and is_loopback(os.environ.get("MASTER_ADDR", "")):
        interface = loopback_interface()
        if interface:
            os.environ["GLOO_SOCKET_IFNAME"] = interface
    try:
        dist.init_process_group(backend="nccl" if cuda else "gloo", timeout=datetime.timedelta(seconds=timeout))
    except RuntimeError as error:  # torch reports a rendezvous that timed out as a RuntimeError
        raise SystemExit(f"rank {os.environ.get('RANK')}: the {os.environ.get('WORLD_SIZE')} processes did not all meet "
                         f"at {os.environ.get('MASTER_ADDR')}:{os.environ.get('MASTER_PORT')} within {timeout} s "
                         f"(--timeout): {error}")


# ---- the trainer ---------------------------------------------------------------------------------

class Trainer:
    """Runs epochs on one process or as one rank of a DistributedDataParallel job."""

    def __init__(self, net, train_set, validation_set, validation_name, settings, args):
        self.settings, self.args = settings, args
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.distributed = self.world > 1
        local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        self.device = torch.device(f"cuda:{local_rank}" if torch.cuda.is_available() else "cpu")
        if self.distributed:
            start_processes(args.timeout)
        torch.manual_seed(settings["seed"] + self.rank)  # dropout draws differ per rank
        self.generator = torch.Generator().manual_seed(settings["seed"] * 1000 + self.rank)  # augmentation
        if self.distributed and torch.cuda.is_available():
            # Batch norm over the whole step's batch, as in wasmgrad (CUDA only; on CPUs each
            # process normalises over its own share of the batch).
            net = torch.nn.SyncBatchNorm.convert_sync_batchnorm(net)
        self.net = net.to(self.device)
        self.model = DistributedDataParallel(self.net, device_ids=[local_rank] if torch.cuda.is_available() else None) \
            if self.distributed else self.net
        self.optimizer = get_optimizer(self.net, settings)
        per_rank_batch = math.ceil(settings["batchSize"] / self.world)
        # Every rank gets the same number of samples (the sampler repeats a few to pad), so the same
        # number of steps: DistributedDataParallel needs every rank in every step's all-reduce.
        self.sampler = DistributedSampler(train_set, num_replicas=self.world, rank=self.rank, shuffle=True,
                                          seed=settings["seed"]) if self.distributed else None
        per_rank_samples = len(self.sampler) if self.sampler is not None else len(train_set)
        # PyTorch's batch norm refuses to train on a batch of one sample per channel ([N, F] inputs):
        # such a last batch is dropped, the same on every rank, rather than stopping this rank alone.
        drop_last = per_rank_samples % per_rank_batch == 1 and per_rank_samples > 1 and any(
            isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in self.net.modules())
        self.train_loader = DataLoader(train_set, batch_size=per_rank_batch, shuffle=self.sampler is None,
                                       sampler=self.sampler, num_workers=args.workers, drop_last=drop_last,
                                       generator=torch.Generator().manual_seed(settings["seed"]))
        # Each rank validates its share (every world-th sample), and the counts are summed.
        shard = torch.utils.data.Subset(validation_set, range(self.rank, len(validation_set), self.world)) \
            if self.distributed else validation_set
        self.validation_loader = DataLoader(shard, batch_size=256, num_workers=args.workers)
        self.validation_name = validation_name
        self.augmenting = any(settings["augment"][key] for key in ("maxShift", "maxRotation", "noise"))

    def log(self, text):
        if self.rank == 0:
            print(text, flush=True)

    def train_epoch(self, epoch):
        self.model.train()
        for group in self.optimizer.param_groups:
            group["lr"] = group["lr_multiplier"] * scheduled_learning_rate(
                self.settings["schedule"], self.settings["learningRate"], epoch)
        if self.sampler is not None:
            self.sampler.set_epoch(epoch)
        # loss * samples, correct, samples; on the device, which NCCL's all_reduce needs
        totals = torch.zeros(3, dtype=torch.float64, device=self.device)
        parameters = [p for p in self.net.parameters()]
        report_every = max(1, len(self.train_loader) // 10)
        for batch, (images, labels) in enumerate(self.train_loader, start=1):
            images, labels = images.to(self.device), labels.to(self.device)
            if self.augmenting and images.dim() == 4:
                images = augment(images, self.settings["augment"], self.generator)
            outputs = self.model(images)
            loss = data_loss(outputs, labels, self.settings["loss"])
            self.optimizer.zero_grad()
            (loss + penalty(self.net, self.settings)).backward()
            if self.settings["clipGradValue"] > 0:
                torch.nn.utils.clip_grad_value_(parameters, self.settings["clipGradValue"])
            max_norm = self.settings["clipGradNorm"] if self.settings["clipGradNorm"] > 0 else math.inf
            norm = torch.nn.utils.clip_grad_norm_(parameters, max_norm)
            if not self.all_finite(loss.item(), norm.item()):
                raise SystemExit("training diverged: the loss or a gradient became NaN/Inf (that step was not "
                                 "applied). Try a smaller learning rate or gradient clipping.")
            self.optimizer.step()
            totals += torch.tensor([loss.item() * len(labels),
                                    (outputs.reshape(len(labels), -1).argmax(1) == labels).sum().item(), len(labels)],
                                   dtype=torch.float64, device=self.device)
            if batch % report_every == 0 and batch < len(self.train_loader):
                self.log(f"  batch {batch}/{len(self.train_loader)}: loss {totals[0].item() / totals[2].item():.4f} "
                         f"accuracy {100 * totals[1].item() / totals[2].item():.2f}%" + (" (rank 0's share)" if self.distributed else ""))
        if self.distributed:
            dist.all_reduce(totals)
        return totals[0].item() / totals[2].item(), totals[1].item() / totals[2].item()

    def all_finite(self, *values):
        """Whether every rank's values are finite. Decided together, so that when one rank's loss
        diverges every rank stops, rather than the others waiting for it in the next all-reduce."""
        finite = all(math.isfinite(v) for v in values)
        if not self.distributed:
            return finite
        flag = torch.tensor([0.0 if finite else 1.0], device=self.device)
        dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        return flag.item() == 0.0

    @torch.no_grad()
    def validate(self):
        """(loss, accuracy, correct, samples) of the unwrapped model on the validation set, every rank
        taking its share; with rank 0's batch-norm statistics, so the figures are those of the
        weights rank 0 saves (each rank's statistics follow its own last batch)."""
        if self.distributed:
            for buffer in self.net.buffers():
                dist.broadcast(buffer, src=0)
        self.net.eval()
        sums = torch.zeros(3, dtype=torch.float64, device=self.device)  # loss * samples, correct, samples
        for images, labels in self.validation_loader:
            images, labels = images.to(self.device), labels.to(self.device)
            outputs = self.net(images).reshape(len(labels), -1)
            sums += torch.tensor([data_loss(outputs, labels, self.settings["loss"]).item() * len(labels),
                                  (outputs.argmax(1) == labels).sum().item(), len(labels)],
                                 dtype=torch.float64, device=self.device)
        if self.distributed:
            dist.all_reduce(sums)
        loss_sum, correct, count = sums[0].item(), int(sums[1].item()), int(sums[2].item())
        return loss_sum / count, correct / count, correct, count

    def run_training_loop(self, epochs, start_epoch):
        best, waited, result = math.inf, 0, None
        for epoch in range(start_epoch, start_epoch + epochs):
            started = time.time()
            train_loss, train_accuracy = self.train_epoch(epoch)
            stop = torch.zeros(1, device=self.device)
            result = self.validate()
            if self.rank == 0:
                lr = scheduled_learning_rate(self.settings["schedule"], self.settings["learningRate"], epoch)
                self.log(f"epoch {epoch + 1} ({epoch - start_epoch + 1} of {epochs}): train loss {train_loss:.4f} "
                         f"accuracy {100 * train_accuracy:.2f}% | {self.validation_name} loss {result[0]:.4f} "
                         f"accuracy {100 * result[1]:.2f}% ({result[2]}/{result[3]}) | lr {lr:.6g} | "
                         f"{time.time() - started:.1f} s")
                patience = self.settings["earlyStoppingPatience"]
                best, waited = (result[0], 0) if result[0] < best else (best, waited + 1)
                if patience and waited >= patience:
                    self.log(f"early stopping: no {self.validation_name} loss improvement in {patience} epochs")
                    stop[0] = 1
            if self.distributed:
                dist.broadcast(stop, src=0)
            if stop[0]:
                break
        return result

    def close(self):
        """Leaves the job in an order that avoids a deadlock seen with torch 1.13: gloo's worker threads
        free a finished collective's tensors, which needs the GIL; DistributedDataParallel keeps the
        process group alive until Python exits, and destroying it then joins those threads while
        holding the GIL. A rank that exited within milliseconds of its last collective (rank 1, which
        has nothing to do after it) hung there in 5 of 30 two-process runs. So: a barrier (every
        rank done, nothing left in flight), then the wrapper and the group are released while
        Python still runs."""
        if self.distributed:
            dist.barrier()
            self.model = None
            gc.collect()
            dist.destroy_process_group()


def main():
    summary = __doc__.split("\n\n")[0].rstrip(".") + f": {SETTINGS_SOURCE}."
    parser = argparse.ArgumentParser(description=summary,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="a folder of IDX files or of images in class folders")
    parser.add_argument("--epochs", type=int, default=SETTINGS["epochs"], help="epochs to train (default: %(default)s)")
    parser.add_argument("--weights", default=str(HERE / "weights.safetensors"), help="weights to start from")
    parser.add_argument("--out", default=str(HERE / "weights.safetensors"), help="where rank 0 writes the weights")
    parser.add_argument("--start-epoch", type=int, default=START_EPOCH,
                        help="epochs already trained: where the learning-rate schedule continues (default: %(default)s)")
    parser.add_argument("--limit", type=int, help="train on the first N training samples only")
    parser.add_argument("--test-limit", type=int, help="validate on the first N samples only")
    parser.add_argument("--workers", type=int, default=0, help="DataLoader worker processes per rank")
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds the processes wait for each other (to meet, and in any one collective "
                             "operation) before stopping with an error (default: %(default)s)")
    args = parser.parse_args()
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    if not args.timeout > 0:
        parser.error("--timeout must be a number of seconds > 0")

    train_set, validation_set, validation_name = load_data(args.data, SETTINGS["seed"])
    train_set, validation_set = first(train_set, args.limit), first(validation_set, args.test_limit)
    net = exported.load(args.weights)
    trainer = Trainer(net, train_set, validation_set, validation_name, SETTINGS, args)
    trainer.log(f"training {len(train_set)} samples from {args.data} on {trainer.world} process"
                f"{'es' if trainer.world > 1 else ''} ({trainer.device}), {SETTINGS['optimizer']} "
                f"lr {SETTINGS['learningRate']:g}, batch {SETTINGS['batchSize']}, loss {SETTINGS['loss']}")
    result = trainer.run_training_loop(args.epochs, args.start_epoch)
    if trainer.rank == 0:
        exported.save(trainer.net.to("cpu"), args.out)
        loss, accuracy, correct, count = result
        print(f"saved {args.out} | {validation_name} accuracy {100 * accuracy:.2f}% ({correct}/{count}) "
              f"loss {loss:.4f}", flush=True)
    trainer.close()


if __name__ == "__main__":
    main()
