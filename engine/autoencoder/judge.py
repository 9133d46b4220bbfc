"""The judge: a digit classifier trained once, that says whether a reconstruction is still its digit."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import torch
from torch import nn

from engine.autoencoder.models import DigitJudge, adam, as_float, in_chunks
from engine.autoencoder.data import Cancelled, shuffled_batches
from engine.autoencoder.runs.checkpoint import Checkpoint, load_checkpoint, save_checkpoint

JUDGE_BATCH = 128
JUDGE_LR = 1e-3


@torch.no_grad()
def judge_predictions(judge: nn.Module, images: torch.Tensor) -> np.ndarray:
    """The digit the judge sees in each image (values in [0, 1], any (n, ...) shape of 784 pixels)."""
    judge.eval()
    return in_chunks(lambda x: judge(x).argmax(1).cpu(), images).numpy()


def train_judge(data, device, epochs: int, seed: int, cancel: threading.Event) -> nn.Module | None:
    torch.manual_seed(seed)
    judge = DigitJudge().to(device)
    optimizer = adam(judge, JUDGE_LR)
    generator = torch.Generator().manual_seed(seed)
    try:
        for _ in range(epochs):
            judge.train()
            for batch in shuffled_batches(len(data.train_x), JUDGE_BATCH, generator, device, cancel):
                loss = nn.functional.cross_entropy(judge(as_float(data.train_x[batch])), data.train_y[batch])
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
    except Cancelled:
        return None
    return judge


def ensure_judge(path: Path, data, device, epochs: int, seed: int, cancel: threading.Event):
    """(judge, its accuracy on the real test digits, whether it came from the cache).
    The judge is None when `cancel` was set while training it."""
    judge = DigitJudge().to(device)
    if path.exists():
        try:
            cached = load_checkpoint(path, "judge")
            judge.load_state_dict(cached.models["judge"])
            return judge, float(cached.scores["test_acc"]), True
        except Exception:  # a damaged cache is only a cache: train a new one over it
            pass
    judge = train_judge(data, device, epochs, seed, cancel)
    if judge is None:
        return None, 0.0, False
    test_x = as_float(data.test_x)
    acc = float((judge_predictions(judge, test_x) == data.test_y).mean())
    path.parent.mkdir(parents=True, exist_ok=True)
    save_checkpoint(Checkpoint("judge", {"judge": judge.state_dict()}, counters={"epoch": epochs},
                               scores={"test_acc": acc}), path)
    return judge, acc, False
