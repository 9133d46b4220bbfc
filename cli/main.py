"""The `bumptui` command: the app with no sub-command, or one command of a family, dispatched by name."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli import bump, cluster, sharpen, train
from engine.bump.optimizers import ParameterError

FAMILIES = (bump, train, sharpen, cluster)
"""Each adds its sub-commands to the parser and maps their names to functions (args, argv) -> exit code."""


def USER_ERRORS() -> tuple[type, ...]:
    """The exception types that carry a sentence for the user (imported late: some bring torch)."""
    errors: list[type] = [ParameterError]
    for module, name in (("engine.autoencoder.mnist", "DataError"), ("engine.autoencoder.runs.log", "RunError"),
                         ("engine.autoencoder.config", "TrainingError")):
        if module in sys.modules:
            errors.append(getattr(sys.modules[module], name))
    return tuple(errors)


class Parser(argparse.ArgumentParser):
    """argparse, but a mistake on the command line is one sentence and a pointer to --help, not the
    whole usage text."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="bumptui",
        description="Optimizer and autoencoder labs in the terminal. With no command, opens the app.",
    )
    pixels = "digits in real pixels where the terminal draws them (kitty, sixel, iTerm2; key x on Digits)"
    parser.add_argument("--pixels", action="store_true", help=pixels)
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    for family in FAMILIES:
        family.add_parsers(sub)
    watch = sub.add_parser("watch", help="open the app on a run started elsewhere, following it live")
    watch.add_argument("run_dir")
    watch.add_argument("--pixels", action="store_true", default=argparse.SUPPRESS, help=pixels)
    return parser


def cmd_app(args, argv) -> int:
    # The one door from the command line into the user interface (ignored by the pyproject contract).
    from tui.app import BumptuiApp

    BumptuiApp(pixels=args.pixels).run()
    return 0


def cmd_watch(args, argv) -> int:
    from engine.autoencoder.runs.rundir import read_config
    from tui.app import BumptuiApp

    run_dir = Path(args.run_dir)
    read_config(run_dir)  # not a run: one sentence, before the screen opens
    BumptuiApp(watch=run_dir, runs_root=run_dir.resolve().parent, pixels=args.pixels).run()
    return 0


COMMANDS = {None: cmd_app, "watch": cmd_watch}
for _family in FAMILIES:
    COMMANDS.update(_family.COMMANDS)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args, argv)
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
