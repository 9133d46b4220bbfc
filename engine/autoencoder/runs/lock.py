"""A run's lock: one writer at a time for a run directory and every job recorded inside it."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

from bumptui.engine import guarded
from bumptui.engine.autoencoder.runs.log import Damaged, RunError, parse_json

LOCK = "lock"
MAX_LOCK = 4096
"""A lock the program writes is a few dozen bytes."""


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
        # The lock is written whole under a name of this process's own, then linked to its name: it
        # appears with its owner in it, so a second process never reads an empty lock and takes it
        # for a dead one's (as it could between creating the file and writing it).
        mine = self.path.with_name(f".{LOCK}.{os.getpid()}")
        mine.unlink(missing_ok=True)
        guarded.write_new(mine, json.dumps({"pid": os.getpid(), "host": socket.gethostname()}).encode())
        try:
            for _ in range(2):
                try:
                    os.link(mine, self.path)  # fails when the name is taken, by a file or a link
                except FileExistsError:
                    pid = self.refuse_if_held().get("pid")
                    self.stale_pid = pid if isinstance(pid, int) else -1
                    self.path.unlink(missing_ok=True)
                    continue
                self.held = True
                return self
        finally:
            mine.unlink(missing_ok=True)
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
            owner = parse_json(guarded.read(self.path, MAX_LOCK) or b"{}", MAX_LOCK)
            return owner if isinstance(owner, dict) else {}
        except (OSError, Damaged, guarded.Refused):
            return {}  # a lock torn by a crash during its own writing: nobody owns it

    def release(self) -> None:
        if self.held:
            self.path.unlink(missing_ok=True)
            self.held = False
