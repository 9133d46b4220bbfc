"""PNG grids of digits: originals above their reconstructions, wrong ones framed in red."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def save_digit_rows(path: Path, rows: list[np.ndarray], wrong: list[np.ndarray | None]) -> None:
    """Rows of uint8 digits (n, 28, 28) each, upscaled 2x, one under the other; a digit whose
    `wrong` flag is set (the judge reads it as another digit) gets a red frame."""
    import torch
    from torchvision.utils import save_image

    tiles = []
    for images, flags in zip(rows, wrong):
        t = torch.from_numpy(images.astype(np.float32) / 255.0)[:, None].repeat(1, 3, 1, 1)
        t = torch.nn.functional.interpolate(t, scale_factor=2, mode="nearest")
        red = torch.tensor([1.0, 0.0, 0.0])[:, None, None]
        for i in np.flatnonzero(flags) if flags is not None else []:
            t[i, :, :2, :] = red
            t[i, :, -2:, :] = red
            t[i, :, :, :2] = red
            t[i, :, :, -2:] = red
        tiles.append(t)
    save_image(torch.cat(tiles), path, nrow=len(rows[0]), padding=2, pad_value=0.5)


def save_reconstruction_grid(path: Path, originals: np.ndarray, reconstructions: np.ndarray,
                             wrong: np.ndarray | None = None) -> None:
    """Two rows: the originals, and their reconstructions."""
    save_digit_rows(path, [originals, reconstructions], [None, wrong])
