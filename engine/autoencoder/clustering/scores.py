"""How well clusters match the digits: purity, NMI, ARI, accuracy (Hungarian) and the table."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

N_CLUSTERS = 10


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
