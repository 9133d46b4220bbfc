"""A fourth kind of job, made in tests/ with no edit to cli/ or tui/: it counts to N inside a run
directory (<run>/count), one checkpoint a count, so that the generic paths (the command line, the
app's worker, the runner's lock, log, stop and resume) are proved by something that is not the lab's
science. Installed packages reach it through the "bumptui.kinds" entry point (see `installed`)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from bumptui.engine.autoencoder.jobs.kind import JobKind, Plan
from bumptui.engine.autoencoder.runs.checkpoint import Checkpoint, save_checkpoint
from bumptui.engine.autoencoder.runs.events import Done, JobStarted, Stopped, event
from bumptui.engine.autoencoder.runs.lock import RunLock
from bumptui.engine.autoencoder.runs.log import RunError
from bumptui.engine.autoencoder.runs.record import Record
from bumptui.engine.autoencoder.runs.rundir import CHECKPOINTS
from bumptui.engine.autoencoder.settings import SettingError, Settings, setting


class CountError(SettingError):
    """A count that cannot run as asked."""


@dataclass(frozen=True)
class CountConfig(Settings):
    ERROR = CountError

    epochs: int = setting(5, "how far to count", flag="--epochs")
    """Each count is one "epoch", so resuming asks for a new total as every kind does."""
    pause: float = setting(0.0, "seconds each count takes", flag="--pause")

    def validated(self, *args, **kwargs) -> "CountConfig":
        if not 1 <= self.epochs <= 100_000:
            raise CountError(f"epochs must be from 1 to 100,000, not {self.epochs}.")
        if not 0 <= self.pause <= 10:
            raise CountError(f"pause must be from 0 to 10 seconds, not {self.pause}.")
        return self


@event
class CountStarted(JobStarted):
    """A count started or resumed; resumed_epochs {"count": counts already done}."""


@event
class Counted:
    n: int


@dataclass
class CountRecord(Record):
    FOLDER = "count"

    def take(self, e) -> None:
        if isinstance(e, Counted):
            self.steps["count"][(e.n, 1)] = e

    @property
    def counted(self) -> list[int]:
        return [n for n, _ in sorted(self.steps["count"])]

    def done(self) -> tuple[float, int]:
        return float(len(self.counted)), self.started.config["epochs"] if self.started else 0

    def summary(self) -> dict:
        return {"run_dir": str(self.run_dir), "status": self.status(), "counted": self.counted}


class Counter:
    """The one unit of a count: how far it has come."""

    epoch = 0

    def restore(self, checkpoint: Checkpoint) -> None:
        self.epoch = int(checkpoint.counters["epoch"])


class CountKind(JobKind):
    name = "count"
    doing = "counting"
    config = CountConfig
    record = CountRecord

    def checkpoint_path(self, run_dir: Path) -> Path:
        return self.folder(run_dir) / CHECKPOINTS / "count.pt"

    def prepare(self, run_dir: Path, config: CountConfig | None, resume: bool) -> Plan:
        run_dir = Path(run_dir)
        if not run_dir.is_dir():
            raise RunError(f"There is no run directory {run_dir}.")
        config = self.requested(run_dir, config, resume, f"{run_dir} has no count to resume.",
                                f"{run_dir} is already counted; pass --resume to continue it.")
        RunLock(run_dir).refuse_if_held()
        return Plan(run_dir, (config or CountConfig()).validated(), resume)

    def run(self, plan: Plan, loaded, job) -> dict | None:
        counter, path = Counter(), self.checkpoint_path(plan.run_dir)
        job.restore([counter], lambda _: path, "count", plan.config.epochs, "counted")
        job.emit(CountStarted(str(plan.run_dir), plan.config.as_dict(), "none", {"count": counter.epoch},
                              job.stale_pid))

        def one_count(unit: Counter, n: int):
            if job.cancel.is_set():
                return Stopped(f"stopped before {n}; {self.resume_command(plan.run_dir)} continues there")
            time.sleep(plan.config.pause)
            unit.epoch = n
            save_checkpoint(Checkpoint("count", {}, counters={"epoch": n}), path)
            job.emit(Counted(n))
            return None

        with job.reported("Counting"):
            if not job.epochs([counter], plan.config.epochs, one_count):
                return None
            summary = {"run_dir": str(plan.run_dir), "counted": counter.epoch}
            job.emit(Done(summary))
            return summary

    def resume_command(self, run_dir: Path) -> str:
        return f"bumptui count {run_dir} --resume"


COUNT = CountKind()
TARGET = "tests.count_kind:COUNT"


def installed(site: Path) -> Path:
    """A folder that, on PYTHONPATH, makes the count kind look installed: a distribution's metadata
    declaring it under the "bumptui.kinds" entry-point group, as a plugin package would."""
    info = site / "bumptui_count-0.1.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: bumptui-count\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[bumptui.kinds]\ncount = {TARGET}\n")
    return site
