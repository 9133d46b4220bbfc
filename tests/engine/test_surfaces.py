"""The optimizer lab's 2-D surfaces: each gradient is the loss's (against central differences), each
listed minimum is one, and arrays of points give what single points give."""

import math
import random

import numpy as np
import pytest

from bumptui.engine.bump.landscape import BumpLandscape
from bumptui.engine.surfaces import SURFACES, quadratic

H = 1e-6


def points(surface, n=25, seed=0):
    rng = random.Random(seed)
    x0, x1, y0, y1 = surface.view
    return [(rng.uniform(x0, x1), rng.uniform(y0, y1)) for _ in range(n)]


@pytest.mark.parametrize("name", list(SURFACES))
def test_each_gradient_is_its_losss(name):
    surface = SURFACES[name]()
    for x, y in points(surface):
        gx, gy = surface.grad(x, y)
        dx = (surface.loss(x + H, y) - surface.loss(x - H, y)) / (2 * H)
        dy = (surface.loss(x, y + H) - surface.loss(x, y - H)) / (2 * H)
        scale = max(1.0, abs(gx), abs(gy))
        assert abs(gx - dx) <= 1e-5 * scale and abs(gy - dy) <= 1e-5 * scale, (name, x, y, (gx, gy), (dx, dy))


@pytest.mark.parametrize("name", [n for n in SURFACES if n != "saddle"])
def test_each_listed_minimum_is_one(name):
    surface = SURFACES[name]()
    assert surface.minima
    for mx, my in surface.minima:
        gx, gy = surface.grad(mx, my)
        if name != "bump":  # the bump's minima are kinks: their gradient is 0 by definition
            assert math.hypot(gx, gy) < 1e-4, (name, mx, my, gx, gy)
        here = surface.loss(mx, my)
        for a in range(8):
            step = 1e-3 * math.cos(a * math.pi / 4), 1e-3 * math.sin(a * math.pi / 4)
            assert surface.loss(mx + step[0], my + step[1]) > here, (name, mx, my)


def test_the_saddle_rises_along_x_and_falls_along_y():
    surface = SURFACES["saddle"]()
    assert surface.grad(0.0, 0.0) == (0.0, 0.0)
    assert surface.loss(0.1, 0.0) > 0 > surface.loss(0.0, 0.1)


def test_the_bump_across_a_valley_is_the_1d_lab_along_its_floor():
    for h in (0.3, 0.5, 1.2):
        surface = SURFACES["bump"](bump_height=h)
        bump = BumpLandscape(bump_height=h)
        for x in np.linspace(-0.2, bump.global_min + 0.5, 41):
            assert surface.loss(x, 0.0) == bump.loss(x) and surface.grad(x, 0.0)[0] == bump.gradient(x)
        assert surface.grad(0.3, 0.4)[1] == 0.4


def test_the_quadratics_condition_number_is_its_ravines_steepness_ratio():
    for condition in (1.0, 10.0, 250.0):
        surface = quadratic(condition)
        assert surface.grad(1.0, 1.0) == (1.0, condition)
        assert surface.loss(0.0, 1.0) / surface.loss(1.0, 0.0) == pytest.approx(condition)
    with pytest.raises(ValueError, match="condition number must be greater than 0"):
        quadratic(0.0)


@pytest.mark.parametrize("name", list(SURFACES))
def test_a_grid_of_points_gives_what_single_points_give(name):
    surface = SURFACES[name]()
    xs, ys = map(np.array, zip(*points(surface, 50, seed=1)))
    losses, (gx, gy) = surface.loss(xs, ys), surface.grad(xs, ys)
    for i, (x, y) in enumerate(zip(xs.tolist(), ys.tolist())):
        assert losses[i] == pytest.approx(surface.loss(x, y), rel=1e-12)
        assert (gx[i], gy[i]) == pytest.approx(surface.grad(x, y), rel=1e-12)


