"""k-means with k = 10 on a model's codes (or raw pixels), optionally scaled first."""

from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans

from bumptui.engine.autoencoder.clustering.scores import N_CLUSTERS, Agreement, agreement

KMEANS_INITS = 4
"""k-means restarts; the best of them by inertia is kept."""


def scaled(features: np.ndarray, scaling: str) -> np.ndarray:
    """The features scaled as config.KMEANS_SCALINGS describes."""
    x = np.asarray(features, dtype=np.float32)
    if scaling == "standard":
        return (x - x.mean(axis=0)) / (x.std(axis=0) + 1e-8)
    if scaling == "unit":
        return x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-8)
    return x


def kmeans(features: np.ndarray, seed: int = 0, scaling: str = "none") -> KMeans:
    """k-means with k = 10 fitted on the (scaled) features: its labels_ and cluster_centers_."""
    return KMeans(n_clusters=N_CLUSTERS, n_init=KMEANS_INITS, random_state=seed).fit(scaled(features, scaling))


def kmeans_agreement(features: np.ndarray, digits: np.ndarray, seed: int = 0, scaling: str = "none") -> Agreement:
    """k-means with k = 10 on the (scaled) features, scored against the digits."""
    return agreement(np.asarray(digits), kmeans(features, seed, scaling).labels_)
