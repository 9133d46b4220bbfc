"""What a clustering reports (its record lives in <run>/cluster): see runs/events.py."""

from __future__ import annotations

from typing import Annotated

from bumptui.engine.autoencoder.jobs.cluster.config import METHODS
from bumptui.engine.autoencoder.runs.events import (Amount, Count, JobStarted, OneOf, PerDigit, Positive, Score, Share,
                                                   event, past_its_epoch)


@event
class ClusterStarted(JobStarted):
    """A clustering of a training run's models; resumed_epochs: IDEC's per latent dim (as a string)."""

    scorings: Count = 0
    """How many k-means and UMAP clusterings (method x features x seed) the run does in all."""


@event
class MethodScores:
    """One clustering of the test digits, scored against their labels."""

    method: Annotated[str, OneOf(METHODS)]
    """kmeans, umap or idec."""
    features: str
    """What was clustered: "latent-<d>" (a model's codes), "pixels" or "pca-50" (of the raw pixels)."""
    latent: Positive | None
    """The model whose codes were clustered; None for the raw-pixel baselines."""
    seed: Count
    epoch: Count
    """IDEC's epochs of fine-tuning (0: the k-means start); 0 for the other methods."""
    purity: Share
    nmi: Score
    ari: Score
    acc: Share
    contingency: list[PerDigit]
    """contingency[cluster][digit], as in ClusterScores."""
    seconds: Amount
    """How long the clustering took (for IDEC: the epoch's fine-tuning and scoring)."""


@event
class IdecStep:
    latent: Positive
    epoch: Positive
    step: Positive
    steps_per_epoch: Positive
    l1: Amount
    """The reconstruction loss of this batch."""
    kl: float
    """KL(P || Q), the clustering loss of this batch."""
    changed: Share | None
    """The share of training images whose cluster moved at the last target refresh (None before the second)."""

    def inconsistent(self) -> str:
        return past_its_epoch(self)
