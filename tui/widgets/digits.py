"""MNIST digits drawn in a terminal with '▀': two pixel rows per character, every grey level kept.

The upper pixel is the character's colour and the lower its background. A digit is drawn `cell`
columns wide and `cell` pixel rows tall (cell/2 lines), its 28x28 pixels averaged over the area
each drawn pixel covers, for any cell from 4 to 28; the grid takes the largest that shows every row
of the view with at least a few digits across, so a bigger terminal draws bigger digits. Where even
that is too small to read (three models under the originals at 80x24), the view shows one model
against the originals instead, and `n` steps through the models.

Under each row of digits a line of labels stands in the digits' own columns: the true digit under
an original, what the judge reads under a reconstruction. A misread reconstruction is framed in red
(its side columns and its label bar, the label "✗5" in reverse video, so it is seen without colour
too); the column between two digits is never coloured, so adjacent misreads stay one column apart.
The grid draws only the lines in view (Textual's line API), so a screenful costs a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

HALF = "▀"
SIDE = 28
GAP = 1
MIN_CELL, MAX_CELL = 4, SIDE
"""Digit widths in columns the grid draws (28: every pixel, 14 lines tall)."""
SIZES = (28, 21, 14, 10, 7, 5)
"""The widths `z` steps through after the one that fits."""
MIN_ACROSS = 5
"""The size that fits is the largest that shows every row and at least this many digits across."""
LEGIBLE = 10
"""Digits narrower than this many columns (pixels) are hard to read: with all models the grid
would draw them smaller, it shows one model at a time."""
WRONG_MARK = "✗"
NO_STYLE = Style()
CAPTION = Style(bold=True)


@lru_cache(maxsize=None)
def grey(top: int, bottom: int) -> Style:
    return Style(color=f"rgb({top},{top},{top})", bgcolor=f"rgb({bottom},{bottom},{bottom})")


@lru_cache(maxsize=None)
def frame_style(color: str) -> Style:
    return Style(color=color, bgcolor=color)


@lru_cache(maxsize=None)
def label_style(color: str | None) -> Style:
    return Style(color=color, bold=True, reverse=True) if color else Style(bold=True)


@dataclass(frozen=True)
class DigitRow:
    caption: str
    images: np.ndarray
    """uint8, (n, 28, 28)."""
    labels: tuple[str, ...] = ()
    """What stands under each digit: its true digit, or what the judge reads."""
    frames: tuple[str | None, ...] = ()
    """A colour per digit for the ones to frame (a misread reconstruction), else None."""


@lru_cache(maxsize=None)
def _weights(cell: int) -> np.ndarray:
    """(cell, 28): how much of each source pixel each drawn pixel covers, rows summing to 1."""
    edges = np.linspace(0, SIDE, cell + 1)
    starts, ends = edges[:-1, None], edges[1:, None]
    pixels = np.arange(SIDE)[None, :]
    overlap = np.clip(np.minimum(ends, pixels + 1) - np.maximum(starts, pixels), 0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def resample(images: np.ndarray, cell: int) -> np.ndarray:
    """Digits `cell` pixels square, each the area-weighted mean of the 28x28 pixels it covers, with
    an even number of pixel rows (a black row added where needed) so that every character holds two."""
    w = _weights(cell)
    small = np.einsum("ij,njk,lk->nil", w, images.astype(np.float32), w).round().clip(0, 255).astype(np.uint8)
    return small if cell % 2 == 0 else np.concatenate([small, np.zeros((len(small), 1, cell), np.uint8)], axis=1)


def digit_lines(cell: int) -> int:
    return (cell + 1) // 2


def layout(cell: int) -> tuple[int, int]:
    """(columns per digit with its gap, lines per row with its caption and its label line)."""
    return cell + GAP, 1 + digit_lines(cell) + 1


def fitting_cell(rows: int, most: int, width: int, height: int) -> int:
    """The widest digit that shows `rows` rows in `height` lines with min(MIN_ACROSS, most) digits
    across `width` columns; the smallest size where none does (the grid then scrolls)."""
    for cell in range(MAX_CELL, MIN_CELL - 1, -1):
        columns, lines = layout(cell)
        if rows * lines <= height and (width + GAP) // columns >= min(MIN_ACROSS, most):
            return cell
    return MIN_CELL


def digit_segments(image: np.ndarray, line: int, frame: str | None) -> list[Segment]:
    top, bottom = image[2 * line], image[2 * line + 1]
    segments = [Segment(HALF, grey(int(t), int(b))) for t, b in zip(top, bottom)]
    if frame and len(segments) >= 7:  # narrower, the sides would hide the digit: the label bar marks it
        segments[0] = segments[-1] = Segment(HALF, frame_style(frame))
    return segments


def label_segment(label: str, frame: str | None, cell: int) -> Segment:
    text = f"{WRONG_MARK}{label}" if frame else label
    return Segment(text[:cell].center(cell), label_style(frame))


class DigitGrid(ScrollView):
    """Rows of digits with a caption above and labels under each, drawn at the size that fits (or
    the one asked for); all rows, or the first row and one other; scrolls both ways."""

    DEFAULT_CSS = "DigitGrid { height: 1fr; scrollbar-size-horizontal: 0; }"
    """No horizontal scrollbar: it would take a line from the digits; captions say which are in view."""
    BINDINGS = [
        Binding("left", "pan(-1)", "Pan", show=False),
        Binding("right", "pan(1)", "Pan", show=False),
    ]

    class Laid(Message):
        """The size, the view or the digits in view changed (a resize, z, n, a pan): captions say them."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._laid: tuple = ()
        self.rows: list[DigitRow] = []
        self.fixed_cell: int | None = None
        """The width asked for with z; None: the one that fits."""
        self.only: int | None = None
        """The row shown under the first one, or None for every row; what `n` steps."""
        self.chosen = False
        """Whether the user picked the view with `n`; until then it follows the screen's size."""
        self._drawn: dict[tuple[int, int], np.ndarray] = {}

    # --- what is shown -----------------------------------------------------------------------

    def shown_rows(self) -> list[int]:
        only = self.view_row()
        return list(range(len(self.rows))) if only is None else [0, only]

    def view_row(self) -> int | None:
        """The row shown against the first, or None: all of them. Until the user chooses, all rows
        where they fit at a legible size, else the first model (the smallest latent, which misreads most)."""
        if len(self.rows) <= 2:
            return None
        if self.chosen:
            return self.only if self.only is not None and self.only < len(self.rows) else None
        width, height = self.size
        return None if self._fit(len(self.rows), width, height) >= LEGIBLE else 1

    def _fit(self, rows: int, width: int, height: int) -> int:
        most = max((len(r.images) for r in self.rows), default=0)
        return fitting_cell(rows, most, width, height)

    @property
    def cell(self) -> int:
        """The digits' width in columns (and height in pixel rows) now."""
        if self.fixed_cell is not None:
            return self.fixed_cell
        width, height = self.size
        return self._fit(len(self.shown_rows()), width, height)

    def show(self, rows: list[DigitRow]) -> None:
        self.rows = rows
        self._drawn = {}
        self._resize()

    def set_cell(self, cell: int | None) -> None:
        self.fixed_cell = cell
        self._resize()

    def next_size(self) -> None:
        """Step: the size that fits, then 28, 21, 14, 10, 7, 5 columns, and back."""
        order = [None, *SIZES]
        at = order.index(self.fixed_cell) if self.fixed_cell in order else 0
        self.set_cell(order[(at + 1) % len(order)])

    def next_view(self) -> None:
        """Step: all rows, then each model against the originals, and back."""
        current = self.view_row()
        views = [None, *range(1, len(self.rows))]
        self.only = views[(views.index(current) + 1) % len(views)] if current in views else None
        self.chosen = True
        self._resize()

    @property
    def size_name(self) -> str:
        cell = self.cell
        name = "full size" if cell == SIDE else f"{cell}x{cell} px"
        return name + (" (fits)" if self.fixed_cell is None else "")

    def used_share(self) -> float:
        """The share of the grid's lines that the shown rows fill."""
        height = self.scrollable_content_region.height
        return min(1.0, len(self.shown_rows()) * layout(self.cell)[1] / height) if height else 0.0

    def on_resize(self) -> None:
        self._resize()

    def _resize(self) -> None:
        columns, lines = layout(self.cell)
        laid = (self.cell, self.view_row())
        if laid != self._laid:
            self._laid = laid
            self.post_message(self.Laid())
        shown = [self.rows[i] for i in self.shown_rows()]
        width = max((len(r.images) * columns for r in shown), default=0)
        self.virtual_size = Size(width, len(shown) * lines)
        self.refresh()

    def action_pan(self, digits: int) -> None:
        """Scroll sideways by whole digits."""
        columns, _ = layout(self.cell)
        self.scroll_to(x=max(0, (self.scroll_offset.x // columns + digits) * columns), animate=False)
        self.call_after_refresh(self.post_message, self.Laid())  # the caption says which digits are in view

    def images(self, index: int) -> np.ndarray:
        key = (index, self.cell)
        if key not in self._drawn:
            self._drawn[key] = resample(self.rows[index].images, self.cell)
        return self._drawn[key]

    def first_shown(self) -> int:
        columns, _ = layout(self.cell)
        return -(-self.scroll_offset.x // columns)

    def fully_visible(self) -> list[int]:
        """Per row on screen from top to bottom, how many of its digits are in view whole."""
        columns, lines = layout(self.cell)
        scroll_x, scroll_y = self.scroll_offset
        width, height = self.scrollable_content_region.size
        shown = []
        for n, i in enumerate(self.shown_rows()):
            if n * lines >= scroll_y and (n + 1) * lines <= scroll_y + height:
                first = -(-scroll_x // columns)
                last = (scroll_x + width + GAP) // columns
                shown.append(max(0, min(len(self.rows[i].images), last) - first))
        return shown

    # --- drawing ----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        cell = self.cell
        columns, lines = layout(cell)
        shown = self.shown_rows()
        row_at, line = divmod(y + scroll_y, lines)
        if row_at >= len(shown):
            return Strip.blank(width, self.rich_style)
        index = shown[row_at]
        row = self.rows[index]
        if line == 0:  # the caption stays put while the digits pan
            return Strip([Segment(row.caption, CAPTION)]).crop(0, width).extend_cell_length(width, self.rich_style)
        first = scroll_x // columns
        last = min(len(row.images), (scroll_x + width) // columns + 1)
        segments: list[Segment] = []
        gap = Segment(" " * GAP, NO_STYLE)  # never a segment without a style: Textual's NO_COLOR filter cannot take one
        if line == lines - 1:
            for i in range(first, last):
                frame = row.frames[i] if i < len(row.frames) else None
                label = row.labels[i] if i < len(row.labels) else ""
                segments += [label_segment(label, frame, cell), gap]
        else:
            images = self.images(index)
            for i in range(first, last):
                frame = row.frames[i] if i < len(row.frames) else None
                segments += [*digit_segments(images[i], line - 1, frame), gap]
        strip = Strip(segments)
        offset = scroll_x - first * columns
        return strip.crop(offset, offset + width).extend_cell_length(width, self.rich_style)
