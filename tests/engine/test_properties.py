"""Properties over any valid parameters."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from bumptui.engine.bump.escape import critical_height
from bumptui.engine.bump.landscape import BumpLandscape
from bumptui.engine.bump.optimizers import MIN_EPS, OPTIMIZERS, OptimizerConfig
from bumptui.engine.bump.trajectory import Trajectory

configs = st.builds(
    OptimizerConfig,
    name=st.sampled_from(list(OPTIMIZERS)),
    lr=st.floats(1e-4, 3.0),
    beta1=st.floats(0.0, 0.9999),
    beta2=st.floats(0.0, 0.99999),
    eps=st.one_of(st.just(0.0), st.floats(MIN_EPS, 1.0)),
    weight_decay=st.floats(0.0, 0.5),
)
landscapes = st.builds(BumpLandscape, bump_height=st.floats(0.01, 3.0), distance=st.floats(0.05, 3.0))


@settings(max_examples=150, deadline=None)
@given(configs, landscapes, st.integers(1, 80))
def test_no_step_produces_nan_or_inf(config, land, steps):
    for r in Trajectory(land, config).run(steps):
        for value in (r.x, r.g, r.dx, r.f, r.m, r.v, r.m_hat, r.v_hat):
            assert value is None or math.isfinite(value), r


@settings(max_examples=100, deadline=None)
@given(configs, landscapes, st.integers(1, 40), st.integers(1, 10))
def test_stepping_back_then_forward_restores_the_same_records(config, land, steps, back):
    traj = Trajectory(land, config)
    traj.run(steps)
    before = list(traj.records)
    undone = sum(traj.back() for _ in range(back))
    assert undone == min(back, steps)
    assert traj.t == steps - undone
    traj.run(undone)
    assert traj.records == before


@settings(max_examples=60, deadline=None)
@given(configs, st.floats(0.05, 3.0))
def test_critical_height_is_finite_and_not_negative(config, distance):
    h = critical_height(config, distance, max_steps=200).h_critical
    assert math.isfinite(h) and h >= 0
