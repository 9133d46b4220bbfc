"""What every autoencoder pane shares: the app's current run, redrawn when it changes."""

from __future__ import annotations

from textual.screen import Screen

from engine.run_record import RunRecord


class RunPane(Screen):
    """A pane showing the app's current run. `show_run` is called when the run changes while the
    pane is on screen, and when the pane comes back on screen."""

    def on_screen_resume(self) -> None:
        self.show_run(self.app.record)

    def show_run(self, record: RunRecord | None) -> None:
        raise NotImplementedError


NO_RUN = "No run yet: start one on the Train pane (2), or open one on the Runs pane (6)."
