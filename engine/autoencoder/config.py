"""What a training run and a sharpening are asked to do. Importable without torch, so forms can
check a request cheaply."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from engine.autoencoder.mnist import PIXELS

ARCHITECTURES = ("mlp", "conv")
DEVICES = ("auto", "cpu", "cuda")
"""The devices a form offers; `cuda:N` (a GPU by its index) is accepted as well."""
PRECISIONS = ("auto", "fp32", "bf16")
"""The forward pass and loss in float32, or under bfloat16 autocast (weights and Adam's state stay
float32); auto: bf16 where the hardware computes it natively (a CUDA GPU that supports it, a CPU
with avx512_bf16 or AMX), fp32 elsewhere. A run records the precision it resolved to."""
KMEANS_SCALINGS = ("none", "standard", "unit")
"""How codes are scaled before k-means: as they are, each coordinate to zero mean and unit
variance, or each code to unit length (k-means then compares directions, as cosine similarity
does; the best of the three on our models, see RESULTS.md)."""
BLUR_KERNEL = 5
"""The Gaussian kernel of the blurred copies that dis_net learns to tell from clear digits."""
BLUR_SIGMA = (1.0, 2.0)
"""Each blurred copy draws its sigma from this range: from a soft blur to one that smears strokes."""
DCGAN_BETAS = (0.5, 0.999)
"""Adam's betas for every discriminator, as in DCGAN (Radford et al., 2016): a short momentum
keeps D from overshooting a generator that moves under it."""


def model_seed(seed: int, latent: int) -> int:
    """The seed of the latent-`latent` model of a run seeded `seed`: its initial weights and its
    shuffles, different for each model and the same in every run with that seed."""
    return seed * 1000 + latent


class TrainingError(ValueError):
    """A training request a user made cannot run as asked; the message says why."""


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


KINDS = {
    "int": (_is_int, "a whole number"),
    "number": (_is_number, "a number"),
    "str": (lambda v: isinstance(v, str), "a string"),
    "ints": (lambda v: isinstance(v, (list, tuple)) and bool(v) and all(map(_is_int, v)), "a list of whole numbers"),
    "strs": (lambda v: isinstance(v, (list, tuple)) and bool(v) and all(isinstance(x, str) for x in v), "strings"),
    "pair": (lambda v: isinstance(v, (list, tuple)) and len(v) == 2 and all(map(_is_number, v)), "two numbers"),
}
"""What a field of a stored config may hold, and how a sentence names it; "?" after a kind allows null."""


def checked_fields(d, kinds: dict[str, str]) -> dict:
    """The fields of a config read from JSON, each checked against its kind; TrainingError naming the
    first field that is unknown or of the wrong type. Missing fields take their defaults."""
    if not isinstance(d, dict):
        raise TrainingError("it must hold one JSON object of settings.")
    for name, value in d.items():
        if name not in kinds:
            raise TrainingError(f"it has an unknown field {name!r}; known fields: {', '.join(kinds)}.")
        kind = kinds[name]
        if value is None and kind.endswith("?"):
            continue
        check, words = KINDS[kind.rstrip("?")]
        if not check(value):
            raise TrainingError(f"{name!r} must be {words}{' or null' if kind.endswith('?') else ''}, "
                                f"not {value!r}.")
    return dict(d)


@dataclass(frozen=True)
class TrainConfig:
    latent_dims: tuple[int, ...] = (2, 16, 256)
    """The user's three sizes; each is its own model, trained side by side epoch by epoch."""
    epochs: int = 10
    """Passes over the training images per model; ten bring every size near its plateau on full MNIST."""
    arch: str = "mlp"
    """mlp: 784-512-256-d and mirrored; conv: two stride-2 convolutions each way."""
    batch_size: int = 256
    """Images per Adam step: large enough to keep a CPU's matrix units busy, small enough to learn fast."""
    lr: float = 1e-3
    """Adam's default step size; with the linear output it trains from the first epoch."""
    subset: int | None = None
    """Train on the first N training images and score on the first min(N, 10000) test images."""
    device: str = "auto"
    """auto (cuda when a GPU is there, else cpu), cpu or cuda."""
    seed: int = 0
    """Seeds every model's initial weights and shuffles (see model_seed): seeded CPU runs repeat exactly."""
    eval_every: int = 1
    """Epochs between k-means and judge evaluations (the last epoch is always evaluated)."""
    kmeans_scaling: str = "none"
    """none, standard (each coordinate to unit variance) or unit (each code to unit length) before k-means."""
    judge_epochs: int = 2
    """Epochs of the judge (the digit classifier) when it is not cached: two reach ~98% on full MNIST."""
    precision: str = "auto"
    """auto, fp32 or bf16 (see PRECISIONS); bf16 trains the MLPs ~1.4x faster on this project's CPU."""

    KINDS = {"latent_dims": "ints", "epochs": "int", "arch": "str", "batch_size": "int", "lr": "number",
             "subset": "int?", "device": "str", "seed": "int", "eval_every": "int", "kmeans_scaling": "str",
             "judge_epochs": "int", "precision": "str"}
    """The kind of each field in config.json (see checked_fields)."""

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
        if self.arch not in ARCHITECTURES:
            raise TrainingError(f"The architecture must be one of {', '.join(ARCHITECTURES)}, not {self.arch!r}.")
        for name in ("epochs", "batch_size", "eval_every", "judge_epochs"):
            if getattr(self, name) < 1:
                raise TrainingError(f"{name.replace('_', ' ')} must be at least 1, not {getattr(self, name)}.")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise TrainingError(f"The learning rate must be a number greater than 0, not {self.lr}.")
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

    def as_dict(self) -> dict:
        d = asdict(self)
        d["latent_dims"] = list(self.latent_dims)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        """A config read from JSON, its fields' types checked (not yet their ranges: see validated)."""
        d = checked_fields(d, cls.KINDS)
        d["latent_dims"] = tuple(d.get("latent_dims", cls.latent_dims))
        d.setdefault("precision", "fp32")  # runs recorded before the setting trained in fp32
        return cls(**d)

    def resolved(self, device) -> "TrainConfig":
        """This config with `auto` precision made concrete for the torch device it trains on."""
        return replace(self, precision=resolved_precision(self.precision, device))

    def torch_device(self):
        import torch

        if self.device == "auto":
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        return torch.device(self.device)


