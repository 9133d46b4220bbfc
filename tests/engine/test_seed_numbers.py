"""The worked numbers of the lab's brief, step by step."""

import pytest

from bumptui.engine.bump.landscape import BumpLandscape
from bumptui.engine.bump.optimizers import OptimizerConfig
from bumptui.engine.bump.trajectory import Trajectory

def digits(value: float, shown: str) -> bool:
    """True when |value| begins with the digits the brief shows, as in "x5 = 1.35348..."."""
    return f"{abs(value):.12f}".startswith(shown)


ADAM = OptimizerConfig("adam", lr=0.3, beta1=0.9, beta2=0.999, eps=0.0)
GD = OptimizerConfig("gd", lr=0.3)


@pytest.mark.parametrize("h", [0.31, 0.5, 2.0])
def test_gd_is_trapped_between_0_9_and_1_2_for_any_bump_taller_than_its_step(h):
    land = BumpLandscape(bump_height=h)
    records = Trajectory(land, GD).run(200)
    xs = [r.x for r in records]
    assert xs[:5] == pytest.approx([0.0, 0.3, 0.6, 0.9, 1.2])
    assert xs[5::2] == pytest.approx([0.9] * len(xs[5::2]))
    assert xs[6::2] == pytest.approx([1.2] * len(xs[6::2]))
    fmin = land.f_local_min
    assert {round(land.loss(x) - fmin, 9) for x in xs[5:]} == {0.1, 0.2}
    assert max(xs) < land.peak


def test_adam_matches_gd_for_four_steps_then_momentum_carries_it_up_the_bump():
    records = Trajectory(BumpLandscape(bump_height=0.5), ADAM).run(7)
    gd = Trajectory(BumpLandscape(bump_height=0.5), GD).run(4)
    assert [r.x for r in records[:5]] == pytest.approx([r.x for r in gd])
    r5, r6, r7 = records[5], records[6], records[7]
    # The brief's magnitudes are forward-positive; with the gradient's sign m is negative moving right.
    assert r5.g == 1.0
    assert r5.m_hat < 0 and digits(r5.m_hat, "0.5116")
    assert r5.v_hat == pytest.approx(1.0)
    assert digits(r5.x, "1.35348")
    assert r6.m < 0 and digits(r6.m, "0.088559")
    assert r6.m_hat < 0 and digits(r6.m_hat, "0.18900")
    assert digits(r6.x, "1.41018")
    assert r7.dx < 0 < r6.dx, "Adam turns back at step 7"


def test_adam_moments_follow_algorithm_1_closed_forms():
    # With g = -1 for four steps then +1: m_t = 0.1 * sum of beta1^(t-s) g_s, bias-corrected.
    records = Trajectory(BumpLandscape(bump_height=0.5), ADAM).run(6)
    b1 = 0.9
    m4 = -(1 - b1**4)
    m5 = b1 * m4 + (1 - b1)
    assert records[4].m == pytest.approx(m4)
    assert records[5].m == pytest.approx(m5)
    assert records[5].m_hat == pytest.approx(m5 / (1 - b1**5))
    assert records[6].m_hat == pytest.approx((b1 * m5 + 0.1) / (1 - b1**6))


def test_adam_with_the_peak_at_1_2_sees_zero_gradient_and_is_past_the_bump_at_step_5():
    land = BumpLandscape(bump_height=0.2)
    r5 = Trajectory(land, ADAM).run(5)[5]
    assert r5.g == 0.0
    assert r5.m_hat < 0 and digits(r5.m_hat, "0.7558")
    assert r5.v_hat == pytest.approx(0.7996, abs=5e-5)  # the brief rounds this one
    assert digits(r5.x, "1.4535")
    assert r5.x > land.bump_foot
