"""A 2-D view of a model's codes for the Latent pane, as the embedding projector gives one: PCA (as
training records it every epoch) or UMAP, with clusters to colour the points by instead of digits.

Computed from the run's newest checkpoint of the model on the same test digits training plots
(the first SNAPSHOT_SIZE), on the CPU; UMAP takes a few seconds warm, so callers run it off the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

SEED = 0


@dataclass(frozen=True)
class Projection:
    latent: int
    epoch: int
    """The epochs behind the checkpoint the codes came from."""
    labels: np.ndarray
    pca: np.ndarray
    """(n, 2): the codes' first two principal components (the codes themselves for latent 2)."""
    umap: np.ndarray
    """(n, 2): the codes' UMAP embedding (20 neighbours, min_dist 0.1: spread enough to read)."""
    kmeans: np.ndarray
    """Each point's cluster by k-means on the codes: what the PCA view colours by."""
    umap_clusters: np.ndarray
    """Each point's cluster by a Gaussian mixture on the UMAP embedding: what the UMAP view colours by."""


def project(run_dir: Path, latent: int, data_dir=None) -> Projection:
    """The model's codes of the fixed test sample, projected both ways and clustered both ways."""
    import torch

    from bumptui.engine.autoencoder.clustering.kmeans import kmeans
    from bumptui.engine.autoencoder.clustering.manifold import cluster_embedding, umap_embedding
    from bumptui.engine.autoencoder.data import DeviceData
    from bumptui.engine.autoencoder.designs import is_builtin, use
    from bumptui.engine.autoencoder.jobs.train.kind import read_train_config, trained_model
    from bumptui.engine.autoencoder.training import SNAPSHOT_SIZE, encode_and_score, project_2d

    train = read_train_config(run_dir)
    if not is_builtin(train.arch):  # the user asked for this view of a run of their design: its recorded copy
        use(run_dir, train.arch, train.design_sha256)
    checkpoint, model = trained_model(run_dir, train, latent)
    data = DeviceData.load(torch.device("cpu"), train.subset, data_dir)
    n = min(SNAPSHOT_SIZE, len(data.test_y))
    codes = encode_and_score(model, data.test_x[:n])[1]
    flat = umap_embedding(codes, SEED, n_components=2, n_neighbors=20, min_dist=0.1)
    return Projection(latent, int(checkpoint.counters["epoch"]), data.test_y[:n], project_2d(codes)[0], flat,
                      kmeans(codes, SEED).labels_, cluster_embedding(flat, "gmm", SEED))
