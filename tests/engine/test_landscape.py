import math

import numpy as np
import pytest

from bumptui.engine.bump.landscape import BumpLandscape


def test_slopes_are_minus_one_and_plus_one_with_zero_only_at_kinks():
    land = BumpLandscape(bump_height=0.5, distance=1.0)
    assert land.gradient(0.0) == -1.0 and land.gradient(0.99) == -1.0
    assert land.gradient(1.0) == 0.0
    assert land.gradient(1.2) == 1.0
    assert land.gradient(1.5) == 0.0  # the peak
    assert land.gradient(1.7) == -1.0 and land.gradient(2.5) == -1.0  # foot of the bump is no kink
    assert land.gradient(land.global_min) == 0.0
    assert land.gradient(land.global_min + 0.1) == 1.0


def test_accumulated_float_steps_land_on_a_kink():
    land = BumpLandscape(bump_height=0.2)
    x = 0.1 * 12
    assert x != 1.2
    assert land.gradient(x) == 0.0


def test_loss_shape_heights_and_continuity():
    land = BumpLandscape(bump_height=0.4, distance=1.0)
    fmin = land.f_local_min
    assert land.loss(0.9) - fmin == pytest.approx(0.1)
    assert land.loss(1.2) - fmin == pytest.approx(0.2)
    assert land.loss(land.peak) - fmin == pytest.approx(0.4)
    assert land.loss(land.bump_foot) == pytest.approx(fmin)
    assert land.loss(land.global_min) == 0.0 < fmin
    xs = np.linspace(-0.5, land.global_min + 1, 2001)
    fs = np.array([land.loss(x) for x in xs])
    assert np.abs(np.diff(fs)).max() <= (xs[1] - xs[0]) * (1 + 1e-9)


def test_array_gradient_agrees_with_scalar_gradient():
    land = BumpLandscape(bump_height=0.37, distance=1.3)
    xs = np.concatenate([np.linspace(-1, 5, 997), np.array(land.kinks)])
    assert land.gradient(xs).tolist() == [land.gradient(float(x)) for x in xs]


def test_outline_traces_every_corner():
    land = BumpLandscape(bump_height=0.5)
    xs, fs = land.outline()
    assert [x for x in xs if x in land.kinks] == list(land.kinks)
    assert fs == [land.loss(x) for x in xs]


def test_a_wall_has_no_peak_and_no_kink_at_infinity():
    wall = BumpLandscape(bump_height=math.inf)
    assert wall.gradient(1e6) == 1.0
    assert wall.gradient(np.array([1e6]))[0] == 1.0
