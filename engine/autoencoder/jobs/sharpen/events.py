"""What a sharpening reports (its record lives in <run>/sharpen): see runs/events.py."""

from __future__ import annotations

from dataclasses import field
from typing import Annotated

from bumptui.engine.autoencoder.runs.events import (Amount, Count, Digit, JobStarted, OneOf, Positive, Range, Share,
                                                   digits_fit, event, past_its_epoch)


@event
class SharpenStarted(JobStarted):
    """A sharpening of a training run's models; resumed_epochs per "s<strategy>-<latent>"."""

    plain_epochs: dict[str, Count] = field(default_factory=dict)
    """Per latent dim (as a string), the epochs of plain training behind model (a)."""


@event
class DisReady:
    """The dis_net that scores every model: trained on clear vs blurred training digits only."""

    held_out_acc: Share
    """Accuracy on held-out clear test digits and blurred copies of them."""
    cached: bool


@event
class SharpenStep:
    latent: Positive
    strategy: Annotated[int, Range(0, 2)]
    """0: the L1-only control; 1 and 2: the two ways of sharpening."""
    epoch: Positive
    step: Positive
    steps_per_epoch: Positive
    d_loss: Amount | None
    """D's binary cross entropy, averaged over the batches since the previous SharpenStep (None for
    strategy 0, the L1-only control, where D is not trained)."""
    d_acc: Share | None
    """D's accuracy on the images of its own updates (clear vs blurred, and reconstructions for strategy 1)."""
    g_l1: Amount
    g_adv: Amount
    """G's adversarial loss, BCE(D(G(x)), clear): low when D takes the reconstructions for clear."""

    def inconsistent(self) -> str:
        given = (self.d_loss is not None, self.d_acc is not None)
        if given != ((self.strategy != 0),) * 2:  # the control trains no D
            return f"D's loss and accuracy do not fit strategy {self.strategy} (the control trains no D, the others do)"
        return past_its_epoch(self)


@event
class SharpenScores:
    """One model's reconstructions of the same test digits, scored; epoch 0 of model "a" is the plain one."""

    latent: Positive
    model: Annotated[str, OneOf(("a", "s0", "s1", "s2"))]
    """"a" (plain L1, the run's model), "s0" (it, trained on with L1 alone as long as the others: the
    control), "s1" or "s2" (sharpened with strategy 1 or 2)."""
    epoch: Count
    test_l1: Amount
    clear_score: Share
    """dis_net's mean probability that the reconstructions are clear."""
    sharpness: Amount
    """Mean Sobel magnitude of the reconstructions over the originals' (1.0 = as sharp as the data)."""
    judge_acc: Share
    labels: list[Digit]
    originals: str = ""
    """The shown digits, uint8 base64 as in Reconstructions, or the array itself once read from `file`."""
    images: str = ""
    """Their reconstructions by this model, the same way."""
    judged: list[Digit] = field(default_factory=list)
    file: str = ""
    """The picture file (relative to the sharpening's folder) holding originals and images; "" when inline."""

    def inconsistent(self) -> str:
        return digits_fit(self)
