"""The cluster x digit table as a character heatmap: counts, shaded by share of the cluster."""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.widget import Widget

SHADES = " ░▒▓█"


def heatmap_text(table: np.ndarray, title: str) -> Text:
    table = np.asarray(table)
    out = Text(f"{title}\n", style="bold")
    out.append("cluster " + "".join(f"{d:>6}" for d in range(10)) + "   size\n", style="dim")
    # Clusters ordered by their main digit, so a good clustering reads as a diagonal.
    for c in sorted(range(len(table)), key=lambda c: int(table[c].argmax())):
        row, size = table[c], int(table[c].sum())
        out.append(f"{c:>7} ", style="dim")
        for d in range(10):
            share = row[d] / size if size else 0.0
            shade = SHADES[min(4, int(share * 5))]
            style = "bold green" if d == row.argmax() and share >= 0.5 else ("yellow" if share >= 0.2 else "")
            out.append(f" {shade}{row[d]:>4}", style=style)
        out.append(f"  {size:>5}\n", style="dim")
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
        return heatmap_text(self.table, self.title)
