"""MNIST on the training device, and the one shuffled batch loop every network here trains with."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
import torch

from bumptui.engine.autoencoder.mnist import PIXELS, load_mnist

DIGITS_SHOWN_PER_CLASS = 2
"""Test digits of each class whose reconstructions are shown and logged after every evaluation."""
STEP_EVENTS_PER_EPOCH = 20
"""How many times an epoch's batch losses are logged: enough for a smooth curve, few device syncs."""


class Cancelled(Exception):
    """The user asked to stop; raised between two batches."""


class NonFiniteLoss(Exception):
    """A loss became infinite or NaN; the message says where."""


@dataclass
class DeviceData:
    """All images as one uint8 tensor per split on the training device, (n, 784)."""

    train_x: torch.Tensor
    train_y: torch.Tensor
    test_x: torch.Tensor
    test_y: np.ndarray

    @classmethod
    def load(cls, device: torch.device, subset: int | None, data_dir=None) -> "DeviceData":
        data = load_mnist(data_dir)
        n_train = subset or len(data.train_images)
        n_test = min(n_train, len(data.test_images))
        return cls(
            torch.from_numpy(data.train_images[:n_train].reshape(n_train, PIXELS).copy()).to(device),
            torch.from_numpy(data.train_labels[:n_train].astype(np.int64)).to(device),
            torch.from_numpy(data.test_images[:n_test].reshape(n_test, PIXELS).copy()).to(device),
            data.test_labels[:n_test].astype(np.int64),
        )


def steps_per_epoch(n: int, batch_size: int) -> int:
    return math.ceil(n / batch_size)


def log_every(steps: int) -> int:
    """Batches between two logged losses in an epoch of `steps` batches."""
    return max(1, steps // STEP_EVENTS_PER_EPOCH)


def shuffled_batches(n: int, batch_size: int, generator: torch.Generator, device,
                     cancel: threading.Event | None = None):
    """The indices of each batch of one pass over n items in a fresh order drawn from `generator`
    (on the CPU, so seeded runs agree across devices); raises Cancelled before a batch once
    `cancel` is set."""
    perm = torch.randperm(n, generator=generator).to(device)
    for i in range(0, n, batch_size):
        if cancel is not None and cancel.is_set():
            raise Cancelled
        yield perm[i:i + batch_size]


def shown_digits(labels: np.ndarray) -> np.ndarray:
    """The first DIGITS_SHOWN_PER_CLASS test images of each digit, in digit order."""
    return np.concatenate([np.flatnonzero(labels == d)[:DIGITS_SHOWN_PER_CLASS] for d in range(10)])
