"""The `bumptui` command: the app with no command, or one command, dispatched by name.

Only the chosen command's module is imported (and so only its engine: the job kinds bring torch),
so that `bumptui` opens the app after argparse and the app alone, and `bumptui critical-h` answers
in a blink. Each module builds its command's parser (`add_parser(sub, name, help)`) and runs it
(`COMMANDS[name](args, argv) -> exit code`); the job kinds' commands come from the registry.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module
from pathlib import Path

from bumptui.engine.errors import UserError

PIXELS = "digits in real pixels where the terminal draws them (kitty, sixel, iTerm2; key x on Digits)"
BUMP = {
    "critical-h": ("bumptui.cli.bump", "the tallest bump the optimizer gets over, by bisection"),
    "trajectory": ("bumptui.cli.bump", "every step of one optimizer on one bump"),
}
RUNS = {
    "report": ("bumptui.cli.train", "a run's scores as a table, and PNG grids of its reconstructions"),
    "repair": ("bumptui.cli.train", "keep the events of a run's damaged log before the damage (a backup first)"),
    "compare": ("bumptui.cli.sharpen", "plain (a) vs strategy 1 vs strategy 2 of a sharpened run, and PNG grids"),
    "watch": ("bumptui.cli.main", "open the app on a run started elsewhere, following it live"),
    "top": ("bumptui.cli.top", "the box (every GPU, CPU, RAM) and the bumptui jobs alive on it"),
    "export": ("bumptui.cli.export", "a run as TensorBoard event files: scalars, digit images, the embedding projector"),
}
WHERE = ("Where things go: runs in ./runs (--run-dir names another folder); saved landscapes in "
         "$XDG_CONFIG_HOME/bumptui (~/.config/bumptui); caches (the judge, UMAP's compiled code) in "
         "$XDG_CACHE_HOME/bumptui (~/.cache/bumptui), safe to delete. MNIST ships inside the program "
         "(--data-dir reads another copy); nothing is written where bumptui is installed.")


def commands() -> dict[str, tuple[str, str]]:
    """Each command: the module that builds and runs it, and its line in `bumptui --help`; every
    registered kind of job is one."""
    from bumptui.engine.autoencoder.jobs import registry

    return {**BUMP, **{name: ("bumptui.cli.jobs", entry.help) for name, entry in registry.KINDS.items()}, **RUNS}


class Parser(argparse.ArgumentParser):
    """argparse, but a mistake on the command line is one sentence and a pointer to --help, not the
    whole usage text."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


class Version(argparse.Action):
    """--version: the installed version, read from the package's metadata only when asked (reading
    it costs the first frame about 20 ms)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, help="print the installed version and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import PackageNotFoundError, version

        try:
            installed = version("bumptui")
        except PackageNotFoundError:  # run from a checkout that was never installed
            installed = "unknown (not installed)"
        print(f"bumptui {installed}")
        parser.exit(0)


def chosen(argv: list[str]) -> str | None:
    """The command named in argv: its first word that is not an option."""
    return next((a for a in argv if not a.startswith("-")), None)


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    """The parser, with the chosen command's options (the others are listed by name only)."""
    parser = Parser(prog="bumptui",
                    description="Optimizer and autoencoder labs in the terminal. With no command, opens the app.",
                    epilog=WHERE)
    parser.add_argument("--version", action=Version)
    parser.add_argument("--pixels", action="store_true", help=PIXELS)
    parser.add_argument("--landscape", metavar="NAME|EXPR",
                        help="open the optimizer lab on a landscape: a 2-D one by name (rosenbrock, beale, himmelblau, "
                             "saddle, quadratic, bump, or one saved in the lab) or typed, such as "
                             "'x**4 - 3*x**2 + y**2' (x alone: a 1-D curve in the 1-D lab)")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    name = chosen(argv)
    if name not in commands() and (name is not None or {"-h", "--help"} & set(argv)):
        from bumptui.engine.autoencoder.jobs import registry

        registry.add_installed()  # a kind an installed package adds
    for command, (module, help) in commands().items():
        if command == name:
            import_module(module).add_parser(sub, command, help)
        else:
            sub.add_parser(command, help=help, add_help=False)
    return parser


def add_parser(sub, name: str, help: str) -> None:
    watch = sub.add_parser("watch", help=help)
    watch.add_argument("run_dir")
    watch.add_argument("--pixels", action="store_true", default=argparse.SUPPRESS, help=PIXELS)


def cmd_app(args, argv) -> int:
    # The one door from the command line into the user interface (ignored by the pyproject contract).
    from bumptui.tui.app import BumptuiApp

    landscape = None
    if args.landscape is not None:  # refused in one sentence before the screen opens
        from bumptui.engine.surfaces.presets import resolve

        landscape = resolve(args.landscape)
    BumptuiApp(pixels=args.pixels, landscape=landscape).run()
    return 0


def cmd_watch(args, argv) -> int:
    from bumptui.engine.autoencoder.jobs.identify import read_anyway
    from bumptui.engine.autoencoder.runs.log import RunError
    from bumptui.tui.app import SHOWN_ON, BumptuiApp, not_shown

    run_dir = Path(args.run_dir)
    kind, _ = read_anyway(run_dir)  # not a run: one sentence, before the screen opens; a damaged
    # config.json whose log says what the run is: the app opens it from the log and says so
    if kind.name not in SHOWN_ON:
        raise RunError(not_shown(kind, run_dir))
    BumptuiApp(watch=run_dir, runs_root=run_dir.resolve().parent, pixels=args.pixels).run()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # `bumptui` as typed opens the app: building the parser of every command would
        # cost its first frame ~8 ms (BENCHMARKS.md)
        return carried_out(cmd_app, argparse.Namespace(command=None, pixels=False, landscape=None), argv)
    args = build_parser(argv).parse_args(argv)
    if args.command is None:
        return carried_out(cmd_app, args, argv)
    if args.command == "watch":
        return carried_out(cmd_watch, args, argv)
    return carried_out(import_module(commands()[args.command][0]).COMMANDS[args.command], args, argv)


def carried_out(command, args, argv: list[str]) -> int:
    """A command's exit code; a user's mistake is one sentence on stderr and exit 2."""
    try:
        return command(args, argv)
    except UserError as err:
        print(f"bumptui: {err}", file=sys.stderr)  # a user's mistake, told in one sentence
        return 2
    except BrokenPipeError:
        # The reader (`| head`) left early; that is not an error of ours.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
