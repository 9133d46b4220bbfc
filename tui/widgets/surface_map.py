"""A 2-D loss as a map of the terminal's cells: its level bands as background shades with level lines
between them, the minima (*), the start (o), each optimizer's path in its own letter, and at the
focused optimizer's point an arrow down the gradient (→) and one along its momentum (⇒).

Each cell shows the loss at its centre. Letters, not colours alone, tell the paths apart: a path's
earlier points are its lowercase letter, its current point the capital in reverse video, and the
cells between two points a bullet (•) in its colour; level lines are small dots (·).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from bumptui.engine.numbers import num
from bumptui.engine.surfaces import Surface

BANDS = ("#0b2545", "#13315c", "#1b4965", "#2a6f97", "#468faf", "#61a5c2", "#89c2d9", "#a9d6e5", "#cae9ff")
"""Background shades from the lowest band of the view to the highest."""
LEVEL = "·"
LINE_EVERY = 2
"""A level line is drawn at every second change of shade: four lines, legible at 80x24 without colour."""
SEGMENT = "•"
MINIMUM, START = "*", "o"
ARROWS = "→↗↑↖←↙↓↘"
DOUBLE_ARROWS = "⇒⇗⇑⇖⇐⇙⇓⇘"
ARROW_CELLS = 6
"""The longer of the two arrows, in cells; the other is drawn to scale."""
LABEL_WIDTH = 7
"""Columns left of the map for the y axis' numbers."""


@dataclass(frozen=True)
class PathOnMap:
    label: str
    letter: str
    color: str
    points: tuple[tuple[float, float], ...]


def _direction_glyph(dx: float, dy: float, glyphs: str) -> str:
    """The arrow of the eight nearest the direction (dx right, dy up)."""
    return glyphs[round(math.atan2(dy, dx) / (math.pi / 4)) % 8]


