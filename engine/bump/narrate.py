"""One plain-language sentence about where an optimizer's walk stands."""

from __future__ import annotations

from bumptui.engine.bump.landscape import near
from bumptui.engine.bump.trajectory import Trajectory
from bumptui.engine.numbers import num


def describe(traj: Trajectory, max_steps: int = 1000) -> str:
    land, rec, name = traj.landscape, traj.current, traj.label
    xs = traj.xs()
    if rec.t == 0:
        return f"{name} starts at o (x = 0), {num(land.local_min)} left of the local minimum."
    passed = traj.first_step_past_peak()
    if passed is not None:
        recent = xs[-4:]
        lo, hi = min(recent), max(recent)
        if hi - lo > land.basin_gap:  # it has not settled anywhere: say what the path does
            return (f"{name} jumped past the peak at step {passed}, but its steps are longer than the landscape: "
                    f"x swings between {num(lo)} and {num(hi)} over the last {len(recent)} steps.")
        where = "is settling into" if abs(rec.x - land.global_min) < land.basin_gap / 2 else "is heading for"
        return f"{name} passed the peak at step {passed} and {where} the global minimum at x = {num(land.global_min)}."
    if len(xs) >= 3 and near(xs[-1], xs[-3]) and not near(xs[-1], xs[-2]):
        lo, hi = sorted(xs[-2:])
        fmin = land.f_local_min
        return (
            f"{name} is trapped between x = {num(lo)} and x = {num(hi)} "
            f"(F = Fmin + {num(land.loss(lo) - fmin)} and + {num(land.loss(hi) - fmin)})."
        )
    turned = next((r.t for r in traj.records[1:] if r.dx is not None and r.dx < 0), None)
    if turned is not None:
        top = max(range(turned), key=xs.__getitem__)
        fate = _fate(traj, max_steps)
        return f"{name} turned back at step {turned} from x = {num(xs[top])}, short of the peak at {num(land.peak)}; {fate}"
    if rec.x < land.local_min:
        return f"{name} is sliding down towards the local minimum at x = {num(land.local_min)}."
    carried = ", carried by its momentum" if "m" in traj.optimizer.state_fields else ""
    return f"{name} is climbing the bump, {num(land.peak - rec.x)} below the peak{carried}."


def _fate(traj: Trajectory, max_steps: int) -> str:
    # the escape search loads with the first turn back, not with the lab's first frame
    from bumptui.engine.bump.escape import bisect_wall_path, escape_step, wall_path

    xs = wall_path(traj.config, traj.landscape.distance, max_steps)
    at = escape_step(xs, traj.landscape.distance, traj.landscape.bump_height)
    if at is not None:
        return f"it comes back over the peak at step {at}."
    h = bisect_wall_path(xs, traj.landscape.distance, traj.config.lr).h_critical  # the same path, not a new one
    return f"trapped, as h = {num(traj.landscape.bump_height)} > critical h = {num(h)}."
