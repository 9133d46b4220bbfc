"""The cluster x digit table as a character heatmap: counts, shaded by share of the cluster. In a
narrow terminal the table narrows (a shorter cluster column, no space between counts, then no size
column, which the title then says) rather than wrap its rows."""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.widget import Widget

SHADES = " ░▒▓█"


def layout(table: np.ndarray, width: int | None) -> tuple[int, str, bool]:
    """(width of the cluster column, space before each count, whether the size column shows): the
    widest that fits `width` columns, a narrower cluster column, then no space, then no size column."""
    digits = max(3, len(str(int(np.asarray(table).max(initial=0)))))
    for label, sep, size in ((8, " ", True), (4, " ", True), (4, "", True), (4, "", False)):
        if width is None or label + 10 * (len(sep) + 1 + digits) + (7 if size else 0) <= width:
            return label, sep, size
    return 4, "", False


def heatmap_text(table: np.ndarray, title: str, width: int | None = None) -> Text:
    """The table drawn to fit `width` columns (None: the widest form)."""
    table = np.asarray(table)
    label, sep, with_size = layout(table, width)
    digits = max(3, len(str(int(table.max(initial=0)))))
    out = Text(f"{title}" + ("" if with_size else " (no size column: widen for it)") + "\n", style="bold")
    name = "cluster" if label == 8 else "cl."
    out.append(f"{name:<{label - 1}} " + "".join(f"{d:>{len(sep) + 1 + digits}}" for d in range(10))
               + ("   size" if with_size else "") + "\n", style="dim")
    # Clusters ordered by their main digit, so a good clustering reads as a diagonal.
    for c in sorted(range(len(table)), key=lambda c: int(table[c].argmax())):
        row, size = table[c], int(table[c].sum())
        out.append(f"{c:>{label - 1}} ", style="dim")
        for d in range(10):
            share = row[d] / size if size else 0.0
            shade = SHADES[min(4, int(share * 5))]
            style = "bold green" if d == row.argmax() and share >= 0.5 else ("yellow" if share >= 0.2 else "")
            out.append(f"{sep}{shade}{row[d]:>{digits}}", style=style)
        out.append(f"  {size:>5}\n" if with_size else "\n", style="dim")
    return out


class ContingencyHeatmap(Widget):
    DEFAULT_CSS = "ContingencyHeatmap { height: auto; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.table: np.ndarray | None = None
        self.title = ""

    def show(self, table, title: str) -> None:
        self.table, self.title = (None if table is None else np.asarray(table)), title
        self.refresh(layout=True)

    def render(self) -> Text:
        if self.table is None:
            return Text("No cluster scores yet: they arrive with the first evaluation.", style="dim")
        return heatmap_text(self.table, self.title, self.size.width or None)
