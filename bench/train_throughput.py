"""Images per second of bumptui's trainer against the standard recipe, side by side in one run.

The recipe: torchvision.datasets.MNIST + transforms.ToTensor() + DataLoader(shuffle=True), feeding
the same model (the default MLP autoencoder), batch size and optimizer. Ours: the whole training
set as one uint8 tensor on the device, a permutation per epoch, normalised on the fly.
Ours is measured at fp32 and at bf16 (autocast, float32 weights), each beside the model alone on one
fixed batch at the same precision (the ceiling any data path can reach); the recipe stays fp32, the
way people write it. Then the full-dataset epoch time of the three default models at the default
precision. The last line is `ratio <ours at the default precision / recipe>`; the target on the
2-core CPU is >= 3, on a GPU >= 20; each precision's fraction of its ceiling targets >= 0.95.

    python bench/train_throughput.py [--device auto] [--steps 120]
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import threading
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.autoencoder.mnist import ASSETS_MNIST, FILES  # noqa: E402
from engine.autoencoder.models import l1_loss, make_autoencoder  # noqa: E402
from engine.autoencoder.data import DeviceData  # noqa: E402
from engine.autoencoder.training import TrainConfig, TrainStep, train_epoch  # noqa: E402

BATCH = 256
LATENT = 16


def sync(device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def recipe_images_per_s(device, steps: int) -> float:
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms

    with tempfile.TemporaryDirectory() as root:
        raw = Path(root) / "MNIST" / "raw"
        raw.mkdir(parents=True)
        for name in FILES:
            (raw / name).write_bytes(gzip.decompress((ASSETS_MNIST / f"{name}.gz").read_bytes()))
        dataset = datasets.MNIST(root, train=True, download=False, transform=transforms.ToTensor())
        loader = DataLoader(dataset, batch_size=BATCH, shuffle=True)
        torch.manual_seed(0)
        model = make_autoencoder("mlp", LATENT).to(device)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        seen, start = 0, None
        for i, (x, _) in enumerate(loader):
            if i == 5:  # warm-up batches excluded from both measurements
                sync(device)
                start, seen = time.perf_counter(), 0
            x = x.to(device).flatten(1)
            loss = l1_loss(model(x), x)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            seen += len(x)
            if i == steps + 5:
                break
        sync(device)
        return seen / (time.perf_counter() - start)


def trainer_step(latent: int, device, precision: str) -> TrainStep:
    """A fresh model's step as the trainer makes it on this device (a CUDA graph on CUDA)."""
    torch.manual_seed(0)
    model = make_autoencoder("mlp", latent).to(device)
    graphs = device.type == "cuda"
    return TrainStep(model, torch.optim.Adam(model.parameters(), lr=1e-3, capturable=graphs), precision, graphs)


def ours_images_per_s(data: DeviceData, device, steps: int, precision: str) -> float:
    step = trainer_step(LATENT, device, precision)
    subset = data.train_x[: (steps + 5) * BATCH]
    sub = DeviceData(subset, data.train_y[: len(subset)], data.test_x, data.test_y)
    warm = DeviceData(subset[: 5 * BATCH], sub.train_y, data.test_x, data.test_y)
    gen = torch.Generator().manual_seed(0)
    train_epoch(step, warm.train_x, BATCH, gen, threading.Event(), lambda *a: None)
    sync(device)
    start = time.perf_counter()
    train_epoch(step, sub.train_x[5 * BATCH:], BATCH, gen, threading.Event(), lambda *a: None)
    sync(device)
    return steps * BATCH / (time.perf_counter() - start)


def model_alone_images_per_s(device, steps: int, precision: str) -> float:
    """The same steps on one float batch that never changes: the ceiling that any data path can
    reach. On the CPU the step itself (no gather, no conversion); on CUDA the trainer's graph of it."""
    step = trainer_step(LATENT, device, precision)
    x = torch.rand(BATCH, 784, device=device)
    whole = torch.arange(BATCH, device=device)
    for i in range(steps + 5):
        if i == 5:
            sync(device)
            start = time.perf_counter()
        step(x, whole) if step.graphs else step.eager(x)
    sync(device)
    return steps * BATCH / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="auto")
    parser.add_argument("--steps", type=int, default=120)
    args = parser.parse_args()
    device = TrainConfig(device=args.device).torch_device()
    default = TrainConfig().resolved(device).precision
    data = DeviceData.load(device, None)
    recipe = recipe_images_per_s(device, args.steps)
    ours = {p: ours_images_per_s(data, device, args.steps, p) for p in ("fp32", "bf16")}
    ceiling = {p: model_alone_images_per_s(device, args.steps, p) for p in ("fp32", "bf16")}
    print(f"device {device} ({torch.cuda.get_device_name() if device.type == 'cuda' else f'{torch.get_num_threads()} CPU threads'}), "
          f"MLP latent {LATENT}, batch {BATCH}, Adam, {args.steps} steps each; default precision here: {default}")
    print(f"standard recipe (MNIST + ToTensor + DataLoader, fp32): {recipe:,.0f} images/s")
    for p in ("fp32", "bf16"):
        print(f"bumptui trainer, {p}: {ours[p]:,.0f} images/s; the model alone on one fixed batch, {p}: "
              f"{ceiling[p]:,.0f} images/s (fraction {ours[p] / ceiling[p]:.2f}, target >= 0.95)")
    for d in (2, 16, 256):
        step = trainer_step(d, device, default)
        sync(device)
        start = time.perf_counter()
        train_epoch(step, data.train_x, BATCH, torch.Generator().manual_seed(0), threading.Event(), lambda *a: None)
        sync(device)
        print(f"full epoch, 60,000 images, latent {d:>3}, {default}: {time.perf_counter() - start:.2f} s")
    print(f"ratio {ours[default] / recipe:.2f}")


if __name__ == "__main__":
    main()
