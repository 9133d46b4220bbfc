"""The Runs pane: every run under runs/, its state and scores; open one, or overlay it on the loss chart.

Each run is listed from its log's first 16 KB and its last few epochs (Record.glance): its state, epochs and
latest scores are there, whatever the run's length; a run's log is read whole only when it is opened."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from bumptui.engine.autoencoder.jobs.train.record import RunRecord
from bumptui.engine.autoencoder.runs.log import METRICS
from bumptui.engine.autoencoder.runs.rundir import CONFIG, RunError
from bumptui.tui.messages import RunView
from bumptui.tui.screens.run_pane import RunPane
from bumptui.tui.widgets.pane_bar import PaneBar
from bumptui.tui.widgets.key_bar import KeyBar


def list_runs(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted((p for p in root.iterdir() if (p / CONFIG).exists()), key=lambda p: p.stat().st_mtime, reverse=True)


def log_stamp(run_dir: Path) -> tuple[int, int] | None:
    """When and how far the run's log last grew; a run is read again only when this changes."""
    try:
        stat = (run_dir / METRICS).stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


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
        self._read: dict[Path, tuple[tuple | None, object]] = {}
        """Each listed run as last read (its record, or the RunError that says why it cannot be read),
        with the log stamp it was read at."""
        self._rows: list | None = None

    def compose(self) -> ComposeResult:
        yield PaneBar(self.PANE)
        yield Static(id="where")
        table = DataTable(id="runs", cursor_type="row", zebra_stripes=True)
        table.add_columns("run", "state", "epochs", "latents", "test L1", "k-means acc")
        yield table
        yield KeyBar()

    def draw(self, view: RunView) -> None:
        runs = list_runs(view.runs_root)
        rows = [self._row(path, view) for path in runs]
        if rows != self._rows:  # redraw the table only when a run's line changed
            self._rows = rows
            table = self.query_one("#runs", DataTable)
            table.clear()
            for path, row in zip(runs, rows):
                table.add_row(*row, key=str(path))
        shown = view.record.run_dir.name if view.record else "none"
        overlay = view.overlay.run_dir.name if view.overlay else "none"
        self.query_one("#where", Static).update(
            f"{len(runs)} runs in {view.runs_root}/ · showing {shown} · comparing with {overlay} · "
            "enter opens a run, c overlays it on the loss chart")

    def _record(self, path: Path):
        stamp = log_stamp(path)
        if path not in self._read or self._read[path][0] != stamp:
            from bumptui.engine.autoencoder.jobs import registry

            try:
                kind = registry.kind_of(path)
            except RunError:
                kind = None  # a damaged config: read it as a run, whose log says what it can
            try:  # a run's first and last events: a folder of long runs lists as fast as short ones
                self._read[path] = (stamp, (kind.record if kind else RunRecord).glance(path))
            except RunError as err:
                self._read[path] = (stamp, err)
        return self._read[path][1]

    def _row(self, path: Path, view: RunView) -> tuple:
        record = self._record(path)
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
        self._read.clear()
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
