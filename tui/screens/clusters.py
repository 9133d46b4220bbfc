"""The Clusters pane: how well each method's clusters match the digits, side by side for each model,
the same methods on raw pixels beneath, and the cluster x digit table of the selected row.

Before the run is clustered, the rows are the k-means scores its training recorded; ctrl+s clusters
it (k-means and UMAP over three seeds, then IDEC epoch by epoch), in the app's worker, and the rows
fill in as the scores arrive.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Static

from bumptui.engine.autoencoder.jobs.cluster.config import METHODS, PIXEL_FEATURES, ClusterConfig, ClusterError, method_name
from bumptui.engine.autoencoder.jobs.cluster.record import ClusterRecord
from bumptui.engine.autoencoder.jobs.train.record import RunRecord
from bumptui.tui.forms import form_row, form_texts
from bumptui.tui.messages import RunView
from bumptui.tui.screens.run_pane import NO_RUN, RunPane
from bumptui.tui.widgets.contingency import ContingencyHeatmap
from bumptui.tui.widgets.pane_bar import PaneBar
from bumptui.tui.widgets.wait_line import EtaClock, WaitLine, bar, eta_text
from bumptui.tui.widgets.key_bar import KeyBar

FORM = ("methods", "epochs")
"""The form's settings, on one line."""
ON_PIXELS = {"pixels": "pixels", "pca-50": "PCA-50 px"}


def fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}"


