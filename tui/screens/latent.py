"""The Latent pane: the latent-2 model's codes of fixed test digits, by digit, epoch by epoch."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from engine.autoencoder.runs.record import RunRecord
from tui.messages import RunView
from tui.screens.run_pane import NO_RUN, EpochPane
from tui.widgets.run_charts import LatentScatter
from tui.widgets.pane_bar import PaneBar


class LatentPane(EpochPane):
    PANE = "latent"
    CSS_PATH = "latent.tcss"
    BINDINGS = [
        Binding("left,left_square_bracket", "epoch(-1)", "Earlier epoch", key_display="←", id="latent.back"),
        Binding("right,right_square_bracket", "epoch(1)", "Later epoch", key_display="→", id="latent.forward"),
        Binding("l", "latest", "Latest", id="latent.latest"),
        Binding("n", "next_model", "Next model", id="latent.model"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.latent: int | None = None
        """The model shown; None prefers the latent-2 model, whose codes need no projection."""
        self._drawn = None

    def compose(self) -> ComposeResult:
        yield PaneBar(self.PANE)
        yield Static(NO_RUN, id="caption")
        yield LatentScatter(id="scatter")
        yield Footer(compact=True)

    def model(self, record: RunRecord) -> int | None:
        latents = record.latents
        if self.latent in latents:
            return self.latent
        return 2 if 2 in latents else (latents[0] if latents else None)

    def draw(self, view: RunView) -> None:
        record = view.record
        scatter, caption = self.query_one(LatentScatter), self.query_one("#caption", Static)
        latent = self.model(record) if record else None
        snapshots = record.snapshots[latent] if latent is not None else {}
        if not snapshots:
            self._drawn = None
            scatter.show(None, "")
            caption.update(NO_RUN if record is None else "No latent codes yet: they arrive at the end of the first epoch.")
            return
        epochs = sorted(snapshots)
        epoch = self.epoch if self.epoch in snapshots else epochs[-1]
        snap = snapshots[epoch]
        if (id(snap), epochs[-1]) == self._drawn:
            return
        self._drawn = (id(snap), epochs[-1])
        how = "its 2-D code" if snap.projection == "latent" else f"the first two principal components of its {latent}-D code"
        scatter.show(snap, f"latent {latent}, epoch {epoch}")
        caption.update(f"Latent-{latent} model, epoch {epoch} of {epochs[-1]} recorded: {len(snap.labels)} test digits "
                       f"by {how}, each drawn as its digit.")

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
