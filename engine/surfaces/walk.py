"""Single-stepping an optimizer on a surface, forward and back, one full record per step: the 2-D
(or typed 1-D) twin of engine/bump/trajectory.py.

The update rules are engine/bump/optimizers' (torch.optim's), applied per coordinate exactly as
torch applies them per element of a parameter; the tests check every step against torch.optim.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bumptui.engine.bump.optimizers import OPTIMIZERS, STATE_FIELDS, OptimizerConfig, ParameterError
from bumptui.engine.bump.trajectory import Stepped
from bumptui.engine.surfaces.builtin import Surface
from bumptui.engine.surfaces.schedules import Noise, Schedule

MAX_WALK_STEPS = 100_000
"""The most steps a walk is run and printed for: each is a record, a line of output."""


@dataclass(frozen=True)
class SurfaceStep:
    """Everything about step t, per coordinate. Row 0 is the start: no gradient, no step yet.

    g is the gradient at the previous point, the one this step used; step = point - previous point;
    f = F(point). A state field the optimizer does not have is absent from `state`.
    """

    t: int
    point: tuple[float, ...]
    g: tuple[float, ...] | None
    step: tuple[float, ...] | None
    f: float
    state: dict[str, tuple[float, ...]]

    def as_dict(self, variables: tuple[str, ...], state_fields: tuple[str, ...] = STATE_FIELDS) -> dict:
        """One JSON-ready object: the point by coordinate name, and every vector as a list."""
        d = {"t": self.t, **{v: p for v, p in zip(variables, self.point)}, "f": self.f,
             "g": None if self.g is None else list(self.g)}
        for k in state_fields:
            d[k] = list(self.state[k]) if k in self.state else None
        d["step"] = None if self.step is None else list(self.step)
        return d


def _floats(a) -> tuple[float, ...]:
    return tuple(float(v) for v in np.asarray(a, float).ravel())


class SurfaceTrajectory(Stepped):
    """An optimizer's walk on a surface from its start (or a start given), stepped forward and back
    (engine/bump's Stepped: back-then-forward gives the identical record)."""

    def __init__(self, surface: Surface, config: OptimizerConfig, start: tuple[float, ...] | None = None,
                 schedule: Schedule = Schedule(), noise: Noise = Noise()):
        self.surface = surface
        self.config = config.validated()
        self.schedule, self.noise = schedule, noise
        self.optimizer = OPTIMIZERS[config.name]
        self.start = tuple(float(v) for v in (start if start is not None else surface.start))
        if len(self.start) != surface.dims:
            raise ParameterError(f"The start needs {surface.dims} coordinate{'s' * (surface.dims > 1)} "
                                 f"({', '.join(surface.variables)}), not {len(self.start)}.")
        self.records: list[SurfaceStep] = []
        self._states: list[dict] = []
        self.reset()

    @staticmethod
    def _finite(r: SurfaceStep) -> bool:
        return bool(np.all(np.isfinite(r.point)) and np.isfinite(r.f))

    @property
    def diverged(self) -> bool:
        """Its point or loss is no longer a finite number: the steps outgrew a float."""
        return not self._finite(self.current)

    def diverged_at(self) -> int | None:
        """The first step whose point or loss is not a finite number; None while every one is."""
        return diverged_at(self.records)

    def _loss(self, point) -> float:
        with np.errstate(all="ignore"):
            return float(self.surface.loss(*point))

    def reset(self) -> None:
        state = self.optimizer.initial_state(np.zeros(self.surface.dims))
        self._states = [state]
        self.records = [SurfaceStep(0, self.start, None, None, self._loss(self.start), {k: _floats(v) for k, v in state.items()})]

    def forward(self) -> SurfaceStep:
        prev = self.records[-1]
        t = prev.t + 1
        x = np.array(prev.point, dtype=float)
        with np.errstate(all="ignore"):  # a diverging walk goes on to inf and nan, and says so
            g = np.array(self.surface.grad(*x), dtype=float).reshape(-1)
            if self.noise.sigma:
                g = g + self.noise.draw(t, g.shape)
            state, dx = self.optimizer.step(self._states[-1], g, x, t, self.schedule.applied(self.config, t))
            dx = np.broadcast_to(np.asarray(dx, float), x.shape)
            point = x + dx
        state = {k: np.array(v, dtype=float) for k, v in state.items()}
        record = SurfaceStep(t, _floats(point), _floats(g), _floats(dx), self._loss(point),
                             {k: _floats(v) for k, v in state.items()})
        self._states.append(state)
        self.records.append(record)
        return record

    def points(self) -> list[tuple[float, ...]]:
        return [r.point for r in self.records]


def diverged_at(records: list) -> int | None:
    """The first of these steps whose point or loss is not a finite number; None while every one is."""
    return next((r.t for r in records if not SurfaceTrajectory._finite(r)), None)


def run_walk(surface: Surface, config: OptimizerConfig, steps: int, start: tuple[float, ...] | None = None,
             schedule: Schedule = Schedule(), noise: Noise = Noise()) -> list[SurfaceStep]:
    """Records for t = 0..steps."""
    if not 1 <= steps <= MAX_WALK_STEPS:
        raise ParameterError(f"The number of steps must be from 1 to {MAX_WALK_STEPS:,}, not {steps}.")
    return SurfaceTrajectory(surface, config, start, schedule, noise).run(steps)


class CurveTrajectory(Stepped):
    """A walk on a typed 1-D curve, read as the 1-D lab reads a walk on the bump: its records are
    StepRecords (t, x, g, m, v, m_hat, v_hat, dx, f), so the lab's table and chart show it as they are."""

    def __init__(self, surface: Surface, config: OptimizerConfig, start: tuple[float, ...] | None = None):
        if surface.dims != 1:
            raise ParameterError("A curve is a landscape in x alone.")
        self.walk = SurfaceTrajectory(surface, config, start)
        self.config, self.optimizer = self.walk.config, self.walk.optimizer
        self.records = [self._record(self.walk.current)]

    @staticmethod
    def _record(r: SurfaceStep):
        from bumptui.engine.bump.trajectory import StepRecord

        state = {k: v[0] for k, v in r.state.items()} if r.t else {k: v[0] for k, v in r.state.items() if k in ("m", "v")}
        return StepRecord(r.t, r.point[0], None if r.g is None else r.g[0], None if r.step is None else r.step[0],
                          r.f, **state)

    @property
    def landscape(self) -> Surface:
        return self.walk.surface

    @property
    def diverged(self) -> bool:
        return self.walk.diverged

    def diverged_at(self) -> int | None:
        return self.walk.diverged_at()

    def reset(self) -> None:
        self.walk.reset()
        self.records = [self._record(self.walk.current)]

    def forward(self):
        self.records.append(self._record(self.walk.forward()))
        return self.records[-1]

    def back(self) -> bool:
        if not self.walk.back():
            return False
        self.records.pop()
        return True

    def xs(self) -> list[float]:
        return [r.x for r in self.records]