def bf16_native(device) -> bool:
    """Whether the torch device computes bfloat16 natively: a CUDA GPU that says so, or a CPU whose
    flags include avx512_bf16 or amx_bf16."""
    if device.type == "cuda":
        import torch

        return torch.cuda.is_bf16_supported()
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def check_models(asked: tuple[int, ...] | None, run_latents: tuple[int, ...]) -> None:
    """TrainingError naming the first latent size asked for (a sharpening's, a clustering's) that the
    run has no model of; None asked, or no run to check against, asks for nothing."""
    missing = [d for d in asked or () if run_latents and d not in run_latents]
    if missing:
        raise TrainingError(f"The run has no latent-{missing[0]} model; it has latent "
                            f"{', '.join(map(str, run_latents))}.")


def resolved_precision(precision: str, device) -> str:
    """fp32 or bf16: `auto` made concrete for the torch device (see PRECISIONS)."""
    if precision != "auto":
        return precision
    return "bf16" if bf16_native(device) else "fp32"


def cuda_count() -> int:
    """How many GPUs torch sees (0 without CUDA)."""
    import torch

    return torch.cuda.device_count() if torch.cuda.is_available() else 0


STRATEGIES = (1, 2)
"""1: D learns blurred and reconstructed digits as fake; 2: D learns blurred digits only."""
INITS = ("plain", "scratch")
MIN_DIS_UPDATES = 200
DEFAULT_LAMBDA = {1: 0.001, 2: 0.01}
"""The adversarial weight of each strategy when none is given, from the sweep in RESULTS.md: the
largest that sharpens the 5-epoch models while the judge loses under a point. Strategy 1's D is
trained against G, so its gradients are far stronger and it wants a tenth of strategy 2's weight."""


def lambda_text(lam: float | None, strategies) -> str:
    """"lambda 0.05", or each strategy's default: "lambda 0.001 (1), 0.01 (2)"."""
    if lam is not None:
        return f"lambda {lam:g}"
    return "lambda " + ", ".join(f"{DEFAULT_LAMBDA[s]:g} ({s})" for s in strategies)


