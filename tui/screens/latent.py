"""The Latent pane: a model's codes of fixed test digits in 2-D, epoch by epoch, as the embedding
projector shows them: by PCA (recorded every epoch) or by UMAP, coloured by digit or by cluster.

The recorded view coloured by cluster needs no model: k-means on the recorded points (the codes
themselves for latent 2). UMAP and its clusters come from the run's newest checkpoint, so they build
the run's model: for a run of a user's design that runs the design's recorded code, and the pane asks
first (once per run). Both are computed in a worker thread (UMAP takes a few seconds; the first time
in a session numba compiles it, up to a minute), so the pane stays responsive and says so meanwhile.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from bumptui.engine.autoencoder.jobs.train.record import RunRecord
from bumptui.engine.autoencoder.jobs.train.kind import checkpoint_path
from bumptui.tui.messages import RunView
from bumptui.tui.screens.run_pane import NO_RUN, EpochPane
from bumptui.tui.widgets.pane_bar import PaneBar
from bumptui.tui.widgets.run_charts import LatentScatter
from bumptui.tui.widgets.wait_line import WaitLine
from bumptui.tui.widgets.key_bar import KeyBar

PROJECTIONS = ("pca", "umap")


def _kmeans_of(xy) -> object:
    """Each recorded point's cluster, by k-means (k = 10) on the points themselves."""
    import numpy as np

    from bumptui.engine.autoencoder.clustering.kmeans import kmeans

    return kmeans(np.asarray(xy, dtype=float)).labels_


