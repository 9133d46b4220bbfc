"""Clustering as a kind of job, recorded inside a trained run (<run>/cluster): k-means and UMAP on
each model's codes and on raw pixels, then IDEC fine-tuning each model."""

from __future__ import annotations

from pathlib import Path

from engine.autoencoder.jobs.cluster.config import ClusterConfig
from engine.autoencoder.jobs.cluster.record import ClusterRecord
from engine.autoencoder.jobs.kind import JobKind, Plan
from engine.autoencoder.jobs.train.kind import prepare_inside
from engine.autoencoder.runs.rundir import CHECKPOINTS


def idec_path(run_dir: Path, latent: int) -> Path:
    """IDEC's fine-tuned latent-`latent` model, its centres and its target distribution."""
    return ClusterRecord.folder(run_dir) / CHECKPOINTS / f"idec-{latent}.pt"


class ClusterKind(JobKind):
    name = "cluster"
    doing = "clustering"
    config = ClusterConfig
    record = ClusterRecord
    watch_hint = ", then key 4"

    def prepare(self, run_dir: Path, config: ClusterConfig | None, resume: bool) -> Plan:
        return prepare_inside(self, run_dir, config, resume, "clustering", "clustered")

    def load(self, plan: Plan, data_dir=None):
        from engine.autoencoder.jobs.runner import mnist_on_device

        device, data = mnist_on_device(plan.run_config, data_dir)
        return plan.config.resolved(device), (device, data)

    def run(self, plan: Plan, loaded, job) -> dict | None:
        from engine.autoencoder.jobs.cluster.run import cluster

        return cluster(plan, *loaded, job)

    def resume_command(self, run_dir: Path) -> str:
        return f"bumptui cluster {run_dir} --resume"


CLUSTER = ClusterKind()
