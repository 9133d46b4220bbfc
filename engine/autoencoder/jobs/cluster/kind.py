"""Clustering as a kind of job, recorded inside a trained run (<run>/cluster): k-means and UMAP on
each model's codes and on raw pixels, then IDEC fine-tuning each model."""

from __future__ import annotations

from pathlib import Path

from bumptui.engine.autoencoder.jobs.cluster.config import ClusterConfig
from bumptui.engine.autoencoder.jobs.cluster.record import ClusterRecord
from bumptui.engine.autoencoder.jobs.kind import Plan
from bumptui.engine.autoencoder.jobs.train.kind import InsideTrainedRun
from bumptui.engine.autoencoder.runs.rundir import CHECKPOINTS


def idec_path(run_dir: Path, latent: int) -> Path:
    """IDEC's fine-tuned latent-`latent` model, its centres and its target distribution."""
    return ClusterRecord.folder(run_dir) / CHECKPOINTS / f"idec-{latent}.pt"


class ClusterKind(InsideTrainedRun):
    name = "cluster"
    doing = noun = "clustering"
    done = "clustered"
    config = ClusterConfig
    record = ClusterRecord
    watch_hint = ", then key 4"

    def run(self, plan: Plan, loaded, job) -> dict | None:
        from bumptui.engine.autoencoder.jobs.cluster.run import cluster

        return cluster(plan, *loaded, job)


CLUSTER = ClusterKind()
