"""The bumptui jobs alive on this machine, found from the run locks under a runs folder (a run, a
job inside it, a study's trials): what `bumptui top` lists. Each lock names its process; the job is
the kind whose log in that run has started and not ended, read from the log's start and end only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bumptui.engine.autoencoder.jobs import registry
from bumptui.engine.autoencoder.runs.lock import LOCK, RunLock
from bumptui.engine.autoencoder.runs.log import RunError

DEPTH = 3
"""runs/<run>/lock, runs/<study>/<trial>/lock: how deep under the runs folder locks are looked for."""


@dataclass(frozen=True)
class LiveJob:
    run_dir: Path
    doing: str
    """"training", "sharpening", ..."""
    pid: int
    device: str
    progress: str
    """"3.4/10 epochs" (every model's epochs together), or "starting"."""
    images_per_s: float | None
    """The training's latest epoch's pace (training only)."""


def lock_files(root: Path) -> list[Path]:
    found = []
    for depth in range(1, DEPTH + 1):
        found += Path(root).glob("/".join(["*"] * depth) + f"/{LOCK}")
    return sorted(found)


def live_jobs(root: Path) -> list[LiveJob]:
    jobs = []
    for lock in lock_files(root):
        run_dir = lock.parent
        pid = RunLock(run_dir).live_pid()
        if pid is None:
            continue
        job = None
        for kind in registry.kinds():
            path = kind.record.metrics_path(run_dir)
            if not path.is_file():
                continue
            try:
                record = kind.record.glance(run_dir)
            except RunError:
                continue
            if record.started is not None and record.outcome is None:
                job = (kind, record)  # the kinds inside a run come after it: the last one live wins
        if job is None:
            jobs.append(LiveJob(run_dir, "starting", pid, "-", "loading", None))
            continue
        kind, record = job
        done, total = record.done()
        pace = None
        if kind.name == "train":
            moving = [record.progress(d) for d in record.latents]
            pace = next((p.images_per_s for p in moving if p.done < p.epochs and p.images_per_s), None)
        jobs.append(LiveJob(run_dir, kind.doing, pid, record.started.device, f"{done:.1f}/{total} epochs", pace))
    return jobs
