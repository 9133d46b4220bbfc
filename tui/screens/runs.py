"""The Runs pane: every run under runs/, its state and scores; open one, or overlay it on the loss chart.

Each run is listed from its log's first 16 KB and its last few epochs (Record.glance): its state, epochs and
latest scores are there, whatever the run's length; a run's log is read whole only when it is opened. The
app's reader thread does the listing (tui/reader.py): a slow or hostile file never holds this pane."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from bumptui.engine.autoencoder.jobs.train.record import RunRecord
from bumptui.engine.autoencoder.runs.rundir import RunError
from bumptui.tui.messages import RunView
from bumptui.tui.screens.run_pane import RunPane
from bumptui.tui.widgets.pane_bar import PaneBar
from bumptui.tui.widgets.key_bar import KeyBar


class RunsPane(RunPane):
    PANE = "runs"
    class Overlay(Message):
        """Draw this run on the loss chart beside the current one."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path: Path = path

    CSS_PATH = "runs.tcss"
    BINDINGS = [
        Binding("enter", "open", "Open", id="runs.open"),
        Binding("c", "overlay", "Compare", id="runs.overlay"),
        Binding("r", "rescan", "Rescan", id="runs.rescan"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: list | None = None

    def compose(self) -> ComposeResult:
        yield PaneBar(self.PANE)
        yield Static(id="where")
        table = DataTable(id="runs", cursor_type="row", zebra_stripes=True)
        table.add_columns("run", "state", "epochs", "latents", "test L1", "k-means acc")
        yield table
        yield KeyBar()

    def draw(self, view: RunView) -> None:
        listing = self.app.reader.list_runs(view.runs_root)  # read in the app's reader thread
        rows = [self._row(path, record, view) for path, record in listing or []]
        if rows != self._rows:  # redraw the table only when a run's line changed
            self._rows = rows
            table = self.query_one("#runs", DataTable)
            table.clear()
            for (path, _), row in zip(listing or [], rows):
                table.add_row(*row, key=str(path))
        shown = view.record.run_dir.name if view.record else "none"
        overlay = view.overlay.run_dir.name if view.overlay else "none"
        found = "reading the runs in" if listing is None else f"{len(listing)} runs in"
        self.query_one("#where", Static).update(
            f"{found} {view.runs_root}/ · showing {shown} · comparing with {overlay} · "
            "enter opens a run, c overlays it on the loss chart")

    def _row(self, path: Path, record, view: RunView) -> tuple:
        if isinstance(record, RunError):  # why, in the few words the reader gave, when it gave them
            return (path.name, f"damaged: {getattr(record, 'why', None) or 'its log cannot be read'}", "", "", "", "")
        if not isinstance(record, RunRecord):  # a study: the app has no pane for it yet
            done, total = record.done()
            return (path.name, f"{type(record).__name__.removesuffix('Record').lower()}: {record.status()}",
                    f"{done:.0f}/{total}", "", "", "")
        models = record.summary()["models"]
        epochs = max((m["epochs"] for m in models.values()), default=0)
        total = record.started.config["epochs"] if record.started else "?"
        l1 = " ".join(f"{m['test_l1']:.4f}" for m in models.values() if m["test_l1"] is not None)
        acc = " ".join(f"{m['acc']:.2f}" for m in models.values() if m["acc"] is not None)
        return (path.name, view.status(record), f"{epochs}/{total}", " ".join(models), l1, acc)

    def action_rescan(self) -> None:
        self.app.reader.rescan()
        self._rows = None
        self.redraw()

    def selected(self) -> Path | None:
        table = self.query_one("#runs", DataTable)
        if not table.row_count:
            return None
        return Path(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        path = self.selected()
        if path is not None:
            self.post_message(self.Open(path))

    def action_overlay(self) -> None:
        path = self.selected()
        if path is not None:
            self.post_message(self.Overlay(path))
