"""Single-stepping an optimizer on the bump landscape, one full record per step."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from bumptui.engine.bump.landscape import BumpLandscape
from bumptui.engine.bump.optimizers import OPTIMIZERS, STATE_FIELDS, OptimizerConfig, ParameterError


@dataclass(frozen=True)
class StepRecord:
    """Everything about step t. Row 0 is the start: x = 0, no gradient yet, m = v = 0.

    g is F'(x_{t-1}), the gradient the step used; dx = x_t - x_{t-1}; f = F(x_t).
    A state field the optimizer does not have is None.
    """

    t: int
    x: float
    g: float | None
    dx: float | None
    f: float
    m: float | None = None
    v: float | None = None
    m_hat: float | None = None
    v_hat: float | None = None

    def as_dict(self, state_fields: tuple[str, ...] = STATE_FIELDS) -> dict:
        d = asdict(self)
        for k in STATE_FIELDS:
            if k not in state_fields:
                del d[k]
        return d


def validate_landscape(bump_height: float, distance: float) -> BumpLandscape:
    """The landscape for user-chosen h and L, or ParameterError in one sentence."""
    if not (math.isfinite(bump_height) and bump_height > 0):
        raise ParameterError(f"The bump height h must be a number greater than 0, not {bump_height:g}.")
    if not (math.isfinite(distance) and distance > 0):
        raise ParameterError(f"The distance L must be a number greater than 0, not {distance:g}.")
    return BumpLandscape(bump_height=bump_height, distance=distance)


class Stepped:
    """A walk of records, one per step, with the optimizer's state after each: stepped forward (by
    `forward`, which a walk defines) and back. Stepping back forgets the last record; stepping
    forward recomputes it from the one before, which is deterministic, so back-then-forward gives
    the identical record."""

    optimizer: object
    records: list
    _states: list

    @property
    def label(self) -> str:
        return self.optimizer.label

    @property
    def t(self) -> int:
        return self.records[-1].t

    @property
    def current(self):
        return self.records[-1]

    def back(self) -> bool:
        """Undo the last step; False at the start, where there is nothing to undo."""
        if len(self.records) == 1:
            return False
        self.records.pop()
        self._states.pop()
        return True

    def run(self, steps: int) -> list:
        for _ in range(steps):
            self.forward()
        return self.records


class Trajectory(Stepped):
    """An optimizer's walk from x = 0 on the bump, stepped forward and back one step at a time."""

    def __init__(self, landscape: BumpLandscape, config: OptimizerConfig):
        self.landscape = landscape
        self.config = config.validated()
        self.optimizer = OPTIMIZERS[config.name]
        self.records: list[StepRecord] = []
        self._states: list[dict] = []
        self.reset()

    def reset(self) -> None:
        state = self.optimizer.initial_state()
        self._states = [state]
        self.records = [StepRecord(0, 0.0, None, None, self.landscape.loss(0.0), **state)]

    def forward(self) -> StepRecord:
        prev = self.records[-1]
        t = prev.t + 1
        g = self.landscape.gradient(prev.x)
        state, dx = self.optimizer.step(self._states[-1], g, prev.x, t, self.config)
        x = prev.x + dx
        record = StepRecord(t, x, g, dx, self.landscape.loss(x), **state)
        self._states.append(state)
        self.records.append(record)
        return record

    def xs(self) -> list[float]:
        return [r.x for r in self.records]

    def first_step_past_peak(self) -> int | None:
        for r in self.records:
            if self.landscape.reached_peak(r.x):
                return r.t
        return None


MAX_TRAJECTORY_STEPS = 1_000_000
"""The most steps a trajectory is run and printed for: each is a record, a line of output."""


def run_trajectory(landscape: BumpLandscape, config: OptimizerConfig, steps: int) -> list[StepRecord]:
    """Records for t = 0..steps."""
    if not 1 <= steps <= MAX_TRAJECTORY_STEPS:
        raise ParameterError(f"The number of steps must be from 1 to {MAX_TRAJECTORY_STEPS:,}, not {steps}.")
    return Trajectory(landscape, config).run(steps)
