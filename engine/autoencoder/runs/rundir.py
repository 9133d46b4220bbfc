"""A run directory's shared layout: a folder per job (the training's is the run's own), each with
its config.json, an append-only metrics.jsonl and its checkpoints, and one lock for them all.

    runs/<name>/config.json, metrics.jsonl, checkpoints/, lock      the training run
    runs/<name>/<folder>/config.json, metrics.jsonl, checkpoints/   a job inside it (sharpen/, cluster/)

Each kind names its own folder and checkpoints (jobs/<kind>/kind.py).
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from bumptui.engine import guarded
from bumptui.engine.autoencoder.runs.log import METRICS, Damaged, MetricsTail, RunError, damaged_name, parse_json, why_failed

CONFIG = "config.json"
MAX_CONFIG = 1 << 20
"""No config.json the program writes comes near this: a larger one is damaged."""
CHECKPOINTS = "checkpoints"


def new_run_name(prefix: str = "ae") -> str:
    """A fresh run directory name from the time, as runs/ lists them: ae-20261129-171500."""
    return datetime.now().strftime(f"{prefix}-%Y%m%d-%H%M%S")


def has_record(folder: Path) -> bool:
    """Whether a job has already been recorded in `folder`."""
    return (folder / METRICS).exists() or (folder / CONFIG).exists()


def write_config(folder: Path, config: dict) -> None:
    path = Path(folder) / CONFIG
    try:
        guarded.replace_with(path, (json.dumps(config, indent=2) + "\n").encode())
    except OSError as err:
        raise RunError(f"{path} could not be written: {why_failed(err)}; "
                       f"{'the previous one is intact' if path.exists() else 'nothing was started'}. "
                       "Free space or fix permissions, then try again.") from None


class ConfigDamaged(RunError):
    """A config.json that is there but cannot be read as settings: not JSON, or a field wrong."""

    def __init__(self, message: str, path: Path, why: str) -> None:
        super().__init__(message)
        self.path, self.why = Path(path), why

    def read_from_log(self, what: str) -> str:
        """One sentence for a reader that goes on from the log alone: "<path> is damaged (<why>): the
        report is read from the log alone; ..." (what: "the report is read", "the run is shown")."""
        return (f"{self.path} is damaged ({self.why.rstrip('.')}): {what} from the log alone; `bumptui repair "
                f"{self.path.parent}` writes it again from the log.")


def read_config(folder: Path) -> dict:
    path = Path(folder) / CONFIG
    try:
        return parse_json(guarded.read(path, MAX_CONFIG), MAX_CONFIG)  # a FIFO or /dev/zero there: refused unread
    except (FileNotFoundError, NotADirectoryError):
        raise RunError(f"{folder} is not a run directory: it has no {CONFIG}.") from None
    except guarded.Refused as refused:
        raise ConfigDamaged(str(refused), path, refused.why) from None
    except OSError as err:
        raise RunError(f"{path} cannot be read: {why_failed(err)}.") from None
    except Damaged as why:
        raise ConfigDamaged(f"{path} is damaged: it is {why}. Move it away, or `bumptui repair` a training run's "
                            "folder, which writes it again from its log.", path, f"it is {why}") from None


def rebuild_config(run_dir: Path, damage: RunError) -> str:
    """config.json written again from the last settings the run's log recorded (its latest start), the
    damaged one kept beside it; what was done, in a line. `damage` (the reason it was unreadable) when
    the log records none."""
    from bumptui.engine.autoencoder.runs.events import JobStarted

    started = None
    for event in MetricsTail(Path(run_dir) / METRICS).events():
        if isinstance(event, JobStarted) and isinstance(event.config, dict):
            started = event
    if started is None:
        raise damage
    path = Path(run_dir) / CONFIG
    kept = ""
    if path.is_file():
        backup = damaged_name(path)
        os.replace(path, backup)
        kept = f"; the damaged one is kept as {backup}"
    elif path.exists() or path.is_symlink():
        raise RunError(f"{path} is not a file; move it away, then repair again.")
    write_config(Path(run_dir), started.config)
    return f"{path}: written again from the settings the log recorded last{kept}"


def read_settings(folder: Path, config_type, **checks):
    """The config.json in `folder` as config_type, every field checked (types, and ranges with
    `checks` passed to validated): RunError naming the first bad one."""
    try:
        return config_type.from_dict(read_config(folder)).validated(**checks)
    except config_type.ERROR as err:
        raise ConfigDamaged(f"{Path(folder) / CONFIG} is damaged: {err}", Path(folder) / CONFIG, str(err)) from None
