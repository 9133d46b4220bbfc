"""The 1-D loss of the optimizer lab: a slope, a local minimum, a triangular bump, a deeper basin.

    F
    |\\
    | \\        /\\
    |  \\      /  \\
    |   \\    /    \\
    |    \\  /      \\        /
    |     \\/        \\      /
    |   local min     \\    /
    |                  \\  /
    |                   \\/  global min
    o----L----L+h---L+2h---G---> x

Every slope is +1 or -1, so the gradient is +1 or -1 everywhere except at a kink, where it is 0.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy loads with the first array, not with the optimizer lab's first frame
    import numpy as np

# Kinks are decided with a relative tolerance so that 0.3 + 0.3 + 0.3 + 0.3 lands on 1.2; it is
# far below the escape search's 1e-9, so it never moves the critical height by a visible amount.
KINK_RTOL = 1e-12


def is_array(x) -> bool:
    """x is a numpy array (the escape map's vectorised path). Told apart without importing numpy,
    which the optimizer lab's first frame does not need: until numpy is imported nothing is one."""
    numpy = sys.modules.get("numpy")
    return numpy is not None and isinstance(x, numpy.ndarray)


def near(x: float, point: float) -> bool:
    """True when x sits on `point` up to the kink tolerance (a point at infinity is never near)."""
    return math.isfinite(point) and abs(x - point) <= KINK_RTOL * max(1.0, abs(point))


@dataclass(frozen=True)
class BumpLandscape:
    """F(x) with the start point o at x = 0 and the bump between the two minima.

    `bump_height` may be `math.inf`: a wall that nothing passes, which the escape search uses
    because every trajectory is the same as the wall's until it first reaches the peak.
    """

    bump_height: float = 0.5
    """h: the bump rises h above the local minimum and is 2h wide."""
    distance: float = 1.0
    """L: from the start point o to the local minimum."""
    basin_gap: float = 1.0
    """From the foot of the bump (x = L + 2h) down to the global minimum; also its extra depth."""

    @property
    def local_min(self) -> float:
        return self.distance

    @property
    def peak(self) -> float:
        return self.distance + self.bump_height

    @property
    def bump_foot(self) -> float:
        return self.distance + 2 * self.bump_height

    @property
    def global_min(self) -> float:
        return self.bump_foot + self.basin_gap

    @property
    def kinks(self) -> tuple[float, ...]:
        """Where the slope changes sign: the local minimum, the peak and the global minimum."""
        return (self.local_min, self.peak, self.global_min)

    @property
    def f_local_min(self) -> float:
        """Fmin, the loss at the local minimum (the global minimum is at 0)."""
        return self.basin_gap

    def loss(self, x: float) -> float:
        """F(x). The global minimum is F = 0; the local minimum F = basin_gap."""
        L, h, G = self.distance, self.bump_height, self.basin_gap
        if x <= L:
            return G + (L - x)
        if x <= L + h:
            return G + (x - L)
        if x <= self.global_min:
            return G + h - (x - L - h)
        return x - self.global_min

    def gradient(self, x):
        """dF/dx: -1 or +1, and 0 at a kink. Takes a float or a numpy array."""
        if is_array(x):
            return self._gradient_array(x)
        for kink in self.kinks:
            if near(x, kink):
                return 0.0
        if x < self.local_min:
            return -1.0
        if x < self.peak:
            return 1.0
        if x < self.global_min:
            return -1.0
        return 1.0

    def _gradient_array(self, x: np.ndarray) -> np.ndarray:
        import numpy as np

        lo, peak, glob = self.kinks
        g = np.where(x < lo, -1.0, np.where(x < peak, 1.0, np.where(x < glob, -1.0, 1.0)))
        for kink in self.kinks:
            if math.isfinite(kink):
                g = np.where(np.abs(x - kink) <= KINK_RTOL * max(1.0, abs(kink)), 0.0, g)
        return g

    def reached_peak(self, x: float) -> bool:
        """The escape criterion: the iterate is at or beyond the top of the bump."""
        return x >= self.peak or near(x, self.peak)

    def outline(self, left: float = -0.2, right: float | None = None) -> tuple[list[float], list[float]]:
        """The corner points of F from `left` to `right`, enough to draw it exactly with lines."""
        if right is None:
            right = self.global_min + 0.5 * self.basin_gap
        xs = [left] + [k for k in self.kinks if left < k < right] + [right]
        return xs, [self.loss(x) for x in xs]
