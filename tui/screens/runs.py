"""The Runs pane: every run under runs/, its state and scores; open one, or overlay it to compare."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from engine.autoencoder.runs.rundir import CONFIG, RunError
from engine.autoencoder.runs.record import RunRecord
from tui.screens.run_pane import RunPane


def list_runs(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted((p for p in root.iterdir() if (p / CONFIG).exists()), key=lambda p: p.stat().st_mtime, reverse=True)


class RunsPane(RunPane):
    DEFAULT_CSS = "RunsPane #where { height: auto; background: $panel; padding: 0 1; }"
    BINDINGS = [
        Binding("enter", "open", "Open", id="runs.open"),
        Binding("c", "compare", "Compare", id="runs.compare"),
        Binding("r", "rescan", "Rescan", id="runs.rescan"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="where")
        table = DataTable(id="runs", cursor_type="row", zebra_stripes=True)
        table.add_columns("run", "state", "epochs", "latents", "test L1", "k-means acc")
        yield table
        yield Footer(compact=True)

    def show_run(self, record: RunRecord | None) -> None:
        self.action_rescan()

    def action_rescan(self) -> None:
        table = self.query_one("#runs", DataTable)
        table.clear()
        root = self.app.runs_root
        runs = list_runs(root)
        for path in runs:
            try:
                record = RunRecord.read(path)
            except RunError:
                table.add_row(path.name, "damaged log", "", "", "", "", key=str(path))
                continue
            summary = record.summary()
            models = summary["models"]
            epochs = max((m["epochs"] for m in models.values()), default=0)
            total = record.started.config["epochs"] if record.started else "?"
            l1 = " ".join(f"{m['test_l1']:.4f}" for m in models.values() if m["test_l1"] is not None)
            acc = " ".join(f"{m['acc']:.2f}" for m in models.values() if m["acc"] is not None)
            table.add_row(path.name, self.app.run_status(record), f"{epochs}/{total}",
                          " ".join(models), l1, acc, key=str(path))
        shown = self.app.record.run_dir.name if self.app.record else "none"
        compare = self.app.compare.run_dir.name if self.app.compare else "none"
        self.query_one("#where", Static).update(
            f"{len(runs)} runs in {root}/ · showing {shown} · comparing with {compare} · "
            "enter opens a run, c overlays it on the loss chart")

    def selected(self) -> Path | None:
        table = self.query_one("#runs", DataTable)
        if not table.row_count:
            return None
        return Path(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        path = self.selected()
        if path is not None:
            self.app.open_run(path)
            self.app.switch_mode("train")

    def action_compare(self) -> None:
        path = self.selected()
        if path is not None:
            self.app.set_compare(path)
            self.action_rescan()
