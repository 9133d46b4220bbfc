"""Each trial of a study as its own run directory tells it: the records of its stages (training,
clustering, sharpening), filled as their logs grow. What the Study pane shows of a running seed;
the study's own log says only when a trial was handed to Ray and how it ended."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bumptui.engine.autoencoder.jobs.study.kind import seed_dir
from bumptui.engine.autoencoder.runs.events import Done


@dataclass(frozen=True)
class Stage:
    """Where one trial is: the stage under way (or the last one, once every stage is done)."""

    doing: str
    """The stage's kind as the app says it: "training", "clustering", "sharpening"."""
    index: int
    """Its place among the trial's stages, from 1."""
    of: int
    done: float
    """Its units done (epochs, scorings), with the fraction of the current one."""
    total: int
    phase: str | None
    """What it is busy with before its first losses; None once it trains."""
    ending: str = ""
    """Why it stopped or failed, as its log says."""


class Trial:
    """One seed's run directory: a record per stage, filled by whoever follows their logs (the app's reader)."""

    def __init__(self, study_dir: Path, seed: int, stages: list[str]):
        from bumptui.engine.autoencoder.jobs import registry

        self.run_dir = seed_dir(study_dir, seed)
        self.kinds = [registry.kind(name) for name in stages]
        self.records = {kind.name: kind.record(self.run_dir) for kind in self.kinds}

    def stage(self) -> Stage | None:
        """The first stage not done yet (the last, when all are); None before its training started."""
        if self.records[self.kinds[0].name].started is None:
            return None
        for i, kind in enumerate(self.kinds, start=1):
            record = self.records[kind.name]
            if not isinstance(record.outcome, Done) or i == len(self.kinds):
                done, total = record.done() if record.started is not None else (0.0, 0)
                return Stage(kind.doing, i, len(self.kinds), done, total,
                             record.phase() if record.started is not None else "waiting for the stage before",
                             record.ending)
        return None
