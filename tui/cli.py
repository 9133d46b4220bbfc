"""`bumptui` on the command line: the app with no sub-command, the engine's answers with one.

Kept free of Textual imports so that `bumptui critical-h` answers in a blink.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from engine.bump.escape import DEFAULT_MAX_STEPS, critical_height
from engine.numbers import num
from engine.bump.optimizers import OPTIMIZERS, OptimizerConfig, ParameterError
from engine.bump.trajectory import run_trajectory, validate_landscape
from tui import train_cli

DEFAULTS = OptimizerConfig()


def USER_ERRORS() -> tuple[type, ...]:
    """The exception types that carry a sentence for the user (imported late: some bring torch)."""
    errors: list[type] = [ParameterError]
    for module, name in (("engine.autoencoder.mnist", "DataError"), ("engine.autoencoder.runs.rundir", "RunError"), ("engine.autoencoder.config", "TrainingError")):
        if module in sys.modules:
            errors.append(getattr(sys.modules[module], name))
    return tuple(errors)


def _optimizer_options(p: argparse.ArgumentParser, default: str) -> None:
    p.add_argument("--optimizer", choices=list(OPTIMIZERS), default=default)
    p.add_argument("--lr", type=float, default=DEFAULTS.lr, help="learning rate alpha (default 0.3)")
    p.add_argument("--beta1", type=float, default=DEFAULTS.beta1, help="Adam's beta1; the momentum of momentum/nesterov")
    p.add_argument("--beta2", type=float, default=DEFAULTS.beta2, help="Adam's beta2; RMSProp's smoothing")
    p.add_argument("--eps", type=float, default=DEFAULTS.eps)
    p.add_argument("--weight-decay", type=float, default=DEFAULTS.weight_decay, help="AdamW's decoupled decay")
    p.add_argument("--distance", type=float, default=1.0, help="L, from the start o to the local minimum")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bumptui",
        description="Optimizer and autoencoder labs in the terminal. With no command, opens the app.",
    )
    sub = parser.add_subparsers(dest="command")
    crit = sub.add_parser("critical-h", help="the tallest bump the optimizer gets over, by bisection")
    _optimizer_options(crit, "adam")
    crit.add_argument("--max-steps", type=int, default=DEFAULT_MAX_STEPS)
    traj = sub.add_parser("trajectory", help="every step of one optimizer on one bump")
    _optimizer_options(traj, "adam")
    traj.add_argument("--height", type=float, default=0.5, help="h, the bump's height (default 0.5)")
    traj.add_argument("--steps", type=int, default=20)
    train_cli.add_parsers(sub)
    return parser


def _config(args) -> OptimizerConfig:
    return OptimizerConfig(
        args.optimizer, args.lr, args.beta1, args.beta2, args.eps, args.weight_decay
    ).validated()


def cmd_critical_h(args) -> None:
    config = _config(args)
    result = critical_height(config, args.distance, args.max_steps)
    if args.json:
        print(json.dumps({"optimizer": config.name, **result.as_dict()}))
        return
    label = OPTIMIZERS[config.name].label
    print(f"{label} from x = 0, local minimum at L = {num(args.distance)}, within {args.max_steps} steps:")
    print(f"  critical bump height h = {result.h_critical:.9f}")
    if not result.brackets:
        print(f"  it never gets past the local minimum (farthest x = {num(result.farthest_x)}), so no bump is escaped.")
        return
    turn = f", turns back at step {result.turn_back_step}" if result.turn_back_step else ""
    print(f"  against a bump it cannot pass it gets farthest to x = {num(result.farthest_x)} at step {result.farthest_step}{turn}.")
    print(f"Bisection, {len(result.brackets)} probes (a probe escapes if it reaches the peak x = L + h):")
    print(f"  {'probe h':>14} {'bracket lo':>14} {'bracket hi':>14}  outcome")
    for b in result.brackets:
        outcome = f"escapes at step {b.escaped_at}" if b.escaped_at is not None else "trapped"
        print(f"  {b.probe:14.9f} {b.lo:14.9f} {b.hi:14.9f}  {outcome}")


def cmd_trajectory(args) -> None:
    config = _config(args)
    landscape = validate_landscape(args.height, args.distance)
    records = run_trajectory(landscape, config, args.steps)
    fields = OPTIMIZERS[config.name].state_fields
    if args.json:
        print(json.dumps({"optimizer": config.name, "height": args.height, "distance": args.distance,
                          "steps": [r.as_dict(fields) for r in records]}))
        return
    cols = ["t", "x", "g", *fields, "dx", "f"]
    print("".join(f"{c:>12}" for c in cols))
    for r in records:
        row = r.as_dict(fields)
        print("".join(f"{'' if row[c] is None else num(row[c]):>12}" for c in cols))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    try:
        if args.command == "critical-h":
            cmd_critical_h(args)
        elif args.command == "trajectory":
            cmd_trajectory(args)
        elif args.command == "train":
            return train_cli.cmd_train(args, argv)
        elif args.command == "report":
            return train_cli.cmd_report(args)
        elif args.command == "sharpen":
            return train_cli.cmd_sharpen(args, argv)
        elif args.command == "compare":
            return train_cli.cmd_compare(args)
        elif args.command == "watch":
            from engine.autoencoder.runs.rundir import read_config
            from tui.app import BumptuiApp

            read_config(Path(args.run_dir))  # not a run: one sentence, before the screen opens
            BumptuiApp(watch=Path(args.run_dir), runs_root=Path(args.run_dir).resolve().parent).run()
        else:
            from tui.app import BumptuiApp

            BumptuiApp().run()
    except ValueError as err:
        # ParameterError, DataError, RunError and TrainingError: a user's mistake, told in one sentence.
        if not isinstance(err, USER_ERRORS()):
            raise
        print(f"bumptui: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (`| head`) left early; that is not an error of ours.
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
