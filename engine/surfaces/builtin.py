"""Two-dimensional losses for the optimizer lab (the 1-D bump stays in engine/bump): the seed's bump
extended across a valley, Rosenbrock's long curved valley, Beale's flat plateaus, Himmelblau's four
minima, a saddle, and a quadratic whose condition number is a parameter. Each has its loss and its
exact gradient, written out by hand, a start that shows what it is for, a view, and its minima.

Losses and gradients take floats or numpy arrays alike (arithmetic only), so that one trajectory
and a whole grid of starts (a basin map) run through the same code; like engine/bump, nothing here
imports torch, and numpy only when an array is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from bumptui.engine.bump.landscape import BumpLandscape, is_array


@dataclass(frozen=True)
class Surface:
    name: str
    words: str
    """What it shows, in a line."""
    loss: Callable
    """(x, y) -> F."""
    grad: Callable
    """(x, y) -> (dF/dx, dF/dy)."""
    start: tuple[float, float]
    view: tuple[float, float, float, float]
    """x from, x to, y from, y to: what the map shows at first."""
    minima: tuple[tuple[float, float], ...] = field(default=())
    """Where its minima are (to 1e-6 where they are not whole numbers); () where it has none (the
    saddle) or where they are not known (a typed landscape: the basin map finds where walks settle)."""
    lrs: tuple[tuple[str, float], ...] = field(default=())
    """A learning rate per optimizer that shows the surface well from its start (the rest keep 0.3)."""
    variables: tuple[str, ...] = ("x", "y")
    """Its coordinates: x and y, or x alone for a typed 1-D curve."""
    expression: str | None = None
    """The text a typed landscape was read from; None for a built-in one."""

    @property
    def dims(self) -> int:
        return len(self.variables)

    def lr(self, optimizer: str) -> float:
        """The learning rate this surface suggests for an optimizer."""
        return dict(self.lrs).get(optimizer, 0.3)


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Surface:
    return Surface(
        "rosenbrock", "a long, curved, flat-bottomed valley: momentum and Adam race GD along it",
        lambda x, y: (a - x) ** 2 + b * (y - x * x) ** 2,
        lambda x, y: (-2 * (a - x) - 4 * b * x * (y - x * x), 2 * b * (y - x * x)),
        (-1.2, 1.0), (-2.0, 2.0, -1.0, 3.0), ((a, a * a),),
        (("gd", 1e-3), ("momentum", 1e-3), ("nesterov", 1e-3), ("rmsprop", 0.03), ("adam", 0.2), ("adamw", 0.2)))


def beale() -> Surface:
    def terms(x, y):
        return 1.5 - x + x * y, 2.25 - x + x * y * y, 2.625 - x + x * y ** 3

    def loss(x, y):
        p, q, r = terms(x, y)
        return p * p + q * q + r * r

    def grad(x, y):
        p, q, r = terms(x, y)
        return (2 * p * (y - 1) + 2 * q * (y * y - 1) + 2 * r * (y ** 3 - 1),
                2 * p * x + 2 * q * (2 * x * y) + 2 * r * (3 * x * y * y))

    return Surface("beale", "sharp ridges and flat plateaus: steps that suit one region overshoot another",
                   loss, grad, (1.0, 1.4), (-4.5, 4.5, -4.5, 4.5), ((3.0, 0.5),),
                   (("gd", 0.01), ("momentum", 3e-3), ("nesterov", 3e-3), ("rmsprop", 0.03), ("adam", 0.1), ("adamw", 0.1)))


HIMMELBLAU_MINIMA = ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126))


def himmelblau() -> Surface:
    return Surface(
        "himmelblau", "four minima of equal depth: which one an optimizer reaches depends on where it starts",
        lambda x, y: (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
        lambda x, y: (4 * x * (x * x + y - 11) + 2 * (x + y * y - 7), 2 * (x * x + y - 11) + 4 * y * (x + y * y - 7)),
        (0.0, 0.0), (-5.0, 5.0, -5.0, 5.0), HIMMELBLAU_MINIMA,
        (("gd", 0.01), ("momentum", 3e-3), ("nesterov", 3e-3), ("rmsprop", 0.03), ("adam", 0.1), ("adamw", 0.1)))


def saddle() -> Surface:
    return Surface("saddle", "x^2 - y^2: started almost on the ridge, how long until an optimizer rolls off it",
                   lambda x, y: x * x - y * y, lambda x, y: (2 * x, -2 * y),
                   (1.0, 1e-3), (-1.5, 1.5, -1.5, 1.5), (),
                   tuple((k, 0.01) for k in ("gd", "momentum", "nesterov", "rmsprop", "adam", "adamw")))


def quadratic(condition: float = 10.0) -> Surface:
    """(x^2 + condition y^2) / 2: a ravine that is `condition` times steeper across than along."""
    if not condition > 0:
        raise ValueError(f"The condition number must be greater than 0, not {condition}.")
    return Surface(
        "quadratic", f"a ravine {condition:g} times steeper across than along: GD zigzags, momentum damps it",
        lambda x, y: (x * x + condition * y * y) / 2, lambda x, y: (x + 0 * y, condition * y),
        (-1.5, 0.5), (-2.0, 2.0, -1.0, 1.0), ((0.0, 0.0),),
        (("gd", 0.15), ("momentum", 0.03), ("nesterov", 0.03), ("rmsprop", 0.03), ("adam", 0.1), ("adamw", 0.1)))


def bump_valley(bump_height: float = 0.5, steepness: float = 1.0) -> Surface:
    """The seed's 1-D loss along x, and across it a valley steepness * y^2 / 2: the bump becomes a
    ridge of height h to cross, and every step's x is the 1-D lab's when y starts at 0."""
    bump = BumpLandscape(bump_height=bump_height)

    def loss(x, y):
        if is_array(x):  # the 1-D loss is written for one float; a grid goes through it point by point
            import numpy as np

            return np.vectorize(bump.loss, otypes=[float])(x) + steepness * y * y / 2
        return bump.loss(x) + steepness * y * y / 2

    def grad(x, y):
        return bump.gradient(x), steepness * y + 0 * x

    end = bump.global_min + 1.0
    return Surface("bump", "the seed's bump as a ridge across a valley: GD stops before it, Adam's momentum may cross",
                   loss, grad, (0.0, 0.5), (-0.5, end, -1.5, 1.5), ((bump.local_min, 0.0), (bump.global_min, 0.0)))


SURFACES: dict[str, Callable[[], Surface]] = {
    "bump": bump_valley, "rosenbrock": rosenbrock, "beale": beale, "himmelblau": himmelblau,
    "saddle": saddle, "quadratic": quadratic,
}
"""Every built-in 2-D surface by name, each with its default parameters."""
