"""Codes worth clustering after a short run (issue 25): train one latent-16 autoencoder with a
candidate recipe, then score its codes of the 10,000 test digits as the cluster job does (UMAP to 10
dimensions, 20 neighbours, min_dist 0, a Gaussian mixture of 10 starts; matched accuracy), and its
test L1. The baseline is the trainer's own recipe (the MLP, Adam at 1e-3, batch 256, the default
precision); each flag changes one thing.

    .venv/bin/python bench/early_codes.py --seed 0                       # today's default
    .venv/bin/python bench/early_codes.py --noise 0.3 --seed 0           # a denoising autoencoder
    .venv/bin/python bench/early_codes.py --arch dec --seed 0            # DEC/IDEC/N2D's 784-500-500-2000-d

Prints one JSON line per run (and per --score-at epoch), for RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import math
import time

import numpy as np
import torch

from bumptui.engine.autoencoder.clustering.manifold import cluster_embedding, umap_embedding
from bumptui.engine.autoencoder.clustering.scores import agreement
from bumptui.engine.autoencoder.mnist import PIXELS, load_mnist
from bumptui.engine.autoencoder.models import DecAutoencoder as BuiltinDec
from bumptui.engine.autoencoder.models import MlpAutoencoder, adam, as_float, l1_loss
from bumptui.engine.autoencoder.settings import resolved_precision
from bumptui.engine.autoencoder.training import encode_and_score


class DecAutoencoder(MlpAutoencoder):
    """The clustering papers' autoencoder (DEC, IDEC, N2D): 784-500-500-2000-d and mirrored, ReLU,
    a linear code; with the lab's batch norm after each hidden layer, as its MLP has."""

    WIDTHS = (500, 500, 2000)


NarrowDecAutoencoder = BuiltinDec
"""DEC's shape with its widest layer halved, 784-500-500-1000-d: since this study, the trainer's
default (`--arch dec`, models.DecAutoencoder; built layer by layer as it was here, so a seed gives
the same weights)."""


def lr_factor(schedule: str, step: int, total: int, warmup: int) -> float:
    """The share of the peak rate at a step (0-based) of `total`."""
    if schedule == "constant":
        return 1.0
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    if schedule == "cosine":
        return 0.5 * (1 + math.cos(math.pi * progress))
    if schedule == "linear":
        return 1.0 - progress
    raise ValueError(schedule)


def shifted(x: torch.Tensor, max_shift: int, generator: torch.Generator) -> torch.Tensor:
    """Each image moved by up to max_shift pixels in x and in y (zeros come in at the edges)."""
    n = len(x)
    images = x.reshape(n, 28, 28)
    dx = torch.randint(-max_shift, max_shift + 1, (n,), generator=generator)
    dy = torch.randint(-max_shift, max_shift + 1, (n,), generator=generator)
    out = torch.zeros_like(images)
    for sx in range(-max_shift, max_shift + 1):
        for sy in range(-max_shift, max_shift + 1):
            sel = (dx == sx) & (dy == sy)
            if not sel.any():
                continue
            src = images[sel]
            rolled = torch.roll(src, shifts=(sy, sx), dims=(1, 2))
            if sy > 0:
                rolled[:, :sy] = 0
            elif sy < 0:
                rolled[:, sy:] = 0
            if sx > 0:
                rolled[:, :, :sx] = 0
            elif sx < 0:
                rolled[:, :, sx:] = 0
            out[sel] = rolled
    return out.reshape(x.shape)


def umap_gmm_acc(codes: np.ndarray, labels: np.ndarray, seed: int) -> float:
    embedding = umap_embedding(codes, seed, 10, 20, 0.0)
    return agreement(labels, cluster_embedding(embedding, "gmm", seed)).acc


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--arch", choices=["mlp", "dec", "dec1000"], default="mlp")
    p.add_argument("--latent", type=int, default=16)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=1e-3, help="the (peak) learning rate")
    p.add_argument("--schedule", choices=["constant", "cosine", "linear"], default="constant")
    p.add_argument("--warmup", type=float, default=0.0, help="warm-up, in epochs")
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--noise", type=float, default=0.0, help="Gaussian noise on the encoder's input (clean target)")
    p.add_argument("--dropout", type=float, default=0.0, help="masking noise: this share of input pixels set to 0")
    p.add_argument("--shift", type=int, default=0, help="shift the input by up to this many pixels")
    p.add_argument("--shift-target", action="store_true", help="the target is the shifted image too")
    p.add_argument("--precision", default="auto")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--score-at", type=int, nargs="*", default=[], help="also score after these epochs")
    p.add_argument("--label", default="")
    p.add_argument("--subset", type=int, default=None, help="train on the first N training images")
    p.add_argument("--test", type=int, default=None, help="score the first N test digits")
    args = p.parse_args()

    torch.manual_seed(args.seed * 1000 + args.latent)  # the trainer's model_seed
    data = load_mnist()
    train_x = torch.from_numpy(data.train_images.reshape(-1, PIXELS))[:args.subset]
    test_x = torch.from_numpy(data.test_images.reshape(-1, PIXELS))[:args.test]
    test_labels = data.test_labels[:args.test]
    model = {"mlp": MlpAutoencoder, "dec": DecAutoencoder, "dec1000": NarrowDecAutoencoder}[args.arch](args.latent)
    optimizer = adam(model, args.lr)
    if args.weight_decay:
        optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    precision = resolved_precision(args.precision, torch.device("cpu"))
    generator = torch.Generator().manual_seed(args.seed * 1000 + args.latent)
    steps_per_epoch = math.ceil(len(train_x) / args.batch)
    total, warmup = steps_per_epoch * args.epochs, int(args.warmup * steps_per_epoch)
    step, started = 0, time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        perm = torch.randperm(len(train_x), generator=generator)
        for i in range(0, len(train_x), args.batch):
            x = as_float(train_x[perm[i:i + args.batch]])
            target = x
            seen = x
            if args.shift:
                seen = shifted(x, args.shift, generator)
                if args.shift_target:
                    target = seen
            if args.noise:
                seen = (seen + args.noise * torch.randn(seen.shape, generator=generator)).clamp(0, 1)
            if args.dropout:
                seen = seen * (torch.rand(seen.shape, generator=generator) >= args.dropout)
            for group in optimizer.param_groups:
                group["lr"] = args.lr * lr_factor(args.schedule, step, total, warmup)
            optimizer.zero_grad(set_to_none=True)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"):
                out = model(seen)
            loss = l1_loss(out.float(), target)
            loss.backward()
            optimizer.step()
            step += 1
        if epoch in args.score_at or epoch == args.epochs:
            train_s = time.perf_counter() - started
            test_l1, codes, _ = encode_and_score(model, test_x)
            t0 = time.perf_counter()
            acc = umap_gmm_acc(codes, test_labels, args.seed)
            print(json.dumps({"label": args.label, **{k: v for k, v in vars(args).items() if k not in ("score_at", "label")},
                              "at_epoch": epoch, "test_l1": round(test_l1, 5), "umap_gmm_acc": round(acc, 4),
                              "train_s": round(train_s, 1), "score_s": round(time.perf_counter() - t0, 1),
                              "precision_used": precision}), flush=True)


if __name__ == "__main__":
    main()
