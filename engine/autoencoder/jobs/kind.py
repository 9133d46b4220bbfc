"""What a kind of job is: the one interface that training, sharpening and clustering (and any
kind a user or a test registers) implement, in the style of harlequin's HarlequinAdapter. The
runner, the command line and the app know a job only through it.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from bumptui.engine.autoencoder.settings import Settings


@dataclass(frozen=True)
class Plan:
    """A job's request checked against its run directory before anything is written: what the
    runner runs."""

    run_dir: Path
    config: Settings
    resume: bool
    run_config: Settings | None = None
    """The training run's config, for a job recorded inside a trained run (None for the training)."""
    notes: tuple[str, ...] = ()
    """Damage passed over that the job can work around, each said in one line before it runs."""

    def with_config(self, config: Settings) -> "Plan":
        return replace(self, config=config)


class JobKind(ABC):
    """One kind of job. A kind names itself, its Config (checked field by field) and its Record
    (folding its events), says where it records, checks a request (`prepare`), loads what it needs
    on its device (`load`), runs (`run`, emitting every event through the runner), and says how
    to resume it."""

    name: str
    """The registry's key and the command's name: "train", "sharpen", "cluster"."""
    doing: str
    """What the app says it is doing: "training", "sharpening", "clustering"."""
    config: type[Settings]
    record: type
    """Its Record (runs/record.py) subclass."""
    inside_run: bool = True
    """Whether it records inside a trained run (its command takes RUN_DIR) rather than making one."""
    name_prefix: str = "ae"
    """A new run directory's name, before its date and time (runs/ae-20261130-041500)."""
    watch_hint: str = ""
    """Added to "follow it with: bumptui watch RUN_DIR" after --detach (", then key 7")."""

    def read_config(self, run_dir: Path) -> Settings:
        """The job's recorded config, every field checked: RunError naming the first bad one."""
        from bumptui.engine.autoencoder.runs.rundir import read_settings

        return read_settings(self.folder(run_dir), self.config)

    def requested(self, run_dir: Path, config: Settings | None, resume: bool, nothing: str,
                  already: str) -> Settings | None:
        """The config a request runs with, checked against what the job's folder holds: resuming,
        the recorded config (every field checked, its log found sound) with the epochs asked for;
        otherwise `config` as given. RunError `nothing` when there is nothing to resume, `already`
        when a job is recorded there and --resume was not asked. Nothing is written."""
        from bumptui.engine.autoencoder.runs.log import RunError, check_log
        from bumptui.engine.autoencoder.runs.rundir import has_record

        folder = self.folder(run_dir)
        if resume:
            if not has_record(folder):
                raise RunError(nothing)
            check_log(folder, run_dir)
            stored = self.read_config(run_dir)
            return stored if config is None else replace(stored, epochs=config.epochs)
        if has_record(folder):
            raise RunError(already)
        return config

    def folder(self, run_dir: Path) -> Path:
        """Where the job records itself."""
        return self.record.folder(run_dir)

    @abstractmethod
    def prepare(self, run_dir: Path, config: Settings | None, resume: bool) -> Plan:
        """Check a request before anything is written: the Plan, or a user error with one sentence.
        config None when resuming: the stored one (a resume with a config takes its epochs)."""

    def load(self, plan: Plan, data_dir=None) -> tuple[Settings, Any]:
        """(the config as it runs, what `run` needs loaded, e.g. the data on its device); the config
        is the one written to config.json for a new job (its precision resolved, say)."""
        return plan.config, None

    @abstractmethod
    def run(self, plan: Plan, loaded: Any, job) -> dict | None:
        """Run the plan, every event through job.emit, checking job.cancel between batches: the
        summary (as in the Done event), or None when it stopped or failed."""

    def console_log(self, run_dir: Path) -> Path:
        """Where a detached job's console (its stdout and stderr) goes: <folder>/<name>.log."""
        return self.folder(run_dir) / f"{self.name}.log"

    def follow_command(self, run_dir: Path) -> str:
        """What a user types to follow the job from another terminal (after --detach)."""
        return f"bumptui watch {run_dir}{self.watch_hint}"

    @abstractmethod
    def resume_command(self, run_dir: Path) -> str:
        """The command that resumes it: "bumptui train --resume --run-dir runs/x"."""

    def execute(self, run: Path | str | Plan, config: Settings | None = None, *, resume: bool = False,
                callback: Callable[[object], None] | None = None, cancel: threading.Event | None = None,
                data_dir=None) -> dict | None:
        """Prepare (unless `run` is a Plan already checked) and start: what a script calls. User errors
        are raised before anything is written."""
        plan = run if isinstance(run, Plan) else self.prepare(Path(run), config, resume)
        return self.start(plan, callback, cancel, data_dir)

    def start(self, plan: Plan, callback: Callable[[object], None] | None = None,
              cancel: threading.Event | None = None, data_dir=None) -> dict | None:
        """Run a checked plan under the run's lock, recording it: see Runner."""
        from bumptui.engine.autoencoder.jobs.runner import Runner

        return Runner(self, plan, callback, cancel or threading.Event(), data_dir).run()
