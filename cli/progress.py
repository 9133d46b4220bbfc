"""What a job's command shows while it works: progress bars on a terminal, plain lines elsewhere,
as the kind's Display says (each kind's command-line module has one; Display itself tells any kind
field by field); and the detached start of a command that outlives its terminal."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from dataclasses import asdict

from bumptui.engine import guarded
from bumptui.engine.autoencoder.runs.events import Done, Failed, JobStarted, Notice, Stopped, SystemSample
from bumptui.engine.autoencoder.runs.log import METRICS

PLAIN_LINE_EVERY_S = 5.0
"""Plain progress lines (stderr not a terminal) are at most this often, so a log stays readable."""
DETACH_WAIT_S = 60.0
"""How long `--detach` waits for the child to start recording before it gives up waiting."""


def run_job(kind, plan, args) -> dict | int:
    """A kind's checked plan run with a progress display: its summary, or the exit code when it did
    not finish (130 after ctrl+c, 1 when it stopped or failed, with the reason on stderr)."""
    progress = Progress(display_of(kind), plan.config)
    callback, board = progress, None
    if getattr(args, "tensorboard", None):  # the same events, also as TensorBoard's
        from bumptui.engine.autoencoder.tensorboard import TensorBoardSink, board_folder

        board = TensorBoardSink(board_folder(Path(args.tensorboard), plan.run_dir))
        record = kind.record.read(plan.run_dir) if plan.resume else kind.record(plan.run_dir)

        def callback(event) -> None:
            progress(event)
            record.add(event)
            board.add(event, record)
    try:
        summary = kind.start(plan, callback=callback, data_dir=args.data_dir)
    except KeyboardInterrupt:
        progress.close()
        if board is not None:
            board.close()
        print(f"Stopped. Continue with: {kind.resume_command(plan.run_dir)}", file=sys.stderr)
        return 130
    progress.close()
    if board is not None:
        if summary is not None and kind.name == "train":  # the projector, once the codes are final
            board.embed_run(plan.run_dir, record, args.data_dir)
        board.close()
    if summary is None:
        print(f"bumptui: {progress.failure or f'{kind.doing} did not finish.'}", file=sys.stderr)
        return 1
    return summary


def detach(kind, run_dir: Path, argv: list[str]) -> int:
    """Start the same command without --detach in a new session, logging to <folder>/<command>.log
    (where the kind records itself), and return once it has started."""
    folder = kind.folder(run_dir)
    guarded.folder(run_dir, folder.relative_to(run_dir))
    child_args = [a for a in argv if a != "--detach"]
    if not kind.inside_run and "--run-dir" not in child_args:
        child_args += ["--run-dir", str(run_dir)]
    log_path = kind.console_log(run_dir)
    with guarded.append(log_path) as log:
        proc = subprocess.Popen([sys.executable, "-m", "bumptui", *child_args], stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})  # its console, line by line
    deadline = time.monotonic() + DETACH_WAIT_S
    while time.monotonic() < deadline:  # until the child has started recording, or has failed
        if proc.poll() is not None:
            tail = log_path.read_text(errors="replace").strip().splitlines()[-1:]
            print(f"bumptui: the detached run exited at once: {' '.join(tail) or 'no message'}", file=sys.stderr)
            return 2
        if (folder / METRICS).exists():
            break
        time.sleep(0.1)
    print(run_dir)
    print(f"{kind.doing.capitalize()} in process {proc.pid}; follow it with: {kind.follow_command(run_dir)}"
          f"  (log: {log_path})",
          file=sys.stderr)
    return 0


class Display:
    """How the command line shows one kind's job while it runs. This base tells a kind that has no
    display of its own: its events field by field, no bars. A kind's display overrides what it knows."""

    def tasks(self, started: JobStarted, config) -> list[tuple]:
        """The bars a job's first event sets up: (key, description, total, done so far) each."""
        return []

    def advance(self, event) -> tuple | None:
        """(a bar's key, {"completed": x} or {"advance": n}, its status text) when the event moves a bar."""
        return None

    def line(self, event) -> str:
        """The event as one plain line ("" for none)."""
        shown = [f"{k} {v}" for k, v in asdict(event).items() if len(repr(v)) <= 40]
        return f"{type(event).__name__}: {', '.join(shown)}"

    def announced(self, event) -> bool:
        """Whether a terminal with bars prints the event's line above them."""
        return not hasattr(event, "step")


def display_of(kind) -> Display:
    """The kind's Display, from the command-line module its registry entry names."""
    from bumptui.engine.autoencoder.jobs import registry

    return registry.presented(kind.name, "Display", Display)()


class Progress:
    """Progress bars on a terminal; plain lines, at most every few seconds for a batch's, elsewhere."""

    def __init__(self, display: Display, config):
        self.display, self.config = display, config
        self.failure: str | None = None
        self.tty = sys.stderr.isatty()
        self._last_line = 0.0
        self.bar = None
        if self.tty:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeRemainingColumn

            self.bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                           TextColumn("{task.fields[status]}"), TimeRemainingColumn(),
                           console=Console(stderr=True), transient=False)
            self.bar.start()
            self.tasks = {}

    def __call__(self, event) -> None:
        if isinstance(event, SystemSample):
            return  # the box's figures are for the log and the panes, not the terminal's lines
        if isinstance(event, Failed):
            self.failure = event.message
        if self.bar is not None:
            self._bar(event)
        else:
            self._plain(event)

    def _bar(self, event) -> None:
        if isinstance(event, JobStarted):
            for key, description, total, done in self.display.tasks(event, self.config):
                self.tasks[key] = self.bar.add_task(description, total=total, completed=done, status="")
        elif (moved := self.display.advance(event)) is not None:
            key, how, status = moved
            self.bar.update(self.tasks[key], **how, status=status)
        elif isinstance(event, (Stopped, Failed)) or (not isinstance(event, Done) and self.display.announced(event)):
            self.bar.console.print(self._line(event))

    def _plain(self, event) -> None:
        now = time.monotonic()
        if hasattr(event, "step") and now - self._last_line < PLAIN_LINE_EVERY_S:  # a batch's losses
            return
        line = self._line(event)
        if line:
            self._last_line = now
            print(line, file=sys.stderr, flush=True)

    def _line(self, event) -> str:
        if isinstance(event, Notice):
            return f"bumptui: note: {event.message}"
        if isinstance(event, Stopped):
            return event.reason
        if isinstance(event, Failed):
            return event.message
        return "" if isinstance(event, Done) else self.display.line(event)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def epoch_fraction(event) -> float:
    """Epochs done at a step event (epoch, step, steps_per_epoch), with the fraction of this one."""
    return event.epoch - 1 + event.step / event.steps_per_epoch
