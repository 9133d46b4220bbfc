"""What a training run is asked to do, each setting declared once (see settings.py). Importable
without torch, so forms can check a request cheaply."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from bumptui.engine.autoencoder import PIXELS, names_a_design
from bumptui.engine.autoencoder.settings import DEVICES, PRECISIONS, SettingError, Settings, check_seed, cuda_count, setting

ARCHITECTURES = ("dec", "mlp", "conv")
"""The built-in autoencoders (models.AUTOENCODERS), the default first."""
RATES = {"dec": 1.5e-3}
"""Adam's step size for an architecture asked for without --lr: the one its recipe was measured at
(RESULTS.md, "Codes worth clustering early"); DEFAULT_RATE for the others and for designs."""
DEFAULT_RATE = 1e-3
KMEANS_SCALINGS = ("none", "standard", "unit")
"""How codes are scaled before k-means: as they are, each coordinate to zero mean and unit
variance, or each code to unit length (k-means then compares directions, as cosine similarity
does; the best of the three on our models, see RESULTS.md)."""


class TrainingError(SettingError):
    """A training request a user made cannot run as asked; the message says why."""


@dataclass(frozen=True)
class TrainConfig(Settings):
    ERROR = TrainingError

    latent_dims: tuple[int, ...] = setting((2, 16, 256), "latent sizes (default 2 16 256)", flag="--latent",
                                           metavar="D", label="latent", noun="Latent sizes")
    """The user's three sizes; each is its own model, trained side by side epoch by epoch."""
    epochs: int = setting(10, "epochs (default 10; with --resume, the new total)", flag="--epochs")
    """Passes over the training images per model; ten bring every size near its plateau on full MNIST."""
    arch: str = setting("dec", "dec (default), mlp (the lab's first recipe), conv, or your design: PATH.py:ClassName "
                               "or package.module:ClassName (see the README's contract)", flag="--arch",
                        metavar="{dec,mlp,conv,PATH.py:Class}", placeholder="dec, mlp, conv, or PATH.py:Class",
                        stored_before="mlp")
    """dec: 784-500-500-1000-d and mirrored; mlp: 784-512-256-d and mirrored; conv: two stride-2
    convolutions each way; or a user's design. A config recorded before the setting existed was an mlp's."""
    design_sha256: str | None = setting(None)
    """A user's design: the SHA-256 of its source as recorded in the run (design/<file>)."""
    batch_size: int = setting(256, flag="--batch-size")
    """Images per Adam step: large enough to keep a CPU's matrix units busy, small enough to learn fast."""
    lr: float | None = setting(None, "Adam's step size (default: the architecture's, 1.5e-3 for dec, 1e-3 for the "
                                     "others)", flag="--lr", empty="the architecture's", placeholder="the arch's",
                               stored_before=DEFAULT_RATE)
    """None: the architecture's own (`rate`); a run records the number it trained with."""
    subset: int | None = setting(None, "train on the first N images (100 to 60000)", flag="--subset",
                                 placeholder="all 60000")
    """Train on the first N training images and score on the first min(N, 10000) test images."""
    device: str = setting("auto", "where to train (default auto: the first GPU if there is one)", flag="--device",
                          metavar="{auto,cpu,cuda,cuda:N}", offered=DEVICES)
    """auto (cuda when a GPU is there, else cpu), cpu or cuda."""
    seed: int = setting(0, flag="--seed")
    """Seeds every model's initial weights and shuffles (see model_seed): seeded CPU runs repeat exactly."""
    eval_every: int = setting(1, "epochs between k-means and judge scores", flag="--eval-every")
    """Epochs between k-means and judge evaluations (the last epoch is always evaluated)."""
    kmeans_scaling: str = setting("none", "scale codes before k-means: none (default), standard (per coordinate), "
                                          "unit (length 1)", flag="--kmeans-scaling", choices=KMEANS_SCALINGS)
    """none, standard (each coordinate to unit variance) or unit (each code to unit length) before k-means."""
    judge_epochs: int = setting(2)
    """Epochs of the judge (the digit classifier) when it is not cached: two reach ~98% on full MNIST."""
    precision: str = setting("auto", "fp32, or bf16 autocast (float32 weights); auto (default): bf16 where the "
                                     "hardware has it", flag="--precision", choices=PRECISIONS, label="prec",
                             stored_before="fp32")
    """auto, fp32 or bf16 (see PRECISIONS); bf16 trains the MLPs ~1.4x faster on this project's CPU."""

    def validated(self, check_device: bool = True) -> "TrainConfig":
        """self, or TrainingError naming the first setting out of range; check_device: also that a GPU
        asked for is here (a run trained elsewhere is still readable without one)."""
        if not self.latent_dims or any(d < 1 or d > PIXELS for d in self.latent_dims):
            raise TrainingError(f"Each latent dimension must be between 1 and {PIXELS}.")
        if len(set(self.latent_dims)) != len(self.latent_dims):
            raise TrainingError("Each latent dimension may be given only once.")
        if self.kmeans_scaling not in KMEANS_SCALINGS:
            raise TrainingError(f"The k-means scaling must be one of {', '.join(KMEANS_SCALINGS)}, "
                                f"not {self.kmeans_scaling!r}.")
        if self.arch not in ARCHITECTURES and not names_a_design(self.arch):
            raise TrainingError(f"The architecture must be one of {', '.join(ARCHITECTURES)}, or PATH.py:ClassName or "
                                f"package.module:ClassName, not {self.arch!r}.")
        for name in ("epochs", "batch_size", "eval_every", "judge_epochs"):
            if getattr(self, name) < 1:
                raise TrainingError(f"{name.replace('_', ' ')} must be at least 1, not {getattr(self, name)}.")
        check_seed(self.seed, TrainingError)
        if self.lr is not None and not (math.isfinite(self.lr) and 0 < self.lr <= 1):
            raise TrainingError(f"The learning rate must be a number greater than 0 and at most 1, not {self.lr}.")
        if self.subset is not None and not 100 <= self.subset <= 60000:
            raise TrainingError(f"The subset must be between 100 and 60000 images, not {self.subset}.")
        gpu = re.fullmatch(r"cuda(?::(\d+))?", self.device)
        if self.precision not in PRECISIONS:
            raise TrainingError(f"The precision must be one of {', '.join(PRECISIONS)}, not {self.precision!r}.")
        if self.device not in DEVICES and gpu is None:
            raise TrainingError(f"The device must be auto, cpu, cuda or cuda:N (a GPU's index), not {self.device!r}.")
        if check_device and gpu is not None:
            count = cuda_count()
            if not count:
                raise TrainingError("CUDA was asked for but no GPU is available here; use --device cpu or auto.")
            if gpu.group(1) is not None and int(gpu.group(1)) >= count:
                raise TrainingError(f"There is no GPU {gpu.group(1)} here: this machine has {count} "
                                    f"(cuda:0 to cuda:{count - 1}).")
        return self

    @property
    def rate(self) -> float:
        """Adam's step size: the one asked for, or the architecture's (RATES)."""
        return self.lr if self.lr is not None else RATES.get(self.arch, DEFAULT_RATE)

    def torch_device(self):
        import torch

        if self.device == "auto":
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        return torch.device(self.device)
