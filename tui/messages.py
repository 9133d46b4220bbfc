"""What the app's workers and panes tell it, and the one view of the current run it hands the panes.

State goes down as a RunView; intents come up as messages nested in the pane that sends them
(TrainPane.Start, SharpenPane.Start, RunsPane.Open, ...), and engine events from a worker thread
as one message type per job.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the records (and numpy's event path) load with the first run, not the first frame
    from engine.autoencoder.clustering.record import ClusterRecord
    from engine.autoencoder.runs.record import Record, RunRecord, SharpenRecord

TRAINING = "training"
SHARPENING = "sharpening"
CLUSTERING = "clustering"
LIVE = ("running", TRAINING, SHARPENING, CLUSTERING)
"""The statuses of a record that is still being written."""


@dataclass(frozen=True)
class Job:
    """What the app's worker thread is doing, and to which run."""

    kind: str
    """TRAINING, SHARPENING or CLUSTERING."""
    run_dir: Path


@dataclass(frozen=True)
class RunView:
    """What the autoencoder panes show: the app's current run, its sharpening and clustering, a run
    overlaid on the loss chart, and what the app itself is running."""

    record: RunRecord | None = None
    sharpen: SharpenRecord | None = None
    clusters: ClusterRecord | None = None
    overlay: RunRecord | None = None
    """A second run drawn on the loss chart beside the current one."""
    job: Job | None = None
    runs_root: Path = Path("runs")

    def is_live(self, record: Record) -> bool:
        """Whether the record is still being written, by this app's worker or another process."""
        return self.status(record) in LIVE

    def status(self, record: Record) -> str:
        """finished, failed, stopped, dead, running (by another process), or training / sharpening /
        clustering when this app's own worker is at it."""
        kind = KINDS.get(type(record).__name__, TRAINING)
        if self.job == Job(kind, record.run_dir) and record.outcome is None:
            return kind
        return record.status()


KINDS = {"RunRecord": TRAINING, "SharpenRecord": SHARPENING, "ClusterRecord": CLUSTERING}
"""The job that writes each kind of record, by the record's class name."""


class JobEvent(Message):
    """One engine event of a job the app runs, posted from its worker thread."""

    def __init__(self, run_dir: Path, event: object) -> None:
        super().__init__()
        self.run_dir: Path = run_dir
        self.event: object = event


class TrainingEvent(JobEvent):
    """An event of the training the app runs."""


class SharpeningEvent(JobEvent):
    """An event of the sharpening the app runs."""


class ClusteringEvent(JobEvent):
    """An event of the clustering the app runs."""