class ClustersPane(RunPane):
    PANE = "clusters"
    CSS_PATH = "clusters.tcss"
    AUTO_FOCUS = "#scores"  # up and down pick the row whose table is shown; digit keys still switch panes
    BINDINGS = [
        Binding("ctrl+s", "start", "Cluster", id="clusters.start"),
        Binding("ctrl+x", "stop", "Stop", priority=True, id="clusters.stop"),
        Binding("ctrl+r", "resume", "Resume", id="clusters.resume"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.selected: str | None = None
        """The row whose contingency table is shown ("<method>|<features>"); None: the first."""
        self.tables: dict[str, tuple[list, str]] = {}
        """Per row key, its contingency table and what to call it: what the heatmap shows."""
        self._clock = EtaClock()

    def compose(self) -> ComposeResult:
        yield PaneBar(self.PANE)
        table = DataTable(id="scores", cursor_type="row", zebra_stripes=True)
        table.add_columns("model", "method", "purity", "NMI", "ARI", "acc", "± acc", "from")
        yield table
        with Horizontal(id="form"):
            for name in FORM:
                yield from form_row(ClusterConfig, name)
            yield Button("Cluster", id="start", variant="primary", compact=True)
            yield Button("Stop", id="stop", variant="error", compact=True)
        yield Static(id="error")
        yield Static(NO_RUN, id="note")
        yield WaitLine(id="wait")
        yield Static(id="progress")
        with VerticalScroll():
            yield ContingencyHeatmap(id="heatmap")
        yield KeyBar()

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        error = self.query_one("#error", Static)
        try:
            config = ClusterConfig.from_text(form_texts(self, ClusterConfig, FORM))
        except ClusterError as err:
            error.update(str(err))
            error.display = True
            return
        error.display = False
        self.set_focus(self.query_one("#scores"))
        self.post_message(self.Start("cluster", config))

    def action_resume(self) -> None:
        self.post_message(self.Start("cluster", None, resume=True))

    def rows(self, record: RunRecord, clusters: ClusterRecord | None) -> list[tuple[str, list[str]]]:
        """(key, cells) per row: each model's methods, then the raw-pixel baselines; what the
        clustering has not scored yet comes from the training's own k-means evaluations."""
        summary = clusters.summary() if clusters is not None and clusters.scores else None
        rows, self.tables = [], {}
        for d in record.latents:
            for method in METHODS:
                entry = summary["methods"].get(method, {}).get(str(d)) if summary else None
                if entry is None and method == "kmeans":
                    rows.append(self._training_row(record, d))
                elif entry is not None:
                    rows.append(self._row(method, f"latent-{d}", f"latent {d}", entry, summary["config"]))
        for method, features in PIXEL_FEATURES.items():
            entry = summary["raw_pixels"].get(method) if summary else None
            if entry is not None:
                rows.append(self._row(method, features, ON_PIXELS[features], entry, summary["config"]))
            elif method == "kmeans" and record.latest(record.clusters[None]) is not None:
                rows.append(self._training_row(record, None))
        return [r for r in rows if r is not None]

    def _row(self, method: str, features: str, model: str, entry: dict, config: dict | None) -> tuple[str, list[str]]:
        key = f"{method}|{features}"
        name = method_name(method, config)  # UMAP+GMM, or UMAP+k-means as the clustering was run
        how = (f"{entry['epochs']} epochs" if method == "idec"
               else f"{len(entry['seeds'])} seed{'s' * (len(entry['seeds']) != 1)}")
        self.tables[key] = (entry["contingency"], f"{name} on {model}"
                            + (f", epoch {entry['epochs']}" if method == "idec" else f", seed {entry['seeds'][0]}"))
        return key, [model, name, *(fmt(entry[k]) for k in ("purity", "nmi", "ari", "acc")),
                     fmt(entry.get("spread", {}).get("acc")), how]

    def _training_row(self, record: RunRecord, d: int | None) -> tuple[str, list[str]] | None:
        scores = record.latest(record.clusters[d])
        if scores is None:
            return None
        model = "pixels" if d is None else f"latent {d}"
        key = f"train|{'pixels' if d is None else f'latent-{d}'}"
        self.tables[key] = (scores.contingency, f"k-means on {model}, training's epoch {scores.epoch}")
        return key, [model, "k-means", *(fmt(getattr(scores, k)) for k in ("purity", "nmi", "ari", "acc")), "-",
                     f"training ep {scores.epoch}"]

    def draw(self, view: RunView) -> None:
        record, clusters = view.record, view.clusters
        table, note = self.query_one("#scores", DataTable), self.query_one("#note", Static)
        cursor = table.cursor_row
        table.clear()
        live = clusters is not None and view.is_live(clusters)
        self.query_one(WaitLine).wait_for(clusters.phase() if live else None)
        self._show_progress(clusters, live)
        if record is None:
            note.update(NO_RUN)
            self.query_one(ContingencyHeatmap).show(None, "")
            return
        rows = self.rows(record, clusters)
        for key, cells in rows:
            table.add_row(*cells, key=key)
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))
        note.update(self._note(view, clusters, live))
        self._show_heatmap()

    def _note(self, view: RunView, clusters: ClusterRecord | None, live: bool) -> str:
        if clusters is None or clusters.started is None:
            return ("[b]Not clustered yet[/b]: ctrl+s runs k-means and UMAP+GMM (N2D) on every model's codes and on raw "
                    "pixels, then IDEC. " if not live else "Clustering is starting. ") + "acc: best one-to-one match."
        c = clusters.started.config
        ending = view.ending(clusters)
        status = view.status(clusters).replace("clustering", "running")  # "clustering": this app's own job
        fitted = " of all codes (training too)" if c.get("fit_on") == "all" else ""
        return (f"Clustering {status} · UMAP{fitted} to {c['n_components']}-D, {c['n_neighbors']} neighbours, "
                f"min_dist {c['min_dist']:g}, then {c['clusterer'].upper() if c['clusterer'] == 'gmm' else 'k-means'} · "
                f"IDEC gamma {c['gamma']:g} · acc: best one-to-one match of clusters to digits"
                + (f" — {ending}" if ending else ""))

    def _show_progress(self, clusters: ClusterRecord | None, live: bool) -> None:
        line = self.query_one("#progress", Static)
        line.display = bool(clusters and clusters.started and live)
        if not line.display:
            return
        done, total = clusters.done()
        text = f"{bar(done / max(total, 1), 20)} {done:.1f}/{total} clusterings and IDEC epochs"
        latest = max((s for steps in clusters.steps.values() for s in steps.values()),
                     key=lambda s: (s.epoch, s.step), default=None)
        if latest is not None:
            moved = "" if latest.changed is None else f", {latest.changed:.1%} moved"
            text += f" · IDEC latent {latest.latent} epoch {latest.epoch}: KL {latest.kl:.4f}{moved}"
        line.update(text + f" · ETA {eta_text(self._clock.eta(done, total))}")

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, message: DataTable.RowHighlighted) -> None:
        self.selected = message.row_key.value
        self._show_heatmap()

    def _show_heatmap(self) -> None:
        key = self.selected if self.selected in self.tables else next(iter(self.tables), None)
        contingency, title = self.tables.get(key, (None, ""))
        self.query_one(ContingencyHeatmap).show(contingency, f"Clusters x digits, {title}")
