"""A job as its events tell it, folded into the latest word on each of its units: the base every
kind's record builds on (jobs/<kind>/record.py). Used by `bumptui report`, the app, and anything
that watches a job from another process.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from bumptui.engine.autoencoder.runs import events as ev
from bumptui.engine.autoencoder.runs.lock import RunLock
from bumptui.engine.autoencoder.runs.log import METRICS, MetricsTail, RunError, head_and_tail
from bumptui.engine.errors import UserError

STATUS = {ev.Done: "finished", ev.Failed: "failed", ev.Stopped: "stopped"}
GLANCE_BYTES = 32 * 1024
"""How much of the end of a log a listing reads first (see Record.glance)."""


@dataclass(frozen=True)
class Progress:
    """How far one model of a run has come, and how fast it goes."""

    done: float
    """Epochs done, with the fraction of the current one."""
    epochs: int
    """Epochs asked for."""
    images_per_s: float
    """Over the last finished epoch's training (0 before the first)."""

    @property
    def epoch(self) -> int:
        """The epoch under way (or the last one, once every epoch is done)."""
        return min(self.epochs, int(self.done) + (self.done < self.epochs))


def rewound(keys: array, key, *columns: array) -> None:
    """Before `key` is appended to sorted `keys` (and a value to each column): when it is at or before
    the last one (a resumed job redoing its epoch), cut every array back to before it, so that the
    last word wins, as it does for events."""
    if keys and key <= keys[-1]:
        cut = bisect_left(keys, key)
        for column in (keys, *columns):
            del column[cut:]


class Series:
    """One unit's batch losses in two compact arrays, x in epochs (epoch - 1 + step / steps) and the
    loss: a long run's curve costs 16 bytes a step. A step at or before the last one (a resumed run
    redoing an epoch) first cuts the series back to before it: the last word wins, as for events."""

    def __init__(self) -> None:
        self.xs, self.ys = array("d"), array("d")
        self.last: tuple[int, int, int] | None = None
        """(epoch, step, steps_per_epoch) of the latest step."""

    def add(self, epoch: int, step: int, steps_per_epoch: int, loss: float) -> None:
        x = epoch - 1 + step / steps_per_epoch
        rewound(self.xs, x, self.ys)
        self.xs.append(x)
        self.ys.append(loss)
        self.last = (epoch, step, steps_per_epoch)

    def __len__(self) -> int:
        return len(self.xs)


@dataclass
class Record:
    """What every job's record shares: the run it belongs to, how it started, its batch-level steps
    (empty until its units train), and how it ended. A kind folds its own events in `take`."""

    run_dir: Path
    """The training run (a job inside it records itself in its own folder there)."""
    started: ev.JobStarted | None = None
    outcome: ev.Done | ev.Stopped | ev.Failed | None = None
    steps: dict = field(default_factory=lambda: defaultdict(dict))
    """unit -> (epoch, step) -> its step event (what the unit is depends on the kind)."""
    system: list = field(default_factory=list)
    """Its SystemSamples (the box while it ran), oldest first; each process that resumed it counts
    their `t` from its own start."""

    FOLDER: ClassVar[str] = ""
    """Where in the run directory the kind records itself ("" for the run's own folder)."""
    STARTED: ClassVar[type] = ev.JobStarted
    """The kind's own start event: a log that starts another kind's job is not this kind's log."""
    CONFIG: ClassVar[type | None] = None
    """The kind's settings, which a start event's config must read as (types checked)."""

    @classmethod
    def folder(cls, run_dir: Path) -> Path:
        return Path(run_dir) / cls.FOLDER if cls.FOLDER else Path(run_dir)

    @classmethod
    def metrics_path(cls, run_dir: Path) -> Path:
        return cls.folder(run_dir) / METRICS

    def add(self, event) -> None:
        if isinstance(event, ev.JobStarted):
            self.check_start(event)
            self.started, self.outcome = event, None
        elif isinstance(event, ev.SystemSample):
            self.system.append(event)
        elif isinstance(event, ev.ENDINGS):
            self.outcome = event
        else:
            self.take(event)

    def check_start(self, event: ev.JobStarted) -> None:
        """RunError when a start event in this kind's log is another kind's (a log copied or swapped into
        the wrong folder) or records settings that do not read as this kind's (a damaged line)."""
        path = self.metrics_path(self.run_dir)
        if not isinstance(event, self.STARTED):
            raise RunError(f"{path} holds a {type(event).__name__} where a {self.STARTED.__name__} belongs: it is "
                           "another job's log, or damaged; put the right one back or move it away.")
        if self.CONFIG is not None:
            try:
                self.CONFIG.from_dict(event.config)
            except UserError as err:
                raise RunError(f"{path}: the settings its {self.STARTED.__name__} records are damaged: {err}") from None

    def take(self, event) -> None:
        """Fold in one of the kind's own events."""
        raise NotImplementedError

    @classmethod
    def read(cls, run_dir: Path):
        record = cls(Path(run_dir))
        for event in MetricsTail(cls.metrics_path(run_dir)).events():
            record.add(event)
        return record

    @classmethod
    def glance(cls, run_dir: Path, tail: int = GLANCE_BYTES):
        """The record as the start of its log and its end tell it: how it started, where each unit is,
        and how it ended (a finished run's final scores are among its last events). The end is read
        in a window that grows until `glanced` says it holds enough (or it holds the whole log). What
        a listing of many runs reads; a pane that shows the run reads all of it."""
        path = cls.metrics_path(run_dir)
        size = path.stat().st_size if path.exists() else 0
        while True:
            record = cls(Path(run_dir))
            head, end = head_and_tail(path, tail)
            for event in head + end:
                record.add(event)
            if record.glanced(end) or tail >= size:
                return record
            tail *= 4

    def glanced(self, end: list) -> bool:
        """Whether the events of the log's end (`end`) hold all that a listing shows of the job."""
        return True

    @property
    def ending(self) -> str:
        """Why it stopped or failed, as its last event says; "" while it runs or once it finished."""
        return getattr(self.outcome, "message", None) or getattr(self.outcome, "reason", None) or ""

    def phase(self) -> str | None:
        """What a live job is busy with before its first batch losses, or None once it trains."""
        if self.outcome is not None or any(self.steps.values()):
            return None
        if self.started is None:
            return "loading MNIST onto the device"
        return self.setting_up()

    def setting_up(self) -> str:
        """What it does after it started and before its first losses."""
        return "setting up"

    def done(self) -> tuple[float, int]:
        """(units of work done, with the fraction of the current one; how many in all)."""
        raise NotImplementedError

    def status(self) -> str:
        """finished, failed, stopped, running, or dead (it stopped writing without a word)."""
        if self.outcome is not None:
            return STATUS[type(self.outcome)]
        return "running" if RunLock(self.run_dir).live_pid() is not None else "dead"

    def summary(self) -> dict:
        """What the job's command prints with --json."""
        raise NotImplementedError

    @staticmethod
    def latest(by_epoch: dict):
        return by_epoch[max(by_epoch)] if by_epoch else None


def epochs_done(steps: dict) -> float:
    """Epochs done by the units whose step events (with epoch, step, steps_per_epoch) are in `steps`,
    with the fraction of each one's current epoch, summed."""
    return sum(max((e - 1 + s.step / s.steps_per_epoch for (e, _), s in by.items()), default=0.0)
               for by in steps.values())
