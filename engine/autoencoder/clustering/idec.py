"""IDEC (Guo et al., 2017): the encoder fine-tuned so its codes cluster, the reconstruction loss
kept beside the clustering loss so the codes do not collapse.

A clustering layer holds ten learnable centres mu_j, started by k-means on the training codes.
Each code z_i is softly assigned to the centres by Student's t (alpha = 1, as in DEC and t-SNE):

    q_ij = (1 + |z_i - mu_j|^2)^-1 / sum_j' (1 + |z_i - mu_j'|^2)^-1

and pulled towards a sharpened target that puts more weight on confident assignments and divides
out each cluster's size, so large clusters do not swallow small ones:

    p_ij = (q_ij^2 / f_j) / sum_j' (q_ij'^2 / f_j'),   f_j = sum_i q_ij

The loss is L1(reconstruction) + gamma * KL(P || Q); P is recomputed from the whole training set
every `update_interval` batches and held fixed in between (the "target refreshed every T batches").
The clustering loss reaches the encoder and the centres only; the decoder learns from the
reconstruction term alone.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.functional import l1_loss

from bumptui.engine.autoencoder.data import shuffled_batches
from bumptui.engine.autoencoder.models import as_float, in_chunks


def soft_assignment(z: torch.Tensor, centres: torch.Tensor) -> torch.Tensor:
    """q: (n, k), each row the Student's t (alpha = 1) similarity of a code to each centre, summing to 1."""
    squared = (z.unsqueeze(1) - centres.unsqueeze(0)).pow(2).sum(dim=2)  # not cdist: its backward is slow on CPU
    kernel = 1.0 / (1.0 + squared)
    return kernel / kernel.sum(dim=1, keepdim=True)


def target_distribution(q: torch.Tensor) -> torch.Tensor:
    """p: q squared, divided by each cluster's soft size, rows normalised to 1."""
    weight = q.pow(2) / q.sum(dim=0)
    return weight / weight.sum(dim=1, keepdim=True)


def clustering_loss(q: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    """KL(P || Q), summed over clusters and averaged over the batch (DEC's loss)."""
    return (p * (p.clamp_min(1e-12).log() - q.clamp_min(1e-12).log())).sum(dim=1).mean()


class Idec(nn.Module):
    """An autoencoder and its clustering layer: ten centres in code space."""

    def __init__(self, autoencoder: nn.Module, centres: torch.Tensor):
        super().__init__()
        self.autoencoder = autoencoder
        self.centres = nn.Parameter(centres.clone())

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(the reconstruction, q)."""
        z = self.autoencoder.encode(x)
        return self.autoencoder.decode(z), soft_assignment(z.float(), self.centres)

    @torch.no_grad()
    def assign(self, x_uint8: torch.Tensor) -> torch.Tensor:
        """q of every image (uint8 pixels), in chunks, with the model in eval mode (batch norm's running stats)."""
        self.eval()
        return in_chunks(lambda x: soft_assignment(self.autoencoder.encode(as_float(x)).float(), self.centres), x_uint8)


def idec_epoch(idec: Idec, optimizer, train_x: torch.Tensor, state: dict, batch_size: int, gamma: float,
               update_interval: int, generator: torch.Generator, cancel, on_step, precision: str = "fp32"):
    """One pass over train_x in a fresh order. `state` carries across epochs (and checkpoints):
    "step" (batches done in all), "target" (P over the training set, refreshed every update_interval
    batches), "labels" (each image's nearest cluster by q at the last refresh) and "changed" (the share of labels that moved
    at the last refresh). on_step(step, steps, l1, kl, changed). Returns the mean (l1, kl) of the
    epoch; raises Cancelled (from the batch loop) when stopped."""
    steps = -(-len(train_x) // batch_size)
    totals = torch.zeros(2, device=train_x.device)
    for step, batch in enumerate(shuffled_batches(len(train_x), batch_size, generator, train_x.device, cancel), 1):
        if state["step"] % update_interval == 0:
            refresh_target(idec, train_x, state)
        idec.train()
        x = as_float(train_x[batch])
        with torch.autocast(train_x.device.type, dtype=torch.bfloat16, enabled=precision == "bf16"):
            recon, q = idec(x)
        l1 = l1_loss(recon.float(), x)
        kl = clustering_loss(q.float(), state["target"][batch])
        optimizer.zero_grad(set_to_none=True)
        (l1 + gamma * kl).backward()
        optimizer.step()
        state["step"] += 1
        losses = torch.stack([l1.detach(), kl.detach()])
        totals += losses
        on_step(step, steps, losses, state["changed"])
    return (totals / steps).tolist()


def refresh_target(idec: Idec, train_x: torch.Tensor, state: dict) -> None:
    """P from the current q of every training image; how many hard labels moved since the last refresh."""
    q = idec.assign(train_x)
    target, labels = target_distribution(q), q.argmax(dim=1)
    previous = state.get("labels")
    state["changed"] = None if previous is None else float((labels != previous).float().mean())
    state["target"], state["labels"] = target, labels
