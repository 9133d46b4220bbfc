"""`bumptui critical-h` and `bumptui trajectory`: the optimizer lab's answers for scripts."""

from __future__ import annotations

import argparse
import json

from engine.bump.escape import DEFAULT_MAX_STEPS, critical_height
from engine.bump.optimizers import OPTIMIZERS, OptimizerConfig
from engine.bump.trajectory import run_trajectory, validate_landscape
from engine.numbers import num

DEFAULTS = OptimizerConfig()


def _optimizer_options(p: argparse.ArgumentParser, default: str) -> None:
    p.add_argument("--optimizer", choices=list(OPTIMIZERS), default=default)
    p.add_argument("--lr", type=float, default=DEFAULTS.lr, help="learning rate alpha (default 0.3)")
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


def _config(args) -> OptimizerConfig:
    return OptimizerConfig(args.optimizer, args.lr, args.beta1, args.beta2, args.eps, args.weight_decay).validated()


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


COMMANDS = {"critical-h": cmd_critical_h, "trajectory": cmd_trajectory}