class LatentPane(EpochPane):
    PANE = "latent"
    CSS_PATH = "latent.tcss"
    BINDINGS = [
        Binding("left,left_square_bracket", "epoch(-1)", "Earlier", key_display="←", id="latent.back"),
        Binding("right,right_square_bracket", "epoch(1)", "Later", key_display="→", id="latent.forward"),
        Binding("l", "latest", "Latest", id="latent.latest"),
        Binding("n", "next_model", "Model", id="latent.model"),
        Binding("p", "projection", "PCA/UMAP", id="latent.projection"),
        Binding("c", "colour", "Colour", id="latent.colour"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.latent: int | None = None
        """The model shown; None prefers the latent-2 model, whose codes need no projection."""
        self.projection = "pca"
        """pca (the recorded snapshots) or umap."""
        self.by_cluster = False
        """Colour the points by their cluster instead of their digit."""
        self.computed: dict[tuple, object] = {}
        """(run_dir, latent, checkpoint's mtime) -> its Projection, or the sentence why there is none."""
        self.pending: set[tuple] = set()
        """The projections being computed."""
        self._drawn = None

    def compose(self) -> ComposeResult:
        yield PaneBar(self.PANE)
        yield Static(NO_RUN, id="caption")
        yield WaitLine(id="wait")
        yield LatentScatter(id="scatter")
        yield KeyBar()

    def model(self, record: RunRecord) -> int | None:
        latents = record.latents
        if self.latent in latents:
            return self.latent
        return 2 if 2 in latents else (latents[0] if latents else None)

    def draw(self, view: RunView) -> None:
        record = view.record
        scatter, caption = self.query_one(LatentScatter), self.query_one("#caption", Static)
        latent = self.model(record) if record else None
        if record is not None and latent is not None and self.projection == "umap":
            self._draw_computed(record.run_dir, latent, scatter, caption)
            return
        self.query_one(WaitLine).wait_for(None)
        snapshots = record.snapshots[latent] if latent is not None else {}
        if not snapshots:
            self._drawn = None
            scatter.show(None, None, "")
            caption.update(NO_RUN if record is None else "No latent codes yet: they arrive at the end of the first epoch.")
            return
        epochs = sorted(snapshots)
        epoch = self.epoch if self.epoch in snapshots else epochs[-1]
        drawn = ("pca", id(snapshots[epoch]), epochs[-1], self.by_cluster)
        if drawn == self._drawn:
            return
        self._drawn = drawn
        snap = record.snapshot(latent, epoch)  # its picture file read now, when it is shown
        if snap is None:
            scatter.show(None, None, "")
            caption.update(f"Latent-{latent} model, epoch {epoch} of {epochs[-1]}: not recorded (its picture file "
                           f"is missing; `bumptui repair {record.run_dir}` lists what is).")
            return
        how = "its 2-D code" if snap.projection == "latent" else f"the first two principal components of its {latent}-D code"
        clusters, colour = None, "each drawn as its digit. p: UMAP · c: colour by cluster"
        if self.by_cluster:  # from the recorded points: no model is built, nothing of the run is run
            key = ("recorded", record.run_dir, latent, epoch, id(snapshots[epoch]))
            clusters = self.computed.get(key)
            if clusters is None:
                self._drawn = None
                self.query_one(WaitLine).wait_for("clustering the recorded points with k-means")
                if key not in self.pending:
                    self.pending.add(key)
                    xy = snap.xy
                    self.run_worker(lambda: (key, _kmeans_of(xy)), thread=True, group="projection", name=repr(key))
                return
            self.query_one(WaitLine).wait_for(None)
            colour = (f"drawn as their digit, coloured by cluster (k-means on these recorded points): a digit in "
                      "another's colour is misfiled")
        scatter.show(snap.xy, snap.labels, f"latent {latent}, epoch {epoch}", clusters)
        caption.update(f"Latent-{latent} model, epoch {epoch} of {epochs[-1]} recorded: {len(snap.labels)} test digits "
                       f"by {how}, {colour}")

    def _draw_computed(self, run_dir: Path, latent: int, scatter: LatentScatter, caption: Static) -> None:
        """The UMAP view, or either view coloured by cluster: from the projection of the newest
        checkpoint, computing it first in a worker when it is not at hand."""
        path = checkpoint_path(run_dir, latent)
        key = (run_dir, latent, path.stat().st_mtime if path.exists() else None)
        found = self.computed.get(key)
        wait = self.query_one(WaitLine)
        if found is None:
            self._drawn = None
            wait.wait_for(f"projecting the latent-{latent} codes with UMAP and clustering them"
                          + ("" if self.computed else " (the first time in a session compiles UMAP: up to a minute)"))
            caption.update(f"Latent-{latent} model: computing… the other keys keep working meanwhile.")
            if key not in self.pending:  # a key pressed meanwhile waits for the same computation
                self.pending.add(key)
                self.run_worker(lambda: self._compute(key), thread=True, group="projection", name=repr(key))
            return
        wait.wait_for(None)
        if isinstance(found, str):
            scatter.show(None, None, "")
            caption.update(found)
            return
        drawn = (self.projection, self.by_cluster, id(found))
        if drawn == self._drawn:
            return
        self._drawn = drawn
        xy = found.umap if self.projection == "umap" else found.pca
        clusters = (found.umap_clusters if self.projection == "umap" else found.kmeans) if self.by_cluster else None
        how = "UMAP" if self.projection == "umap" else "its code" if latent == 2 else "PCA"
        colour = (f"coloured by cluster ({'a GMM on this UMAP' if self.projection == 'umap' else 'k-means on the codes'}"
                  "): a digit in another's colour is misfiled" if self.by_cluster else "coloured by digit")
        scatter.show(xy, found.labels, f"latent {latent}, epoch {found.epoch}, {self.projection.upper()}", clusters)
        caption.update(f"Latent-{latent}, epoch {found.epoch} (newest checkpoint): {len(found.labels)} test digits "
                       f"by {how}, drawn as their digit, {colour}.")

    def _compute(self, key: tuple):
        from bumptui.engine.autoencoder.jobs.train.projection import project
        from bumptui.engine.errors import UserError

        run_dir, latent, mtime = key
        if mtime is None:
            return key, (f"Latent-{latent} model: this run has no checkpoint of it, so there is nothing to project "
                         "(a run recorded without its checkpoints). p and c go back to the recorded PCA view.")
        try:
            return key, project(run_dir, latent)
        except (UserError, ValueError) as err:
            return key, f"Latent-{latent} model: {err}"

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "projection" or event.state != WorkerState.SUCCESS:
            if event.worker.group == "projection" and event.state == WorkerState.ERROR:
                self.notify(f"The projection failed: {event.worker.error}", severity="error")
            return
        key, found = event.worker.result
        self.computed[key] = found
        self.pending.discard(key)
        self.redraw()

    def recorded_epochs(self, record: RunRecord) -> list[int]:
        latent = self.model(record)
        return sorted(record.snapshots[latent]) if latent is not None else []

    def action_next_model(self) -> None:
        record = self.view.record
        if record and record.latents:
            latents = record.latents
            current = self.model(record)
            self.latent = latents[(latents.index(current) + 1) % len(latents)]
            self.redraw()

    def action_projection(self) -> None:
        record = self.view.record
        if self.projection == "pca" and record is not None:  # UMAP builds the run's model: its design, if it has one
            self.app.with_consent(record, "UMAP needs this run's model", self._next_projection)
        else:
            self._next_projection()

    def _next_projection(self) -> None:
        self.projection = PROJECTIONS[(PROJECTIONS.index(self.projection) + 1) % len(PROJECTIONS)]
        self.redraw()

    def action_colour(self) -> None:
        self.by_cluster = not self.by_cluster
        self.redraw()
