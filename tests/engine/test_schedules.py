"""Learning-rate schedules against torch.optim.lr_scheduler, and gradient noise that replays exactly."""

import math

import pytest

from bumptui.engine.bump.optimizers import OptimizerConfig, ParameterError
from bumptui.engine.surfaces import SURFACES, SurfaceTrajectory, run_walk
from bumptui.engine.surfaces.schedules import Noise, Schedule
from tests.engine.test_surfaces import TORCH


def torch_scheduler(opt, schedule: Schedule):
    from torch.optim import lr_scheduler

    return {
        "step": lambda: lr_scheduler.StepLR(opt, step_size=schedule.every, gamma=schedule.gamma),
        "cosine": lambda: lr_scheduler.CosineAnnealingLR(opt, T_max=schedule.every),
        "warmup": lambda: lr_scheduler.LinearLR(opt, start_factor=1 / schedule.every, end_factor=1.0,
                                                total_iters=schedule.every - 1),
    }[schedule.kind]()


@pytest.mark.parametrize("text", ["step:7:0.5", "cosine:25", "warmup:10"])
@pytest.mark.parametrize("optimizer", list(TORCH))
def test_a_scheduled_walk_is_torch_optim_with_its_lr_scheduler(optimizer, text):
    import torch

    surface, schedule = SURFACES["beale"](), Schedule.parse(text)
    config = OptimizerConfig(name=optimizer, lr=surface.lr(optimizer), eps=1e-8 if optimizer == "rmsprop" else 0.0)
    ours = run_walk(surface, config, 30, schedule=schedule)
    p = torch.tensor(surface.start, dtype=torch.float64, requires_grad=True)
    opt = TORCH[optimizer](p, config)
    scheduler = torch_scheduler(opt, schedule)
    for t in range(1, 31):
        assert opt.param_groups[0]["lr"] == pytest.approx(config.lr * schedule.factor(t), rel=1e-12), t
        x, y = p.detach().tolist()
        p.grad = torch.tensor(surface.grad(x, y), dtype=torch.float64)
        opt.step()
        scheduler.step()
        assert ours[t].point == pytest.approx(p.detach().tolist(), rel=1e-12, abs=1e-15), (optimizer, text, t)


def test_schedule_values_per_step():
    assert [Schedule.parse("step:2:0.5").factor(t) for t in range(1, 7)] == [1, 1, 0.5, 0.5, 0.25, 0.25]
    cosine = Schedule.parse("cosine:4")
    assert [cosine.factor(t) for t in (1, 3, 5, 7, 9)] == pytest.approx([1, 0.5, 0, 0.5, 1]), "periodic, as torch's"
    assert [Schedule.parse("warmup:4").factor(t) for t in range(1, 7)] == [0.25, 0.5, 0.75, 1, 1, 1]
    assert Schedule.parse("constant").factor(1000) == 1 and Schedule.parse("cosine:200").text == "cosine:200"
    for bad, says in [("linear", "is not a schedule"), ("step:0:0.5", "from 1 to 1,000,000"),
                      ("step:10:2", "factor G must be in (0, 1]"), ("cosine:x", "whole numbers")]:
        with pytest.raises(ParameterError, match=says.replace("(", r"\(").replace(")", r"\)")):
            Schedule.parse(bad)


def test_noise_replays_exactly_and_changes_with_its_seed():
    surface, config = SURFACES["himmelblau"](), OptimizerConfig(name="adam", lr=0.1)
    noisy = SurfaceTrajectory(surface, config, noise=Noise(0.5, seed=3))
    noisy.run(40)
    fortieth = noisy.current
    for _ in range(15):
        noisy.back()
    noisy.run(15)
    assert noisy.current == fortieth, "back and forward again: the same noise at every step"
    assert run_walk(surface, config, 40, noise=Noise(0.5, seed=3))[-1] == fortieth, "replayed from its seed"
    other = run_walk(surface, config, 40, noise=Noise(0.5, seed=4))[-1]
    plain = run_walk(surface, config, 40)
    assert other.point != fortieth.point and plain[-1].point != fortieth.point
    assert run_walk(surface, config, 40, noise=Noise(0.0, seed=3))[-1] == plain[-1], "sigma 0 is no noise"
    clean = surface.grad(*plain[0].point)
    assert not math.isclose(noisy.records[1].g[0], clean[0]), "the recorded g is the noisy one the step used"
    with pytest.raises(ParameterError, match="noise must be a number 0 or more"):
        Noise(-1.0)
