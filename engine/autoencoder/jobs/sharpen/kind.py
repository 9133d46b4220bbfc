"""Sharpening as a kind of job, recorded inside a trained run (<run>/sharpen): each model retrained
with L1 + dis_net's adversarial loss by each strategy, beside an L1-only control."""

from __future__ import annotations

from pathlib import Path

from engine.autoencoder.jobs.kind import JobKind, Plan
from engine.autoencoder.jobs.sharpen.config import SharpenConfig
from engine.autoencoder.jobs.sharpen.record import SharpenRecord
from engine.autoencoder.jobs.train.kind import prepare_inside
from engine.autoencoder.runs.rundir import CHECKPOINTS


def pair_path(run_dir: Path, key) -> Path:
    """A sharpening strategy's G and D for one model; `key` is its PairKey ("s1-16")."""
    return SharpenRecord.folder(run_dir) / CHECKPOINTS / f"{key}.pt"


def scorer_path(run_dir: Path) -> Path:
    """The dis_net trained on clear vs blurred digits, which scores every model of a sharpening."""
    return SharpenRecord.folder(run_dir) / CHECKPOINTS / "dis_net.pt"


class SharpenKind(JobKind):
    name = "sharpen"
    doing = "sharpening"
    config = SharpenConfig
    record = SharpenRecord
    watch_hint = ", then key 7"

    def prepare(self, run_dir: Path, config: SharpenConfig | None, resume: bool) -> Plan:
        return prepare_inside(self, run_dir, config, resume, "sharpening", "sharpened")

    def load(self, plan: Plan, data_dir=None):
        from engine.autoencoder.jobs.runner import mnist_on_device

        device, data = mnist_on_device(plan.run_config, data_dir)
        return plan.config.resolved(device), (device, data)

    def run(self, plan: Plan, loaded, job) -> dict | None:
        from engine.autoencoder.jobs.sharpen.run import sharpen

        return sharpen(plan, *loaded, job)

    def resume_command(self, run_dir: Path) -> str:
        return f"bumptui sharpen {run_dir} --resume"


SHARPEN = SharpenKind()
