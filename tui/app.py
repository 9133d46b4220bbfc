"""The bumptui app. Its first frame imports no torch: the training thread loads it when it starts.

The optimizer lab is one pane; the autoencoder panes (Train, Latent, Clusters, Reconstructions,
Runs, Sharpen) all show the app's current run, a RunRecord (and the SharpenRecord of its
sharpening) that the app folds events into, whether they come from its own worker thread (as
messages) or from the metrics.jsonl of a run started elsewhere (tailed a few times a second).
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.worker import Worker, WorkerState, get_current_worker

from importlib import import_module

from engine.autoencoder.runs.rundir import MetricsTail, RunError, read_config
from engine.autoencoder.runs.record import RunRecord, SharpenRecord
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
    "sharpen": ("Sharpen", pane("sharpen", "SharpenPane")),
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
        self.sharpen: SharpenRecord | None = None
        """The sharpening of the current run (empty until one is recorded)."""
        self._tails: dict[Path, tuple[MetricsTail, RunRecord | SharpenRecord]] = {}
        """Each followed metrics.jsonl, and the record its events go to."""
        self._job: tuple[str, Path] | None = None
        """What this app's worker thread is doing ("training" or "sharpening") and to which run."""
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

    def run_status(self, record: RunRecord | SharpenRecord) -> str:
        job = "sharpening" if isinstance(record, SharpenRecord) else "training"
        if self._job == (job, record.run_dir) and record.outcome is None:
            return job
        return record.status()

    def _follow(self, record: RunRecord | SharpenRecord) -> None:
        path = record.metrics_path(record.run_dir)
        self._tails[path] = (MetricsTail(path), record)

    def _unfollow(self, record: RunRecord | SharpenRecord | None) -> None:
        self._tails = {k: v for k, v in self._tails.items() if v[1] is not record}

    def open_run(self, run_dir: Path) -> None:
        """Show a run recorded in run_dir, and its sharpening, following their logs while they grow."""
        try:
            read_config(run_dir)
        except RunError as err:
            self.notify(str(err), severity="error")
            return
        self._unfollow(self.record)
        self._unfollow(self.sharpen)
        self.record, self.sharpen = RunRecord(Path(run_dir)), SharpenRecord(Path(run_dir))
        self._follow(self.record)
        self._follow(self.sharpen)
        self._tick(force=True)

    def set_compare(self, run_dir: Path) -> None:
        self._unfollow(self.compare)
        self.compare = RunRecord(Path(run_dir))
        self._follow(self.compare)
        self._tick(force=True)

    def _tick(self, force: bool = False) -> None:
        for path, (tail, record) in list(self._tails.items()):
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

    # --- training and sharpening in a thread -------------------------------------------------

    def _busy(self) -> bool:
        if self._job is not None:
            self.notify(f"This app is {self._job[0]} {self._job[1]}; stop that first.", severity="warning")
        return self._job is not None

    def start_training(self, config, name: str) -> None:
        from engine.autoencoder.runs.rundir import prepare_run_dir

        if self._busy():
            return
        run_dir = self.runs_root / name
        try:
            plan = prepare_run_dir(run_dir, config, resume=False)
        except (RunError, ValueError) as err:
            self.notify(str(err), severity="error")
            return
        self._unfollow(self.record)
        self._unfollow(self.sharpen)
        self.record, self.sharpen = RunRecord(run_dir), SharpenRecord(run_dir)
        self._job = ("training", run_dir)
        self._run_job(plan)
        self._tick(force=True)

    def start_sharpening(self, config, resume: bool = False) -> None:
        """Sharpen the current run's models (resume: continue its recorded sharpening)."""
        from engine.autoencoder.sharpening.run import prepare_sharpen

        if self.record is None:
            self.notify("Open a trained run first (Runs pane, 6).", severity="warning")
            return
        if self._busy():
            return
        try:
            plan = prepare_sharpen(self.record.run_dir, config, resume)
        except (RunError, ValueError) as err:
            self.notify(str(err), severity="error")
            return
        self._unfollow(self.sharpen)
        run_dir = self.record.run_dir
        # Resuming, what is recorded so far; new events arrive as messages either way.
        self.sharpen = SharpenRecord.read(run_dir) if resume else SharpenRecord(run_dir)
        self._job = ("sharpening", run_dir)
        self._run_job(plan)
        self._tick(force=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="training")
    def _run_job(self, plan):
        cancel = get_current_worker().cancelled_event  # one mechanism from the Stop key to the batch loop
        if self._job[0] == "training":
            from engine.autoencoder.training import run_training as run
        else:
            from engine.autoencoder.sharpening.run import run_sharpen as run
        job = self._job
        return run(plan, cancel=cancel,
                   callback=lambda event: self.post_message(RunEvent(job, event)))

    def stop_training(self) -> None:
        if self._job is None:
            self.notify("Nothing is running.", severity="warning")
            return
        self.workers.cancel_group(self, "training")

    def on_run_event(self, message: RunEvent) -> None:
        kind, run_dir = message.job
        record = self.sharpen if kind == "sharpening" else self.record
        if record is not None and record.run_dir == run_dir:
            record.add(message.event)
            self._dirty = True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "training" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR,
                                                                   WorkerState.CANCELLED) or self._job is None:
            return
        kind, run_dir = self._job
        self._job = None
        what = kind.capitalize()
        if event.state == WorkerState.ERROR:
            self.notify(f"{what} stopped: {event.worker.error}", severity="error", timeout=10)
        elif event.state == WorkerState.SUCCESS and event.worker.result is not None:
            self.notify(f"{what} finished.")
        elif kind == "training":
            self.notify("Training stopped; the run can be resumed with bumptui train --resume.")
        else:
            self.notify(f"Sharpening stopped; resume it here (ctrl+r) or with bumptui sharpen {run_dir} --resume.")
        self._tick(force=True)

    async def action_quit(self) -> None:
        if self._job is not None:
            self.workers.cancel_group(self, "training")  # the batch loop sees it within one batch
        self.exit()
