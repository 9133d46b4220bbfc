"""Pictures of digits: rows of originals and reconstructions, misread ones framed in red, as a
pixel array (for a terminal that draws pixels) or a PNG file. numpy and Pillow only, no torch."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bumptui.engine import guarded

UPSCALE = 2
"""Each digit pixel becomes UPSCALE x UPSCALE pixels."""
PADDING = 2
"""Grey pixels around and between the digits."""
PAD_GREY = 128
FRAME = 2
"""Width of the red frame of a misread digit, in pixels."""
RED = (255, 0, 0)


def digit_rows(rows: list[np.ndarray], wrong: list[np.ndarray | None]) -> np.ndarray:
    """Rows of uint8 digits (n, 28, 28) each, upscaled, one under the other, on a grey grid, as an
    RGB uint8 array; a digit whose `wrong` flag is set (the judge reads another digit) is framed red."""
    n = len(rows[0])
    side = rows[0].shape[-1] * UPSCALE
    step = side + PADDING
    out = np.full((PADDING + len(rows) * step, PADDING + n * step, 3), PAD_GREY, np.uint8)
    for r, (images, flags) in enumerate(zip(rows, wrong)):
        for i, image in enumerate(images):
            tile = np.repeat(np.repeat(image, UPSCALE, axis=0), UPSCALE, axis=1)
            tile = np.repeat(tile[:, :, None], 3, axis=2)
            if flags is not None and flags[i]:
                tile[:FRAME], tile[-FRAME:], tile[:, :FRAME], tile[:, -FRAME:] = RED, RED, RED, RED
            y, x = PADDING + r * step, PADDING + i * step
            out[y:y + side, x:x + side] = tile
    return out


def save_digit_rows(path: Path, rows: list[np.ndarray], wrong: list[np.ndarray | None]) -> None:
    """digit_rows as a PNG file."""
    import io

    from PIL import Image

    data = io.BytesIO()
    Image.fromarray(digit_rows(rows, wrong)).save(data, format="PNG")
    guarded.replace_with(path, data.getbuffer())  # beside the run's files: no link there is written through


def save_reconstruction_grid(path: Path, originals: np.ndarray, reconstructions: np.ndarray,
                             wrong: np.ndarray | None = None) -> None:
    """Two rows: the originals, and their reconstructions."""
    save_digit_rows(path, [originals, reconstructions], [None, wrong])
