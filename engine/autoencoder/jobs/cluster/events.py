"""What a clustering reports (its record lives in <run>/cluster): see runs/events.py."""

from __future__ import annotations

from bumptui.engine.autoencoder.runs.events import JobStarted, event


@event
class ClusterStarted(JobStarted):
    """A clustering of a training run's models; resumed_epochs: IDEC's per latent dim (as a string)."""

    scorings: int = 0
    """How many k-means and UMAP clusterings (method x features x seed) the run does in all."""


@event
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


@event
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
