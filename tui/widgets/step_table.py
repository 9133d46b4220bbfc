"""One row per step: t, x, g, the optimizer's moments, the step and the loss."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from bumptui.engine.bump.trajectory import StepRecord

COLUMNS = {"t": "t", "x": "x", "g": "g", "m": "m", "v": "v", "m_hat": "m̂", "v_hat": "v̂", "dx": "Δx", "f": "F(x)"}
"""Left to right."""
KEEP_FIRST = ("t", "x", "g", "m_hat", "v_hat", "dx", "f", "m", "v")
"""When the table is too narrow, columns are kept in this order: the bias-corrected moments
decide the step, the raw ones only feed them."""


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value:.5g}"


class StepTable(DataTable):
    """The records of one trajectory; the newest row is kept in view.

    When the terminal is too narrow for every column, the rightmost ones are left out and the
    border title says so.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.records: list[StepRecord] = []
        self.fields: tuple[str, ...] = ()
        self.label = ""
        self.shown_columns: tuple[str, ...] = ()
        """The columns on screen now: as many of the fields as the width allows."""

    def show(self, label: str, state_fields: tuple[str, ...], records: list[StepRecord]) -> None:
        """Show these records, adding or removing only the rows that changed at the end."""
        self.label = label
        fields = tuple(k for k in COLUMNS if k in ("t", "x", "g", "dx", "f") or k in state_fields)
        same_start = len(self.records) and records and self.records[0] == records[0]
        if fields != self.fields or not same_start:
            self.fields, self.records = fields, []
            self._rebuild()
        while len(self.records) > len(records) or (self.records and self.records[-1] != records[len(self.records) - 1]):
            self.remove_row(str(self.records.pop().t))
        for r in records[len(self.records):]:
            self.records.append(r)
            self.add_row(*self._row(r), key=str(r.t))
        if self._fitting() != self.shown_columns:
            self._rebuild()
        self._title()
        self._follow()

    def _title(self) -> None:
        hidden = [COLUMNS[k] for k in self.fields if k not in self.shown_columns]
        # Row t's g is the gradient the step to row t used: at row t-1's x (Algorithm 1 of Kingma & Ba).
        self.border_title = self.label + " · g at x(t-1)" + (f" · widen for {' '.join(hidden)}"
                                                          if hidden else "")

    def _row(self, r: StepRecord) -> list[Text]:
        return [Text(cell(getattr(r, k)), justify="right") for k in self.shown_columns]

    def _fitting(self) -> tuple[str, ...]:
        """The leading columns whose cells fit the table's width."""
        room = (self.size.width or 80) - 2  # the vertical scrollbar
        widths = {k: max([len(COLUMNS[k])] + [len(cell(getattr(r, k))) for r in self.records[-200:]]) for k in self.fields}
        kept, used = set(), 0
        for k in (k for k in KEEP_FIRST if k in self.fields):
            used += widths[k] + 2 * self.cell_padding
            if used > room and len(kept) >= 3:
                break
            kept.add(k)
        return tuple(k for k in self.fields if k in kept)

    def _rebuild(self) -> None:
        self.shown_columns = self._fitting()
        self.clear(columns=True)
        for k in self.shown_columns:
            self.add_column(COLUMNS[k], key=k)
        for r in self.records:
            self.add_row(*self._row(r), key=str(r.t))
        self._title()
        self._follow()

    def _follow(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1, animate=False)

    def on_resize(self) -> None:
        if self._fitting() != self.shown_columns:
            self._rebuild()
