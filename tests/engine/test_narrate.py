from bumptui.engine.bump.landscape import BumpLandscape
from bumptui.engine.bump.narrate import describe
from bumptui.engine.bump.optimizers import OptimizerConfig
from bumptui.engine.bump.trajectory import Trajectory


def walk(name, h, steps):
    traj = Trajectory(BumpLandscape(bump_height=h), OptimizerConfig(name))
    traj.run(steps)
    return describe(traj)


def test_gd_trapped_sentence_names_both_points_and_their_losses():
    assert walk("gd", 0.5, 6) == "GD is trapped between x = 0.9 and x = 1.2 (F = Fmin + 0.1 and + 0.2)."


def test_adam_passing_the_peak_names_the_step():
    assert walk("adam", 0.4, 6).startswith("Adam passed the peak at step 6")


def test_adam_turning_back_says_where_and_that_it_stays_trapped():
    text = walk("adam", 0.5, 7)
    assert "turned back at step 7 from x = 1.41018" in text
    assert "trapped, as h = 0.5 > critical h = 0.410184" in text


def test_start_and_descent_sentences():
    assert "starts at o" in walk("adam", 0.5, 0)
    assert "sliding down" in walk("adam", 0.5, 2)
    assert "climbing the bump" in walk("adam", 0.5, 5) and "momentum" in walk("adam", 0.5, 5)


def test_a_walk_that_jumps_across_the_bump_is_not_said_to_settle():
    # RMSProp with eps 0 makes its first step lr / sqrt(1 - beta2) long: it never settles anywhere.
    traj = Trajectory(BumpLandscape(bump_height=0.5), OptimizerConfig("rmsprop"))
    traj.run(5)
    xs = traj.xs()[-4:]
    text = describe(traj)
    assert "settling" not in text and "jumped past the peak at step 1" in text
    assert f"swings between {min(xs):.6g} and {max(xs):.6g}" in text and min(xs) < 0 < 8 < max(xs)
