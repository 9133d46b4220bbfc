"""The critical-height solve and a 200x200 escape map, each beside a brute-force twin.

The engine answers every bump height from one simulation against an endless wall (see
engine/escape.py). The twins do it the obvious way: the bisection simulates the real landscape for
each probe, and the map steps all 40,000 (h, alpha) cells for the full step limit. Both pairs must
agree; the ratios say how much the shared-prefix fact saves.
Targets: critical-h <= 5 ms, 200x200 map <= 0.5 s.

    python bench/escape.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bumptui.engine.bump.escape import BISECTION_TOL, critical_height, escape_map  # noqa: E402
from bumptui.engine.bump.landscape import BumpLandscape  # noqa: E402
from bumptui.engine.bump.optimizers import OptimizerConfig  # noqa: E402
from bumptui.engine.bump.trajectory import Trajectory  # noqa: E402

ADAM = OptimizerConfig()
STEPS = 1000


def brute_escapes(h: float) -> bool:
    traj = Trajectory(BumpLandscape(bump_height=h), ADAM)
    land = traj.landscape
    for _ in range(STEPS):
        if land.reached_peak(traj.forward().x):
            return True
    return False


def brute_critical_height() -> float:
    lo, hi = 0.0, 1.0
    while hi - lo > BISECTION_TOL:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if brute_escapes(mid) else (lo, mid)
    return lo


def brute_map(heights: np.ndarray, lrs: np.ndarray) -> np.ndarray:
    """Adam on every (h, alpha) cell at once, with each cell's own peak."""
    H, A = np.meshgrid(heights, lrs, indexing="ij")
    peak = 1.0 + H
    x = np.zeros_like(H)
    m = np.zeros_like(H)
    v = np.zeros_like(H)
    escaped = np.zeros(H.shape, bool)
    for t in range(1, STEPS + 1):
        g = np.where(x < 1.0, -1.0, np.where(x < peak, 1.0, -1.0))
        g = np.where(np.isclose(x, 1.0, rtol=0, atol=1e-12) | np.isclose(x, peak, rtol=0, atol=1e-12), 0.0, g)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
        x = x - A * np.divide(m_hat, np.sqrt(v_hat), out=np.zeros_like(x), where=v_hat > 0)
        escaped |= x >= peak - 1e-12
    return escaped


def best_of(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    t_ours, ours = best_of(lambda: critical_height(ADAM), 50)
    t_brute, brute = best_of(brute_critical_height, 3)
    assert abs(ours.h_critical - brute) <= 2 * BISECTION_TOL, (ours.h_critical, brute)
    print(f"critical-h, Adam defaults: {t_ours * 1e3:.2f} ms (brute-force bisection {t_brute * 1e3:.1f} ms), "
          f"h = {ours.h_critical:.9f}, target <= 5 ms")
    heights, lrs = np.linspace(0.005, 1.0, 200), np.linspace(0.005, 1.0, 200)
    t_map, emap = best_of(lambda: escape_map(ADAM, heights, "lr", lrs), 5)
    t_bmap, bmap = best_of(lambda: brute_map(heights, lrs), 1)
    agree = (emap.escaped == bmap).mean()
    print(f"escape map 200x200 (h, alpha), {STEPS} steps: {t_map:.3f} s (brute force {t_bmap:.3f} s), "
          f"cells agreeing {agree:.4%}, target <= 0.5 s")
    print(f"ratio critical-h / 5 ms target {t_ours / 5e-3:.3f}")
    print(f"ratio map / 0.5 s target {t_map / 0.5:.3f}")
    print(f"ratio critical-h / brute force {t_ours / t_brute:.4f}")
    print(f"ratio map / brute force {t_map / t_bmap:.4f}")


if __name__ == "__main__":
    main()
