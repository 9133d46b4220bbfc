"""The bumptui app. Its first frame imports no torch: the worker thread loads it when a job starts.

The optimizer lab is one pane; the Study pane follows a study (many seeds of the whole study, each
an ordinary run); the autoencoder panes (Train, Latent, Clusters, Digits, Runs, Sharpen, Overview)
all show the app's current run: one record per kind of job (its training, its
sharpening, its clustering, ...) that the app folds events into, whether they come from its own
worker thread (as JobEvents) or from the metrics.jsonl of a job started elsewhere (tailed a few
times a second by the app's reader thread, tui/reader.py: this thread never opens a log). Panes
get that state as one RunView and say what they want with messages (any
kind's job starts with RunPane.Start); only the app changes it.
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
from bumptui.tui.messages import CurrentRun, Job, JobEvent, RunView, in_app
from bumptui.tui.panes import PANES
from bumptui.tui.reader import Reader
from bumptui.tui.screens.run_pane import RunPane

if TYPE_CHECKING:  # the run records load with the first run, not the first frame
    from bumptui.engine.autoencoder.jobs.study.record import StudyRecord
    from bumptui.engine.autoencoder.jobs.train.record import RunRecord
    from bumptui.engine.autoencoder.runs.record import Record


def pane(target: str):
    """A pane's screen, imported when it is first shown: the first frame needs only the lab."""
    module, _, name = target.partition(":")
    return lambda: getattr(import_module(module), name)()


def not_shown(kind, run_dir: Path) -> str:
    """What the app says of a directory made by a kind it has no pane for (one an installed package adds)."""
    return (f"{run_dir} holds a {kind.name}, which the app does not show; "
            f"bumptui {kind.name} --report --run-dir {run_dir} prints it.")


SHOWN_ON = {"train": "overview", "study": "study"}
"""The pane that opens on a directory each kind records in a folder of its own."""


JOB = "job"
"""The worker group of the app's one job at a time."""
REFRESH_S = 0.25
"""How often a watched log is read, and the panes redrawn when their run has news."""
JOB_REDRAW_S = 1.0
"""While this app's own worker trains, sharpens or clusters, the panes are redrawn at most this
often: a redraw holds Python's lock that the worker's batch loop needs (bench/tui_training.py)."""