class SurfaceMap(Widget):
    """`show(surface, view, paths, focus, arrows)`; `cells()` gives the map as plain text for tests."""

    DEFAULT_CSS = "SurfaceMap { height: 1fr; min-height: 6; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.surface: Surface | None = None
        self.view = (0.0, 1.0, 0.0, 1.0)
        self.paths: tuple[PathOnMap, ...] = ()
        self.focus = 0
        self.arrows: tuple[tuple[float, float] | None, tuple[float, float] | None] = (None, None)
        """The focused walk's -g and its momentum's direction (-m, or -m̂), in the landscape's units."""
        self._heat_key = None
        self._bands = None

    def show(self, surface: Surface, view, paths, focus: int = 0, arrows=(None, None)) -> None:
        self.surface, self.view, self.paths, self.focus, self.arrows = surface, tuple(view), tuple(paths), focus, arrows
        self.refresh()

    # --- geometry ------------------------------------------------------------------------------

    def grid_size(self) -> tuple[int, int]:
        """(rows, columns) of the map itself, inside the axis labels."""
        return max(3, self.size.height - 1), max(8, self.size.width - LABEL_WIDTH)

    def cell_of(self, x: float, y: float) -> tuple[int, int] | None:
        """(row, column) of the cell a point is in, or None outside the view."""
        rows, cols = self.grid_size()
        x0, x1, y0, y1 = self.view
        if not (math.isfinite(x) and math.isfinite(y)) or not (x0 <= x <= x1 and y0 <= y <= y1):
            return None
        c = min(cols - 1, int((x - x0) / (x1 - x0) * cols))
        r = rows - 1 - min(rows - 1, int((y - y0) / (y1 - y0) * rows))
        return r, c

    def bands(self) -> np.ndarray:
        """Each cell's level band (0 lowest): bands of equal share of the view's cells, so that a
        landscape with a deep narrow valley (Rosenbrock) shows its shape, not one flat colour; -1
        where the loss is not a finite number."""
        rows, cols = self.grid_size()
        key = (self.surface, self.view, rows, cols)  # the surface itself: a freed one's id() may be reused
        if key != self._heat_key:
            x0, x1, y0, y1 = self.view
            xs = x0 + (np.arange(cols) + 0.5) * (x1 - x0) / cols
            ys = y1 - (np.arange(rows) + 0.5) * (y1 - y0) / rows
            gx, gy = np.meshgrid(xs, ys)
            with np.errstate(all="ignore"):
                f = np.asarray(self.surface.loss(gx, gy), dtype=float)
            finite = np.isfinite(f)
            bands = np.full(f.shape, -1)
            if finite.any():
                edges = np.unique(np.quantile(f[finite], np.linspace(0, 1, len(BANDS) + 1)[1:-1]))
                bands[finite] = np.searchsorted(edges, f[finite])
            self._heat_key, self._bands = key, bands
        return self._bands

    # --- what is drawn ----------------------------------------------------------------------------

    def layers(self) -> list[list[tuple[str, Style | None]]]:
        """Every cell's character and style, background first, then level lines, minima, arrows, paths."""
        bands = self.bands()
        levels = np.where(bands >= 0, bands // LINE_EVERY, -1)
        rows, cols = bands.shape
        grid: list[list[tuple[str, Style | None]]] = []
        for r in range(rows):
            line = []
            for c in range(cols):
                b, lv = bands[r, c], levels[r, c]
                edge = lv >= 0 and ((c + 1 < cols and levels[r, c + 1] != lv) or (r + 1 < rows and levels[r + 1, c] != lv))
                bg = BANDS[b] if b >= 0 else None
                line.append((LEVEL if edge else " ", Style(bgcolor=bg, color="#e0e0e0" if b < 5 else "#203040")))
            grid.append(line)

        def put(cell, ch, style):
            if cell is not None:
                r, c = cell
                grid[r][c] = (ch, grid[r][c][1] + style if grid[r][c][1] else style)

        for m in self.surface.minima:
            put(self.cell_of(*m), MINIMUM, Style(bold=True, color="white"))
        for path in self.paths:  # the lines between points first, so that points sit on top of them
            for a, b in zip(path.points, path.points[1:]):
                for cell in self._between(a, b):
                    put(cell, SEGMENT, Style(color=path.color))
        if self.paths:
            self._draw_arrows(put)
        for path in self.paths:
            put(self.cell_of(*path.points[0]), START, Style(bold=True, color=path.color))
            for p in path.points[1:-1]:
                put(self.cell_of(*p), path.letter.lower(), Style(bold=True, color=path.color))
        for i, path in enumerate(self.paths):  # current points last: the focused one on top
            if i != self.focus:
                put(self.cell_of(*path.points[-1]), path.letter.upper(), Style(bold=True, reverse=True, color=path.color))
        if self.paths:
            path = self.paths[self.focus]
            put(self.cell_of(*path.points[-1]), path.letter.upper(),
                Style(bold=True, reverse=True, color=path.color, underline=True))
        return grid

    def _between(self, a, b):
        """The cells strictly between two points' cells, on a straight line."""
        ca, cb = self.cell_of(*a), self.cell_of(*b)
        if ca is None or cb is None:
            return []
        n = max(abs(cb[0] - ca[0]), abs(cb[1] - ca[1]))
        cells = []
        for k in range(1, n):
            cell = (round(ca[0] + (cb[0] - ca[0]) * k / n), round(ca[1] + (cb[1] - ca[1]) * k / n))
            if cell != ca and cell != cb:
                cells.append(cell)
        return cells

    def _draw_arrows(self, put) -> None:
        path = self.paths[self.focus]
        start = self.cell_of(*path.points[-1])
        if start is None:
            return
        rows, cols = self.grid_size()
        x0, x1, y0, y1 = self.view
        scaled = []
        for vec in self.arrows:  # as seen: in columns' widths, x to the right, y up (a row is two widths tall)
            if vec is None or not all(math.isfinite(v) for v in vec):
                scaled.append(None)
                continue
            scaled.append((vec[0] / (x1 - x0) * cols, 2 * vec[1] / (y1 - y0) * rows))
        longest = max([math.hypot(*v) for v in scaled if v is not None] or [0.0])
        if longest == 0:
            return
        for vec, glyphs, color in zip(scaled, (ARROWS, DOUBLE_ARROWS), ("#ffd166", "#ef476f")):
            if vec is None or vec == (0.0, 0.0):
                continue
            cells = max(2, round(ARROW_CELLS * math.hypot(*vec) / longest))
            ux, uy = vec[0] / math.hypot(*vec), vec[1] / math.hypot(*vec)
            glyph = _direction_glyph(ux, uy, glyphs)
            drawn = {start}
            for k in range(1, 2 * cells + 1):
                cell = (round(start[0] - uy * k / 2), round(start[1] + ux * k / 2))
                if cell not in drawn and 0 <= cell[0] < rows and 0 <= cell[1] < cols:
                    drawn.add(cell)
                    put(cell, glyph, Style(bold=True, color=color))

    def cells(self) -> list[str]:
        """The map as plain text rows, top row first (what tests read)."""
        if self.surface is None:
            return []
        return ["".join(ch for ch, _ in line) for line in self.layers()]

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        if self.surface is None:
            return text
        grid = self.layers()
        rows, cols = len(grid), len(grid[0])
        x0, x1, y0, y1 = self.view
        labelled = {0: y1, rows // 2: (y0 + y1) / 2, rows - 1: y0}
        for r, line in enumerate(grid):
            label = f"{num(round(labelled[r], 3)):>{LABEL_WIDTH - 1}} " if r in labelled else " " * LABEL_WIDTH
            text.append(label[-LABEL_WIDTH:], style="dim")
            for ch, style in line:
                text.append(ch, style=style)
            text.append("\n")
        left, mid, right = (num(round(v, 3)) for v in (x0, (x0 + x1) / 2, x1))
        pad = max(1, (cols - len(left) - len(mid) - len(right)) // 2)
        axis = left + " " * pad + mid + " " * max(1, cols - len(left) - pad - len(mid) - len(right)) + right
        text.append(" " * LABEL_WIDTH + axis, style="dim")
        return text