@dataclass(frozen=True)
class SharpenConfig:
    """What `bumptui sharpen` is asked to do with the models of a training run."""

    strategies: tuple[int, ...] = STRATEGIES
    """The strategies to run beside the control: (1,), (2,) or both."""
    lam: float | None = None
    """lambda: G's loss is L1 + lambda * BCE(D(G(x)), clear). None: each strategy's DEFAULT_LAMBDA."""
    epochs: int = 3
    """Epochs of every strategy (and the control); three show the effect on a trained model."""
    init: str = "plain"
    """plain: start from the run's trained model (a); scratch: from the same fresh weights (a) started from."""
    latent_dims: tuple[int, ...] | None = None
    """None: every model of the run."""
    lr: float = 1e-3
    """G's (the autoencoder's) Adam step size."""
    d_lr: float = 2e-4
    """D's Adam step size (with DCGAN_BETAS)."""
    d_steps: int = 1
    """D updates per G update, on each of D's steps."""
    blur_kernel: int = BLUR_KERNEL
    """The Gaussian kernel of the blurred copies (odd)."""
    blur_sigma: tuple[float, float] = BLUR_SIGMA
    """Each blurred copy draws its Gaussian sigma from this range."""
    dis_epochs: int | None = None
    """Epochs of dis_net on clear vs blurred training digits before sharpening starts; None: as many
    as give it at least MIN_DIS_UPDATES updates (one epoch of full MNIST)."""
    seed: int = 0
    """Seeds dis_net, the order of the batches (the same for every strategy of a model) and the blur."""
    precision: str = "auto"
    """G's and D's forward passes during sharpening: fp32, bf16 autocast, or auto (as training's);
    dis_net's own training on clear vs blurred and every score stay fp32."""

    KINDS = {"strategies": "ints", "lam": "number?", "epochs": "int", "init": "str", "latent_dims": "ints?",
             "lr": "number", "d_lr": "number", "d_steps": "int", "blur_kernel": "int", "blur_sigma": "pair",
             "dis_epochs": "int?", "seed": "int", "precision": "str"}
    """The kind of each field in sharpen/config.json (see checked_fields)."""

    def validated(self, run_latents: tuple[int, ...] = ()) -> "SharpenConfig":
        if not self.strategies or any(s not in STRATEGIES for s in self.strategies):
            raise TrainingError(f"The strategy must be 1, 2 or both, not {self.strategies!r}.")
        if self.init not in INITS:
            raise TrainingError(f"Sharpening starts from {' or '.join(INITS)}, not {self.init!r}.")
        if self.precision not in PRECISIONS:
            raise TrainingError(f"The precision must be one of {', '.join(PRECISIONS)}, not {self.precision!r}.")
        if self.lam is not None and not (math.isfinite(self.lam) and 0 <= self.lam <= 100):
            raise TrainingError(f"lambda must be a number from 0 to 100, not {self.lam}.")
        for name in ("lr", "d_lr"):
            value = getattr(self, name)
            if not (math.isfinite(value) and 0 < value <= 1):
                raise TrainingError(f"The {name.replace('_', ' ')} must be greater than 0 and at most 1, not {value}.")
        for name in ("epochs", "d_steps", "dis_epochs"):
            if getattr(self, name) is not None and getattr(self, name) < 1:
                raise TrainingError(f"{name.replace('_', ' ')} must be at least 1, not {getattr(self, name)}.")
        if self.blur_kernel < 3 or self.blur_kernel % 2 == 0 or self.blur_kernel > 27:
            raise TrainingError(f"The blur kernel must be an odd size from 3 to 27, not {self.blur_kernel}.")
        lo, hi = self.blur_sigma
        if not (math.isfinite(lo) and math.isfinite(hi) and 0 < lo <= hi <= 10):
            raise TrainingError(f"The blur sigma range must satisfy 0 < low <= high <= 10, not {lo} to {hi}.")
        check_models(self.latent_dims, run_latents)
        return self

    def lam_for(self, strategy: int) -> float:
        """The adversarial weight of a strategy; 0 for the control (strategy 0), which trains on L1 alone."""
        if strategy not in STRATEGIES:
            return 0.0
        return self.lam if self.lam is not None else DEFAULT_LAMBDA[strategy]

    def dis_epochs_for(self, n_train: int, batch_size: int) -> int:
        if self.dis_epochs is not None:
            return self.dis_epochs
        return max(1, math.ceil(MIN_DIS_UPDATES / math.ceil(n_train / batch_size)))

    def as_dict(self) -> dict:
        d = asdict(self)
        d["strategies"] = list(self.strategies)
        d["blur_sigma"] = list(self.blur_sigma)
        d["latent_dims"] = None if self.latent_dims is None else list(self.latent_dims)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "SharpenConfig":
        """A config read from JSON, its fields' types checked (not yet their ranges: see validated)."""
        d = checked_fields(d, cls.KINDS)
        d.setdefault("precision", "fp32")  # sharpenings recorded before the setting ran in fp32
        for name in ("strategies", "blur_sigma"):
            if name in d:
                d[name] = tuple(d[name])
        if d.get("latent_dims") is not None:
            d["latent_dims"] = tuple(d["latent_dims"])
        return cls(**d)
