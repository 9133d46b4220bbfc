"""Training an autoencoder, the science only: one L1 step, one epoch, and the scoring of a model on
the test digits. It knows nothing of logging or saving: the training job (jobs/train/run.py) wraps
it with a run directory, evaluations and checkpoints."""

from __future__ import annotations

import math
import threading
from typing import Callable

import numpy as np
import torch

from bumptui.engine.autoencoder.data import Cancelled, NonFiniteLoss, log_every, shuffled_batches, steps_per_epoch
from bumptui.engine.autoencoder.models import EVAL_BATCH, adam, as_float, l1_loss

SNAPSHOT_SIZE = 2000
"""Test images whose latent codes are plotted each epoch."""


class TrainStep:
    """One training step of an autoencoder on a batch of uint8 images: the forward pass (under
    bfloat16 autocast for precision bf16), the L1 loss in float32, backward, the optimizer's step.
    Called with the images (uint8 pixels, or floats in [0, 1]) and a batch's indices into them;
    returns the loss as a 0-d tensor (no host sync; with graphs the next step overwrites it).

    graphs=True (the trainer's choice on CUDA): after WARMUP eager steps of a batch size, the whole
    step of that size is captured once in a CUDA graph and replayed, following PyTorch's whole-network
    capture recipe. A step of these small models is ~100 kernels whose launch from Python is most of
    its time on a GPU (BENCHMARKS: about 2.9 ms a step on an H200 eager, 0.5 ms replayed). The arithmetic is
    the same kernels on the same tensors; the optimizer must be capturable (models.adam with graphs). If a
    capture fails, the step stays eager from then on and `graph_error` says why."""

    WARMUP = 3

    @classmethod
    def for_model(cls, model, lr: float, precision: str) -> "TrainStep":
        """The trainer's step for a model on its device: CUDA graphs on CUDA, with the Adam they need."""
        graphs = next(model.parameters()).device.type == "cuda"
        return cls(model, adam(model, lr, graphs=graphs), precision, graphs)

    def __init__(self, model, optimizer, precision: str = "fp32", graphs: bool = False):
        self.model, self.optimizer, self.precision = model, optimizer, precision
        self.graphs = graphs
        self.graph_error: str | None = None
        self._eager_steps: dict[int, int] = {}
        self._captured: dict[int, tuple] = {}  # batch size -> (graph, static images, static loss, its grads)

    def _forward_backward(self, images) -> torch.Tensor:
        x = as_float(images) if images.dtype == torch.uint8 else images  # floats: already in [0, 1]
        with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=self.precision == "bf16",
                            cache_enabled=not self.graphs):
            out = self.model(x)
        loss = l1_loss(out.float(), x)
        loss.backward()
        self.optimizer.step()
        return loss.detach()

    def eager(self, images) -> torch.Tensor:
        self.optimizer.zero_grad(set_to_none=True)
        return self._forward_backward(images)

    def __call__(self, train_x: torch.Tensor, batch: torch.Tensor) -> torch.Tensor:
        if not self.graphs:
            return self.eager(train_x[batch])
        size = len(batch)
        if size in self._captured:
            graph, static_x, static_loss, _ = self._captured[size]
            torch.index_select(train_x, 0, batch, out=static_x)
            graph.replay()
            return static_loss
        if self.graph_error or self._eager_steps.get(size, 0) < self.WARMUP:
            self._eager_steps[size] = self._eager_steps.get(size, 0) + 1
            main, side = torch.cuda.current_stream(train_x.device), torch.cuda.Stream(train_x.device)
            side.wait_stream(main)  # eager steps before a capture run on a side stream, as the recipe asks
            with torch.cuda.stream(side):
                loss = self.eager(train_x[batch])
            main.wait_stream(side)
            return loss
        static_x = train_x[batch]  # a capture records the kernels without running them: replayed below
        try:
            graph = torch.cuda.CUDAGraph()
            self.optimizer.zero_grad(set_to_none=True)  # the graph's own gradients, allocated in its pool
            with torch.cuda.graph(graph):
                static_loss = self._forward_backward(static_x)
        except Exception as err:  # an op that cannot be captured on this GPU or torch: stay eager
            self.graph_error = f"{type(err).__name__}: {err}"
            return self.eager(train_x[batch])
        grads = [p.grad for p in self.model.parameters()]  # kept alive: every replay writes into them
        self._captured[size] = (graph, static_x, static_loss, grads)
        graph.replay()
        return static_loss


def train_epoch(step: TrainStep, train_x, batch_size, generator, cancel: threading.Event,
                on_step: Callable[[int, int, float], None]) -> float | None:
    """One pass over train_x in a fresh random order. Returns the mean batch loss, or None when
    `cancel` was set (checked before every batch). precision bf16 (the step's): the forward pass
    under bfloat16 autocast, the loss on its output in float32; weights, gradients and Adam's state
    stay float32."""
    step.model.train()
    steps = steps_per_epoch(len(train_x), batch_size)
    every = log_every(steps)
    total = torch.zeros((), device=train_x.device)
    try:
        for i, batch in enumerate(shuffled_batches(len(train_x), batch_size, generator, train_x.device, cancel), 1):
            loss = step(train_x, batch)
            total += loss
            if i % every == 0 or i == steps:
                value = loss.item()  # the only host sync, every `every` steps
                if not math.isfinite(value):
                    raise NonFiniteLoss(f"step {i}")
                on_step(i, steps, value)
    except Cancelled:
        return None
    mean = total.item() / steps
    if not math.isfinite(mean):
        raise NonFiniteLoss("the end of the epoch")
    return mean


@torch.no_grad()
def encode_and_score(model, test_x: torch.Tensor) -> tuple[float, np.ndarray, torch.Tensor]:
    """Test L1 of the clamped reconstructions, every latent code, and the reconstructions.
    NonFiniteLoss when a code is infinite or NaN (weights blown up: the reconstructions, clamped, can
    still score a finite loss), before anything is scored on them."""
    model.eval()
    total, codes, recons = 0.0, [], []
    for i in range(0, len(test_x), EVAL_BATCH):
        x = as_float(test_x[i:i + EVAL_BATCH])
        z = model.encode(x)
        r = model.decode(z).clamp(0, 1)
        total += l1_loss(r, x).item() * len(x)
        codes.append(z.float().cpu())
        recons.append(r)
    codes = torch.cat(codes)
    if not (torch.isfinite(codes).all() and math.isfinite(total)):
        raise NonFiniteLoss("its codes of the test digits")
    return total / len(test_x), codes.numpy(), torch.cat(recons)


def project_2d(codes: np.ndarray) -> tuple[np.ndarray, str]:
    if codes.shape[1] == 2:
        return codes, "latent"
    centred = codes - codes.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    axes = vt[:2] * np.sign(vt[:2, [0]] + 1e-12)  # fix each axis' sign so epochs do not flip
    return centred @ axes.T, "pca"
