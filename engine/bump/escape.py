"""Does the optimizer get over the bump, and what is the tallest bump it gets over?

"Escapes" means the iterate reaches the peak (x >= L + h) within `max_steps` steps.

One fact makes both the search and the map cheap. Before an iterate first reaches the peak,
the gradient it sees does not depend on h: it is -1 left of L, 0 at L and +1 on the rising
flank however tall the flank is. So every landscape's trajectory equals, up to its escape, the
trajectory against a wall that never ends, and the landscape with height h is escaped exactly
when that wall trajectory gets as far as L + h. One simulation of the wall path answers the
escape test for every h; `tests/engine/test_escape.py` checks this against full simulations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bumptui.engine.bump.landscape import KINK_RTOL, BumpLandscape
from bumptui.engine.bump.optimizers import OPTIMIZERS, OptimizerConfig, ParameterError

if TYPE_CHECKING:  # numpy loads with the first escape map, not with the optimizer lab's first frame
    import numpy as np

DEFAULT_MAX_STEPS = 1000
MAX_STEPS_LIMIT = 1_000_000
"""The most steps a walk is simulated for: about a second, and a few tens of MB of path."""
BISECTION_TOL = 1e-9


def wall_path(config: OptimizerConfig, distance: float, max_steps: int) -> list[float]:
    """x_0 .. x_max_steps against an endless rising flank (no peak to reach)."""
    wall = BumpLandscape(bump_height=math.inf, distance=distance)
    step = OPTIMIZERS[config.name].step
    state = OPTIMIZERS[config.name].initial_state()
    x, xs = 0.0, [0.0]
    gradient = wall.gradient
    for t in range(1, max_steps + 1):
        state, dx = step(state, gradient(x), x, t, config)
        x += dx
        xs.append(x)
    return xs


def escape_step(xs: list[float], distance: float, bump_height: float) -> int | None:
    """The first step at which a wall path reaches the peak of a bump of this height, or None."""
    peak = distance + bump_height
    reach = peak - KINK_RTOL * max(1.0, peak)
    for t, x in enumerate(xs):
        if x >= reach:
            return t
    return None


@dataclass(frozen=True)
class Bracket:
    """One bisection probe: the bracket [lo, hi] before it, the height tried, and the outcome."""

    lo: float
    hi: float
    probe: float
    escaped_at: int | None
    """The step at which the probe's trajectory reached the peak; None when it stayed trapped."""


@dataclass(frozen=True)
class CriticalHeight:
    h_critical: float
    """The tallest bump escaped within max_steps, to BISECTION_TOL (0 when none is)."""
    brackets: tuple[Bracket, ...]
    farthest_x: float
    """How far right the optimizer ever gets when the bump is too tall to pass."""
    farthest_step: int
    turn_back_step: int | None
    """The step at which it first moves back left from its farthest point; None if it never does."""
    max_steps: int
    distance: float

    def as_dict(self) -> dict:
        return {
            "h_critical": self.h_critical,
            "farthest_x": self.farthest_x,
            "farthest_step": self.farthest_step,
            "turn_back_step": self.turn_back_step,
            "max_steps": self.max_steps,
            "distance": self.distance,
            "tolerance": BISECTION_TOL,
            "brackets": [b.__dict__ for b in self.brackets],
        }


def critical_height(
    config: OptimizerConfig,
    distance: float = 1.0,
    max_steps: int = DEFAULT_MAX_STEPS,
    tol: float = BISECTION_TOL,
) -> CriticalHeight:
    """Bisect on h for the tallest bump the optimizer escapes within max_steps steps."""
    config.validated()
    if not (math.isfinite(distance) and distance > 0):
        raise ParameterError(f"The distance L must be a number greater than 0, not {distance:g}.")
    if not 1 <= max_steps <= MAX_STEPS_LIMIT:
        raise ParameterError(f"The step limit must be from 1 to {MAX_STEPS_LIMIT:,}, not {max_steps}.")
    return bisect_wall_path(wall_path(config, distance, max_steps), distance, config.lr, tol)


def bisect_wall_path(xs: list[float], distance: float, first_probe: float,
                     tol: float = BISECTION_TOL) -> CriticalHeight:
    """The bisection of `critical_height` on an already simulated wall path x_0 .. x_max_steps."""
    max_steps = len(xs) - 1
    farthest_step = max(range(len(xs)), key=xs.__getitem__)
    turn_back = farthest_step + 1 if farthest_step < max_steps else None
    brackets: list[Bracket] = []
    lo = 0.0
    if xs[farthest_step] > distance:
        # Grow the upper end until a bump is tall enough to trap the optimizer, then halve.
        hi = first_probe
        while (at := escape_step(xs, distance, hi)) is not None:
            brackets.append(Bracket(lo, hi, hi, at))
            lo, hi = hi, 2 * hi
        brackets.append(Bracket(lo, hi, hi, None))
        # To tol absolutely while h <= 1, relatively beyond: an absolute 1e-9 is below the float
        # spacing of the astronomically tall bumps that a tiny eps with a zero second moment can clear.
        while hi - lo > tol * max(1.0, hi):
            mid = 0.5 * (lo + hi)
            if not lo < mid < hi:
                break
            at = escape_step(xs, distance, mid)
            brackets.append(Bracket(lo, hi, mid, at))
            if at is None:
                hi = mid
            else:
                lo = mid
    return CriticalHeight(lo, tuple(brackets), xs[farthest_step], farthest_step, turn_back, max_steps, distance)


@dataclass(frozen=True)
class EscapeMap:
    heights: np.ndarray
    param: str
    values: np.ndarray
    escaped: np.ndarray
    """escaped[i, j]: the bump of height heights[i] is escaped with param = values[j]."""
    farthest_x: np.ndarray
    """Per value of the parameter, how far the wall path gets: the critical h is this minus L."""


def escape_map(
    config: OptimizerConfig,
    heights: np.ndarray,
    param: str,
    values: np.ndarray,
    distance: float = 1.0,
    max_steps: int = DEFAULT_MAX_STEPS,
) -> EscapeMap:
    """Trapped vs escaped over a grid of bump heights and one hyper-parameter, in numpy.

    The wall paths of all `values` run side by side as arrays; heights then only need comparing.
    """
    import numpy as np

    heights = np.asarray(heights, dtype=float)
    values = np.asarray(values, dtype=float)
    for v in (values.min(), values.max()):
        replace(config, **{param: float(v)}).validated()
    if (heights <= 0).any():
        raise ParameterError("Every bump height on the map must be greater than 0.")
    grid_config = replace(config, **{param: values})
    optimizer = OPTIMIZERS[config.name]
    wall = BumpLandscape(bump_height=math.inf, distance=distance)
    x = np.zeros_like(values)
    farthest = x.copy()
    state = optimizer.initial_state(x)
    for t in range(1, max_steps + 1):
        state, dx = optimizer.step(state, wall.gradient(x), x, t, grid_config)
        x = x + dx
        np.maximum(farthest, x, out=farthest)
    peaks = distance + heights
    reach = peaks - KINK_RTOL * np.maximum(1.0, peaks)
    escaped = farthest[None, :] >= reach[:, None]
    return EscapeMap(heights, param, values, escaped, farthest)
