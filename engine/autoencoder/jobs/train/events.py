"""What a training run reports (its record is the run directory itself): see runs/events.py."""

from __future__ import annotations

from dataclasses import field

from typing import Annotated

from bumptui.engine.autoencoder.jobs.train.config import KMEANS_SCALINGS
from bumptui.engine.autoencoder.runs.events import (Amount, Count, Digit, JobStarted, OneOf, PerDigit, Point, Positive,
                                                   Score, Share, digits_fit, event, past_its_epoch)


@event
class RunStarted(JobStarted):
    """A training run started or resumed; resumed_epochs per latent dim (as a string)."""


@event
class JudgeReady:
    test_acc: Share
    cached: bool
    path: str


@event
class StepLoss:
    latent: Positive
    epoch: Positive
    step: Positive
    steps_per_epoch: Positive
    loss: Amount
    """The L1 loss of this training batch."""

    def inconsistent(self) -> str:
        return past_its_epoch(self)


@event
class EpochEnd:
    latent: Positive
    epoch: Positive
    train_l1: Amount
    """Mean of the batch losses over the epoch."""
    test_l1: Amount
    seconds: Amount
    images_per_s: Amount


@event
class LatentSnapshot:
    latent: Positive
    epoch: Count
    xy: list[Point] = field(default_factory=list)
    """(n, 2) coordinates of the fixed test sample: the code itself for latent 2, else its PCA. Empty
    in the log when `file` holds them (jobs/train/pictures.py)."""
    labels: list[Digit] = field(default_factory=list)
    projection: Annotated[str, OneOf(("latent", "pca"))] = "latent"
    """"latent" or "pca"."""
    file: str = ""
    """The picture file (relative to the run) that holds xy and labels; "" when they are inline."""

    def inconsistent(self) -> str:
        if len(self.xy) != len(self.labels):
            return f"it holds {len(self.xy)} codes and {len(self.labels)} labels"
        return ""


@event
class ClusterScores:
    latent: Positive | None
    """None for the raw-pixel baseline."""
    epoch: Count
    purity: Share
    nmi: Score
    ari: Score
    acc: Share
    contingency: list[PerDigit]
    """contingency[cluster][digit]: how many test images of that digit fell in that cluster."""
    scaling: Annotated[str, OneOf(KMEANS_SCALINGS)]
    """How the codes were scaled before k-means: none, standard or unit."""


@event
class Reconstructions:
    latent: Positive
    epoch: Count
    labels: list[Digit]
    originals: str = ""
    """The fixed test digits, uint8 (n, 28, 28), base64 (see `decode_images`), or the array itself once
    read from `file`."""
    images: str = ""
    """Their reconstructions, clamped to [0, 1] and scaled to uint8, same layout."""
    judged: list[Digit] = field(default_factory=list)
    """The digit the judge sees in each reconstruction."""
    judge_acc: Share | None = None
    """The judge's accuracy on the reconstructions of every test image (None between evaluations)."""
    file: str = ""
    """The picture file (relative to the run) that holds originals and images; "" when they are inline."""

    def inconsistent(self) -> str:
        return digits_fit(self)
