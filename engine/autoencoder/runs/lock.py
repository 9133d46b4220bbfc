"""A run's lock: one writer at a time for a run directory and every job recorded inside it."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

from bumptui.engine.autoencoder.runs.log import Damaged, RunError, parse_json

LOCK = "lock"


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
            owner = parse_json(self.path.read_bytes() or b"{}", 4096)
            return owner if isinstance(owner, dict) else {}
        except (OSError, Damaged):
            return {}  # a lock torn by a crash during its own writing: nobody owns it

    def release(self) -> None:
        if self.held:
            self.path.unlink(missing_ok=True)
            self.held = False
