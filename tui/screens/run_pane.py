"""What every autoencoder pane shares: the app's current run, handed down as a RunView, and the
messages that start and stop a job of any kind."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from bumptui.tui.messages import RunView

NO_RUN = "No run yet: start one on the Train pane (2), or open one on the Runs pane (6)."


class RunPane(Screen):
    """A pane showing the app's current run. The app calls `show_run` with a fresh view when the run
    changes while the pane is on screen, and when the pane comes back on screen (it asks with Shown)."""

    BINDINGS = [Binding("escape", "leave_field", "Leave the field", show=False, id="pane.leave_field")]
    ABOUT = (
        "The autoencoder panes show one run: train it here (Train) or open a recorded one (Runs). "
        "Overview is the glance; Latent, Clusters and Digits show its codes, scores and reconstructions; "
        "Sharpen retrains it with dis_net; Study follows many seeds of the whole study at once. F1-F9 switch panes from anywhere, escape leaves a form field, "
        "ctrl+x stops what runs."
    )

    class Shown(Message):
        """The pane is on screen again and wants the current view."""

    class Start(Message):
        """Start a job of a kind (the registry's name), or resume it: on run_dir, or on the current run
        when None. The app checks it and runs it in its worker."""

        def __init__(self, kind: str, config, resume: bool = False, run_dir: Path | None = None) -> None:
            super().__init__()
            self.kind: str = kind
            self.config = config
            """The kind's config; None when resuming as recorded."""
            self.resume: bool = resume
            self.run_dir: Path | None = run_dir

    class Open(Message):
        """Show what this directory records (a run on every autoencoder pane, a study on the Study pane)."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path: Path = path

    class Stop(Message):
        """Stop what the app is running (a training, a sharpening, a clustering, ...)."""

    class Follow(Message):
        """Follow these records' logs as they grow (the app's reader reads them), in place of the ones
        the pane asked for before: a study's trials."""

        def __init__(self, records: list) -> None:
            super().__init__()
            self.records: list = records

    def __init__(self) -> None:
        super().__init__()
        self.view = RunView()
        """The latest view the app handed down."""

    def action_stop(self) -> None:
        """ctrl+x or the Stop button of a pane with a form: the app stops what it runs."""
        self.post_message(self.Stop())

    def on_button_pressed(self, event) -> None:
        # By id, not @on(Button.Pressed, "#stop"): that would load Button with the first frame.
        if event.button.id == "stop":
            self.action_stop()

    def action_leave_field(self) -> None:
        """Out of any form field, so that the digit keys switch panes again."""
        self.set_focus(None)

    def on_screen_resume(self) -> None:
        self.post_message(self.Shown())

    def show_run(self, view: RunView) -> None:
        self.view = view
        self.draw(view)

    def redraw(self) -> None:
        """Draw the same view again (after a key changed what the pane shows of it)."""
        self.draw(self.view)

    def draw(self, view: RunView) -> None:
        raise NotImplementedError


class EpochPane(RunPane):
    """A run pane that shows one recorded epoch at a time, stepping back and forth through them."""

    def __init__(self) -> None:
        super().__init__()
        self.epoch: int | None = None
        """The epoch shown; None follows the newest."""

    def recorded_epochs(self, record) -> list[int]:
        raise NotImplementedError

    def action_epoch(self, step: int) -> None:
        record = self.view.record
        epochs = self.recorded_epochs(record) if record else []
        if not epochs:
            return
        current = epochs.index(self.epoch) if self.epoch in epochs else len(epochs) - 1
        self.epoch = epochs[max(0, min(len(epochs) - 1, current + step))]
        self.redraw()

    def action_latest(self) -> None:
        self.epoch = None
        self.redraw()
