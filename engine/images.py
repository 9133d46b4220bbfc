"""PNG grids of digits: originals above their reconstructions, wrong ones framed in red."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def save_reconstruction_grid(path: Path, originals: np.ndarray, reconstructions: np.ndarray,
                             wrong: np.ndarray | None = None) -> None:
    """Two rows (n digits each) upscaled 2x; a reconstruction the judge reads as another digit
    gets a red frame."""
    import torch
    from torchvision.utils import save_image

    def rgb(images: np.ndarray) -> torch.Tensor:
        t = torch.from_numpy(images.astype(np.float32) / 255.0)[:, None].repeat(1, 3, 1, 1)
        return torch.nn.functional.interpolate(t, scale_factor=2, mode="nearest")

    top, bottom = rgb(originals), rgb(reconstructions)
    if wrong is not None:
        for i in np.flatnonzero(wrong):
            frame = bottom[i]
            red = torch.tensor([1.0, 0.0, 0.0])[:, None]
            frame[:, :2, :] = red[:, :, None]
            frame[:, -2:, :] = red[:, :, None]
            frame[:, :, :2] = red[:, :, None]
            frame[:, :, -2:] = red[:, :, None]
    save_image(torch.cat([top, bottom]), path, nrow=len(originals), padding=2, pad_value=0.5)
