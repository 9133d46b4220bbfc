"""What the app's worker and panes tell it, and the one view of the current run it hands the panes.

State goes down as a RunView; intents come up as messages nested in the pane that sends them
(RunPane.Start, RunPane.Open, ...), and a job's engine events from the worker thread as JobEvents.
A job is known by its kind's name in the registry ("train", "sharpen", "cluster", ...).
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

IN_APP = ((re.compile(r"\bpass --resume\b"), "press ctrl+r"), (re.compile(r"--resume\b"), "ctrl+r"))
"""The command line's words for resuming, as the app says them: the engine's messages (a refusal, a
stopped job's reason in its log) are written once, in the command line's words."""


def in_app(text: str) -> str:
    """A message from the engine in the app's words ("--resume continues ..." -> "ctrl+r continues ...")."""
    for pattern, words in IN_APP:
        text = pattern.sub(words, text)
    return text

if TYPE_CHECKING:  # the records (and numpy's event path) load with the first run, not the first frame
    from bumptui.engine.autoencoder.jobs.cluster.record import ClusterRecord
    from bumptui.engine.autoencoder.jobs.sharpen.record import SharpenRecord
    from bumptui.engine.autoencoder.jobs.study.record import StudyRecord
    from bumptui.engine.autoencoder.jobs.train.record import RunRecord
    from bumptui.engine.autoencoder.runs.record import Record

@dataclass(frozen=True)
class Job:
    """What the app's worker thread is doing, and to which run."""

    kind: str
    """The kind's name in the registry."""
    doing: str
    """What the app says it is doing: "training", "sharpening", ..."""
    run_dir: Path


class CurrentRun:
    """The current run's records by the names the panes use (`records` holds one per kind)."""

    records: dict

    @property
    def record(self) -> RunRecord | None:
        """The current run's training."""
        return self.records.get("train")

    @property
    def sharpen(self) -> SharpenRecord | None:
        return self.records.get("sharpen")

    @property
    def clusters(self) -> ClusterRecord | None:
        return self.records.get("cluster")


@dataclass(frozen=True)
class RunView(CurrentRun):
    """What the autoencoder panes show: the app's current run and every job recorded inside it (one
    record per kind), a run overlaid on the loss chart, and what the app itself is running."""

    records: dict = field(default_factory=dict)
    """kind name -> its Record of the current run."""
    overlay: RunRecord | None = None
    """A second run drawn on the loss chart beside the current one."""
    job: Job | None = None
    runs_root: Path = Path("runs")
    study: StudyRecord | None = None
    """The study the Study pane follows (its trials' runs are ordinary runs, opened one at a time)."""

    def is_live(self, record: Record) -> bool:
        """Whether the record is still being written, by this app's worker or another process."""
        return self.live(self.status(record))

    def live(self, status: str) -> bool:
        """Whether a record with this status (see `status`) is still being written."""
        return status == "running" or (self.job is not None and status == self.job.doing)

    def ending(self, record: Record) -> str:
        """Why it stopped or failed, in the app's words."""
        return in_app(record.ending)

    def status(self, record: Record) -> str:
        """finished, failed, stopped, dead, running (by another process), or what this app's own
        worker is doing to it ("training", "sharpening", "clustering", ...)."""
        kind = "study" if record is self.study else next((k for k, r in self.records.items() if r is record), None)
        if self.job is not None and kind == self.job.kind and self.job.run_dir == record.run_dir \
                and record.outcome is None:
            return self.job.doing
        return record.status()


class JobEvent(Message):
    """One engine event of the job the app runs, posted from its worker thread."""

    def __init__(self, kind: str, run_dir: Path, event: object) -> None:
        super().__init__()
        self.kind: str = kind
        self.run_dir: Path = run_dir
        self.event: object = event
