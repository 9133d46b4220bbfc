"""What a sharpening reports (its record lives in <run>/sharpen): see runs/events.py."""

from __future__ import annotations

from dataclasses import field

from bumptui.engine.autoencoder.runs.events import JobStarted, event


@event
class SharpenStarted(JobStarted):
    """A sharpening of a training run's models; resumed_epochs per "s<strategy>-<latent>"."""

    plain_epochs: dict = field(default_factory=dict)
    """Per latent dim (as a string), the epochs of plain training behind model (a)."""


@event
class DisReady:
    """The dis_net that scores every model: trained on clear vs blurred training digits only."""

    held_out_acc: float
    """Accuracy on held-out clear test digits and blurred copies of them."""
    cached: bool


@event
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


@event
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
    originals: str = ""
    """The shown digits, uint8 base64 as in Reconstructions, or the array itself once read from `file`."""
    images: str = ""
    """Their reconstructions by this model, the same way."""
    judged: list = field(default_factory=list)
    file: str = ""
    """The picture file (relative to the sharpening's folder) holding originals and images; "" when inline."""