class BumptuiApp(CurrentRun, App):
    TITLE = "bumptui"
    MODES = {name: pane(target) for name, (_, _, target) in PANES.items()}
    DEFAULT_MODE = "optimizer"
    BINDINGS = [
        *[Binding(str(i), f"switch_mode('{name}')", title, show=False, id=f"app.pane.{name}")
          for i, (name, (_, title, _)) in enumerate(PANES.items(), start=1)],
        # F1..F9 switch panes from anywhere, a form field included: tmux and SSH deliver them as
        # they are, while alt+digit arrives as a character typed into the field.
        *[Binding(f"f{i}", f"switch_mode('{name}')", "Panes" if i == 1 else title, show=i == 1,
                  key_display=f"F1-{len(PANES)}" if i == 1 else None, priority=True, id=f"app.pane_f.{name}")
          for i, (name, (_, title, _)) in enumerate(PANES.items(), start=1)],
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", show=False, id="app.quit"),
    ]

    def __init__(self, watch: Path | None = None, runs_root: Path = Path("runs"), pixels: bool = False,
                 landscape=None) -> None:
        super().__init__()
        if pixels:  # the terminal can be asked only before the app takes it over
            from bumptui.tui.widgets.pixel_digits import detect

            detect()
        self.runs_root = Path(runs_root)
        self.records: dict[str, Record] = {}
        """The run the autoencoder panes show: per kind of job (the registry's names), its record of
        it ("train": the training; the others empty until one is recorded)."""
        self.overlay: RunRecord | None = None
        """A second run overlaid on the loss chart."""
        self.job: Job | None = None
        """What this app's worker thread is doing."""
        self.study: StudyRecord | None = None
        """The study the Study pane follows."""
        self.notices: list[str] = []
        """Every notification shown, oldest first."""
        self.reader = Reader(self.call_from_thread, self._fold, self._listed, REFRESH_S)
        """Reads every log the app follows, and the runs folder, in a thread of its own."""
        self._said_slow: Path | None = None
        self.trusted: set[Path] = set()
        """Runs of a design whose recorded code the user agreed to run in this app (see with_consent)."""
        self._asked: list[Record] = []
        """The records a pane asked the app to follow (a study's trials)."""
        self._dirty = False
        self._drawn_at = 0.0
        self._watch_first = watch
        self._landscape_first = landscape
        """A typed or named landscape (engine.surfaces.Surface) the optimizer lab opens on."""

    def on_mount(self) -> None:
        self.reader.start()
        self.set_interval(REFRESH_S, self._tick)
        if self._watch_first is not None:
            self._open(self._watch_first)
        if self._landscape_first is not None:
            self.call_after_refresh(lambda: self.screen.use_landscape(self._landscape_first))

    def notify(self, message: str, **kwargs) -> None:
        self.notices.append(message)
        super().notify(message, **kwargs)

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        for i, (name, (_, title, _)) in enumerate(PANES.items(), start=1):
            yield SystemCommand(f"Pane: {title}", f"Switch to the {title} pane (key {i} or F{i})",
                                lambda name=name: self.switch_mode(name))
        for binding in screen.BINDINGS:  # every action of the pane, found by its name
            if isinstance(binding, Binding) and binding.description and binding.id:
                keys = ", ".join(self.get_key_display(Binding(k, binding.action)) for k in binding.key.split(","))
                yield SystemCommand(binding.description, f"{binding.description} (key {keys})",
                                    partial(self.run_action, binding.action, screen))

    def action_help(self) -> None:
        from bumptui.tui.dialogs.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen, self.BINDINGS))

    # --- the current run, handed down -------------------------------------------------------

    def view(self) -> RunView:
        return RunView(dict(self.records), self.overlay, self.job, self.runs_root, self.study)

    def _follow(self, record: Record) -> None:
        from bumptui.engine.autoencoder.runs.log import MetricsTail

        path = record.metrics_path(record.run_dir)
        self.reader.tails = {**self.reader.tails, path: (MetricsTail(path), record)}
        self.reader.wake()

    def _unfollow(self, *records: Record | None) -> None:
        self.reader.tails = {k: v for k, v in self.reader.tails.items() if v[1] not in records}

    def _fold(self, record: Record, events: list, error) -> None:
        """The reader's news of a followed log (on this thread): its new events, and the RunError that
        stopped its reading (a damaged line), said once."""
        if not any(followed is record for _, followed in self.reader.tails.values()):
            return  # no longer shown
        for event in events:  # folded one at a time: a long log is never held whole
            record.add(event)
        self._dirty |= bool(events)
        if error is not None:
            self.notify(str(error), severity="error")
            self._unfollow(record)
        self.call_later(self._tick)  # drawn as the app's own message: a pane's error is the app's, not the reader's

    def _listed(self, root: Path, listing: list) -> None:
        if isinstance(self.screen, RunPane) and self.screen.PANE == "runs":
            self.screen.redraw()

    def _show(self, run_dir: Path, follow: bool, read: bool = False) -> None:
        """Make run_dir (a training run) the current run, with every job recorded inside it: read as
        recorded so far (read), or empty for a job here to fill; their logs followed (follow) unless
        a job here writes them."""
        from bumptui.engine.autoencoder.jobs import registry

        self._unfollow(*self.records.values())
        shown = [registry.kind("train"), *(kind for kind in registry.kinds() if kind.inside_run)]
        self.records = {kind.name: kind.record.read(run_dir) if read else kind.record(run_dir) for kind in shown}
        if follow:
            for record in self.records.values():
                self._follow(record)
        self._tick(force=True)

    def _open(self, run_dir: Path) -> None:
        """Show what run_dir records, following its logs while they grow, on the pane for it: a run
        (with its sharpening and clustering) on Overview, a study on the Study pane."""
        from bumptui.engine.autoencoder.jobs.identify import read_anyway
        from bumptui.engine.autoencoder.runs.log import RunError

        try:
            kind, damage = read_anyway(run_dir)  # every field checked: a damaged config is one sentence
        except RunError as err:
            self.notify(str(err), severity="error")
            return
        if damage:  # its log still says what it is, and what it recorded
            self.notify(damage.read_from_log("the run is shown"), severity="warning", timeout=15)
        if kind.name not in SHOWN_ON:
            self.notify(not_shown(kind, run_dir), severity="warning", timeout=10)
            return
        if kind.name == "study":
            self._unfollow(self.study)
            self.study = kind.record(Path(run_dir))
            self._follow(self.study)
            self._tick(force=True)
        else:
            self._show(Path(run_dir), follow=True)
        self.switch_mode(SHOWN_ON[kind.name])

    def _tick(self, force: bool = False) -> None:
        slow = self.reader.slow()
        if slow is not None and slow != self._said_slow:
            self.notify(f"Reading {slow} is taking long (a slow or hung disk?); the app goes on, and q quits.",
                        severity="warning", timeout=10)
        self._said_slow = slow
        throttled = self.job is not None and time.monotonic() - self._drawn_at < JOB_REDRAW_S
        if (force or (self._dirty and not throttled)) and isinstance(self.screen, RunPane) and self.screen.is_mounted:
            self.screen.show_run(self.view())
            self._dirty = False
            self._drawn_at = time.monotonic()

    @on(RunPane.Shown)
    def _pane_shown(self) -> None:
        self._tick(force=True)  # the pane that asked is the screen now

    @on(RunPane.Open)
    def _open_asked(self, message: RunPane.Open) -> None:
        self._open(message.path)

    @on(RunPane.Follow)
    def _follow_asked(self, message: RunPane.Follow) -> None:
        self._unfollow(*self._asked)
        self._asked = message.records
        for record in self._asked:
            self._follow(record)

    def on_runs_pane_overlay(self, message) -> None:
        from bumptui.engine.autoencoder.jobs.train.record import RunRecord

        self._unfollow(self.overlay)
        self.overlay = RunRecord(message.path)
        self._follow(self.overlay)
        self._tick(force=True)

    def with_consent(self, record: Record, why: str, then) -> None:
        """then(), at once for a run of a built-in architecture; for a run of a user's design (its code
        recorded with the run folder, perhaps someone else's), once the user said yes (asked once a run)."""
        from bumptui.engine.autoencoder import names_a_design
        from bumptui.tui.dialogs.confirm import Confirm

        config = record.started.config if record.started is not None else {}
        arch = config.get("arch") if isinstance(config, dict) else None
        if not isinstance(arch, str) or not names_a_design(arch) or record.run_dir in self.trusted:
            then()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.trusted.add(record.run_dir)
                then()

        self.push_screen(Confirm(
            f"{why}, and its model is a design: {arch}. Building it runs the design's code as recorded with "
            f"the run ({record.run_dir}/design/), as `python` on that file would.\n\nRun it? Only if you trust "
            "where this run folder came from."), answered)

    # --- jobs: any kind, one at a time, in one worker thread ----------------------------------

    def _busy(self) -> bool:
        if self.job is not None:
            self.notify(f"This app is {self.job.doing} {self.job.run_dir}; stop that first.", severity="warning")
        return self.job is not None

    @on(RunPane.Start)
    def start_job(self, message: RunPane.Start) -> None:
        """Check a pane's request for a job of any kind, then run it in the worker: a training in a
        run directory of its own becomes the current run; a job inside a run works on the current one."""
        from bumptui.engine.autoencoder.jobs import registry

        kind = registry.kind(message.kind)
        run_dir = message.run_dir or (self.record.run_dir if self.record is not None else None)
        if run_dir is None:
            self.notify("Open a trained run first (Runs pane, 6).", severity="warning")
            return
        if self._busy():
            return
        record = self.record
        if (kind.inside_run or message.resume) and record is not None and record.run_dir == run_dir:
            # it builds the run's models: a run of someone's design runs its code, so the user is asked first
            self.with_consent(record, f"{kind.doing.capitalize()} builds this run's models",
                              partial(self._start_job, kind, run_dir, message))
        else:
            self._start_job(kind, run_dir, message)

    def _start_job(self, kind, run_dir: Path, message: RunPane.Start) -> None:
        from bumptui.engine.errors import UserError

        if self._busy():
            return
        try:
            plan = kind.prepare(run_dir, message.config, message.resume)
        except UserError as err:  # one sentence
            self.notify(in_app(str(err)), severity="error")
            return
        for note in plan.notes:  # damage the job works around
            self.notify(note, severity="warning", timeout=10)
        self.job = Job(kind.name, kind.doing, plan.run_dir)
        if kind.inside_run:  # its record so far (resuming) or an empty one, filled by the worker's events
            self._unfollow(self.records.get(kind.name))
            self.records[kind.name] = kind.record.read(plan.run_dir) if plan.resume else kind.record(plan.run_dir)
            self._tick(force=True)
        else:
            self._show(plan.run_dir, follow=False, read=plan.resume)
        self._run(kind.name, plan)

    @work(thread=True, exclusive=True, exit_on_error=False, group=JOB)
    def _run(self, name: str, plan):
        from bumptui.engine.autoencoder.jobs import registry

        cancel = get_current_worker().cancelled_event  # one mechanism from the Stop key to the batch loop
        return registry.kind(name).start(plan, cancel=cancel,
                                         callback=lambda e: self.post_message(JobEvent(name, plan.run_dir, e)))

    @on(RunPane.Stop)
    def stop_job(self) -> None:
        if self.job is None:
            self.notify("Nothing is running.", severity="warning")
            return
        self.workers.cancel_group(self, JOB)  # the batch loop sees it within one batch

    def on_job_event(self, message: JobEvent) -> None:
        if type(message.event).__name__ == "Notice":  # said as it happens, and kept in the log
            self.notify(message.event.message, severity="warning", timeout=10)
        record = self.records.get(message.kind)
        if record is not None and record.run_dir == message.run_dir:
            record.add(message.event)
            self._dirty = True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        from bumptui.engine.autoencoder.jobs import registry

        job = self.job
        if job is None or event.worker.group != JOB or event.state not in (
                WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        self.job = None
        what = job.doing.capitalize()
        if event.state == WorkerState.ERROR:
            self.notify(f"{what} stopped: {event.worker.error}", severity="error", timeout=10)
        elif event.state == WorkerState.SUCCESS and event.worker.result is not None:
            self.notify(f"{what} finished.")
        else:
            kind = registry.kind(job.kind)
            where = "" if kind.inside_run else " on the Train pane"
            self.notify(f"{what} stopped; resume it here (ctrl+r{where}) or with {kind.resume_command(job.run_dir)}.")
        self._tick(force=True)

    async def action_quit(self) -> None:
        if self.job is not None:
            self.workers.cancel_group(self, JOB)  # the batch loop sees it within one batch
        self.exit()  # the reader stops when the app unmounts

    def on_unmount(self) -> None:
        self.reader.stop()
