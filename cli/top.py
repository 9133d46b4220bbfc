"""`bumptui top`: the box and the bumptui jobs alive on it (tui/top.py), without torch."""

from __future__ import annotations

from pathlib import Path

from bumptui.engine.autoencoder.runs.log import RunError


def add_parser(sub, name: str, help: str) -> None:
    top = sub.add_parser(name, help=help, description=help)
    top.add_argument("--runs-root", default="runs", help="where to look for live runs (default runs/)")


def cmd_top(args, argv) -> int:
    # The command line's second door into the user interface, as `bumptui` with no command is.
    from bumptui.tui.top import TopApp

    root = Path(args.runs_root)
    if root.exists() and not root.is_dir():
        raise RunError(f"{root} is a file, not a folder of runs.")
    TopApp(runs_root=root).run()
    return 0


COMMANDS = {"top": cmd_top}
