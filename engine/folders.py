"""Where bumptui keeps what is the user's, never inside the installed package (which may be
read-only): settings in config_dir(), what is kept between runs to save time (the judge, numba's
compiled code) in cache_dir(), and runs in ./runs unless a command is given --run-dir."""

from __future__ import annotations

import os
from pathlib import Path


def _xdg(variable: str, default: str) -> Path:
    # The XDG base directory specification: a relative value is to be ignored.
    base = os.environ.get(variable, "")
    return Path(base if os.path.isabs(base) else Path.home() / default) / "bumptui"


def config_dir() -> Path:
    """$XDG_CONFIG_HOME/bumptui, else ~/.config/bumptui."""
    return _xdg("XDG_CONFIG_HOME", ".config")


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/bumptui, else ~/.cache/bumptui: anything here can be deleted at any time."""
    return _xdg("XDG_CACHE_HOME", ".cache")
