"""A run's lock: one writer at a time for a run directory and every job recorded inside it."""

from __future__ import annotations

import fcntl
import json
import os
import socket
from contextlib import contextmanager
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


@contextmanager
def folder_flock(folder: Path):
    """An exclusive flock on the folder itself, for a few lines: the kernel lets it go when the process
    dies, so it can never be left behind (and the folder gains no file for it)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing lets the flock go


class RunLock:
    """An exclusive lock file; a lock left by a dead process on this host is reported and taken over."""

    def __init__(self, run_dir: Path):
        self.path = run_dir / LOCK
        self.stale_pid: int | None = None
        self.held = False

    def acquire(self) -> "RunLock":
        # The lock is written whole under a name of this process's own, then linked to its name: it
        # appears with its owner in it, so a second process never reads an empty lock and takes it
        # for a dead one's (as it could between creating the file and writing it). A lock already
        # there is taken over only under the run folder's flock, re-read there: of processes finding
        # the same dead owner's lock at once, one takes it and the others find the new owner alive
        # (unlinking the lock outside that flock, a slower one removed the faster one's new lock).
        mine = self.path.with_name(f".{LOCK}.{os.getpid()}")
        mine.unlink(missing_ok=True)
        guarded.write_new(mine, json.dumps({"pid": os.getpid(), "host": socket.gethostname()}).encode())
        try:
            if not self._link(mine):
                with folder_flock(self.path.parent):
                    if not self._link(mine):  # still there: whose is it, now?
                        pid = self.refuse_if_held().get("pid")
                        self.stale_pid = pid if isinstance(pid, int) else -1
                        self.path.unlink(missing_ok=True)  # nobody else unlinks while this flock is held
                        if not self._link(mine):  # a new process linked its lock in between: it has the run
                            raise RunError(f"Run directory {self.path.parent} is in use by another process "
                                           "that started just now; wait for it to finish or stop it first.")
            self.held = True
            return self
        finally:
            mine.unlink(missing_ok=True)

    def _link(self, mine: Path) -> bool:
        try:
            os.link(mine, self.path)  # fails when the name is taken, by a file or a link
        except FileExistsError:
            return False
        return True

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
