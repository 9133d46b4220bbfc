"""The bumptui app. Its first frame imports no torch: the worker thread loads it when a job starts.

The optimizer lab is one pane; the autoencoder panes (Train, Latent, Clusters, Reconstructions,
Runs, Sharpen) all show the app's current run, a RunRecord (and the SharpenRecord of its
sharpening) that the app folds events into, whether they come from its own worker thread (as
messages) or from the metrics.jsonl of a run started elsewhere (tailed a few times a second).
Panes get that state as one RunView and say what they want with messages; only the app changes it.
"""

from __future__ import annotations

import time
from functools import partial
from importlib import import_module
from pathlib import Path

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.worker import Worker, WorkerState, get_current_worker

from typing import TYPE_CHECKING
from tui.messages import (CLUSTERING, SHARPENING, TRAINING, ClusteringEvent, Job, RunView, SharpeningEvent,
                          TrainingEvent)
from tui.panes import PANES
from tui.screens.optimizer_lab import OptimizerLab
from tui.screens.run_pane import RunPane

if TYPE_CHECKING:  # the run records load with the first run, not the first frame
    from engine.autoencoder.clustering.record import ClusterRecord
    from engine.autoencoder.runs.log import MetricsTail
    from engine.autoencoder.runs.record import Record, RunRecord, SharpenRecord


def pane(module: str, name: str):
    """A pane's screen, imported when it is first shown: the first frame needs only the lab."""
    return lambda: getattr(import_module(f"tui.screens.{module}"), name)()


SCREENS = {
    "optimizer": OptimizerLab,
    "train": pane("train", "TrainPane"),
    "latent": pane("latent", "LatentPane"),
    "clusters": pane("clusters", "ClustersPane"),
    "digits": pane("reconstructions", "ReconstructionsPane"),
    "runs": pane("runs", "RunsPane"),
    "sharpen": pane("sharpen", "SharpenPane"),
    "overview": pane("overview", "OverviewPane"),
}
REFRESH_S = 0.25
"""How often a watched log is read, and the panes redrawn when their run has news."""
JOB_REDRAW_S = 1.0
"""While this app's own worker trains, sharpens or clusters, the panes are redrawn at most this
often: a redraw holds Python's lock that the worker's batch loop needs (bench/tui_training.py)."""


