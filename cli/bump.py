"""`bumptui critical-h` and `bumptui trajectory`: the optimizer lab's answers for scripts."""

from __future__ import annotations

import argparse
import json

from bumptui.engine.bump.escape import DEFAULT_MAX_STEPS, critical_height
from bumptui.engine.bump.optimizers import OPTIMIZERS, OptimizerConfig, ParameterError
from bumptui.engine.bump.trajectory import run_trajectory, validate_landscape
from bumptui.engine.numbers import num

DEFAULTS = OptimizerConfig()


def _optimizer_options(p: argparse.ArgumentParser, default: str) -> None:
    p.add_argument("--optimizer", choices=list(OPTIMIZERS), default=default)
    p.add_argument("--lr", type=float, default=None,
                   help="learning rate alpha (default 0.3; on a 2-D landscape, the one it suggests)")
    p.add_argument("--beta1", type=float, default=DEFAULTS.beta1, help="Adam's beta1; the momentum of momentum/nesterov")
    p.add_argument("--beta2", type=float, default=DEFAULTS.beta2, help="Adam's beta2; RMSProp's smoothing")
    p.add_argument("--eps", type=float, default=DEFAULTS.eps)
    p.add_argument("--weight-decay", type=float, default=DEFAULTS.weight_decay, help="AdamW's decoupled decay")
    p.add_argument("--distance", type=float, default=1.0, help="L, from the start o to the local minimum")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def add_parser(sub, name: str, help: str) -> None:
    p = sub.add_parser(name, help=help)
    _optimizer_options(p, "adam")
    if name == "critical-h":
        p.add_argument("--max-steps", type=int, default=DEFAULT_MAX_STEPS)
    else:
        p.add_argument("--height", type=float, default=0.5, help="h, the bump's height (default 0.5)")
        p.add_argument("--steps", type=int, default=20)
        p.add_argument("--landscape", metavar="NAME|EXPR",
                       help="walk on a 2-D landscape instead of the bump: a name (bump, rosenbrock, beale, himmelblau, "
                            "saddle, quadratic, or one saved in the lab) or an expression in x and y such as "
                            "'x**4 - 3*x**2 + y**2' (x alone: a 1-D curve)")
        p.add_argument("--start", type=float, nargs="+", metavar="X [Y]",
                       help="where a --landscape walk starts (default: the landscape's own start)")
        p.add_argument("--schedule", default="constant",
                       help="a --landscape walk's learning-rate schedule: constant, step:S:G, cosine:T or warmup:W "
                            "(torch's StepLR, CosineAnnealingLR, LinearLR)")
        p.add_argument("--noise", type=float, default=0.0, metavar="SIGMA",
                       help="a --landscape walk's gradient noise: SIGMA * N(0, 1) per coordinate and step")
        p.add_argument("--seed", type=int, default=0, help="the noise's seed: the same seed, the same walk")


def _config(args, lr: float = DEFAULTS.lr) -> OptimizerConfig:
    lr = lr if args.lr is None else args.lr
    return OptimizerConfig(args.optimizer, lr, args.beta1, args.beta2, args.eps, args.weight_decay).validated()


def cmd_critical_h(args, argv) -> int:
    config = _config(args)
    result = critical_height(config, args.distance, args.max_steps)
    if args.json:
        print(json.dumps({"optimizer": config.name, **result.as_dict()}))
        return 0
    label = OPTIMIZERS[config.name].label
    print(f"{label} from x = 0, local minimum at L = {num(args.distance)}, within {args.max_steps} steps:")
    print(f"  critical bump height h = {result.h_critical:.9f}")
    if not result.brackets:
        print(f"  it never gets past the local minimum (farthest x = {num(result.farthest_x)}), so no bump is escaped.")
        return 0
    turn = f", turns back at step {result.turn_back_step}" if result.turn_back_step else ""
    print(f"  against a bump it cannot pass it gets farthest to x = {num(result.farthest_x)} at step {result.farthest_step}{turn}.")
    print(f"Bisection, {len(result.brackets)} probes (a probe escapes if it reaches the peak x = L + h):")
    print(f"  {'probe h':>14} {'bracket lo':>14} {'bracket hi':>14}  outcome")
    for b in result.brackets:
        outcome = f"escapes at step {b.escaped_at}" if b.escaped_at is not None else "trapped"
        print(f"  {b.probe:14.9f} {b.lo:14.9f} {b.hi:14.9f}  {outcome}")
    return 0


