"""What a training run reports (its record is the run directory itself): see runs/events.py."""

from __future__ import annotations

from dataclasses import field

from bumptui.engine.autoencoder.runs.events import JobStarted, event


@event
class RunStarted(JobStarted):
    """A training run started or resumed; resumed_epochs per latent dim (as a string)."""


@event
class JudgeReady:
    test_acc: float
    cached: bool
    path: str


@event
class StepLoss:
    latent: int
    epoch: int
    step: int
    steps_per_epoch: int
    loss: float
    """The L1 loss of this training batch."""


@event
class EpochEnd:
    latent: int
    epoch: int
    train_l1: float
    """Mean of the batch losses over the epoch."""
    test_l1: float
    seconds: float
    images_per_s: float


@event
class LatentSnapshot:
    latent: int
    epoch: int
    xy: list = field(default_factory=list)
    """(n, 2) coordinates of the fixed test sample: the code itself for latent 2, else its PCA. Empty
    in the log when `file` holds them (jobs/train/pictures.py)."""
    labels: list = field(default_factory=list)
    projection: str = "latent"
    """"latent" or "pca"."""
    file: str = ""
    """The picture file (relative to the run) that holds xy and labels; "" when they are inline."""


@event
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


@event
class Reconstructions:
    latent: int
    epoch: int
    labels: list
    originals: str = ""
    """The fixed test digits, uint8 (n, 28, 28), base64 (see `decode_images`), or the array itself once
    read from `file`."""
    images: str = ""
    """Their reconstructions, clamped to [0, 1] and scaled to uint8, same layout."""
    judged: list = field(default_factory=list)
    """The digit the judge sees in each reconstruction."""
    judge_acc: float | None = None
    """The judge's accuracy on the reconstructions of every test image (None between evaluations)."""
    file: str = ""
    """The picture file (relative to the run) that holds originals and images; "" when they are inline."""
