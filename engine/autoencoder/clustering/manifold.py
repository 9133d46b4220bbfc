"""The N2D recipe (McConville et al., 2019): embed the codes with UMAP into about as many dimensions
as there are clusters, packed tight (min_dist 0), then cluster that embedding.

Why it works where k-means on the codes fails: k-means cuts space into convex cells around ten
means, so it needs each digit to sit in one round blob. An autoencoder's codes are not like that:
each digit lies along a curved, stretched manifold (thick and thin strokes, slants), and two
digits' manifolds come close at their ends. UMAP keeps only who is whose near neighbour, so it
straightens each manifold and pulls it into one compact cluster, with gaps between digits that
were only neighbours at a few ends; k-means or a Gaussian mixture then finds those clusters easily.

umap-learn compiles its numba functions the first time they run; numba's cache is kept in a
per-user folder, so most of that is paid once per machine (on 2 cores, 10,000 codes: the first UMAP
29 s on a new machine, 17 s in a later process, 12 s warm; BENCHMARKS.md).
umap is imported only here, and only when a UMAP is asked for.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from bumptui.engine.autoencoder.clustering.scores import N_CLUSTERS
from bumptui.engine.folders import cache_dir


def numba_cache_dir() -> Path:
    """Where numba keeps umap-learn's compiled functions: $XDG_CACHE_HOME/bumptui/numba (~/.cache)."""
    return cache_dir() / "numba"


def _umap():
    if "NUMBA_CACHE_DIR" not in os.environ:  # numba reads it when first imported
        os.environ["NUMBA_CACHE_DIR"] = str(numba_cache_dir())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # umap's import-time notices (tensorflow absent, ...)
        import umap
    return umap


def umap_embedding(features: np.ndarray, seed: int, n_components: int = 10, n_neighbors: int = 20,
                   min_dist: float = 0.0) -> np.ndarray:
    """The features' UMAP embedding, (n, n_components), repeatable for a seed (single-threaded).

    The neighbours are found exactly by scikit-learn and handed to UMAP, rather than by UMAP's own
    approximate search (pynndescent): exact, and about 25 s quicker in every new process on 2 cores,
    because pynndescent's numba functions compile again in each process whatever the cache holds
    (BENCHMARKS.md)."""
    from sklearn.neighbors import NearestNeighbors

    umap = _umap()
    x = np.asarray(features, dtype=np.float32)
    k = min(n_neighbors, len(x) - 1)
    distances, indices = NearestNeighbors(n_neighbors=k).fit(x).kneighbors(x)  # each point is its own first
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "n_jobs overridden by setting random_state": we want the seed
        reducer = umap.UMAP(n_components=n_components, n_neighbors=k, min_dist=min_dist, random_state=seed,
                            precomputed_knn=(indices, distances, None))
        return reducer.fit_transform(x).astype(np.float32)


EMBEDDING_INITS = 10
"""Starts of the clusterer on an embedding; the best (likelihood, or inertia) is kept. One start of
the mixture merges two digits and splits a third in two seeds of three on our codes (accuracy 0.81
where the embedding allows 0.95); ten find the 0.95 every time, in well under a second (RESULTS.md)."""


def cluster_embedding(embedding: np.ndarray, clusterer: str, seed: int) -> np.ndarray:
    """Ten clusters of an embedding: a Gaussian mixture (full covariances) or k-means, each the best
    of EMBEDDING_INITS starts."""
    if clusterer == "gmm":
        from sklearn.mixture import GaussianMixture

        return GaussianMixture(n_components=N_CLUSTERS, covariance_type="full", n_init=EMBEDDING_INITS,
                               random_state=seed).fit_predict(embedding)
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=N_CLUSTERS, n_init=EMBEDDING_INITS, random_state=seed).fit_predict(embedding)


def pca(features: np.ndarray, components: int) -> np.ndarray:
    """The first `components` principal components (fewer when there are fewer features or samples)."""
    x = np.asarray(features, dtype=np.float32)
    x = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    return x @ vt[:components].T
