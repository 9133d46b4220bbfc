"""What a 2-D walk may add to plain steps: a learning-rate schedule and noise on the gradient.

Schedules are torch.optim.lr_scheduler's, with the scheduler stepped once after each optimizer
step (as a training loop does), so step t (1, 2, ...) uses the rate torch's optimizer has at its
t-th step:

    constant        lr
    step:S:G        lr * G ** ((t - 1) // S)                      (StepLR(step_size=S, gamma=G))
    cosine:T        lr * (1 + cos(pi * (t - 1) / T)) / 2          (CosineAnnealingLR(T_max=T), eta_min 0:
                                                                   0 at step T + 1, then up again, as torch's)
    warmup:W        lr * min(1, t / W)                            (LinearLR(start_factor=1/W, total_iters=W-1))

Noise: step t's gradient gets sigma * N(0, 1) per coordinate, drawn from a generator seeded by
(seed, t) alone, so a walk stepped back and forward again, or replayed from its seed, sees the
same noise at every step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bumptui.engine.bump.optimizers import ParameterError

KINDS = ("constant", "step", "cosine", "warmup")


@dataclass(frozen=True)
class Schedule:
    kind: str = "constant"
    every: int = 100
    """step: the steps between two decays; cosine: T, the steps to reach 0; warmup: W, the steps to reach lr."""
    gamma: float = 0.5
    """step: the factor of each decay."""

    def factor(self, t: int) -> float:
        """The learning rate of step t (1-based) as a share of the base rate."""
        e = t - 1
        if self.kind == "step":
            return self.gamma ** (e // self.every)
        if self.kind == "cosine":
            return (1 + math.cos(math.pi * e / self.every)) / 2
        if self.kind == "warmup":
            return min(1.0, t / self.every)
        return 1.0

    def applied(self, config, t: int):
        """The hyper-parameters step t uses: config with the learning rate the schedule gives it then."""
        from dataclasses import replace

        factor = self.factor(t)
        return config if factor == 1.0 else replace(config, lr=config.lr * factor)

    @property
    def text(self) -> str:
        return {"constant": "constant", "step": f"step:{self.every}:{self.gamma:g}", "cosine": f"cosine:{self.every}",
                "warmup": f"warmup:{self.every}"}[self.kind]

    @classmethod
    def parse(cls, text: str) -> "Schedule":
        """constant, step:S:G, cosine:T or warmup:W; ParameterError in one sentence otherwise."""
        parts = (text or "constant").strip().lower().split(":")
        usage = "a schedule is constant, step:S:G (x G every S steps), cosine:T or warmup:W"
        kind = parts[0]
        if kind not in KINDS or len(parts) != {"constant": 1, "step": 3, "cosine": 2, "warmup": 2}[kind]:
            raise ParameterError(f"{text!r} is not a schedule: {usage}.")
        if kind == "constant":
            return cls()
        try:
            every = int(parts[1])
            gamma = float(parts[2]) if kind == "step" else 0.5
        except ValueError:
            raise ParameterError(f"{text!r} is not a schedule: {usage}, S, T and W whole numbers.") from None
        if not 1 <= every <= 1_000_000:
            raise ParameterError(f"A schedule's step count must be from 1 to 1,000,000, not {every}.")
        if kind == "step" and not (math.isfinite(gamma) and 0 < gamma <= 1):
            raise ParameterError(f"A step schedule's factor G must be in (0, 1], not {gamma:g}.")
        return cls(kind, every, gamma)


@dataclass(frozen=True)
class Noise:
    sigma: float = 0.0
    seed: int = 0

    def __post_init__(self):
        if not (math.isfinite(self.sigma) and self.sigma >= 0):
            raise ParameterError(f"The gradient noise must be a number 0 or more, not {self.sigma:g}.")

    def draw(self, t: int, shape):
        """Step t's noise: the same for the same (seed, t), whatever was drawn before."""
        import numpy as np

        return self.sigma * np.random.default_rng([self.seed, t]).standard_normal(shape)