class BumptuiApp(App):
    TITLE = "bumptui"
    MODES = SCREENS
    DEFAULT_MODE = "optimizer"
    BINDINGS = [
        *[Binding(str(i), f"switch_mode('{name}')", title, show=False, id=f"app.pane.{name}")
          for i, (name, (_, title)) in enumerate(PANES.items(), start=1)],
        # F1..F8 switch panes from anywhere, a form field included: tmux and SSH deliver them as
        # they are, while alt+digit arrives as a character typed into the field.
        *[Binding(f"f{i}", f"switch_mode('{name}')", "Panes" if i == 1 else title, show=i == 1,
                  key_display="F1-8" if i == 1 else None, priority=True, id=f"app.pane_f.{name}")
          for i, (name, (_, title)) in enumerate(PANES.items(), start=1)],
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", show=False, id="app.quit"),
    ]

    def __init__(self, watch: Path | None = None, runs_root: Path = Path("runs"), pixels: bool = False) -> None:
        super().__init__()
        if pixels:  # the terminal can be asked only before the app takes it over
            from tui.widgets.pixel_digits import detect

            detect()
        self.runs_root = Path(runs_root)
        self.record: RunRecord | None = None
        """The run the autoencoder panes show."""
        self.overlay: RunRecord | None = None
        """A second run overlaid on the loss chart."""
        self.sharpen: SharpenRecord | None = None
        """The sharpening of the current run (empty until one is recorded)."""
        self.clusters: ClusterRecord | None = None
        """The clustering of the current run (empty until one is recorded)."""
        self.job: Job | None = None
        """What this app's worker thread is doing."""
        self.notices: list[str] = []
        """Every notification shown, oldest first."""
        self._tails: dict[Path, tuple[MetricsTail, Record]] = {}
        """Each followed metrics.jsonl, and the record its events go to."""
        self._dirty = False
        self._drawn_at = 0.0
        self._watch_first = watch

    def on_mount(self) -> None:
        self.set_interval(REFRESH_S, self._tick)
        if self._watch_first is not None:
            self._open(self._watch_first)
            self.switch_mode("overview")

    def notify(self, message: str, **kwargs) -> None:
        self.notices.append(message)
        super().notify(message, **kwargs)

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        for i, (name, (_, title)) in enumerate(PANES.items(), start=1):
            yield SystemCommand(f"Pane: {title}", f"Switch to the {title} pane (key {i} or F{i})",
                                lambda name=name: self.switch_mode(name))
        for binding in screen.BINDINGS:  # every action of the pane, found by its name
            if isinstance(binding, Binding) and binding.description and binding.id:
                keys = ", ".join(self.get_key_display(Binding(k, binding.action)) for k in binding.key.split(","))
                yield SystemCommand(binding.description, f"{binding.description} (key {keys})",
                                    partial(self.run_action, binding.action, screen))

    def action_help(self) -> None:
        from tui.dialogs.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen, self.BINDINGS))

    # --- the current run, handed down -------------------------------------------------------

    def view(self) -> RunView:
        return RunView(self.record, self.sharpen, self.clusters, self.overlay, self.job, self.runs_root)

    def _follow(self, record: Record) -> None:
        from engine.autoencoder.runs.log import MetricsTail

        path = record.metrics_path(record.run_dir)
        self._tails[path] = (MetricsTail(path), record)

    def _unfollow(self, *records: Record | None) -> None:
        self._tails = {k: v for k, v in self._tails.items() if v[1] not in records}

    def _show(self, run_dir: Path, follow: bool, read: bool = False) -> None:
        """Make run_dir the current run, with its sharpening and clustering: read as recorded so far
        (read), or empty for a job here to fill; their logs followed (follow) unless a job here writes them."""
        from engine.autoencoder.clustering.record import ClusterRecord
        from engine.autoencoder.runs.record import RunRecord, SharpenRecord

        self._unfollow(self.record, self.sharpen, self.clusters)
        self.record, self.sharpen, self.clusters = ((kind.read(run_dir) if read else kind(run_dir))
                                                    for kind in (RunRecord, SharpenRecord, ClusterRecord))
        if follow:
            for record in (self.record, self.sharpen, self.clusters):
                self._follow(record)
        self._tick(force=True)

    def _open(self, run_dir: Path) -> None:
        """Show a run recorded in run_dir, and its sharpening, following their logs while they grow."""
        from engine.autoencoder.runs.rundir import RunError, read_train_config

        try:
            read_train_config(run_dir)  # every field checked: a damaged config is one sentence, here too
        except RunError as err:
            self.notify(str(err), severity="error")
            return
        self._show(Path(run_dir), follow=True)

    def _tick(self, force: bool = False) -> None:
        for path, (tail, record) in list(self._tails.items()):
            from engine.autoencoder.runs.log import RunError

            try:
                events = tail.poll()
            except RunError as err:
                self.notify(str(err), severity="error")
                del self._tails[path]
                continue
            for event in events:
                record.add(event)
            self._dirty |= bool(events)
        throttled = self.job is not None and time.monotonic() - self._drawn_at < JOB_REDRAW_S
        if (force or (self._dirty and not throttled)) and isinstance(self.screen, RunPane):
            self.screen.show_run(self.view())
            self._dirty = False
            self._drawn_at = time.monotonic()

    @on(RunPane.Shown)
    def _pane_shown(self) -> None:
        self._tick(force=True)  # the pane that asked is the screen now

    def on_runs_pane_open(self, message) -> None:
        self._open(message.path)
        self.switch_mode("overview")

    def on_runs_pane_overlay(self, message) -> None:
        from engine.autoencoder.runs.record import RunRecord

        self._unfollow(self.overlay)
        self.overlay = RunRecord(message.path)
        self._follow(self.overlay)
        self._tick(force=True)

    # --- jobs: training and sharpening in a worker thread each -------------------------------

    def _busy(self) -> bool:
        if self.job is not None:
            self.notify(f"This app is {self.job.kind} {self.job.run_dir}; stop that first.", severity="warning")
        return self.job is not None

    def on_train_pane_start(self, message) -> None:
        from engine.autoencoder.runs.rundir import prepare_run_dir

        if self._busy():
            return
        try:
            plan = prepare_run_dir(self.runs_root / message.name, message.config, resume=False)
        except ValueError as err:  # RunError, TrainingError: one sentence
            self.notify(str(err), severity="error")
            return
        self.job = Job(TRAINING, plan.run_dir)
        self._show(plan.run_dir, follow=False)
        self._train(plan)

    def on_train_pane_resume(self, message) -> None:
        from engine.autoencoder.config import TrainConfig
        from engine.autoencoder.runs.rundir import prepare_run_dir

        if self._busy():
            return
        try:
            plan = prepare_run_dir(message.run_dir, TrainConfig(epochs=message.epochs), resume=True)
        except ValueError as err:
            self.notify(str(err), severity="error")
            return
        self.job = Job(TRAINING, plan.run_dir)
        self._show(plan.run_dir, follow=False, read=True)  # what is recorded so far, then the job's events
        self._train(plan)

    def on_sharpen_pane_start(self, message) -> None:
        """Sharpen the current run's models (resume: continue its recorded sharpening)."""
        from engine.autoencoder.runs.record import SharpenRecord
        from engine.autoencoder.sharpening.run import prepare_sharpen

        self._start_inside(SHARPENING, "sharpen", SharpenRecord, prepare_sharpen, self._sharpen, message)

    def on_clusters_pane_start(self, message) -> None:
        """Cluster the current run's codes (resume: continue its recorded clustering)."""
        from engine.autoencoder.clustering.record import ClusterRecord
        from engine.autoencoder.clustering.run import prepare_cluster

        self._start_inside(CLUSTERING, "clusters", ClusterRecord, prepare_cluster, self._cluster, message)

    def _start_inside(self, kind: str, attribute: str, record_type, prepare, worker, message) -> None:
        """A job recorded inside the current run (a sharpening, a clustering): checked, then its
        record (what is recorded so far when resuming) filled by the worker's events."""
        if self.record is None:
            self.notify("Open a trained run first (Runs pane, 6).", severity="warning")
            return
        if self._busy():
            return
        try:
            plan = prepare(self.record.run_dir, message.config, message.resume)
        except ValueError as err:
            self.notify(str(err), severity="error")
            return
        self._unfollow(getattr(self, attribute))
        setattr(self, attribute, record_type.read(plan.run_dir) if plan.resume else record_type(plan.run_dir))
        self.job = Job(kind, plan.run_dir)
        worker(plan)
        self._tick(force=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group=TRAINING)
    def _train(self, plan):
        from engine.autoencoder.training import run_training

        cancel = get_current_worker().cancelled_event  # one mechanism from the Stop key to the batch loop
        return run_training(plan, cancel=cancel, callback=lambda e: self.post_message(TrainingEvent(plan.run_dir, e)))

    @work(thread=True, exclusive=True, exit_on_error=False, group=SHARPENING)
    def _sharpen(self, plan):
        from engine.autoencoder.sharpening.run import run_sharpen

        cancel = get_current_worker().cancelled_event
        return run_sharpen(plan, cancel=cancel, callback=lambda e: self.post_message(SharpeningEvent(plan.run_dir, e)))

    @work(thread=True, exclusive=True, exit_on_error=False, group=CLUSTERING)
    def _cluster(self, plan):
        from engine.autoencoder.clustering.run import run_cluster

        cancel = get_current_worker().cancelled_event
        return run_cluster(plan, cancel=cancel, callback=lambda e: self.post_message(ClusteringEvent(plan.run_dir, e)))

    @on(RunPane.Stop)
    def stop_job(self) -> None:
        if self.job is None:
            self.notify("Nothing is running.", severity="warning")
            return
        self.workers.cancel_group(self, self.job.kind)  # the batch loop sees it within one batch

    def on_training_event(self, message: TrainingEvent) -> None:
        self._add(self.record, message.run_dir, message.event)

    def on_sharpening_event(self, message: SharpeningEvent) -> None:
        self._add(self.sharpen, message.run_dir, message.event)

    def on_clustering_event(self, message: ClusteringEvent) -> None:
        self._add(self.clusters, message.run_dir, message.event)

    def _add(self, record: Record | None, run_dir: Path, event) -> None:
        if record is not None and record.run_dir == run_dir:
            record.add(event)
            self._dirty = True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        job = self.job
        if job is None or event.worker.group != job.kind or event.state not in (
                WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        self.job = None
        what = job.kind.capitalize()
        if event.state == WorkerState.ERROR:
            self.notify(f"{what} stopped: {event.worker.error}", severity="error", timeout=10)
        elif event.state == WorkerState.SUCCESS and event.worker.result is not None:
            self.notify(f"{what} finished.")
        elif job.kind == TRAINING:
            self.notify(f"Training stopped; resume it here (ctrl+r on the Train pane) or with "
                        f"bumptui train --resume --run-dir {job.run_dir}.")
        else:
            command = "sharpen" if job.kind == SHARPENING else "cluster"
            self.notify(f"{what} stopped; resume it here (ctrl+r) or with bumptui {command} {job.run_dir} --resume.")
        self._tick(force=True)

    async def action_quit(self) -> None:
        if self.job is not None:
            self.workers.cancel_group(self, self.job.kind)  # the batch loop sees it within one batch
        self.exit()
