"""MNIST digits drawn losslessly in a terminal: two pixel rows per character with '▀'.

The upper pixel is the character's colour and the lower its background, so one 28x28 digit takes
28 columns by 14 rows, every grey level kept.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from rich.style import Style
from rich.text import Text

HALF = "▀"


@lru_cache(maxsize=None)
def grey(top: int, bottom: int) -> Style:
    return Style(color=f"rgb({top},{top},{top})", bgcolor=f"rgb({bottom},{bottom},{bottom})")


def digit_lines(image: np.ndarray, frame: str | None = None) -> list[Text]:
    """14 lines of 28 half-blocks for one (28, 28) uint8 image; `frame` colours a wrong digit's
    first and last column so a misread reconstruction stands out."""
    lines = []
    for r in range(0, 28, 2):
        line = Text()
        for c in range(28):
            top, bottom = int(image[r, c]), int(image[r + 1, c])
            style = grey(top, bottom)
            if frame and c in (0, 27):
                style = Style(color=frame, bgcolor=frame)
            line.append(HALF, style)
        lines.append(line)
    return lines


def digit_row(images: list[np.ndarray], gap: int = 1, frames: list[str | None] | None = None) -> Text:
    """Several digits side by side, as one 14-line Text."""
    frames = frames or [None] * len(images)
    per_digit = [digit_lines(img, f) for img, f in zip(images, frames)]
    out = Text()
    for row in range(14):
        for i, lines in enumerate(per_digit):
            if i:
                out.append(" " * gap)
            out.append_text(lines[row])
        out.append("\n")
    return out
