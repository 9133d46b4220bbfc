"""Each optimizer against its torch.optim twin, on the same landscape, step by step."""

import pytest
import torch

from bumptui.engine.bump.landscape import BumpLandscape
from bumptui.engine.bump.optimizers import OptimizerConfig
from bumptui.engine.bump.trajectory import Trajectory

CASES = {
    "gd": (OptimizerConfig("gd", lr=0.3), lambda p, c: torch.optim.SGD([p], lr=c.lr)),
    "momentum": (
        OptimizerConfig("momentum", lr=0.1, beta1=0.8),
        lambda p, c: torch.optim.SGD([p], lr=c.lr, momentum=c.beta1),
    ),
    "nesterov": (
        OptimizerConfig("nesterov", lr=0.1, beta1=0.8),
        lambda p, c: torch.optim.SGD([p], lr=c.lr, momentum=c.beta1, nesterov=True),
    ),
    "rmsprop": (
        OptimizerConfig("rmsprop", lr=0.05, beta2=0.9, eps=1e-8),
        lambda p, c: torch.optim.RMSprop([p], lr=c.lr, alpha=c.beta2, eps=c.eps),
    ),
    "adam": (
        OptimizerConfig("adam", lr=0.3, beta1=0.9, beta2=0.999, eps=0.0),
        lambda p, c: torch.optim.Adam([p], lr=c.lr, betas=(c.beta1, c.beta2), eps=c.eps),
    ),
    "adam-eps": (
        OptimizerConfig("adam", lr=0.2, beta1=0.7, beta2=0.99, eps=0.1),
        lambda p, c: torch.optim.Adam([p], lr=c.lr, betas=(c.beta1, c.beta2), eps=c.eps),
    ),
    "adamw": (
        OptimizerConfig("adamw", lr=0.3, beta1=0.9, beta2=0.999, eps=0.0, weight_decay=0.05),
        lambda p, c: torch.optim.AdamW([p], lr=c.lr, betas=(c.beta1, c.beta2), eps=c.eps, weight_decay=c.weight_decay),
    ),
}


def torch_path(landscape, config, make, steps):
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = make(p, config)
    xs = [0.0]
    for _ in range(steps):
        p.grad = torch.tensor([landscape.gradient(p.item())], dtype=torch.float64)
        opt.step()
        xs.append(p.item())
    return xs


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("h", [0.25, 0.5])
def test_trajectory_matches_torch_optim(case, h):
    config, make = CASES[case]
    land = BumpLandscape(bump_height=h)
    ours = [r.x for r in Trajectory(land, config).run(60)]
    theirs = torch_path(land, config, make, 60)
    assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-12)
    assert max(ours) > land.local_min  # the comparison reached the bump, not only the first slope
