"""One plain-language sentence about a walk on a typed 1-D curve (engine/bump/narrate speaks of the bump)."""

from __future__ import annotations


from bumptui.engine.bump.landscape import near
from bumptui.engine.numbers import num


def describe_walk(traj) -> str:
    """traj: a CurveTrajectory (records with t, x, g, dx, f)."""
    name, rec, xs = traj.label, traj.current, traj.xs()
    if traj.diverged:
        return f"{name} diverged at step {traj.diverged_at()}: its steps outgrew a float; lower α (e)."
    if rec.t == 0:
        g = traj.landscape.grad(rec.x)[0]
        return f"{name} starts at x = {num(rec.x)}, where F = {num(rec.f)} and the slope is {num(g)}."
    if len(xs) >= 3 and near(xs[-1], xs[-3]) and not near(xs[-1], xs[-2]):
        lo, hi = sorted(xs[-2:])
        return f"{name} swings between x = {num(lo)} and x = {num(hi)} (F = {num(traj.landscape.loss(lo))} and {num(traj.landscape.loss(hi))})."
    if abs(rec.dx) <= 1e-6 * max(1.0, abs(rec.x)):
        return f"{name} has settled at x = {num(rec.x)}, F = {num(rec.f)} (its last step {num(rec.dx)})."
    way = "right" if rec.dx > 0 else "left"
    return f"{name} is at x = {num(rec.x)}, F = {num(rec.f)}, moving {way} by {num(abs(rec.dx))} a step."
