"""Every kind of job's command (`bumptui train`, `sharpen`, `cluster`, and any kind registered):
one path for all of them. The kind's own flags come from its config's settings; --data-dir,
--resume, --detach and --json are declared here once. The command checks the request (every user
error before any work), then detaches, or runs it with a progress display and prints the result
with the kind's printer (its registry entry names it)."""

from __future__ import annotations

import json
import sys
import typing
from pathlib import Path

from bumptui.engine.autoencoder.jobs import registry
from bumptui.engine.autoencoder.settings import unwrapped

DATA_DIR_HELP = "MNIST files, or a torchvision root with MNIST/raw/ (default: the copy that ships with bumptui)"


def add_settings(parser, config_type) -> None:
    """One option per setting that has a flag, typed by its hint, all defaulting to None (not given)."""
    hints = config_type.hints()
    for name, s in config_type.settings().items():
        if s.flag is None:
            continue
        hint, _ = unwrapped(hints[name])
        options = {"dest": name, "default": None, "help": s.help or None, "metavar": s.metavar,
                   "choices": s.choices}
        args = typing.get_args(hint)
        if s.parse is not None or hint is str:
            options["type"] = str
        elif typing.get_origin(hint) is tuple:
            options["type"] = args[0]
            options["nargs"] = "+" if args[-1] is Ellipsis else len(args)
        else:
            options["type"] = hint
        parser.add_argument(s.flag, **{k: v for k, v in options.items() if v is not None})


def config_from_args(config_type, args):
    """The config the flags given ask for (the rest at their defaults; not yet validated)."""
    given = {}
    for name, s in config_type.settings().items():
        value = getattr(args, name, None) if s.flag else None
        if value is not None:
            given[name] = s.parse(value) if s.parse else tuple(value) if isinstance(value, list) else value
    return config_type(**given)


def add_parser(sub, name: str, help: str) -> None:
    kind = registry.kind(name)
    p = sub.add_parser(name, help=help)
    if kind.inside_run:
        p.add_argument("run_dir")
    add_settings(p, kind.config)
    p.add_argument("--data-dir", default=None, help=DATA_DIR_HELP)
    if not kind.inside_run:
        p.add_argument("--run-dir", default=None, help="default: runs/ae-<date>-<time>")
    what = f"the run's {kind.doing}" if kind.inside_run else "the run in --run-dir"
    p.add_argument("--resume", action="store_true", help=f"continue {what} from where it stopped")
    p.add_argument("--detach", action="store_true", help=f"{name} in a process of its own that outlives this terminal")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p.add_argument("--report", action="store_true", help=f"print what is recorded of the {kind.doing} and exit")
    p.add_argument("--tensorboard", default=None, metavar="DIR",
                   help="also write TensorBoard event files to DIR as it runs (tensorboard --logdir DIR)")


def cmd_job(args, argv: list[str]) -> int:
    from bumptui.cli.progress import detach, run_job
    from bumptui.engine.autoencoder.runs.log import RunError
    from bumptui.engine.autoencoder.runs.rundir import new_run_name

    kind = registry.kind(args.command)
    if kind.inside_run:
        run_dir = Path(args.run_dir)
    elif (args.resume or args.report) and not args.run_dir:
        raise RunError(f"--{'resume' if args.resume else 'report'} needs --run-dir: the run to "
                       f"{'continue' if args.resume else 'report on'}.")
    else:
        run_dir = Path(args.run_dir or Path("runs") / new_run_name(kind.name_prefix))
    if args.report:
        return report(kind, run_dir, args.json)
    resumed_as_stored = args.resume and getattr(args, "epochs", None) is None
    config = None if resumed_as_stored else config_from_args(kind.config, args)
    plan = kind.prepare(run_dir, config, args.resume)  # every user error before any work
    for note in plan.notes:
        print(f"bumptui: note: {note}", file=sys.stderr)
    if args.tensorboard:
        from bumptui.engine.autoencoder.tensorboard import writable

        writable(Path(args.tensorboard))  # a file, or a folder that cannot be written: one sentence, now
    if args.detach:
        return detach(kind, plan.run_dir, argv)
    summary = run_job(kind, plan, args)
    if isinstance(summary, int):
        return summary
    return registry.presented(kind.name, "show", show)(kind, plan, summary, args.json)


def report(kind, run_dir: Path, as_json: bool) -> int:
    """What is recorded of a kind's job in run_dir, printed by the kind's printer; nothing runs."""
    from bumptui.engine.autoencoder.jobs.kind import Plan
    from bumptui.engine.autoencoder.runs.log import RunError

    if not kind.record.metrics_path(run_dir).exists():
        raise RunError(f"Nothing of {kind.doing} is recorded in {run_dir}.")
    printer = registry.presented(kind.name, "show", show)
    return printer(kind, Plan(run_dir, kind.config(), False), kind.record.read(run_dir).summary(), as_json)


def show(kind, plan, summary: dict, as_json: bool) -> int:
    """A kind's summary as one JSON object, or as one `key: value` line per entry."""
    if as_json:
        print(json.dumps(summary))
        return 0
    print(f"{plan.run_dir}: {kind.doing} finished")
    for key, value in summary.items():
        print(f"{key}: {value}")
    return 0


class EveryKind(dict):
    """cmd_job for every name: the kinds are the registry's, whenever they were registered."""

    def __missing__(self, name: str):
        return cmd_job


COMMANDS = EveryKind()
