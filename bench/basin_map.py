"""The 2-D lab's basin map: 200 x 200 starts x 500 steps, vectorised, for every optimizer on
Himmelblau and for GD on a typed landscape; beside it, the same walks one start at a time
(SurfaceTrajectory, timed on 200 starts and scaled to 40,000), so the ratio says what the
vectorisation buys. Target: under 2 s per map on this machine.

    .venv/bin/python bench/basin_map.py
"""

from __future__ import annotations

import time

import numpy as np

from bumptui.engine.bump.optimizers import OptimizerConfig
from bumptui.engine.surfaces import SURFACES, SurfaceTrajectory
from bumptui.engine.surfaces.basins import basin_map
from bumptui.engine.surfaces.typed import typed_surface

N, STEPS, LOOPED = 200, 500, 200
TARGET_S = 2.0


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    himmelblau = SURFACES["himmelblau"]()
    typed = typed_surface("x**4 - 3*x**2 + y**2")
    cases = [(himmelblau, OptimizerConfig(name=n, lr=himmelblau.lr(n))) for n in
             ("gd", "momentum", "nesterov", "rmsprop", "adam", "adamw")]
    cases.append((typed, OptimizerConfig(name="gd", lr=typed.lr("gd"))))
    print(f"{'landscape':<24}{'optimizer':<10}{'map s':>8}{'one at a time s':>17}{'ratio':>8}  target < {TARGET_S} s")
    worst = 0.0
    for surface, config in cases:
        x0, x1, y0, y1 = surface.view
        xs, ys = np.linspace(x0, x1, N), np.linspace(y0, y1, N)
        vectorised = timed(lambda: basin_map(surface, config, xs, ys, STEPS))
        starts = [(x, y) for x, y in zip(np.random.default_rng(0).uniform(x0, x1, LOOPED),
                                          np.random.default_rng(1).uniform(y0, y1, LOOPED))]
        looped = timed(lambda: [SurfaceTrajectory(surface, config, s).run(STEPS) for s in starts]) * (N * N / LOOPED)
        worst = max(worst, vectorised)
        name = surface.expression or surface.name
        print(f"{name:<24}{config.name:<10}{vectorised:8.2f}{looped:17.0f}{looped / vectorised:8.0f}x")
    print(f"slowest map {worst:.2f} s: {'meets' if worst < TARGET_S else 'misses'} the {TARGET_S} s target")


if __name__ == "__main__":
    main()
