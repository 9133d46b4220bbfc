"""MNIST digits drawn losslessly in a terminal: two pixel rows per character with '▀'.

The upper pixel is the character's colour and the lower its background, so one 28x28 digit takes
28 columns by 14 rows, every grey level kept. The grid draws only the lines and digits in view
(Textual's line API), so a screenful of digits costs a few milliseconds however many there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

HALF = "▀"
DIGIT_WIDTH = 28
GAP = 1
CELL = DIGIT_WIDTH + GAP
ROW_HEIGHT = 15
"""A caption line, then 14 lines of digits."""


@lru_cache(maxsize=None)
def grey(top: int, bottom: int) -> Style:
    return Style(color=f"rgb({top},{top},{top})", bgcolor=f"rgb({bottom},{bottom},{bottom})")


@lru_cache(maxsize=None)
def frame_style(color: str) -> Style:
    return Style(color=color, bgcolor=color)


@dataclass(frozen=True)
class DigitRow:
    caption: str
    images: np.ndarray
    """uint8, (n, 28, 28)."""
    frames: tuple[str | None, ...] = ()
    """A colour per digit for the ones to frame (a misread reconstruction), else None."""


def digit_segments(image: np.ndarray, line: int, frame: str | None) -> list[Segment]:
    top, bottom = image[2 * line], image[2 * line + 1]
    segments = [Segment(HALF, grey(int(t), int(b))) for t, b in zip(top, bottom)]
    if frame:
        segments[0] = segments[-1] = Segment(HALF, frame_style(frame))
    return segments


class DigitGrid(ScrollView):
    """Rows of digits with a caption each; scrolls both ways."""

    DEFAULT_CSS = "DigitGrid { height: 1fr; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rows: list[DigitRow] = []

    def show(self, rows: list[DigitRow]) -> None:
        self.rows = rows
        width = max((len(r.images) * CELL for r in rows), default=0)
        self.virtual_size = Size(max(width, max((len(r.caption) for r in rows), default=0)), len(rows) * ROW_HEIGHT)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        row_index, line = divmod(y + scroll_y, ROW_HEIGHT)
        if row_index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        row = self.rows[row_index]
        if line == 0:
            strip = Strip([Segment(row.caption, Style(bold=True))])
            return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width)
        first = scroll_x // CELL
        last = min(len(row.images), (scroll_x + width) // CELL + 1)
        segments: list[Segment] = []
        for i in range(first, last):
            frame = row.frames[i] if i < len(row.frames) else None
            segments += digit_segments(row.images[i], line - 1, frame)
            segments.append(Segment(" " * GAP))
        strip = Strip(segments)
        offset = scroll_x - first * CELL
        return strip.crop(offset, offset + width).extend_cell_length(width)
