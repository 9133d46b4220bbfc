"""What `bumptui study` is asked to do: the whole autoencoder study (train, cluster, sharpen with its
control) once per seed, on Ray, each setting declared once (see settings.py). Importable without
torch or Ray."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from bumptui.engine.autoencoder.jobs.cluster.config import METHODS
from bumptui.engine.autoencoder.jobs.sharpen.config import STRATEGIES
from bumptui.engine.autoencoder import names_a_design
from bumptui.engine.autoencoder.jobs.train.config import ARCHITECTURES, TrainConfig
from bumptui.engine.autoencoder.settings import DEVICES, PRECISIONS, SettingError, Settings, setting

STUDY_METHODS = ("kmeans", "umap")
"""The clusterings a study runs on each seed (IDEC fine-tunes, which a study of the claims does not need)."""


class StudyError(SettingError):
    """A study that cannot run as asked; the message says why."""


@dataclass(frozen=True)
class StudyConfig(Settings):
    """One trial per seed (seed, seed+1, ...), each the whole study as ordinary run directories."""

    ERROR = StudyError

    seeds: int = setting(5, "how many seeds, one trial each (at least 2: an interval needs two)", flag="--seeds")
    """Five seeds tell a difference of about one spread from zero (a t-interval with 4 degrees of freedom)."""
    seed: int = setting(0, "the first seed", flag="--seed")
    latent_dims: tuple[int, ...] = setting((2, 16, 256), "latent sizes (default 2 16 256)", flag="--latent",
                                           metavar="D")
    epochs: int = setting(5, "training epochs of each seed (default 5; with --resume, the new total)", flag="--epochs")
    """Five epochs on the default subset take about a minute a seed on a 2-core CPU."""
    sharpen_epochs: int = setting(1, "sharpening epochs of each strategy (default 1)", flag="--sharpen-epochs")
    strategies: tuple[int, ...] = setting(STRATEGIES, "sharpening strategies (default 1 2)", flag="--strategies",
                                          metavar="S")
    cluster_methods: tuple[str, ...] = setting(STUDY_METHODS, "clusterings of each seed's codes (default kmeans umap)",
                                               flag="--cluster-methods", metavar="M")
    subset: int | None = setting(6000, "train on the first N images (default 6000; 0 for all 60000)", flag="--subset")
    """A tenth of MNIST keeps five seeds of the whole study within minutes on a CPU; 0: all of it."""
    precision: str = setting("auto", "fp32, bf16 or auto for every model of every trial", flag="--precision",
                             choices=PRECISIONS)
    device: str = setting("auto", "where each trial trains (default auto)", flag="--device",
                          metavar="{auto,cpu,cuda,cuda:N}", offered=DEVICES)
    parallel: int = setting(2, "trials at once on this machine (default 2)", flag="--parallel")
    gpus_per_trial: float = setting(0.0, "the share of a GPU each trial takes (0.25: four trials on one GPU)",
                                    flag="--gpus-per-trial")
    address: str | None = setting(None, "join a running Ray cluster (host:port) instead of starting one here",
                                  flag="--address")
    arch: str = setting("mlp", "the design each trial studies: mlp (default), dec, conv, or yours (PATH.py:Class)",
                        flag="--arch", metavar="{mlp,dec,conv,PATH.py:Class}")
    """mlp, not the trainer's default dec: with as few steps as a study's tenth of MNIST gets, the first
    recipe reaches lower L1 than dec, which overtakes it on more data (RESULTS.md, "Codes worth
    clustering early")."""
    against: str | None = setting(None, "also train this design on every seed and judge the two paired by seed "
                                        "(dec, mlp, conv or PATH.py:Class)", flag="--against",
                                  metavar="{dec,mlp,conv,PATH.py:Class}")
    """None: no comparison. A design: each trial also runs the whole study of it, in seed-<k>-against/."""

    def trial_seeds(self) -> list[int]:
        return [self.seed + i for i in range(self.seeds)]

    def train_config(self, seed: int, arch: str | None = None) -> TrainConfig:
        return TrainConfig(latent_dims=self.latent_dims, epochs=self.epochs, subset=self.subset or None,
                           device=self.device, seed=seed, precision=self.precision, arch=arch or self.arch)

    def stages(self) -> list[str]:
        """The kinds of job each trial runs in its run directory, in order (no clustering asked for: none)."""
        return ["train", *(["cluster"] if self.cluster_methods else []), "sharpen"]

    def threads(self) -> int:
        """torch threads of each trial: this machine's cores shared by the trials at once."""
        return max(1, (os.cpu_count() or 1) // max(1, self.parallel))

    def validated(self, *args, **kwargs) -> "StudyConfig":
        for name in ("arch", "against"):
            value = getattr(self, name)
            if value is not None and value not in ARCHITECTURES and not names_a_design(value):
                raise StudyError(f"--{name} must be {', '.join(ARCHITECTURES)}, or PATH.py:ClassName or "
                                 f"package.module:ClassName, not {value!r}.")
        if self.against is not None and self.against == self.arch:
            raise StudyError(f"--against names the design studied ({self.arch}): compare it with another one.")
        if not 2 <= self.seeds <= 1000:
            raise StudyError(f"seeds must be from 2 to 1,000, not {self.seeds}: one seed gives no interval, so no "
                             "claim could be judged.")
        if not 1 <= self.parallel <= 256:
            raise StudyError(f"parallel must be from 1 to 256 trials, not {self.parallel}.")
        if not (math.isfinite(self.gpus_per_trial) and 0 <= self.gpus_per_trial <= 8):
            raise StudyError(f"gpus per trial must be from 0 to 8, not {self.gpus_per_trial}.")
        if self.sharpen_epochs < 1:
            raise StudyError(f"sharpen epochs must be at least 1, not {self.sharpen_epochs}.")
        if not self.strategies or any(s not in STRATEGIES for s in self.strategies):
            raise StudyError(f"The strategies must be 1, 2 or both, not {self.strategies!r}.")
        if any(m not in METHODS for m in self.cluster_methods):
            raise StudyError(f"The cluster methods must be among {', '.join(METHODS)}, not {self.cluster_methods!r}.")
        if self.subset:
            self.train_config(self.seed).validated(check_device=False)
        else:
            TrainConfig(latent_dims=self.latent_dims, epochs=self.epochs, precision=self.precision,
                        device=self.device).validated(check_device=False)
        return self
