"""The Clusters pane: purity, NMI, ARI and accuracy per model and for raw pixels, and the
cluster x digit table of the selected model."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static

from engine.autoencoder.runs.record import RunRecord
from tui.messages import RunView
from tui.screens.run_pane import NO_RUN, RunPane
from tui.widgets.contingency import ContingencyHeatmap
from tui.widgets.pane_bar import PaneBar


def fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}"


class ClustersPane(RunPane):
    PANE = "clusters"
    CSS_PATH = "clusters.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.selected: int | None | str = "first"
        """The latent dim whose contingency table is shown (None: raw pixels)."""

    def compose(self) -> ComposeResult:
        yield PaneBar(self.PANE)
        table = DataTable(id="scores", cursor_type="row", zebra_stripes=True)
        table.add_columns("k-means on", "epoch", "purity", "NMI", "ARI", "acc", "judge", "test L1")
        yield table
        yield Static(NO_RUN, id="note")
        with VerticalScroll():
            yield ContingencyHeatmap(id="heatmap")
        yield Footer(compact=True)

    def rows(self, record: RunRecord) -> list[tuple[int | None, list[str]]]:
        rows = []
        for d in [*record.latents, None]:
            scores = record.latest(record.clusters[d])
            if d is None and scores is None:
                continue
            judge = record.judge_acc(d) if d is not None else None
            end = record.latest(record.epochs[d]) if d is not None else None
            name = "raw pixels" if d is None else f"latent {d}"
            rows.append((d, [name, str(scores.epoch) if scores else "-",
                             *(fmt(getattr(scores, k)) if scores else "-" for k in ("purity", "nmi", "ari", "acc")),
                             fmt(judge), fmt(end.test_l1 if end else None)]))
        return rows

    def draw(self, view: RunView) -> None:
        record = view.record
        table = self.query_one("#scores", DataTable)
        note = self.query_one("#note", Static)
        cursor = table.cursor_row
        table.clear()
        if record is None:
            note.update(NO_RUN)
            self.query_one(ContingencyHeatmap).show(None, "")
            return
        rows = self.rows(record)
        for d, cells in rows:
            table.add_row(*cells, key=str(d))
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))
        own = f" (it reads {record.judge.test_acc:.1%} of the real test digits itself)" if record.judge else ""
        note.update("Accuracy matches each cluster to one digit (Hungarian); purity lets clusters share a digit. "
                    f"judge: how often the digit classifier reads the right digit in the reconstructions{own}.")
        self._show_heatmap(record)

    @on(DataTable.RowHighlighted)
    def _row(self, message: DataTable.RowHighlighted) -> None:
        key = message.row_key.value
        self.selected = None if key == "None" else int(key)
        if self.view.record is not None:
            self._show_heatmap(self.view.record)

    def _show_heatmap(self, record: RunRecord) -> None:
        d = self.selected
        if d == "first":
            d = record.latents[0] if record.latents else None
        scores = record.latest(record.clusters[d])
        name = "raw pixels" if d is None else f"latent {d}"
        title = f"Clusters x digits, {name}" + (f", epoch {scores.epoch}" if scores else "")
        self.query_one(ContingencyHeatmap).show(scores.contingency if scores else None, title)