def cmd_trajectory(args, argv) -> int:
    if args.landscape is not None:
        return walk_on_landscape(args)
    if args.start is not None:
        raise ParameterError("--start is for a --landscape walk; on the bump every walk starts at o (x = 0).")
    if args.schedule != "constant" or args.noise:
        raise ParameterError("--schedule and --noise are for a --landscape walk.")
    config = _config(args)
    landscape = validate_landscape(args.height, args.distance)
    records = run_trajectory(landscape, config, args.steps)
    fields = OPTIMIZERS[config.name].state_fields
    if args.json:
        print(json.dumps({"optimizer": config.name, "height": args.height, "distance": args.distance,
                          "steps": [r.as_dict(fields) for r in records]}))
        return 0
    cols = ["t", "x", "g", *fields, "dx", "f"]
    print("".join(f"{c:>12}" for c in cols))
    for r in records:
        row = r.as_dict(fields)
        print("".join(f"{'' if row[c] is None else num(row[c]):>12}" for c in cols))
    return 0


def walk_on_landscape(args) -> int:
    """`trajectory --landscape`: every step on a named or typed landscape, each moment per coordinate."""
    from bumptui.engine.surfaces import run_walk
    from bumptui.engine.surfaces.walk import diverged_at
    from bumptui.engine.surfaces.presets import resolve
    from bumptui.engine.surfaces.schedules import Noise, Schedule

    schedule, noise = Schedule.parse(args.schedule), Noise(args.noise, args.seed)
    surface = resolve(args.landscape, tuple(args.start) if args.start else None)
    config = _config(args, surface.lr(args.optimizer))
    records = run_walk(surface, config, args.steps, schedule=schedule, noise=noise)
    diverged = diverged_at(records)
    fields = OPTIMIZERS[config.name].state_fields
    names = surface.variables
    if args.json:
        print(json.dumps({"optimizer": config.name, "landscape": surface.name, "expression": surface.expression,
                          "diverged_at": diverged,
                          "variables": list(names), "start": list(records[0].point),
                          "config": {"lr": config.lr, "beta1": config.beta1, "beta2": config.beta2, "eps": config.eps,
                                     "weight_decay": config.weight_decay},
                          "schedule": schedule.text, "noise": {"sigma": noise.sigma, "seed": noise.seed},
                          "steps": [r.as_dict(names, fields) for r in records]}))
        return 0
    label = OPTIMIZERS[config.name].label
    print(f"{label} on {surface.expression or surface.name} (lr {num(config.lr)}): g, the moments and the step "
          f"are given per coordinate ({', '.join(names)}); g is the gradient at the previous point.")
    vectors = ["g", *fields, "step"]
    cols = ["t", *names, "F"] + [f"{k}_{v}" for k in vectors for v in names]
    print(" ".join(f"{c:>12}" for c in cols))  # a space between: -1.17508e+56 fills a column
    for r in records[:None if diverged is None else diverged + 1]:
        row = [str(r.t), *(num(p) for p in r.point), num(r.f)]
        for k in vectors:
            value = r.g if k == "g" else r.step if k == "step" else r.state.get(k)
            row += [""] * len(names) if value is None else [num(v) for v in value]
        print(" ".join(f"{c:>12}" for c in row))
    if diverged is not None:
        print(f"The walk diverged at step {diverged}: its steps outgrew a float, so the {args.steps - diverged} steps "
              f"after it (not finite numbers) are not shown; lower --lr.")
    return 0


COMMANDS = {"critical-h": cmd_critical_h, "trajectory": cmd_trajectory}
