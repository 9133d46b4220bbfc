"""The clustering methods that need no training, behind one call: ten clusters of some features."""

from __future__ import annotations

import numpy as np

from bumptui.engine.autoencoder.clustering.kmeans import kmeans
from bumptui.engine.autoencoder.clustering.manifold import cluster_embedding, umap_embedding


def cluster_labels(method: str, features: np.ndarray, seed: int, config,
                   scaling: str = "none") -> np.ndarray:
    """Each row's cluster (0-9) by `method`: kmeans (on the features scaled as `scaling` says) or
    umap (N2D: the UMAP embedding the config, a ClusterConfig, describes, then its clusterer). IDEC
    is a job of its own (jobs/cluster/run.py)."""
    if method == "kmeans":
        return kmeans(features, seed, scaling).labels_
    if method == "umap":
        embedding = umap_embedding(features, seed, config.n_components, config.n_neighbors, config.min_dist)
        return cluster_embedding(embedding, config.clusterer, seed)
    raise ValueError(f"{method} is not a clustering of fixed features")
