"""Which minimum an optimizer reaches from each start of a grid: the 2-D cousin of the escape map.

Every start walks at once: the points are one (2, N) array and each step is the same update rule
a single walk uses (engine/bump/optimizers on arrays, elementwise), so a start's end point here is
the one SurfaceTrajectory reaches from it. A start reaches minimum k when its last SETTLE_STEPS
points all lie within `radius` of it; it diverged when its point is no longer finite (or has left
a box 100 times the view); otherwise it did not settle within the steps.

Where a surface's minima are not known (a typed landscape), they are found from the walks
themselves: the settled end points, grouped within `radius`, each group's lowest point a minimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bumptui.engine.bump.optimizers import OPTIMIZERS, OptimizerConfig, ParameterError
from bumptui.engine.surfaces.builtin import Surface
from bumptui.engine.surfaces.schedules import Noise, Schedule

NOT_SETTLED = -1
DIVERGED = -2
SETTLE_STEPS = 20
"""A start has settled when its last this-many points stay within the radius of one place."""
RADIUS = 0.02
"""The settling radius as a share of the view's diagonal."""
MAX_STARTS = 1_000_000


@dataclass(frozen=True)
class BasinMap:
    xs: np.ndarray
    """The starts' x, left to right."""
    ys: np.ndarray
    """The starts' y, bottom to top."""
    reached: np.ndarray
    """(len(ys), len(xs)): the index of the minimum each start reaches, NOT_SETTLED or DIVERGED."""
    minima: tuple[tuple[float, float], ...]
    ends: np.ndarray
    """(2, len(ys), len(xs)): where each start is after the steps."""
    steps: int
    radius: float

    def share(self, k: int) -> float:
        """The share of the starts whose outcome is k."""
        return float(np.mean(self.reached == k))


def basin_map(surface: Surface, config: OptimizerConfig, xs, ys, steps: int = 500,
              minima: tuple[tuple[float, float], ...] | None = None,
              schedule: Schedule = Schedule(), noise: Noise = Noise()) -> BasinMap:
    """Walk `steps` steps from every (x, y) of the grid xs by ys and say where each one ends."""
    if surface.dims != 2:
        raise ParameterError("A basin map needs a landscape in x and y.")
    config = config.validated()
    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    if xs.size * ys.size > MAX_STARTS or steps < SETTLE_STEPS:
        raise ParameterError(f"A basin map takes up to {MAX_STARTS:,} starts and at least {SETTLE_STEPS} steps.")
    x0, x1, y0, y1 = surface.view
    radius = RADIUS * float(np.hypot(x1 - x0, y1 - y0))
    gx, gy = np.meshgrid(xs, ys)
    p = np.stack([gx.ravel(), gy.ravel()])
    optimizer = OPTIMIZERS[config.name]
    state = optimizer.initial_state(p)
    lo = hi = None
    with np.errstate(all="ignore"):  # diverging starts run on to inf and nan: they are marked at the end
        for t in range(1, steps + 1):
            g = np.asarray(surface.grad(p[0], p[1]), dtype=float)
            if noise.sigma:  # each start its own draw (a single walk's is the (seed, t) draw of two)
                g = g + noise.draw(t, g.shape)
            state, dx = optimizer.step(state, g, p, t, schedule.applied(config, t))
            p = p + dx
            if t == steps - SETTLE_STEPS + 1:
                lo, hi = p.copy(), p.copy()
            elif t > steps - SETTLE_STEPS + 1:
                np.minimum(lo, p, out=lo)
                np.maximum(hi, p, out=hi)
        span = np.max(hi - lo, axis=0)
    far = 100 * max(x1 - x0, y1 - y0, abs(x0), abs(x1), abs(y0), abs(y1))
    diverged = ~np.all(np.isfinite(p), axis=0) | (np.max(np.abs(p), axis=0) > far)
    settled = ~diverged & (span <= radius)
    if minima is None:
        minima = surface.minima or found_minima(surface, p[:, settled], radius)
    reached = np.full(p.shape[1], NOT_SETTLED)
    if minima:
        m = np.asarray(minima, float)  # (k, 2)
        d = np.hypot(p[0][None, :] - m[:, 0:1], p[1][None, :] - m[:, 1:2])
        nearest = np.argmin(d, axis=0)
        near = settled & (d[nearest, np.arange(p.shape[1])] <= radius)
        reached[near] = nearest[near]
    reached[diverged] = DIVERGED
    shape = (ys.size, xs.size)
    return BasinMap(xs, ys, reached.reshape(shape), tuple(tuple(map(float, m)) for m in minima),
                    p.reshape(2, *shape), steps, radius)


def found_minima(surface: Surface, ends: np.ndarray, radius: float) -> tuple[tuple[float, float], ...]:
    """Settled end points grouped within `radius` (greedily, lowest loss first), each group one
    minimum at its lowest point, ordered by loss; a group whose point has a lower neighbour (walks
    that started exactly on a ridge and stayed on its saddle) is no minimum."""
    if ends.size == 0:
        return ()
    with np.errstate(all="ignore"):
        f = np.asarray(surface.loss(ends[0], ends[1]), dtype=float)
    order = np.argsort(f, kind="stable")
    centres: list[tuple[float, float]] = []
    saddles: list[tuple[float, float]] = []
    for i in order[: 20_000]:  # enough to find every basin that holds a visible share of the grid
        x, y = ends[0, i], ends[1, i]
        if all(np.hypot(x - cx, y - cy) > 2 * radius for cx, cy in centres + saddles):
            (saddles if _lower_nearby(surface, x, y, radius / 4) else centres).append((float(x), float(y)))
        if len(centres) == 26:  # lettered A to Z
            break
    return tuple(centres)


def _lower_nearby(surface: Surface, x: float, y: float, r: float) -> bool:
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    with np.errstate(all="ignore"):
        around = np.asarray(surface.loss(x + r * np.cos(angles), y + r * np.sin(angles)), dtype=float)
        return bool(np.any(around < float(surface.loss(x, y))))
