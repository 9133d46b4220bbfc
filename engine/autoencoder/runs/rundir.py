"""A run directory, the one place that knows its layout: config.json, an append-only metrics.jsonl,
atomic self-describing checkpoints and a lock.

    runs/judge.pt, runs/judge-subset<N>.pt     the judge, cached beside the runs (one per subset size)
    runs/<name>/config.json                    what the run was asked to do
    runs/<name>/metrics.jsonl                  one event a line, flushed and synced line by line
    runs/<name>/checkpoints/latent-<d>.pt      the newest complete checkpoint of each model
    runs/<name>/lock                           who is writing (pid and host)
    runs/<name>/sharpen/config.json, metrics.jsonl, <command>.log
    runs/<name>/sharpen/checkpoints/dis_net.pt        the trained scorer
    runs/<name>/sharpen/checkpoints/s<k>-<d>.pt       strategy k's G and D for the latent-d model
    runs/<name>/cluster/config.json, metrics.jsonl, <command>.log
    runs/<name>/cluster/checkpoints/idec-<d>.pt       IDEC's fine-tuned latent-d model and its centres
"""

from __future__ import annotations

import json
import os
import socket
from datetime import datetime
from dataclasses import dataclass, replace
from pathlib import Path

from engine.autoencoder.runs.log import METRICS, MetricsWriter, RunError, check_log, why_failed
from engine.autoencoder.config import TrainConfig

CONFIG = "config.json"
LOCK = "lock"
SHARPEN = "sharpen"
CLUSTER = "cluster"
CHECKPOINTS = "checkpoints"


def sharpen_dir(run_dir) -> Path:
    """Where a sharpening of the run's models records itself (under the run's own lock)."""
    return Path(run_dir) / SHARPEN


def cluster_dir(run_dir) -> Path:
    """Where a clustering of the run's models records itself (under the run's own lock)."""
    return Path(run_dir) / CLUSTER


def idec_path(run_dir: Path, latent: int) -> Path:
    """IDEC's fine-tuned latent-`latent` model, its centres and its target distribution."""
    return cluster_dir(run_dir) / CHECKPOINTS / f"idec-{latent}.pt"


def new_run_name() -> str:
    """A fresh run directory name from the time, as runs/ lists them: ae-20261129-171500."""
    return datetime.now().strftime("ae-%Y%m%d-%H%M%S")


def checkpoint_path(run_dir: Path, latent: int) -> Path:
    """The newest complete checkpoint of the run's latent-`latent` autoencoder."""
    return Path(run_dir) / CHECKPOINTS / f"latent-{latent}.pt"


def judge_path(run_dir: Path, subset: int | None) -> Path:
    """The judge is cached next to the runs: one for full MNIST, one per subset size."""
    name = "judge.pt" if subset is None else f"judge-subset{subset}.pt"
    return Path(run_dir).parent / name


def pair_path(run_dir: Path, key) -> Path:
    """A sharpening strategy's G and D for one model; `key` is its PairKey ("s1-16")."""
    return sharpen_dir(run_dir) / CHECKPOINTS / f"{key}.pt"


def scorer_path(run_dir: Path) -> Path:
    """The dis_net trained on clear vs blurred digits, which scores every model of a sharpening."""
    return sharpen_dir(run_dir) / CHECKPOINTS / "dis_net.pt"


def has_record(folder: Path) -> bool:
    """Whether a run (or a sharpening) has already been recorded in `folder`."""
    return (folder / METRICS).exists() or (folder / CONFIG).exists()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunLock:
    """An exclusive lock file; a lock left by a dead process on this host is reported and taken over."""

    def __init__(self, run_dir: Path):
        self.path = run_dir / LOCK
        self.stale_pid: int | None = None
        self.held = False

    def acquire(self) -> "RunLock":
        host = socket.gethostname()
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                pid = self.refuse_if_held().get("pid")
                self.stale_pid = pid if isinstance(pid, int) else -1
                self.path.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w") as f:
                json.dump({"pid": os.getpid(), "host": host}, f)
            self.held = True
            return self
        raise RunError(f"Run directory {self.path.parent} could not be locked; another process raced for it.")

    def refuse_if_held(self) -> dict:
        """RunError when a live process here, or any process on another host, holds the lock;
        otherwise the lock's owner as written ({} when there is none)."""
        owner = self.owner()
        pid, owner_host = owner.get("pid"), owner.get("host")
        if owner_host not in (None, socket.gethostname()):
            raise RunError(f"Run directory {self.path.parent} is locked by process {pid} on {owner_host}; "
                           "stop that run first, or remove its lock file if that machine is gone.")
        if self.live_pid() is not None:
            raise RunError(f"Run directory {self.path.parent} is in use by process {pid}; "
                           "wait for it to finish or stop it first.")
        return owner

    def live_pid(self) -> int | None:
        """The process holding the lock, if it is alive; None when nobody or a dead process does."""
        pid = self.owner().get("pid")
        return pid if isinstance(pid, int) and pid_alive(pid) else None

    def owner(self) -> dict:
        """Who holds the lock, as written in it: {"pid", "host"}; {} when nobody or unreadable."""
        try:
            return json.loads(self.path.read_text() or "{}")
        except (OSError, ValueError):
            return {}  # a lock torn by a crash during its own writing: nobody owns it

    def release(self) -> None:
        if self.held:
            self.path.unlink(missing_ok=True)
            self.held = False


