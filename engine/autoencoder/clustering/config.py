"""What `bumptui cluster` is asked to do with the models of a training run. Importable without
torch, so forms can check a request cheaply."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from engine.autoencoder.config import PRECISIONS, TrainingError, check_models, checked_fields

METHODS = ("kmeans", "umap", "idec")
"""kmeans: k-means on the codes; umap: the N2D recipe (UMAP of the codes, then a clusterer);
idec: the encoder fine-tuned with a clustering layer beside its reconstruction loss."""
CLUSTERERS = ("gmm", "kmeans")
"""What clusters the UMAP embedding: a Gaussian mixture (full covariances) or k-means."""
PIXEL_FEATURES = {"kmeans": "pixels", "umap": "pca-50"}
"""What each method runs on as its no-autoencoder baseline: k-means on the raw pixels, UMAP on the
first 50 principal components of the raw pixels (as N2D's baselines; UMAP on all 784 pixels finds
the same neighbours more slowly). IDEC has no baseline of its own: it starts from k-means on the
codes (its epoch 0)."""
PCA_COMPONENTS = 50
FIT_ON = ("test", "all")
"""What UMAP embeds: the test images' codes alone, or the training images' codes with them (N2D's
"all 70,000"); the clusters are scored on the test digits either way, and no label is used."""


@dataclass(frozen=True)
class ClusterConfig:
    """The clustering methods to run on a training run's models, and their settings."""

    methods: tuple[str, ...] = METHODS
    """Which of METHODS to run."""
    latent_dims: tuple[int, ...] | None = None
    """None: every model of the run."""
    seeds: int = 3
    """k-means and UMAP run with seeds seed, seed+1, ...: the table shows their mean and spread."""
    seed: int = 0
    """The first seed of k-means and UMAP, and IDEC's one seed (its k-means start and its batches)."""
    n_neighbors: int = 20
    """UMAP's neighbourhood: about 20 keeps each digit's manifold whole without joining two (N2D)."""
    n_components: int = 10
    """UMAP's output dimensions: about the number of clusters, as N2D recommends."""
    min_dist: float = 0.0
    """UMAP's spacing of points in the embedding: 0 packs each cluster tight, which a clusterer wants."""
    clusterer: str = "gmm"
    """What clusters the UMAP embedding (see CLUSTERERS; the default chosen by measurement, RESULTS.md)."""
    fit_on: str = "test"
    """UMAP on the test codes alone, or on all codes, training ones too (see FIT_ON): denser manifolds,
    better clusters (RESULTS.md), about five times the time."""
    epochs: int = 10
    """IDEC's passes over the training images."""
    gamma: float = 0.1
    """IDEC's weight of the clustering (KL) loss beside the L1 reconstruction loss, as in Guo et al."""
    update_interval: int = 140
    """Batches between two refreshes of IDEC's target distribution (T in the IDEC paper for MNIST)."""
    lr: float = 1e-3
    """IDEC's Adam step size for the encoder, decoder and cluster centres."""
    precision: str = "auto"
    """IDEC's forward pass: fp32, bf16 autocast, or auto (as training's)."""

    KINDS = {"methods": "strs", "latent_dims": "ints?", "seeds": "int", "seed": "int", "n_neighbors": "int",
             "n_components": "int", "min_dist": "number", "clusterer": "str", "fit_on": "str", "epochs": "int",
             "gamma": "number",
             "update_interval": "int", "lr": "number", "precision": "str"}
    """The kind of each field in cluster/config.json (see checked_fields)."""

    def validated(self, run_latents: tuple[int, ...] = ()) -> "ClusterConfig":
        if not self.methods or any(m not in METHODS for m in self.methods):
            raise TrainingError(f"The method must be {', '.join(METHODS)} or all, not {', '.join(self.methods)}.")
        if self.clusterer not in CLUSTERERS:
            raise TrainingError(f"The clusterer after UMAP must be gmm or kmeans, not {self.clusterer!r}.")
        if self.fit_on not in FIT_ON:
            raise TrainingError(f"UMAP fits on test or all, not {self.fit_on!r}.")
        if self.precision not in PRECISIONS:
            raise TrainingError(f"The precision must be one of {', '.join(PRECISIONS)}, not {self.precision!r}.")
        for name, low, high in (("seeds", 1, 10), ("epochs", 1, 1000), ("n_neighbors", 2, 200),
                                ("n_components", 2, 100), ("update_interval", 1, 100_000)):
            value = getattr(self, name)
            if not low <= value <= high:
                raise TrainingError(f"{name.replace('_', ' ')} must be from {low} to {high:,}, not {value}.")
        if not (math.isfinite(self.min_dist) and 0 <= self.min_dist <= 1):
            raise TrainingError(f"UMAP's min dist must be from 0 to 1, not {self.min_dist}.")
        if not (math.isfinite(self.gamma) and 0 <= self.gamma <= 100):
            raise TrainingError(f"gamma must be a number from 0 to 100, not {self.gamma}.")
        if not (math.isfinite(self.lr) and 0 < self.lr <= 1):
            raise TrainingError(f"The lr must be greater than 0 and at most 1, not {self.lr}.")
        check_models(self.latent_dims, run_latents)
        return self

    @property
    def seed_list(self) -> list[int]:
        return [self.seed + i for i in range(self.seeds)]

    def as_dict(self) -> dict:
        d = asdict(self)
        d["methods"] = list(self.methods)
        d["latent_dims"] = None if self.latent_dims is None else list(self.latent_dims)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "ClusterConfig":
        """A config read from JSON, its fields' types checked (not yet their ranges: see validated)."""
        d = checked_fields(d, cls.KINDS)
        if "methods" in d:
            d["methods"] = tuple(d["methods"])
        if d.get("latent_dims") is not None:
            d["latent_dims"] = tuple(d["latent_dims"])
        return cls(**d)
