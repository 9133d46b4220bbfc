import json

import pytest

from bumptui.engine.bump.landscape import BumpLandscape
from bumptui.engine.bump.optimizers import OptimizerConfig
from bumptui.engine.bump.trajectory import Trajectory
from bumptui.cli.main import main
from tests.conftest import bumptui


def test_critical_h_json_for_the_seed(capsys):
    assert main(["critical-h", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    tall = Trajectory(BumpLandscape(bump_height=50), OptimizerConfig()).run(1000)
    assert out["h_critical"] == pytest.approx(max(r.x for r in tall) - 1.0, abs=1e-9)
    assert out["turn_back_step"] == 7
    assert len(out["brackets"]) > 25


def test_critical_h_follows_the_parameters(capsys):
    main(["critical-h", "--json", "--beta1", "0.95", "--distance", "2"])
    h95 = json.loads(capsys.readouterr().out)["h_critical"]
    main(["critical-h", "--json", "--distance", "2"])
    h90 = json.loads(capsys.readouterr().out)["h_critical"]
    assert h95 > h90 > 0


def test_critical_h_text_shows_the_bisection(capsys):
    main(["critical-h"])
    out = capsys.readouterr().out
    assert "critical bump height h = 0.4101842" in out
    assert "trapped" in out and "escapes at step 6" in out


def test_trajectory_json_has_every_adam_field_from_t_0(capsys):
    assert main(["trajectory", "--json", "--steps", "7", "--height", "0.5"]) == 0
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert [s["t"] for s in steps] == list(range(8))
    assert {"t", "x", "g", "m", "v", "m_hat", "v_hat", "dx", "f"} <= set(steps[5])
    assert steps[0]["x"] == 0.0 and steps[0]["g"] is None
    assert steps[6]["x"] == pytest.approx(1.41018, abs=1e-5)


def test_trajectory_gd_has_no_moment_fields(capsys):
    main(["trajectory", "--json", "--optimizer", "gd", "--steps", "6"])
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert "m" not in steps[1]
    assert [round(s["x"], 9) for s in steps] == [0, 0.3, 0.6, 0.9, 1.2, 0.9, 1.2]


@pytest.mark.parametrize(
    "args, words",
    [
        (["trajectory", "--height", "0"], "bump height"),
        (["trajectory", "--height", "-1"], "bump height"),
        (["trajectory", "--lr", "0"], "learning rate"),
        (["trajectory", "--lr", "nan"], "lr must be a finite number"),
        (["critical-h", "--beta1", "1"], "beta1 must be in [0, 1)"),
        (["critical-h", "--beta2", "-0.1"], "beta2 must be in [0, 1)"),
        (["critical-h", "--eps", "-1"], "eps must be 0 or more"),
        (["trajectory", "--eps", "1e-310"], "eps must be 0 or at least 1e-300"),
        (["critical-h", "--lr", "1e9"], "learning rate must be at most 1,000,000"),
        (["trajectory", "--steps", "0"], "number of steps must be from 1 to 1,000,000"),
        (["critical-h", "--max-steps", "0"], "step limit must be from 1 to 1,000,000"),
        (["critical-h", "--distance", "inf"], "distance L"),
    ],
)
def test_bad_values_exit_2_with_one_sentence(args, words):
    result = bumptui(*args, timeout=60)
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args, words", [
    (["trajectory", "--steps", "100000000"], "must be from 1 to 1,000,000"),
    (["critical-h", "--max-steps", "1000000000"], "must be from 1 to 1,000,000"),
])
def test_unbounded_work_is_capped_with_one_sentence(capsys, args, words):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1


def test_version_is_the_installed_one_and_help_lists_every_command():
    from importlib.metadata import version

    shown = bumptui("--version")
    assert shown.returncode == 0 and shown.stdout == f"bumptui {version('bumptui')}\n"
    listed = bumptui("--help").stdout
    for command in ("critical-h", "trajectory", "train", "sharpen", "cluster", "report", "repair", "compare", "watch"):
        assert f"    {command} " in listed, command
    assert "retrain a run's autoencoders with L1 + dis_net's loss" in listed, "a kind's line, from the registry"


def test_trajectory_on_a_2d_landscape_gives_every_moment_per_coordinate(capsys):
    from bumptui.engine.surfaces import SURFACES, run_walk

    assert main(["trajectory", "--landscape", "rosenbrock", "--optimizer", "adam", "--steps", "5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    surface = SURFACES["rosenbrock"]()
    walk = run_walk(surface, OptimizerConfig(name="adam", lr=surface.lr("adam")), 5)
    assert out["config"]["lr"] == surface.lr("adam"), "the landscape's own learning rate unless --lr says"
    assert out["variables"] == ["x", "y"] and out["start"] == [-1.2, 1.0]
    assert [(s["x"], s["y"]) for s in out["steps"]] == [r.point for r in walk]
    fifth = out["steps"][5]
    assert fifth["m_hat"] == list(walk[5].state["m_hat"]) and fifth["v_hat"] == list(walk[5].state["v_hat"])
    assert fifth["g"] == list(walk[5].g) and len(fifth["step"]) == 2


def test_trajectory_on_a_typed_landscape_in_text_and_in_x_alone(capsys):
    assert main(["trajectory", "--landscape", "x^4 - 3*x^2", "--optimizer", "gd", "--lr", "0.1",
                 "--start", "0.5", "--steps", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["t", "x", "F", "g_x", "step_x"]
    # x1 = 0.5 - 0.1 * (4 * 0.125 - 6 * 0.5) = 0.75
    assert lines[3].split()[:2] == ["1", "0.75"]


@pytest.mark.parametrize("args, words", [
    (["--landscape", "__import__('os').system('true')"], "system\", which is not one of exp"),
    (["--landscape", "x.__class__"], "uses attribute access"),
    (["--landscape", "log(x) + y", "--start", "0", "1"], "is not a finite number"),
    (["--landscape", "rosen"], "There is no landscape named 'rosen'"),
    (["--landscape", "himmelblau", "--start", "1"], "The start needs 2 coordinates (x, y), not 1."),
    (["--start", "1", "2"], "--start is for a --landscape walk"),
])
def test_a_refused_landscape_is_one_sentence(capsys, args, words):
    assert main(["trajectory", *args]) == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1


def test_the_app_refuses_a_landscape_before_its_screen_opens(capsys):
    assert main(["--landscape", "x.__class__"]) == 2
    err = capsys.readouterr().err
    assert "uses attribute access" in err and len(err.strip().splitlines()) == 1


def test_trajectory_with_a_schedule_and_noise_replays_from_its_seed(capsys):
    args = ["trajectory", "--landscape", "himmelblau", "--schedule", "warmup:5", "--noise", "0.5", "--seed", "7",
            "--steps", "8", "--json"]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out) == first, "the same seed, the same walk"
    assert first["schedule"] == "warmup:5" and first["noise"] == {"sigma": 0.5, "seed": 7}
    assert main(["trajectory", "--schedule", "cosine:10"]) == 2
    assert "--schedule and --noise are for a --landscape walk" in capsys.readouterr().err