def recorded(run_dir: Path, folder: Path, new_config, callback, load, body):
    """body(load(), emit, stale_lock_pid) under run_dir's lock, every event emitted written to
    folder/metrics.jsonl and passed to `callback`. new_config(loaded) (None when resuming) is written
    to folder/config.json once load() (the data on its device) has succeeded, so a run that could not
    start leaves no run behind. The lock is released however body ends."""
    (folder / CHECKPOINTS).mkdir(parents=True, exist_ok=True)
    lock = RunLock(run_dir).acquire()
    writer = None
    try:
        loaded = load()
        if new_config is not None:
            write_config(folder, new_config(loaded))
        writer = MetricsWriter(folder / METRICS)

        def emit(event) -> None:
            writer.write(event)
            if callback is not None:
                callback(event)

        return body(loaded, emit, lock.stale_pid)
    finally:
        if writer is not None:
            writer.close()
        lock.release()


def write_config(run_dir: Path, config: dict) -> None:
    tmp = run_dir / f".{CONFIG}.tmp"
    tmp.write_text(json.dumps(config, indent=2) + "\n")
    os.replace(tmp, run_dir / CONFIG)


def read_train_config(run_dir: Path) -> TrainConfig:
    """The run's config.json, every field checked (types and ranges); RunError naming the first bad one."""
    from engine.autoencoder.config import TrainingError

    path = Path(run_dir) / CONFIG
    try:
        return TrainConfig.from_dict(read_config(run_dir)).validated(check_device=False)
    except TrainingError as err:
        raise RunError(f"{path} is damaged: {err}") from None


def read_config(run_dir: Path) -> dict:
    path = Path(run_dir) / CONFIG
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, NotADirectoryError):
        raise RunError(f"{run_dir} is not a run directory: it has no {CONFIG}.") from None
    except OSError as err:
        raise RunError(f"{path} cannot be read: {why_failed(err)}.") from None
    except ValueError:
        raise RunError(f"{path} is damaged: it is not valid JSON.") from None


@dataclass(frozen=True)
class TrainingPlan:
    """A training request checked against its run directory: what run_training runs, unchecked."""

    run_dir: Path
    config: TrainConfig
    resume: bool


def prepare_run_dir(run_dir: Path, config: TrainConfig | None, resume: bool) -> TrainingPlan:
    """Check a request to create a new run directory or reopen one to resume, before anything is written."""
    run_dir = Path(run_dir)
    if run_dir.exists() and not run_dir.is_dir():
        raise RunError(f"{run_dir} is a file, not a folder; choose another run directory.")
    return TrainingPlan(run_dir, _checked_config(run_dir, config, resume), resume)


def _checked_config(run_dir: Path, config: TrainConfig | None, resume: bool) -> TrainConfig:
    has_run = has_record(run_dir)
    if resume:
        if not has_run:
            raise RunError(f"There is no run to resume in {run_dir}.")
        check_log(run_dir, run_dir)
        stored = read_train_config(run_dir)
        merged = stored if config is None else TrainConfig(**{**stored.as_dict(), "epochs": config.epochs,
                                                              "latent_dims": stored.latent_dims})
        return merged.validated()
    if has_run:
        raise RunError(f"{run_dir} already holds a run; pass --resume to continue it or choose another run directory.")
    return (config or TrainConfig()).validated()


def prepare_inside(run_dir: Path, folder: Path, config_type, config, resume: bool, noun: str, done: str):
    """Check a request for a job recorded inside a trained run (a sharpening, a clustering) before
    anything is written: (the run's TrainConfig, the job's config validated against its models).
    Resuming takes the stored config, with the epochs asked for; a job already recorded is refused
    without --resume; every model it needs must have a checkpoint, and the run must be free."""
    from engine.autoencoder.config import TrainingError

    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise RunError(f"There is no run directory {run_dir}.")
    train = read_train_config(run_dir)
    if resume:
        if not has_record(folder):
            raise RunError(f"{run_dir} has no {noun} to resume.")
        check_log(folder, run_dir)
        try:
            stored = config_type.from_dict(read_config(folder)).validated()
        except TrainingError as err:
            raise RunError(f"{folder / CONFIG} is damaged: {err}") from None
        config = stored if config is None else replace(stored, epochs=config.epochs)
    elif has_record(folder):
        raise RunError(f"{run_dir} is already {done} (in {folder}); pass --resume to continue it, "
                       f"or move {folder} away to start again.")
    config = (config or config_type()).validated(train.latent_dims)
    for d in config.latent_dims or train.latent_dims:
        if not checkpoint_path(run_dir, d).exists():
            raise RunError(f"{run_dir} has no trained latent-{d} model yet; train it first (bumptui train).")
    RunLock(run_dir).refuse_if_held()
    return train, config
