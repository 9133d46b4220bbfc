"""MNIST digits drawn in a terminal with '▀': two pixel rows per character, every grey level kept.

The upper pixel is the character's colour and the lower its background. At full size one 28x28
digit takes 28 columns by 14 rows; at half size (2x2 pixels averaged) 14 by 7; small (4x4
averaged) 7 by 4, so that originals and every model's reconstructions fit an 80x24 terminal side
by side. A misread digit is framed in red and marked ✗ beside its top corner, so it is seen without
colour too (reverse video). The grid draws only the lines and digits in view (Textual's line API), so a screenful
of digits costs a few milliseconds however many there are.
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
SIDE = 28
GAP = 1
SCALES = {1: "full size", 2: "half size", 4: "small"}
"""Pixels averaged along each side per drawn pixel, and what the caption calls it."""
MIN_ACROSS = 10
"""The automatic size is the largest that shows every row and at least this many digits across."""
WRONG_MARK = "✗"
NO_STYLE = Style()


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


def shrink(images: np.ndarray, scale: int) -> np.ndarray:
    """Each scale x scale block of pixels averaged, with an even number of pixel rows (a black row
    added where needed) so that every character holds two."""
    n, side = len(images), SIDE // scale
    small = images.reshape(n, side, scale, side, scale).mean(axis=(2, 4)).round().astype(np.uint8)
    return small if side % 2 == 0 else np.concatenate([small, np.zeros((n, 1, side), np.uint8)], axis=1)


def digit_segments(image: np.ndarray, line: int, frame: str | None) -> list[Segment]:
    top, bottom = image[2 * line], image[2 * line + 1]
    segments = [Segment(HALF, grey(int(t), int(b))) for t, b in zip(top, bottom)]
    if frame:
        segments[0] = segments[-1] = Segment(HALF, frame_style(frame))
    return segments


def layout(scale: int) -> tuple[int, int]:
    """(columns per digit with its gap, lines per row with its caption) at this scale."""
    side = SIDE // scale
    return side + GAP, 1 + (side + 1) // 2


class DigitGrid(ScrollView):
    """Rows of digits with a caption each, drawn at a size that fits (or the one asked for); scrolls both ways."""

    DEFAULT_CSS = "DigitGrid { height: 1fr; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rows: list[DigitRow] = []
        self.fixed_scale: int | None = None
        """The size asked for (a key of SCALES); None picks one that fits the widget."""
        self._shrunk: dict[tuple[int, int], np.ndarray] = {}

    @property
    def scale(self) -> int:
        if self.fixed_scale is not None:
            return self.fixed_scale
        width, height = self.size
        most = max((len(r.images) for r in self.rows), default=0)
        for scale in sorted(SCALES):  # largest digits first
            cell, lines = layout(scale)
            if len(self.rows) * lines <= height and width // cell >= min(MIN_ACROSS, most):
                return scale
        return max(SCALES)

    def show(self, rows: list[DigitRow]) -> None:
        self.rows = rows
        self._shrunk = {}
        self._resize()

    def set_scale(self, scale: int | None) -> None:
        self.fixed_scale = scale
        self._resize()

    def next_size(self) -> None:
        """Cycle: the size that fits, full, half, small, and back."""
        order = [None, *sorted(SCALES)]
        self.set_scale(order[(order.index(self.fixed_scale) + 1) % len(order)])

    @property
    def size_name(self) -> str:
        return SCALES[self.scale] + (" (fits)" if self.fixed_scale is None else "")

    def on_resize(self) -> None:
        self._resize()

    def _resize(self) -> None:
        cell, lines = layout(self.scale)
        width = max((len(r.images) * cell for r in self.rows), default=0)
        self.virtual_size = Size(max(width, max((len(r.caption) for r in self.rows), default=0)), len(self.rows) * lines)
        self.refresh()

    def images(self, index: int) -> np.ndarray:
        key = (index, self.scale)
        if key not in self._shrunk:
            self._shrunk[key] = shrink(self.rows[index].images, self.scale)
        return self._shrunk[key]

    def fully_visible(self) -> list[int]:
        """Per row on screen from top to bottom, how many of its digits are in view whole."""
        cell, lines = layout(self.scale)
        scroll_x, scroll_y = self.scroll_offset
        width, height = self.scrollable_content_region.size
        shown = []
        for i, row in enumerate(self.rows):
            if i * lines >= scroll_y and (i + 1) * lines <= scroll_y + height:
                first = -(-scroll_x // cell)
                last = (scroll_x + width + GAP) // cell
                shown.append(max(0, min(len(row.images), last) - first))
        return shown

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        cell, lines = layout(self.scale)
        row_index, line = divmod(y + scroll_y, lines)
        if row_index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        row = self.rows[row_index]
        if line == 0:
            strip = Strip([Segment(row.caption, Style(bold=True))])
            return strip.crop(scroll_x, scroll_x + width).extend_cell_length(width, self.rich_style)
        images = self.images(row_index)
        first = scroll_x // cell
        last = min(len(images), (scroll_x + width) // cell + 1)
        segments: list[Segment] = []
        for i in range(first, last):
            frame = row.frames[i] if i < len(row.frames) else None
            segments += digit_segments(images[i], line - 1, frame)
            # Never a segment without a style: Textual's NO_COLOR filter cannot take one.
            segments.append(Segment(WRONG_MARK if frame and line == 1 else " " * GAP,
                                    Style(color=frame, bold=True, reverse=True) if frame else NO_STYLE))
        strip = Strip(segments)
        offset = scroll_x - first * cell
        return strip.crop(offset, offset + width).extend_cell_length(width, self.rich_style)