TORCH = {  # the lab's optimizer -> torch.optim's, with the lab's hyper-parameters
    "gd": lambda p, c: __import__("torch").optim.SGD([p], lr=c.lr),
    "momentum": lambda p, c: __import__("torch").optim.SGD([p], lr=c.lr, momentum=c.beta1),
    "nesterov": lambda p, c: __import__("torch").optim.SGD([p], lr=c.lr, momentum=c.beta1, nesterov=True),
    "rmsprop": lambda p, c: __import__("torch").optim.RMSprop([p], lr=c.lr, alpha=c.beta2, eps=c.eps),
    "adam": lambda p, c: __import__("torch").optim.Adam([p], lr=c.lr, betas=(c.beta1, c.beta2), eps=c.eps),
    "adamw": lambda p, c: __import__("torch").optim.AdamW([p], lr=c.lr, betas=(c.beta1, c.beta2), eps=c.eps,
                                                         weight_decay=c.weight_decay),
}


@pytest.mark.parametrize("optimizer", list(TORCH))
@pytest.mark.parametrize("name", ["rosenbrock", "beale", "himmelblau"])
def test_every_optimizers_2d_steps_are_torch_optims(name, optimizer):
    import torch

    from bumptui.engine.bump.optimizers import OptimizerConfig
    from bumptui.engine.surfaces import run_walk

    surface = SURFACES[name]()
    lr = {"gd": 1e-3, "momentum": 1e-3, "nesterov": 1e-3}.get(optimizer, 0.05)  # a stable step for each
    config = OptimizerConfig(name=optimizer, lr=lr, eps=1e-8 if optimizer == "rmsprop" else 0.0)
    ours = run_walk(surface, config, 40)
    p = torch.tensor(surface.start, dtype=torch.float64, requires_grad=True)
    opt = TORCH[optimizer](p, config)
    for t in range(1, 41):
        x, y = p.detach().tolist()
        p.grad = torch.tensor(surface.grad(x, y), dtype=torch.float64)  # the exact gradient, at torch's own point
        opt.step()
        assert ours[t].point == pytest.approx(p.detach().tolist(), rel=1e-12, abs=1e-15), (name, optimizer, t)
    if optimizer in ("adam", "adamw"):
        # m is a sum of gradients of both signs that nearly cancel on Rosenbrock: to 1e-12 of the gradients' size
        state, scale = opt.state[p], max(abs(g) for r in ours[1:] for g in r.g)
        assert list(ours[-1].state["m"]) == pytest.approx(state["exp_avg"].tolist(), rel=1e-12, abs=1e-12 * scale)
        assert list(ours[-1].state["v"]) == pytest.approx(state["exp_avg_sq"].tolist(), rel=1e-12,
                                                              abs=1e-12 * scale**2)


def test_adam_with_eps_0_takes_no_step_along_a_coordinate_whose_gradient_is_0():
    # On the saddle started on y = 0 the gradient's y is 0 at every step: with eps = 0, m_hat / sqrt(v_hat)
    # is 0 / 0 there, which the lab (as the 1-D lab does at a kink) takes as no step; x moves as in 1-D.
    from bumptui.engine.bump.optimizers import OptimizerConfig
    from bumptui.engine.surfaces import run_walk

    steps = run_walk(SURFACES["saddle"](), OptimizerConfig(name="adam", lr=0.1, eps=0.0), 5, start=(1.0, 0.0))
    assert [r.point[1] for r in steps] == [0.0] * 6
    assert steps[1].point[0] == pytest.approx(0.9, rel=1e-12), "Adam's first step is lr * sign(g)"
    assert all(r.state["v_hat"][1] == 0.0 and r.step[1] == 0.0 for r in steps[1:])
    # torch.optim.Adam with eps=0 divides 0 by 0 there: its y becomes nan at the first step.
    import torch

    p = torch.tensor([1.0, 0.0], dtype=torch.float64, requires_grad=True)
    opt = TORCH["adam"](p, OptimizerConfig(name="adam", lr=0.1, eps=0.0))
    p.grad = torch.tensor(SURFACES["saddle"]().grad(1.0, 0.0), dtype=torch.float64)
    opt.step()
    assert p[0].item() == pytest.approx(steps[1].point[0], rel=1e-12) and math.isnan(p[1].item())
