"""Blur and sharpness: the blurred copies dis_net learns to tell apart, and how sharp images are.

Sharpness is the mean Sobel gradient magnitude of a set of images; a model's reconstructions are
scored by that mean divided by the originals' (1.0 = as sharp as the data, blurred digits ~0.6-0.7).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torchvision.transforms.v2.functional import gaussian_blur

from bumptui.engine.autoencoder.sharpening import BLUR_KERNEL, BLUR_SIGMA
from bumptui.engine.autoencoder.models import as_images

SIGMA_LEVELS = 8
"""Per-image sigmas are drawn from this many evenly spaced values, one torchvision call each."""

_SOBEL_X = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])


def blur(x: torch.Tensor, kernel_size: int = BLUR_KERNEL, sigma: tuple[float, float] = BLUR_SIGMA,
         generator: torch.Generator | None = None) -> torch.Tensor:
    """Gaussian-blurred copies (torchvision's gaussian_blur), each image with its own random sigma
    in the range; same shape as x."""
    images = as_images(x)
    levels = torch.linspace(sigma[0], sigma[1], SIGMA_LEVELS).tolist()
    pick = torch.randint(SIGMA_LEVELS, (len(images),), generator=generator).to(images.device)
    out = torch.empty_like(images)
    for level, s in enumerate(levels):
        chosen = pick == level
        if chosen.any():
            out[chosen] = gaussian_blur(images[chosen], [kernel_size, kernel_size], [s, s])
    return out.reshape(x.shape)


def sobel_magnitude(x: torch.Tensor) -> torch.Tensor:
    """The mean Sobel gradient magnitude of each image, shape (n,)."""
    images = F.pad(as_images(x).float(), (1, 1, 1, 1), mode="replicate")  # no false edge at the border
    kx = _SOBEL_X.to(images.device)[None, None]
    ky = kx.transpose(2, 3)
    gx = F.conv2d(images, kx)
    gy = F.conv2d(images, ky)
    return (gx.square() + gy.square()).sqrt().mean(dim=(1, 2, 3))


def sharpness_ratio(images: torch.Tensor, originals: torch.Tensor) -> float:
    """Mean Sobel magnitude of `images` over that of the `originals` they stand for."""
    return float(sobel_magnitude(images).mean() / sobel_magnitude(originals).mean())
