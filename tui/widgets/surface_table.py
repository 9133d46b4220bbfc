"""Where each racing optimizer stands on a 2-D landscape: one row per coordinate, with the gradient its
last step used, its moments and the step, so every number of the update can be read off."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from bumptui.engine.surfaces import SurfaceTrajectory

COLUMNS = {"value": "point", "g": "g", "m": "m", "v": "v", "m_hat": "m̂", "v_hat": "v̂", "step": "step"}
KEEP_FIRST = ("value", "g", "m_hat", "v_hat", "step", "m", "v")
"""When the width is short, columns are kept in this order (the bias-corrected moments decide the step)."""
CELL = 11
"""A number's width: five significant digits, a sign, and a leading 0.000 or an exponent."""
NAME = 14


def cell(value: float | None) -> str:
    return "" if value is None else f"{value:.5g}"


class SurfaceTable(Static):
    """`show(walks, colors, focus, fold)`: all walks, or (folded) the focused one only."""

    DEFAULT_CSS = "SurfaceTable { height: auto; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.shown_columns: tuple[str, ...] = ()
        self.rows: list[list[str]] = []
        """The table's cells as text, for tests: per shown walk, its x row then its y row."""

    def show(self, walks: list[SurfaceTrajectory], colors: list[str], focus: int, fold: bool) -> None:
        fields = set().union(*(w.optimizer.state_fields for w in walks)) if walks else set()
        present = [k for k in COLUMNS if k in ("value", "g", "step") or k in fields]
        room = (self.size.width or 80) - NAME - 3
        kept = []
        for k in (k for k in KEEP_FIRST if k in present):
            if len(kept) * (CELL + 1) + CELL > room:
                break
            kept.append(k)
        self.shown_columns = tuple(k for k in present if k in kept)
        hidden = [COLUMNS[k] for k in present if k not in kept]
        table = Table(box=None, padding=(0, 1, 0, 0), expand=False, show_edge=False, header_style="bold")
        table.add_column(f"t {walks[focus].t}" if walks else "", width=NAME, no_wrap=True)
        for k in self.shown_columns:
            table.add_column(COLUMNS[k], justify="right", width=CELL, no_wrap=True)
        self.rows = []
        shown = [focus] if fold else range(len(walks))
        for i in shown:
            walk, r = walks[i], walks[i].current
            for j, name in enumerate(walk.surface.variables):
                values = {"value": r.point[j], "g": r.g[j] if r.g else None,
                          "step": r.step[j] if r.step else None,
                          **{k: r.state[k][j] if k in r.state and r.g else None for k in ("m", "v", "m_hat", "v_hat")}}
                cells = [cell(values[k]) for k in self.shown_columns]
                head = (f"{walk.label}" if j == 0 else f"F {cell(r.f)}")
                label = Text(f"{head:<{NAME - 2}}"[: NAME - 2] + f" {name}",
                             style=f"bold {colors[i]}" if j == 0 else colors[i])
                if i == focus and not fold:
                    label.stylize("underline", 0, NAME - 2)
                table.add_row(label, *cells)
                self.rows.append([head, name, *cells])
        self.border_title = ("g: the gradient the last step used"
                             + (f" · widen for {' '.join(hidden)}" if hidden else "")
                             + (f" · tab: next of {len(walks)}" if fold and len(walks) > 1 else ""))
        self.update(table)
