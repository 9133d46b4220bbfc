"""How well clusters of latent codes match the digits: purity, NMI, ARI and accuracy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

N_CLUSTERS = 10
KMEANS_INITS = 4


@dataclass(frozen=True)
class Agreement:
    purity: float
    """Share of images whose cluster's most common digit is their own."""
    nmi: float
    ari: float
    acc: float
    """Share of images right under the best one-to-one cluster-to-digit matching (Hungarian)."""
    contingency: np.ndarray
    """contingency[cluster, digit]."""


def contingency_table(digits: np.ndarray, clusters: np.ndarray, n_clusters: int = N_CLUSTERS) -> np.ndarray:
    table = np.zeros((n_clusters, 10), dtype=np.int64)
    np.add.at(table, (clusters, digits), 1)
    return table


def agreement(digits: np.ndarray, clusters: np.ndarray, n_clusters: int = N_CLUSTERS) -> Agreement:
    table = contingency_table(digits, clusters, n_clusters)
    n = len(digits)
    rows, cols = linear_sum_assignment(table, maximize=True)
    return Agreement(
        purity=float(table.max(axis=1).sum() / n),
        nmi=float(normalized_mutual_info_score(digits, clusters)),
        ari=float(adjusted_rand_score(digits, clusters)),
        acc=float(table[rows, cols].sum() / n),
        contingency=table,
    )


def scaled(features: np.ndarray, scaling: str) -> np.ndarray:
    """The features scaled as train_config.KMEANS_SCALINGS describes."""
    x = np.asarray(features, dtype=np.float32)
    if scaling == "standard":
        return (x - x.mean(axis=0)) / (x.std(axis=0) + 1e-8)
    if scaling == "unit":
        return x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-8)
    return x


def kmeans_agreement(features: np.ndarray, digits: np.ndarray, seed: int = 0, scaling: str = "none") -> Agreement:
    """k-means with k = 10 on the (scaled) features, scored against the digits."""
    x = scaled(features, scaling)
    clusters = KMeans(n_clusters=N_CLUSTERS, n_init=KMEANS_INITS, random_state=seed).fit_predict(x)
    return agreement(np.asarray(digits), clusters)
