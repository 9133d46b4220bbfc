"""What every autoencoder pane shares: the app's current run, redrawn when it changes."""

from __future__ import annotations

from textual.screen import Screen

from engine.autoencoder.runs.record import RunRecord


class RunPane(Screen):
    """A pane showing the app's current run. `show_run` is called when the run changes while the
    pane is on screen, and when the pane comes back on screen."""

    def on_screen_resume(self) -> None:
        self.show_run(self.app.record)

    def show_run(self, record: RunRecord | None) -> None:
        raise NotImplementedError


class EpochPane(RunPane):
    """A run pane that shows one recorded epoch at a time, stepping back and forth through them."""

    def __init__(self) -> None:
        super().__init__()
        self.epoch: int | None = None
        """The epoch shown; None follows the newest."""

    def recorded_epochs(self, record: RunRecord) -> list[int]:
        raise NotImplementedError

    def action_epoch(self, step: int) -> None:
        record = self.app.record
        epochs = self.recorded_epochs(record) if record else []
        if not epochs:
            return
        current = epochs.index(self.epoch) if self.epoch in epochs else len(epochs) - 1
        self.epoch = epochs[max(0, min(len(epochs) - 1, current + step))]
        self.show_run(record)

    def action_latest(self) -> None:
        self.epoch = None
        self.show_run(self.app.record)


NO_RUN = "No run yet: start one on the Train pane (2), or open one on the Runs pane (6)."
