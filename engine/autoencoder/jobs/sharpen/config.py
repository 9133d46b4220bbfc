"""What `bumptui sharpen` is asked to do with the models of a training run, each setting declared
once (see settings.py). Importable without torch, so forms can check a request cheaply."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bumptui.engine.autoencoder import names_a_design
from bumptui.engine.autoencoder.settings import PRECISIONS, SettingError, Settings, check_models, check_seed, setting
from bumptui.engine.autoencoder.sharpening import BLUR_KERNEL, BLUR_SIGMA
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


class SharpenError(SettingError):
    """A sharpening request a user made cannot run as asked; the message says why."""


def strategies_from_text(text: str) -> tuple[int, ...]:
    return STRATEGIES if text == "both" else (int(text),)


def strategies_text(strategies: tuple[int, ...]) -> str:
    return "both" if tuple(strategies) == STRATEGIES else ",".join(map(str, strategies))


@dataclass(frozen=True)
class SharpenConfig(Settings):
    """What `bumptui sharpen` is asked to do with the models of a training run."""

    ERROR = SharpenError

    strategies: tuple[int, ...] = setting(
        STRATEGIES, "1: D also learns reconstructions as fake; 2: D learns blur only (default both)", flag="--strategy",
        choices=("1", "2", "both"), labels={"both": "strategies 1, 2", "1": "strategy 1", "2": "strategy 2"},
        parse=strategies_from_text, text=strategies_text, label="with")
    """The strategies to run beside the control: (1,), (2,) or both."""
    lam: float | None = setting(None, "weight of the adversarial loss, for every strategy (default: "
                                + ", ".join(f"{v:g} for strategy {s}" for s, v in DEFAULT_LAMBDA.items()) + ")",
                                flag="--lambda", label="lambda", noun="lambda", empty="each strategy's default",
                                placeholder="/".join(f"{v:g}" for v in DEFAULT_LAMBDA.values()))
    """lambda: G's loss is L1 + lambda * BCE(D(G(x)), clear). None: each strategy's DEFAULT_LAMBDA."""
    epochs: int = setting(3, "epochs (default 3; with --resume, the new total)", flag="--epochs")
    """Epochs of every strategy (and the control); three show the effect on a trained model."""
    init: str = setting("plain", "start from the run's trained model (plain, default) or from fresh weights",
                        flag="--from", choices=INITS, label="from")
    """plain: start from the run's trained model (a); scratch: from the same fresh weights (a) started from."""
    latent_dims: tuple[int, ...] | None = setting(None, "default: every model of the run", flag="--latent",
                                                  metavar="D")
    """None: every model of the run."""
    lr: float = setting(1e-3, "the autoencoder's learning rate (default 1e-3)", flag="--lr")
    """G's (the autoencoder's) Adam step size."""
    d_lr: float = setting(2e-4, "dis_net's learning rate (default 2e-4)", flag="--d-lr")
    """D's Adam step size (with DCGAN_BETAS)."""
    d_steps: int = setting(1, "D updates per G update (default 1)", flag="--d-steps")
    """D updates per G update, on each of D's steps."""
    blur_kernel: int = setting(BLUR_KERNEL, "odd Gaussian kernel size (default 5)", flag="--blur-kernel")
    """The Gaussian kernel of the blurred copies (odd)."""
    blur_sigma: tuple[float, float] = setting(BLUR_SIGMA, "each blurred copy's sigma is drawn from this range "
                                                          "(default 1 2)", flag="--blur-sigma", metavar=("LOW", "HIGH"))
    """Each blurred copy draws its Gaussian sigma from this range."""
    dis_epochs: int | None = setting(None, "dis_net's epochs on clear vs blurred (default: at least 200 updates)",
                                     flag="--dis-epochs")
    """Epochs of dis_net on clear vs blurred training digits before sharpening starts; None: as many
    as give it at least MIN_DIS_UPDATES updates (one epoch of full MNIST)."""
    seed: int = setting(0, flag="--seed")
    """Seeds dis_net, the order of the batches (the same for every strategy of a model) and the blur."""
    dis_net: str = setting("dcgan", "dis_net: dcgan (default, the lab's), or your design PATH.py:ClassName or "
                                    "package.module:ClassName (see the README)", flag="--dis-net",
                           metavar="{dcgan,PATH.py:Class}")
    """The discriminator: the lab's DCGAN-like CNN, or a user's class built with no arguments."""
    dis_sha256: str | None = setting(None)
    """A user's dis_net: the SHA-256 of its source as recorded in sharpen/design/."""
    precision: str = setting("auto", "G's and D's forward passes: auto (bf16 where the hardware has it), fp32 or "
                                     "bf16", flag="--precision", choices=PRECISIONS, label="dtype",
                             stored_before="fp32")
    """G's and D's forward passes during sharpening: fp32, bf16 autocast, or auto (as training's);
    dis_net's own training on clear vs blurred and every score stay fp32."""

    def validated(self, run_latents: tuple[int, ...] = ()) -> "SharpenConfig":
        if not self.strategies or any(s not in STRATEGIES for s in self.strategies):
            raise SharpenError(f"The strategy must be 1, 2 or both, not {self.strategies!r}.")
        if self.init not in INITS:
            raise SharpenError(f"Sharpening starts from {' or '.join(INITS)}, not {self.init!r}.")
        if self.precision not in PRECISIONS:
            raise SharpenError(f"The precision must be one of {', '.join(PRECISIONS)}, not {self.precision!r}.")
        check_seed(self.seed, SharpenError)
        if self.lam is not None and not (math.isfinite(self.lam) and 0 <= self.lam <= 100):
            raise SharpenError(f"lambda must be a number from 0 to 100, not {self.lam}.")
        for name in ("lr", "d_lr"):
            value = getattr(self, name)
            if not (math.isfinite(value) and 0 < value <= 1):
                raise SharpenError(f"The {name.replace('_', ' ')} must be greater than 0 and at most 1, not {value}.")
        for name in ("epochs", "d_steps", "dis_epochs"):
            if getattr(self, name) is not None and getattr(self, name) < 1:
                raise SharpenError(f"{name.replace('_', ' ')} must be at least 1, not {getattr(self, name)}.")
        if self.blur_kernel < 3 or self.blur_kernel % 2 == 0 or self.blur_kernel > 27:
            raise SharpenError(f"The blur kernel must be an odd size from 3 to 27, not {self.blur_kernel}.")
        lo, hi = self.blur_sigma
        if not (math.isfinite(lo) and math.isfinite(hi) and 0 < lo <= hi <= 10):
            raise SharpenError(f"The blur sigma range must satisfy 0 < low <= high <= 10, not {lo} to {hi}.")
        if self.dis_net != "dcgan" and not names_a_design(self.dis_net):
            raise SharpenError(f"--dis-net must be dcgan, or PATH.py:ClassName or package.module:ClassName, not "
                               f"{self.dis_net!r}.")
        check_models(self.latent_dims, run_latents, SharpenError)
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
