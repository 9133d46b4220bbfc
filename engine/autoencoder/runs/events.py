"""What a training run reports, one frozen dataclass per fact.

The trainer hands each event to a callback; the run directory stores each as one JSON line of
metrics.jsonl with its type under "event", so a reader in another process rebuilds the same
objects with `from_record`. Events are keyed by (latent, epoch[, step]): after a resume the
redone epoch's events appear again with the same values, and the last one read wins.
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, fields

import numpy as np

from engine.autoencoder.mnist import SIDE


@dataclass(frozen=True)
class RunStarted:
    run_dir: str
    config: dict
    device: str
    resumed_epochs: dict
    """Per latent dim (as a string), the epochs already done when this process started."""
    stale_lock_pid: int | None = None
    """A dead process whose lock was found and removed."""


@dataclass(frozen=True)
class JudgeReady:
    test_acc: float
    cached: bool
    path: str


@dataclass(frozen=True)
class StepLoss:
    latent: int
    epoch: int
    step: int
    steps_per_epoch: int
    loss: float
    """The L1 loss of this training batch."""


@dataclass(frozen=True)
class EpochEnd:
    latent: int
    epoch: int
    train_l1: float
    """Mean of the batch losses over the epoch."""
    test_l1: float
    seconds: float
    images_per_s: float


@dataclass(frozen=True)
class LatentSnapshot:
    latent: int
    epoch: int
    xy: list
    """(n, 2) coordinates of the fixed test sample: the code itself for latent 2, else its PCA."""
    labels: list
    projection: str
    """"latent" or "pca"."""


@dataclass(frozen=True)
class ClusterScores:
    latent: int | None
    """None for the raw-pixel baseline."""
    epoch: int
    purity: float
    nmi: float
    ari: float
    acc: float
    contingency: list
    """contingency[cluster][digit]: how many test images of that digit fell in that cluster."""
    scaling: str
    """How the codes were scaled before k-means: none, standard or unit."""


@dataclass(frozen=True)
class Reconstructions:
    latent: int
    epoch: int
    labels: list
    originals: str
    """The fixed test digits, uint8 (n, 28, 28), base64; see `decode_images`."""
    images: str
    """Their reconstructions, clamped to [0, 1] and scaled to uint8, same layout."""
    judged: list
    """The digit the judge sees in each reconstruction."""
    judge_acc: float | None
    """The judge's accuracy on the reconstructions of every test image (None between evaluations)."""


@dataclass(frozen=True)
class SharpenStarted:
    """A sharpening run of a training run's models (its record lives in <run>/sharpen)."""

    run_dir: str
    config: dict
    device: str
    resumed_epochs: dict
    """Per "s<strategy>-<latent>", the epochs already done when this process started."""
    plain_epochs: dict
    """Per latent dim (as a string), the epochs of plain training behind model (a)."""
    stale_lock_pid: int | None = None


@dataclass(frozen=True)
class DisReady:
    """The dis_net that scores every model: trained on clear vs blurred training digits only."""

    held_out_acc: float
    """Accuracy on held-out clear test digits and blurred copies of them."""
    cached: bool


@dataclass(frozen=True)
class SharpenStep:
    latent: int
    strategy: int
    epoch: int
    step: int
    steps_per_epoch: int
    d_loss: float | None
    """D's binary cross entropy, averaged over the batches since the previous SharpenStep (None for
    strategy 0, the L1-only control, where D is not trained)."""
    d_acc: float | None
    """D's accuracy on the images of its own updates (clear vs blurred, and reconstructions for strategy 1)."""
    g_l1: float
    g_adv: float
    """G's adversarial loss, BCE(D(G(x)), clear): low when D takes the reconstructions for clear."""


@dataclass(frozen=True)
class SharpenScores:
    """One model's reconstructions of the same test digits, scored; epoch 0 of model "a" is the plain one."""

    latent: int
    model: str
    """"a" (plain L1, the run's model), "s0" (it, trained on with L1 alone as long as the others: the
    control), "s1" or "s2" (sharpened with strategy 1 or 2)."""
    epoch: int
    test_l1: float
    clear_score: float
    """dis_net's mean probability that the reconstructions are clear."""
    sharpness: float
    """Mean Sobel magnitude of the reconstructions over the originals' (1.0 = as sharp as the data)."""
    judge_acc: float
    labels: list
    originals: str
    images: str
    """The reconstructions of the shown digits, uint8 base64 as in Reconstructions."""
    judged: list


@dataclass(frozen=True)
class ClusterStarted:
    """A clustering of a training run's models (its record lives in <run>/cluster)."""

    run_dir: str
    config: dict
    device: str
    resumed_epochs: dict
    """Per latent dim (as a string), IDEC's epochs already done when this process started."""
    scorings: int
    """How many k-means and UMAP clusterings (method x features x seed) the run does in all."""
    stale_lock_pid: int | None = None


@dataclass(frozen=True)
class MethodScores:
    """One clustering of the test digits, scored against their labels."""

    method: str
    """kmeans, umap or idec."""
    features: str
    """What was clustered: "latent-<d>" (a model's codes), "pixels" or "pca-50" (of the raw pixels)."""
    latent: int | None
    """The model whose codes were clustered; None for the raw-pixel baselines."""
    seed: int
    epoch: int
    """IDEC's epochs of fine-tuning (0: the k-means start); 0 for the other methods."""
    purity: float
    nmi: float
    ari: float
    acc: float
    contingency: list
    """contingency[cluster][digit], as in ClusterScores."""
    seconds: float
    """How long the clustering took (for IDEC: the epoch's fine-tuning and scoring)."""


@dataclass(frozen=True)
class IdecStep:
    latent: int
    epoch: int
    step: int
    steps_per_epoch: int
    l1: float
    """The reconstruction loss of this batch."""
    kl: float
    """KL(P || Q), the clustering loss of this batch."""
    changed: float | None
    """The share of training images whose cluster moved at the last target refresh (None before the second)."""


@dataclass(frozen=True)
class Done:
    summary: dict


@dataclass(frozen=True)
class Stopped:
    reason: str


@dataclass(frozen=True)
class Failed:
    message: str


EVENTS = {cls.__name__: cls for cls in (RunStarted, JudgeReady, StepLoss, EpochEnd, LatentSnapshot,
                                        ClusterScores, Reconstructions, SharpenStarted, DisReady, SharpenStep,
                                        SharpenScores, ClusterStarted, MethodScores, IdecStep, Done, Stopped,
                                        Failed)}


def to_record(event) -> dict:
    return {"event": type(event).__name__, **asdict(event)}


def from_record(record: dict):
    cls = EVENTS[record["event"]]
    return cls(**{f.name: record[f.name] for f in fields(cls)})


def encode_images(images: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(images, dtype=np.uint8).tobytes()).decode("ascii")


def decode_images(data: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(data), dtype=np.uint8).reshape(-1, SIDE, SIDE)
