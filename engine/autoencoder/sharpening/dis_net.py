"""dis_net: a small CNN that tells clear digits (label 1) from blurred ones (label 0).

As DCGAN's discriminator: strided convolutions, LeakyReLU, one logit. Trained with binary cross
entropy on each batch of clear images and their blurred copies.
"""

from __future__ import annotations

import threading

import torch
from torch import nn

from bumptui.engine.autoencoder.sharpening import BLUR_KERNEL, BLUR_SIGMA, DCGAN_BETAS
from bumptui.engine.autoencoder.data import Cancelled, shuffled_batches
from bumptui.engine.autoencoder.models import adam, as_float, as_images, in_chunks
from bumptui.engine.autoencoder.sharpening.blur import blur


class DisNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 32, 4, stride=2, padding=1), nn.LeakyReLU(0.2),   # 28 -> 14
            nn.Conv2d(32, 64, 4, stride=2, padding=1), nn.BatchNorm2d(64), nn.LeakyReLU(0.2),  # 14 -> 7
            nn.Flatten(), nn.Linear(64 * 7 * 7, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """One logit per image: > 0 means clear."""
        return self.net(as_images(x)).squeeze(1)


def real_vs_blurred_batch(clear: torch.Tensor, generator: torch.Generator, kernel_size: int,
                          sigma: tuple[float, float]) -> tuple[torch.Tensor, torch.Tensor]:
    """Clear images labelled 1 and their blurred copies labelled 0, stacked."""
    blurred = blur(clear, kernel_size, sigma, generator)
    x = torch.cat([clear, blurred])
    y = torch.cat([torch.ones(len(clear), device=x.device), torch.zeros(len(clear), device=x.device)])
    return x, y


def train_dis_net(train_x: torch.Tensor, epochs: int = 1, batch_size: int = 128, lr: float = 2e-4, seed: int = 0,
                  kernel_size: int = BLUR_KERNEL, sigma: tuple[float, float] = BLUR_SIGMA,
                  cancel: threading.Event | None = None, make=None) -> DisNet | None:
    """dis_net trained on uint8 images (n, 784); None if cancelled. Adam with DCGAN's betas. `make`
    builds it (a user's design); the lab's DisNet by default."""
    torch.manual_seed(seed)
    dis = (make or DisNet)().to(train_x.device)
    optimizer = adam(dis, lr, DCGAN_BETAS)
    generator = torch.Generator().manual_seed(seed)  # the order and the blur's draws
    loss_fn = nn.BCEWithLogitsLoss()
    try:
        for _ in range(epochs):
            dis.train()
            for batch in shuffled_batches(len(train_x), batch_size, generator, train_x.device, cancel):
                x, y = real_vs_blurred_batch(as_float(train_x[batch]), generator, kernel_size, sigma)
                loss = loss_fn(dis(x), y)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
    except Cancelled:
        return None
    return dis


@torch.no_grad()
def clear_scores(dis: DisNet, images: torch.Tensor) -> torch.Tensor:
    """dis_net's probability that each image (values in [0, 1]) is clear."""
    dis.eval()
    return in_chunks(lambda x: torch.sigmoid(dis(x)), images)


@torch.no_grad()
def dis_accuracy(dis: DisNet, clear: torch.Tensor, seed: int = 1, kernel_size: int = BLUR_KERNEL,
                 sigma: tuple[float, float] = BLUR_SIGMA) -> float:
    """Accuracy on held-out clear images (values in [0, 1]) and blurred copies of them."""
    x, y = real_vs_blurred_batch(clear, torch.Generator().manual_seed(seed), kernel_size, sigma)
    return float(((clear_scores(dis, x) > 0.5).float() == y).float().mean())
