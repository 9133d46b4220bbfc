"""What a training run is asked to do. Importable without torch, so forms can check it cheaply."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

ARCHITECTURES = ("mlp", "conv")
DEVICES = ("auto", "cpu", "cuda")
KMEANS_SCALINGS = ("none", "standard", "unit")
"""How codes are scaled before k-means: as they are, each coordinate to zero mean and unit
variance, or each code to unit length (k-means then compares directions, as cosine similarity
does; the best of the three on our models, see RESULTS.md)."""


class TrainingError(ValueError):
    """A training request a user made cannot run as asked; the message says why."""


@dataclass(frozen=True)
class TrainConfig:
    latent_dims: tuple[int, ...] = (2, 16, 256)
    """The user's three sizes; each is its own model, trained side by side epoch by epoch."""
    epochs: int = 10
    arch: str = "mlp"
    """mlp: 784-512-256-d and mirrored; conv: two stride-2 convolutions each way."""
    batch_size: int = 256
    lr: float = 1e-3
    """Adam's default step size; with the linear output it trains from the first epoch."""
    subset: int | None = None
    """Train on the first N training images and score on the first min(N, 10000) test images."""
    device: str = "auto"
    seed: int = 0
    eval_every: int = 1
    """Epochs between k-means and judge evaluations (the last epoch is always evaluated)."""
    kmeans_scaling: str = "none"
    """none, standard (each coordinate to unit variance) or unit (each code to unit length) before k-means."""
    judge_epochs: int = 2

    def validated(self) -> "TrainConfig":
        if not self.latent_dims or any(d < 1 or d > 784 for d in self.latent_dims):
            raise TrainingError("Each latent dimension must be between 1 and 784.")
        if len(set(self.latent_dims)) != len(self.latent_dims):
            raise TrainingError("Each latent dimension may be given only once.")
        if self.kmeans_scaling not in KMEANS_SCALINGS:
            raise TrainingError(f"The k-means scaling must be one of {', '.join(KMEANS_SCALINGS)}, "
                                f"not {self.kmeans_scaling!r}.")
        if self.arch not in ARCHITECTURES:
            raise TrainingError(f"The architecture must be one of {', '.join(ARCHITECTURES)}, not {self.arch!r}.")
        for name in ("epochs", "batch_size", "eval_every", "judge_epochs"):
            if getattr(self, name) < 1:
                raise TrainingError(f"{name.replace('_', ' ')} must be at least 1, not {getattr(self, name)}.")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise TrainingError(f"The learning rate must be a number greater than 0, not {self.lr}.")
        if self.subset is not None and not 100 <= self.subset <= 60000:
            raise TrainingError(f"The subset must be between 100 and 60000 images, not {self.subset}.")
        if self.device not in DEVICES:
            raise TrainingError(f"The device must be one of {', '.join(DEVICES)}, not {self.device!r}.")
        if self.device == "cuda" and not cuda_available():
            raise TrainingError("CUDA was asked for but no GPU is available here; use --device cpu or auto.")
        return self

    def as_dict(self) -> dict:
        d = asdict(self)
        d["latent_dims"] = list(self.latent_dims)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        d = {k: v for k, v in d.items() if k in known}
        d["latent_dims"] = tuple(d.get("latent_dims", cls.latent_dims))
        return cls(**d)

    def torch_device(self):
        import torch

        if self.device == "auto":
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        return torch.device(self.device)


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()
