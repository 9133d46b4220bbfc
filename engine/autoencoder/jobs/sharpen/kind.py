"""Sharpening as a kind of job, recorded inside a trained run (<run>/sharpen): each model retrained
with L1 + dis_net's adversarial loss by each strategy, beside an L1-only control."""

from __future__ import annotations

from pathlib import Path

from engine.autoencoder.jobs.kind import Plan
from engine.autoencoder.jobs.sharpen.config import SharpenConfig
from engine.autoencoder.jobs.sharpen.record import SharpenRecord
from engine.autoencoder.jobs.train.kind import InsideTrainedRun
from engine.autoencoder.runs.rundir import CHECKPOINTS


def pair_path(run_dir: Path, key) -> Path:
    """A sharpening strategy's G and D for one model; `key` is its PairKey ("s1-16")."""
    return SharpenRecord.folder(run_dir) / CHECKPOINTS / f"{key}.pt"


def scorer_path(run_dir: Path) -> Path:
    """The dis_net trained on clear vs blurred digits, which scores every model of a sharpening."""
    return SharpenRecord.folder(run_dir) / CHECKPOINTS / "dis_net.pt"


class SharpenKind(InsideTrainedRun):
    name = "sharpen"
    doing = noun = "sharpening"
    done = "sharpened"
    config = SharpenConfig
    record = SharpenRecord
    watch_hint = ", then key 7"

    def run(self, plan: Plan, loaded, job) -> dict | None:
        from engine.autoencoder.jobs.sharpen.run import sharpen

        return sharpen(plan, *loaded, job)


SHARPEN = SharpenKind()
