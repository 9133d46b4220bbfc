"""A run directory: config.json, an append-only metrics.jsonl, atomic checkpoints and a lock.

    runs/<name>/config.json          what the run was asked to do
    runs/<name>/metrics.jsonl        one event a line, flushed and synced line by line
    runs/<name>/checkpoints/*.pt     the newest complete checkpoint of each model
    runs/<name>/lock                 who is writing (pid and host)
    runs/<name>/sharpen/             a sharpening of the run's models (config, metrics, checkpoints)
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

from engine.autoencoder.runs.events import from_record, to_record
from engine.autoencoder.config import TrainConfig

METRICS = "metrics.jsonl"
CONFIG = "config.json"
LOCK = "lock"
SHARPEN = "sharpen"


def sharpen_dir(run_dir) -> Path:
    """Where a sharpening of the run's models records itself (under the run's own lock)."""
    return Path(run_dir) / SHARPEN


class RunError(ValueError):
    """A run directory a user named cannot be used as asked; the message says why."""


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


class MetricsWriter:
    def __init__(self, path: Path):
        self._f = open(path, "a", encoding="utf-8")

    def write(self, event) -> None:
        self._f.write(json.dumps(to_record(event), separators=(",", ":")) + "\n")
        self._f.flush()
        os.fsync(self._f.fileno())

    def close(self) -> None:
        self._f.close()


class MetricsTail:
    """Reads metrics.jsonl as it grows. A last line without its newline is torn (its writer is
    mid-write or died): it is left for the next poll. A bad complete line is an error naming it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.offset = 0
        self.line_no = 0

    def poll(self) -> list:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return []
        events = []
        end = data.rfind(b"\n") + 1
        for raw in data[:end].splitlines():
            self.line_no += 1
            try:
                events.append(from_record(json.loads(raw)))
            except (ValueError, KeyError, TypeError):
                raise RunError(f"{self.path} line {self.line_no} is not a valid event; the log is damaged there.") from None
        self.offset += end
        return events


def read_events(run_dir: Path) -> list:
    """Every complete event of a run so far."""
    return MetricsTail(Path(run_dir) / METRICS).poll()


def save_atomic(obj, path: Path) -> None:
    """torch.save to a temp file beside `path`, synced, then renamed over it: a crash at any point
    leaves either the old file or the new one, never a half-written one, and no temp file."""
    import torch

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            torch.save(obj, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def load_checkpoint(path: Path) -> dict:
    """A checkpoint written by save_atomic; RunError naming the file if it cannot be read back."""
    import torch

    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise RunError(f"{path} is missing.") from None
    except Exception as err:  # torch reports a damaged file in several ways: unpickling, zip, EOF
        raise RunError(f"{path} is damaged and cannot be read ({type(err).__name__}); "
                       "move it away to train that model again.") from None


def write_config(run_dir: Path, config: dict) -> None:
    tmp = run_dir / f".{CONFIG}.tmp"
    tmp.write_text(json.dumps(config, indent=2) + "\n")
    os.replace(tmp, run_dir / CONFIG)


def read_config(run_dir: Path) -> dict:
    path = Path(run_dir) / CONFIG
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise RunError(f"{run_dir} is not a run directory: it has no {CONFIG}.") from None
    except ValueError:
        raise RunError(f"{path} is damaged: it is not valid JSON.") from None


def prepare_run_dir(run_dir: Path, config: TrainConfig | None, resume: bool) -> TrainConfig:
    """Create a new run directory or reopen one to resume; returns the config to run."""
    has_run = (run_dir / METRICS).exists() or (run_dir / CONFIG).exists()
    if resume:
        if not has_run:
            raise RunError(f"There is no run to resume in {run_dir}.")
        stored = TrainConfig.from_dict(read_config(run_dir))
        merged = stored if config is None else TrainConfig(**{**stored.as_dict(), "epochs": config.epochs,
                                                              "latent_dims": stored.latent_dims})
        return merged.validated()
    if has_run:
        raise RunError(f"{run_dir} already holds a run; pass --resume to continue it or choose another run directory.")
    return (config or TrainConfig()).validated()
