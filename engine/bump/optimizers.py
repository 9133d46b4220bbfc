"""Optimizers as pure step functions, written so that each one also runs on numpy arrays.

Every step takes the optimizer's state after step t-1, the gradient g_t = F'(x_{t-1}) and the
iterate x_{t-1}, and returns the new state and the step dx_t, so that x_t = x_{t-1} + dx_t.
Signs are the gradient's own: walking right down the first slope, g = -1 and Adam's m is negative.

The update rules are those of torch.optim (SGD, SGD with momentum or Nesterov, RMSprop, Adam,
AdamW), which the tests check step by step; Adam is Algorithm 1 of Kingma & Ba (2015).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from bumptui.engine.bump.landscape import is_array
from bumptui.engine.errors import UserError


STATE_FIELDS = ("m", "v", "m_hat", "v_hat")
"""The state columns of the lab's table; each optimizer fills the ones it has."""


class ParameterError(UserError):
    """A parameter a user chose is out of range; the message is one sentence that says so."""


MAX_LR = 1e6
MIN_EPS = 1e-300
"""With lr <= MAX_LR and eps 0 or >= MIN_EPS one step cannot overflow a float: Adam's |m_hat| <= 1
on this landscape, so a step is at most lr / eps = 1e306. (eps = 5e-324 with a zero second moment
at a kink made a step of 6e323, an infinite x.) Enormous but finite steps stay allowed: the
escape search handles a bump cleared by one."""


@dataclass(frozen=True)
class OptimizerConfig:
    """Hyper-parameters shared by the optimizers; each reads the ones it uses."""

    name: str = "adam"
    """Which update rule: a key of OPTIMIZERS (gd, adam, momentum, nesterov, rmsprop, adamw)."""
    lr: float = 0.3
    """alpha: the learning rate (the seed's a = 0.3 for GD and alpha = 0.3 for Adam)."""
    beta1: float = 0.9
    """Adam's first-moment decay; the momentum coefficient of Momentum and Nesterov."""
    beta2: float = 0.999
    """Adam's second-moment decay; RMSProp's smoothing constant (torch's `alpha`)."""
    eps: float = 0.0
    """Added to sqrt(v_hat). 0 as in the seed, so that Adam's step is exactly alpha * m_hat / |g|."""
    weight_decay: float = 0.01
    """AdamW only: decoupled weight decay, torch's default."""

    def validated(self) -> "OptimizerConfig":
        """Return self, or raise ParameterError naming the first value out of range."""
        if self.name not in OPTIMIZERS:
            raise ParameterError(
                f"Unknown optimizer {self.name!r}; choose one of {', '.join(OPTIMIZERS)}."
            )
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name != "name" and not math.isfinite(value):
                raise ParameterError(f"{f.name} must be a finite number, not {value}.")
        if self.lr <= 0:
            raise ParameterError(f"The learning rate must be greater than 0, not {self.lr:g}.")
        if self.lr > MAX_LR:
            raise ParameterError(f"The learning rate must be at most {MAX_LR:,.0f}, not {self.lr:g}.")
        for beta in ("beta1", "beta2"):
            if not 0 <= getattr(self, beta) < 1:
                raise ParameterError(
                    f"{beta} must be in [0, 1), not {getattr(self, beta):g}."
                )
        if self.eps < 0:
            raise ParameterError(f"eps must be 0 or more, not {self.eps:g}.")
        if 0 < self.eps < MIN_EPS:
            raise ParameterError(f"eps must be 0 or at least {MIN_EPS:g}, not {self.eps:g}: a smaller one makes "
                                 f"a step too large for a float wherever the second moment is 0.")
        if self.weight_decay < 0:
            raise ParameterError(f"The weight decay must be 0 or more, not {self.weight_decay:g}.")
        return self


def _ratio(num, den):
    """num / den, taking 0 / 0 as 0: with eps = 0 a zero second moment means no step at all."""
    if is_array(den) or is_array(num):
        import numpy as np

        num, den = np.broadcast_arrays(np.asarray(num, float), np.asarray(den, float))
        return np.divide(num, den, out=np.zeros(num.shape), where=den != 0)
    return num / den if den != 0 else 0.0


def _sqrt(v):
    return v**0.5


def gd_step(state, g, x, t, c):
    return {}, -c.lr * g


def momentum_step(state, g, x, t, c):
    # torch.optim.SGD(momentum=beta1, dampening=0): the buffer starts as the first gradient.
    m = g if t == 1 else c.beta1 * state["m"] + g
    return {"m": m}, -c.lr * m


def nesterov_step(state, g, x, t, c):
    m = g if t == 1 else c.beta1 * state["m"] + g
    return {"m": m}, -c.lr * (g + c.beta1 * m)


def rmsprop_step(state, g, x, t, c):
    v = c.beta2 * state["v"] + (1 - c.beta2) * g * g
    return {"v": v}, -c.lr * _ratio(g, _sqrt(v) + c.eps)


def _adam_moments(state, g, t, c):
    """Algorithm 1 of the Adam paper: biased moments, then their bias corrections."""
    m = c.beta1 * state["m"] + (1 - c.beta1) * g
    v = c.beta2 * state["v"] + (1 - c.beta2) * g * g
    m_hat = m / (1 - c.beta1**t)
    v_hat = v / (1 - c.beta2**t)
    return {"m": m, "v": v, "m_hat": m_hat, "v_hat": v_hat}


def adam_step(state, g, x, t, c):
    s = _adam_moments(state, g, t, c)
    return s, -c.lr * _ratio(s["m_hat"], _sqrt(s["v_hat"]) + c.eps)


def adamw_step(state, g, x, t, c):
    # Loshchilov & Hutter: the decay acts on x directly, outside the adaptive step (as torch does).
    s = _adam_moments(state, g, t, c)
    return s, -c.lr * c.weight_decay * x - c.lr * _ratio(s["m_hat"], _sqrt(s["v_hat"]) + c.eps)


@dataclass(frozen=True)
class Optimizer:
    key: str
    label: str
    state_fields: tuple[str, ...]
    step: object
    """step(state, g, x, t, config) -> (new_state, dx)."""

    def initial_state(self, like=0.0) -> dict:
        if is_array(like):
            import numpy as np

            zero = np.zeros_like(like, dtype=float)
        else:
            zero = 0.0
        return {k: zero for k in self.state_fields if k in ("m", "v")}


OPTIMIZERS: dict[str, Optimizer] = {
    o.key: o
    for o in (
        Optimizer("gd", "GD", (), gd_step),
        Optimizer("adam", "Adam", STATE_FIELDS, adam_step),
        Optimizer("momentum", "Momentum", ("m",), momentum_step),
        Optimizer("nesterov", "Nesterov", ("m",), nesterov_step),
        Optimizer("rmsprop", "RMSProp", ("v",), rmsprop_step),
        Optimizer("adamw", "AdamW", STATE_FIELDS, adamw_step),
    )
}
