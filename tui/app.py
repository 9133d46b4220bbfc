"""The bumptui app. Its first frame imports no torch: the training thread loads it when it starts.

The optimizer lab is one pane; the autoencoder panes (Train, Latent, Clusters, Reconstructions,
Runs) all show the app's current run, a RunRecord that the app folds events into, whether they
come from its own training thread (as messages) or from the metrics.jsonl of a run started
elsewhere (tailed a few times a second).
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.worker import Worker, WorkerState, get_current_worker

from importlib import import_module

from engine.rundir import METRICS, MetricsTail, RunError, read_config
from engine.run_record import RunRecord
from tui.messages import RunEvent
from tui.screens.optimizer_lab import OptimizerLab
from tui.screens.run_pane import RunPane


def pane(module: str, name: str):
    """A pane's screen, imported when it is first shown: the first frame needs only the lab."""
    return lambda: getattr(import_module(f"tui.screens.{module}"), name)()


PANES = {
    "optimizer": ("Optimizer lab", OptimizerLab),
    "train": ("Train", pane("train", "TrainPane")),
    "latent": ("Latent", pane("latent", "LatentPane")),
    "clusters": ("Clusters", pane("clusters", "ClustersPane")),
    "digits": ("Reconstructions", pane("reconstructions", "ReconstructionsPane")),
    "runs": ("Runs", pane("runs", "RunsPane")),
}
REFRESH_S = 0.25
"""How often the panes are redrawn when their run has news, and a watched log is read."""


class BumptuiApp(App):
    TITLE = "bumptui"
    MODES = {name: cls for name, (_, cls) in PANES.items()}
    DEFAULT_MODE = "optimizer"
    BINDINGS = [
        *[Binding(str(i), f"switch_mode('{name}')", label, show=False, id=f"app.pane.{name}")
          for i, (name, (label, _)) in enumerate(PANES.items(), start=1)],
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", show=False, id="app.quit"),
    ]

    def __init__(self, watch: Path | None = None, runs_root: Path = Path("runs")) -> None:
        super().__init__()
        self.runs_root = Path(runs_root)
        self.record: RunRecord | None = None
        """The run the autoencoder panes show."""
        self.compare: RunRecord | None = None
        """A second run overlaid on the loss chart."""
        self._tails: dict[Path, MetricsTail] = {}
        self._training_dir: Path | None = None
        self._dirty = False
        self._watch_first = watch

    def on_mount(self) -> None:
        self.set_interval(REFRESH_S, self._tick)
        if self._watch_first is not None:
            self.open_run(self._watch_first)
            self.switch_mode("train")

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        for i, (name, (label, _)) in enumerate(PANES.items(), start=1):
            yield SystemCommand(f"Pane: {label}", f"Switch to the {label} pane (key {i})",
                                lambda name=name: self.switch_mode(name))

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    # --- the current run ---------------------------------------------------------------------

    def run_status(self, record: RunRecord) -> str:
        if record.run_dir == self._training_dir and record.outcome is None:
            return "training"
        return record.status()

    def open_run(self, run_dir: Path) -> None:
        """Show a run recorded in run_dir, following its log while it grows."""
        try:
            read_config(run_dir)
        except RunError as err:
            self.notify(str(err), severity="error")
            return
        self.record = RunRecord(Path(run_dir))
        self._tails = {k: v for k, v in self._tails.items() if self.compare and k == self.compare.run_dir}
        self._tails[self.record.run_dir] = MetricsTail(Path(run_dir) / METRICS)
        self._tick(force=True)

    def set_compare(self, run_dir: Path) -> None:
        if self.compare is not None:
            self._tails.pop(self.compare.run_dir, None)
        self.compare = RunRecord(Path(run_dir))
        self._tails[self.compare.run_dir] = MetricsTail(Path(run_dir) / METRICS)
        self._tick(force=True)

    def _tick(self, force: bool = False) -> None:
        for path, tail in list(self._tails.items()):
            record = self.record if self.record and self.record.run_dir == path else self.compare
            try:
                events = tail.poll()
            except RunError as err:
                self.notify(str(err), severity="error")
                del self._tails[path]
                continue
            for event in events:
                record.add(event)
            self._dirty |= bool(events)
        if (self._dirty or force) and isinstance(self.screen, RunPane):
            self.screen.show_run(self.record)
            self._dirty = False

    # --- training in a thread ----------------------------------------------------------------

    def start_training(self, config, name: str) -> None:
        from engine.rundir import prepare_run_dir

        if self._training_dir is not None:
            self.notify("A run is already training here; stop it first.", severity="warning")
            return
        run_dir = self.runs_root / name
        try:
            prepare_run_dir(run_dir, config, resume=False)
        except (RunError, ValueError) as err:
            self.notify(str(err), severity="error")
            return
        self._tails.pop(self.record.run_dir if self.record else None, None)
        self.record = RunRecord(run_dir)
        self._training_dir = run_dir
        self._train(config, run_dir)
        self._tick(force=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="training")
    def _train(self, config, run_dir: Path):
        from engine.training import run_training

        cancel = get_current_worker().cancelled_event  # one mechanism from the Stop key to the batch loop
        return run_training(run_dir, config, callback=lambda event: self.post_message(RunEvent(run_dir, event)),
                            cancel=cancel)

    def stop_training(self) -> None:
        if self._training_dir is None:
            self.notify("Nothing is training.", severity="warning")
            return
        self.workers.cancel_group(self, "training")

    def on_run_event(self, message: RunEvent) -> None:
        if self.record is not None and self.record.run_dir == message.run_dir:
            self.record.add(message.event)
            self._dirty = True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "training" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR,
                                                                   WorkerState.CANCELLED):
            return
        self._training_dir = None
        if event.state == WorkerState.ERROR:
            self.notify(f"Training stopped: {event.worker.error}", severity="error", timeout=10)
        elif event.state == WorkerState.SUCCESS and event.worker.result is not None:
            self.notify("Training finished.")
        else:
            self.notify("Training stopped; the run can be resumed with bumptui train --resume.")
        self._tick(force=True)

    async def action_quit(self) -> None:
        if self._training_dir is not None:
            self.workers.cancel_group(self, "training")  # the batch loop sees it within one batch
        self.exit()
