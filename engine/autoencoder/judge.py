"""The judge: a digit classifier trained once, that says whether a reconstruction is still its digit."""

from __future__ import annotations

import threading

import numpy as np
import torch
from torch import nn

from bumptui.engine.autoencoder.models import DigitJudge, adam, as_float, in_chunks
from bumptui.engine.autoencoder.data import Cancelled, shuffled_batches

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
