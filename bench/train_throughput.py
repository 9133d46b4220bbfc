"""Images per second of bumptui's trainer against the standard recipe, side by side in one run.

The recipe: torchvision.datasets.MNIST + transforms.ToTensor() + DataLoader(shuffle=True), feeding
the same model (the default autoencoder, or --arch), batch size and optimizer. Ours: the whole training
set as one uint8 tensor on the device, a permutation per epoch, normalised on the fly.
Ours is measured at fp32 and at bf16 (autocast, float32 weights), each beside the model alone on one
fixed batch at the same precision (the ceiling any data path can reach); the recipe stays fp32 with
PyTorch's default Adam, the way people write it, and ours is also shown with that Adam (ours is
fused on the CPU, capturable for CUDA graphs on a GPU: models.adam). Every measurement is taken in
each of --rounds rounds, one after the other within a round, and the median of the rounds is
printed, so that a burst of load on a shared machine moves one round, not the figure. Then the
full-dataset epoch time of the three default models at the default precision. The last line is
`ratio <ours at the default precision / recipe>`; the target on the 2-core CPU is >= 3, on a GPU
>= 20; each precision's fraction of its ceiling targets >= 0.95.

    python bench/train_throughput.py [--device auto] [--arch dec|mlp|conv] [--steps 120] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import gzip
import sys
import tempfile
import threading
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bumptui.engine.autoencoder.mnist import FILES, shipped_mnist  # noqa: E402
from bumptui.engine.autoencoder.models import l1_loss, make_autoencoder  # noqa: E402
from bumptui.engine.autoencoder.data import DeviceData  # noqa: E402
from bumptui.engine.autoencoder.jobs.train.config import TrainConfig  # noqa: E402
from bumptui.engine.autoencoder.training import TrainStep, train_epoch  # noqa: E402

BATCH = 256
LATENT = 16


def sync(device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def timed(device, work) -> float:
    sync(device)
    start = time.perf_counter()
    work()
    sync(device)
    return time.perf_counter() - start


def recipe(device, arch: str, steps: int, root: str):
    """The standard recipe, set up and warmed: a callable that runs `steps` batches and returns images/s."""
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms

    raw = Path(root) / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in FILES:
        (raw / name).write_bytes(gzip.decompress((shipped_mnist() / f"{name}.gz").read_bytes()))
    dataset = datasets.MNIST(root, train=True, download=False, transform=transforms.ToTensor())
    loader = DataLoader(dataset, batch_size=BATCH, shuffle=True)
    torch.manual_seed(0)
    model = make_autoencoder(arch, LATENT).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=TrainConfig(arch=arch).rate)

    def run(n: int) -> None:
        for i, (x, _) in enumerate(loader):
            x = x.to(device).flatten(1)
            loss = l1_loss(model(x), x)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if i + 1 == n:
                break

    run(5)  # warm-up
    return lambda: steps * BATCH / timed(device, lambda: run(steps))


def trainer_step(arch: str, latent: int, device, precision: str, optimizer: str = "ours") -> TrainStep:
    """A fresh model's step as the trainer makes it on this device (a CUDA graph on CUDA);
    optimizer "default": PyTorch's default Adam instead of the trainer's (CPU only)."""
    torch.manual_seed(0)
    model = make_autoencoder(arch, latent).to(device)
    rate = TrainConfig(arch=arch).rate
    if optimizer == "ours":
        return TrainStep.for_model(model, rate, precision)
    return TrainStep(model, torch.optim.Adam(model.parameters(), lr=rate), precision)


def ours(arch: str, data: DeviceData, device, steps: int, precision: str, optimizer: str = "ours"):
    """Our trainer, warmed (on CUDA: its graphs captured): a callable that trains one epoch of
    `steps` batches and returns images/s."""
    step = trainer_step(arch, LATENT, device, precision, optimizer)
    subset = data.train_x[: steps * BATCH]
    gen = torch.Generator().manual_seed(0)
    train_epoch(step, subset[: 5 * BATCH], BATCH, gen, threading.Event(), lambda *a: None)
    return lambda: steps * BATCH / timed(device, lambda: train_epoch(step, subset, BATCH, gen, threading.Event(),
                                                                     lambda *a: None))


def model_alone(arch: str, device, steps: int, precision: str):
    """The same steps on one float batch that never changes: the ceiling that any data path can
    reach. On the CPU the step itself (no gather, no conversion); on CUDA the trainer's graph of it."""
    step = trainer_step(arch, LATENT, device, precision)
    x = torch.rand(BATCH, 784, device=device)
    whole = torch.arange(BATCH, device=device)

    def run(n: int) -> None:
        for _ in range(n):
            step(x, whole) if step.graphs else step.eager(x)

    run(5)
    return lambda: steps * BATCH / timed(device, lambda: run(steps))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="auto")
    parser.add_argument("--arch", default=TrainConfig().arch, help="a built-in autoencoder (default: the trainer's)")
    parser.add_argument("--steps", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    device = TrainConfig(device=args.device).torch_device()
    default = TrainConfig().resolved(device).precision
    data = DeviceData.load(device, None)
    with tempfile.TemporaryDirectory() as root:
        measures = {"recipe": recipe(device, args.arch, args.steps, root)}
        for p in ("fp32", "bf16"):
            measures[f"ours {p}"] = ours(args.arch, data, device, args.steps, p)
            measures[f"alone {p}"] = model_alone(args.arch, device, args.steps, p)
        if device.type == "cpu":
            measures["ours default-adam"] = ours(args.arch, data, device, args.steps, default, "default")
        rounds = {name: [] for name in measures}
        for _ in range(args.rounds):
            for name, measure in measures.items():
                rounds[name].append(measure())
    rate = {name: statistics.median(values) for name, values in rounds.items()}

    def spread(name: str) -> str:
        return "/".join(f"{v / 1000:,.1f}k" for v in rounds[name])

    print(f"device {device} ({torch.cuda.get_device_name() if device.type == 'cuda' else f'{torch.get_num_threads()} CPU threads'}), "
          f"{args.arch} latent {LATENT}, batch {BATCH}, {args.steps} steps each, median of {args.rounds} rounds "
          f"(the rounds in brackets); default precision here: {default}")
    print(f"standard recipe (MNIST + ToTensor + DataLoader, fp32, PyTorch's Adam): {rate['recipe']:,.0f} images/s "
          f"[{spread('recipe')}]")
    for p in ("fp32", "bf16"):
        print(f"bumptui trainer, {p}: {rate[f'ours {p}']:,.0f} images/s [{spread(f'ours {p}')}]; the model alone on one "
              f"fixed batch, {p}: {rate[f'alone {p}']:,.0f} images/s [{spread(f'alone {p}')}] "
              f"(fraction {rate[f'ours {p}'] / rate[f'alone {p}']:.2f}, target >= 0.95)")
    if "ours default-adam" in rate:
        print(f"bumptui trainer, {default}, with PyTorch's default Adam instead of the fused one: "
              f"{rate['ours default-adam']:,.0f} images/s [{spread('ours default-adam')}] "
              f"(ratio {rate['ours default-adam'] / rate['recipe']:.2f})")
    for d in (2, 16, 256):
        step = trainer_step(args.arch, d, device, default)
        seconds = timed(device, lambda: train_epoch(step, data.train_x, BATCH, torch.Generator().manual_seed(0),
                                                    threading.Event(), lambda *a: None))
        print(f"full epoch, 60,000 images, latent {d:>3}, {default}: {seconds:.2f} s")
    print(f"ratio {rate[f'ours {default}'] / rate['recipe']:.2f}")


if __name__ == "__main__":
    main()
