import math
from dataclasses import replace

import numpy as np
import pytest

from bumptui.engine.bump.escape import critical_height, escape_map
from bumptui.engine.bump.landscape import BumpLandscape
from bumptui.engine.bump.optimizers import OptimizerConfig
from bumptui.engine.bump.trajectory import Trajectory

ADAM = OptimizerConfig("adam", lr=0.3, beta1=0.9, beta2=0.999, eps=0.0)


def escapes(config, h, distance=1.0, steps=1000):
    """The escape test by brute force: simulate the real landscape and look for the peak."""
    traj = Trajectory(BumpLandscape(bump_height=h, distance=distance), config)
    traj.run(steps)
    return traj.first_step_past_peak() is not None


def test_critical_height_of_the_seed_is_adams_farthest_point_behind_a_tall_bump():
    # Against a bump far too tall to pass, Adam's farthest point decides which bumps it clears.
    tall = Trajectory(BumpLandscape(bump_height=100.0), ADAM).run(1000)
    farthest = max(r.x for r in tall)
    expected = farthest - 1.0
    result = critical_height(ADAM, distance=1.0, max_steps=1000)
    assert result.h_critical == pytest.approx(expected, abs=1e-9)
    assert 0.41 < result.h_critical < 0.4103
    assert result.farthest_step == 6 and result.turn_back_step == 7
    assert escapes(ADAM, result.h_critical - 1e-6)
    assert not escapes(ADAM, result.h_critical + 1e-6)


def test_bisection_brackets_shrink_to_the_tolerance_and_always_hold_the_answer():
    result = critical_height(ADAM)
    final = result.brackets[-1]
    assert final.hi - final.lo <= 2e-9
    first_trapped = next(i for i, b in enumerate(result.brackets) if b.escaped_at is None)
    for b in result.brackets[first_trapped:]:  # once a probe has trapped, the bracket holds the answer
        assert b.lo <= result.h_critical <= b.hi
    for b in result.brackets:
        assert (b.escaped_at is not None) == (b.probe <= result.h_critical)


def test_gd_clears_only_bumps_its_last_step_lands_on_or_beyond():
    result = critical_height(OptimizerConfig("gd", lr=0.3))
    assert result.h_critical == pytest.approx(0.2, abs=1e-8)
    assert escapes(OptimizerConfig("gd", lr=0.3), 0.19)
    assert not escapes(OptimizerConfig("gd", lr=0.3), 0.21)


def test_an_optimizer_that_never_reaches_the_local_minimum_clears_nothing():
    result = critical_height(OptimizerConfig("gd", lr=0.001), max_steps=10)
    assert result.h_critical == 0.0 and result.brackets == ()


@pytest.mark.parametrize("name", ["adam", "momentum", "nesterov", "rmsprop", "adamw"])
def test_critical_height_separates_trapped_from_escaped_for_every_optimizer(name):
    config = OptimizerConfig(name, lr=0.2, beta1=0.9, beta2=0.99, eps=0.0)
    h = critical_height(config, distance=1.5, max_steps=300).h_critical
    assert h > 0
    assert escapes(config, h * (1 - 1e-4), distance=1.5, steps=300)
    assert not escapes(config, h * (1 + 1e-4), distance=1.5, steps=300)


def test_escape_map_agrees_with_brute_force_simulation():
    heights = np.linspace(0.05, 1.2, 13)
    lrs = np.linspace(0.05, 0.6, 11)
    emap = escape_map(ADAM, heights, "lr", lrs, max_steps=300)
    assert emap.escaped.shape == (13, 11)
    assert 0 < emap.escaped.mean() < 1, "the grid shows both outcomes"
    for i in range(0, 13, 3):
        for j in range(0, 11, 2):
            config = replace(ADAM, lr=float(lrs[j]))
            assert emap.escaped[i, j] == escapes(config, float(heights[i]), steps=300), (heights[i], lrs[j])


def test_escape_map_columns_match_critical_heights():
    beta1s = np.array([0.0, 0.5, 0.9, 0.95])
    emap = escape_map(ADAM, np.array([0.1]), "beta1", beta1s)
    for j, b1 in enumerate(beta1s):
        h = critical_height(replace(ADAM, beta1=float(b1))).h_critical
        assert emap.farthest_x[j] - 1.0 == pytest.approx(h, abs=2e-9)
    # Momentum is what clears the bump: the critical height grows with beta1 here.
    assert np.all(np.diff(emap.farthest_x) > -1e-12) and emap.farthest_x[-1] > emap.farthest_x[0] + 0.2


def test_escape_map_rejects_values_out_of_range():
    from bumptui.engine.bump.optimizers import ParameterError

    with pytest.raises(ParameterError, match="beta1"):
        escape_map(ADAM, np.array([0.5]), "beta1", np.array([0.5, 1.0]))
    assert math.isfinite(critical_height(replace(ADAM, eps=1.0)).h_critical)


def test_a_bump_cleared_by_an_enormous_step_still_ends_the_search():
    # beta2 ~ 0 and eps ~ 1e-112: at the kink v_hat = 0, so m_hat / eps throws x to ~3e55.
    tiny = 1.1168815780214698e-112
    config = OptimizerConfig("adamw", lr=0.7457, beta1=0.7457, beta2=tiny, eps=tiny, weight_decay=tiny)
    result = critical_height(config, distance=0.7457, max_steps=200)
    assert result.h_critical > 1e50
    assert result.h_critical == pytest.approx(result.farthest_x - 0.7457, rel=1e-9)
