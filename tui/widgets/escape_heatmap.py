"""Trapped vs escaped over (h, a hyper-parameter), one character per grid cell."""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.widget import Widget

from bumptui.engine.bump.escape import EscapeMap
from bumptui.engine.numbers import num

ESCAPED, TRAPPED, HERE = "█", "·", "◆"


class EscapeHeatmap(Widget):
    """Rows are bump heights, tallest at the top; columns are values of the parameter."""

    DEFAULT_CSS = "EscapeHeatmap { height: 1fr; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.emap: EscapeMap | None = None
        self.here: tuple[float, float] | None = None
        self.param_label = ""

    def grid_size(self) -> tuple[int, int]:
        """(rows, columns) that fit beside the axis labels."""
        return max(4, self.size.height - 2), max(8, self.size.width - 8)

    def show(self, emap: EscapeMap, here: tuple[float, float], param_label: str) -> None:
        self.emap, self.here, self.param_label = emap, here, param_label
        self.refresh()

    def cells(self) -> list[str]:
        """The grid as text rows, top row = tallest bump; what tests read."""
        emap = self.emap
        rows = []
        hi = int(np.abs(emap.heights - self.here[0]).argmin())
        vj = int(np.abs(emap.values - self.here[1]).argmin())
        for i in range(len(emap.heights) - 1, -1, -1):
            row = [ESCAPED if e else TRAPPED for e in emap.escaped[i]]
            if i == hi:
                row[vj] = HERE
            rows.append("".join(row))
        return rows

    def render(self) -> Text:
        if self.emap is None:
            return Text("")
        emap, text = self.emap, Text()
        for n, row in enumerate(self.cells()):
            h = emap.heights[len(emap.heights) - 1 - n]
            label = f"{num(round(h, 3)):>6} " if n % 3 == 0 else " " * 7
            text.append(label, style="dim")
            for ch in row:
                style = "green" if ch == ESCAPED else "bold yellow" if ch == HERE else "red dim"
                text.append(ch, style=style)
            text.append("\n")
        v = emap.values
        axis = f"{num(round(v[0], 3))}"
        right = f"{num(round(v[-1], 3))}"
        middle = f"{self.param_label} →"
        width = len(v)
        pad = max(1, width - len(axis) - len(right) - len(middle))
        text.append(" " * 7 + axis + " " * (pad // 2) + middle + " " * (pad - pad // 2) + right, style="dim")
        return text
