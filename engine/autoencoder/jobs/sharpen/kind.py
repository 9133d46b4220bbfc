"""Sharpening as a kind of job, recorded inside a trained run (<run>/sharpen): each model retrained
with L1 + dis_net's adversarial loss by each strategy, beside an L1-only control."""

from __future__ import annotations

from pathlib import Path

from bumptui.engine.autoencoder.jobs.kind import Plan
from bumptui.engine.autoencoder.jobs.sharpen.config import SharpenConfig
from bumptui.engine.autoencoder.jobs.sharpen.record import SharpenRecord
from bumptui.engine.autoencoder.jobs.train.kind import InsideTrainedRun
from bumptui.engine.autoencoder.runs.rundir import CHECKPOINTS


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

    def prepare(self, run_dir: Path, config, resume: bool) -> Plan:
        """As for any job inside a run; a dis_net of the user's is checked now (a new sharpening) or
        loaded from the sharpening's recorded copy (resuming)."""
        plan = super().prepare(run_dir, config, resume)
        spec = plan.config.dis_net
        if spec == "dcgan":
            return plan
        from dataclasses import replace

        from bumptui.engine.autoencoder import designs

        if resume:
            note = designs.use(self.folder(run_dir), spec, plan.config.dis_sha256, methods=())
            return replace(plan, notes=plan.notes + ((note,) if note else ()))
        return plan.with_config(replace(plan.config, dis_sha256=designs.admit_dis(spec)))

    def load(self, plan: Plan, data_dir=None):
        if plan.config.dis_net != "dcgan" and not plan.resume:  # the sharpening keeps its dis_net's source
            from bumptui.engine.autoencoder import designs

            designs.keep(self.folder(plan.run_dir), plan.config.dis_net)
            designs.use(self.folder(plan.run_dir), plan.config.dis_net, plan.config.dis_sha256, methods=())
        return super().load(plan, data_dir)

    def run(self, plan: Plan, loaded, job) -> dict | None:
        from bumptui.engine.autoencoder.jobs.sharpen.run import sharpen

        return sharpen(plan, *loaded, job)


SHARPEN = SharpenKind()
