"""Which epochs of a training keep their pictures (the files themselves: runs/pictures.py)."""

from __future__ import annotations


def keeps_pictures(epoch: int, epochs: int, eval_every: int) -> bool:
    """Whether an epoch keeps its pictures: every epoch to 10, every 10th to 100, every 100th after,
    the last epoch, and every epoch that is evaluated (k-means and the judge)."""
    step = 1 if epoch <= 10 else 10 if epoch <= 100 else 100
    return epoch % step == 0 or epoch == epochs or epoch % eval_every == 0
