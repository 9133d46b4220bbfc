"""What `bumptui cluster` is asked to do with the models of a training run, each setting declared
once (see settings.py). Importable without torch, so forms can check a request cheaply."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bumptui.engine.autoencoder.settings import PRECISIONS, SettingError, Settings, check_models, check_seed, setting

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


METHOD_NAMES = {"kmeans": "k-means", "umap": "UMAP+GMM", "idec": "IDEC"}


def method_name(method: str, config: dict | None) -> str:
    """What a table calls a method of a clustering recorded with `config`: k-means, UMAP+GMM (or
    UMAP+k-means, as its clusterer was), IDEC."""
    if method == "umap" and config and config.get("clusterer") == "kmeans":
        return "UMAP+k-means"
    return METHOD_NAMES[method]


class ClusterError(SettingError):
    """A clustering request a user made cannot run as asked; the message says why."""


def methods_from_text(text: str) -> tuple[str, ...]:
    return METHODS if text == "all" else (text,)


def methods_text(methods: tuple[str, ...]) -> str:
    return "all" if tuple(methods) == METHODS else ",".join(methods)


@dataclass(frozen=True)
class ClusterConfig(Settings):
    """The clustering methods to run on a training run's models, and their settings."""

    ERROR = ClusterError

    methods: tuple[str, ...] = setting(
        METHODS, "kmeans: on the codes; umap: UMAP of the codes, then a Gaussian mixture (N2D); idec: fine-tune "
                 "the encoder with a clustering layer (default all)", flag="--method", choices=(*METHODS, "all"),
        labels={"kmeans": "k-means", "umap": "UMAP", "idec": "IDEC"}, parse=methods_from_text, text=methods_text,
        label="method")
    """Which of METHODS to run."""
    latent_dims: tuple[int, ...] | None = setting(None, "default: every model of the run", flag="--latent",
                                                  metavar="D")
    """None: every model of the run."""
    seeds: int = setting(3, "seeds of k-means and UMAP, for their spread (default 3)", flag="--seeds")
    """k-means and UMAP run with seeds seed, seed+1, ...: the table shows their mean and spread."""
    seed: int = setting(0, "the first seed (k-means and UMAP run 3 seeds from it)", flag="--seed")
    """The first seed of k-means and UMAP, and IDEC's one seed (its k-means start and its batches)."""
    n_neighbors: int = setting(20, "UMAP's neighbourhood size (default 20)", flag="--n-neighbors")
    """UMAP's neighbourhood: about 20 keeps each digit's manifold whole without joining two (N2D)."""
    n_components: int = setting(10, "UMAP's output dimensions (default 10)", flag="--components")
    """UMAP's output dimensions: about the number of clusters, as N2D recommends."""
    min_dist: float = setting(0.0, "UMAP's min_dist (default 0)", flag="--min-dist")
    """UMAP's spacing of points in the embedding: 0 packs each cluster tight, which a clusterer wants."""
    clusterer: str = setting("gmm", "what clusters the UMAP embedding (default gmm)", flag="--clusterer",
                             choices=CLUSTERERS)
    """What clusters the UMAP embedding (see CLUSTERERS; the default chosen by measurement, RESULTS.md)."""
    fit_on: str = setting("test", "UMAP on the test codes alone (default) or on the training codes too (all: "
                                  "N2D on 70,000, better clusters, about five times the time)", flag="--fit-on",
                          choices=FIT_ON)
    """UMAP on the test codes alone, or on all codes, training ones too (see FIT_ON): denser manifolds,
    better clusters (RESULTS.md), about five times the time."""
    epochs: int = setting(10, "IDEC's epochs (default 10; with --resume, the new total)", flag="--epochs",
                          label="IDEC epochs", noun="IDEC's epochs")
    """IDEC's passes over the training images."""
    gamma: float = setting(0.1, "IDEC's weight of the clustering loss (default 0.1)", flag="--gamma")
    """IDEC's weight of the clustering (KL) loss beside the L1 reconstruction loss, as in Guo et al."""
    update_interval: int = setting(140)
    """Batches between two refreshes of IDEC's target distribution (T in the IDEC paper for MNIST)."""
    lr: float = setting(1e-3)
    """IDEC's Adam step size for the encoder, decoder and cluster centres."""
    precision: str = setting("auto", "IDEC's forward pass: auto (bf16 where the hardware has it), fp32 or bf16",
                             flag="--precision", choices=PRECISIONS)
    """IDEC's forward pass: fp32, bf16 autocast, or auto (as training's)."""

    def validated(self, run_latents: tuple[int, ...] = ()) -> "ClusterConfig":
        if not self.methods or any(m not in METHODS for m in self.methods):
            raise ClusterError(f"The method must be {', '.join(METHODS)} or all, not {', '.join(self.methods)}.")
        if self.clusterer not in CLUSTERERS:
            raise ClusterError(f"The clusterer after UMAP must be gmm or kmeans, not {self.clusterer!r}.")
        if self.fit_on not in FIT_ON:
            raise ClusterError(f"UMAP fits on test or all, not {self.fit_on!r}.")
        if self.precision not in PRECISIONS:
            raise ClusterError(f"The precision must be one of {', '.join(PRECISIONS)}, not {self.precision!r}.")
        for name, low, high in (("seeds", 1, 10), ("epochs", 1, 1000), ("n_neighbors", 2, 200),
                                ("n_components", 2, 100), ("update_interval", 1, 100_000)):
            value = getattr(self, name)
            if not low <= value <= high:
                raise ClusterError(f"{name.replace('_', ' ')} must be from {low} to {high:,}, not {value}.")
        check_seed(self.seed, ClusterError)
        if not (math.isfinite(self.min_dist) and 0 <= self.min_dist <= 1):
            raise ClusterError(f"UMAP's min dist must be from 0 to 1, not {self.min_dist}.")
        if not (math.isfinite(self.gamma) and 0 <= self.gamma <= 100):
            raise ClusterError(f"gamma must be a number from 0 to 100, not {self.gamma}.")
        if not (math.isfinite(self.lr) and 0 < self.lr <= 1):
            raise ClusterError(f"The lr must be greater than 0 and at most 1, not {self.lr}.")
        check_models(self.latent_dims, run_latents, ClusterError)
        return self

    @property
    def seed_list(self) -> list[int]:
        return [self.seed + i for i in range(self.seeds)]
