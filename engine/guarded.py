"""Files in folders bumptui was handed, which may come from anywhere (a run copied from a GPU box, a
colleague's folder, logs another program wrote): the one way the program opens them.

- A write stays inside its folder: every folder between the one the user named and the file is a
  real folder (not a link), made here when missing, and the file itself is opened without following
  a link (O_NOFOLLOW), as a regular file. A link where bumptui would write is refused in one sentence
  before anything is written, so a folder cannot point a write at a file outside it.
- A read is of a regular file only (a FIFO, a device or a socket is refused, opened without blocking
  and checked with fstat) and bounded: a file larger than the program ever writes there is refused
  before it is read.

The folder the user named may itself be a link (runs/ on a scratch disk); what lies inside it is
checked. Nothing here knows what the files hold.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from bumptui.engine.errors import UserError


class Refused(UserError):
    """A file or folder the program will not open as asked; the message says which and why, `why` the
    reason in the few words a listing shows."""

    def __init__(self, message: str, why: str = "") -> None:
        super().__init__(message)
        self.why = why or message


def why_failed(err: OSError) -> str:
    """What a failed read or write means to a person: a full disk, a used-up quota, no permission."""
    reasons = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
               errno.EACCES: "permission is denied", errno.EPERM: "permission is denied",
               errno.EROFS: "the file system is read-only"}
    return reasons.get(err.errno, err.strerror or str(err))


def _not_regular(path: Path) -> Refused:
    return Refused(f"{path} is not a regular file (a folder, a pipe or a device); move it away, then try again.",
                   "not a regular file: a folder, a pipe or a device")


def _link_refused(path: Path, top: Path) -> Refused:
    try:
        target = f" (to {os.readlink(path)})"
    except OSError:
        target = ""
    return Refused(f"{path} is a link{target}; bumptui writes only inside {top} and follows no link there. "
                   "Move the link away, then try again.")


def folder(top: Path, *parts: str | Path) -> Path:
    """top/parts..., `top` (the folder the user named, which may be a link) and each folder below it
    made when missing, those below it checked to be real folders."""
    top = Path(top)
    top.mkdir(parents=True, exist_ok=True)
    here = top
    inside = Path(*parts) if parts else Path()
    if inside.is_absolute() or ".." in inside.parts:
        raise Refused(f"{inside} is not a folder inside {top}.")
    for part in inside.parts:
        here = here / part
        try:
            os.mkdir(here)
        except FileExistsError:
            pass
        except OSError as err:
            raise Refused(f"{here} cannot be made: {why_failed(err)}.") from None
        mode = os.lstat(here).st_mode
        if stat.S_ISLNK(mode):
            raise _link_refused(here, top)
        if not stat.S_ISDIR(mode):
            raise Refused(f"{here} is not a folder; move it away, then try again.")
    return here


def _open(path: Path, flags: int, mode: int = 0o644) -> int:
    """os.open that never blocks on a FIFO, of a regular file only; with O_NOFOLLOW (every write), a
    link at the last step is Refused."""
    try:
        fd = os.open(path, flags | os.O_NONBLOCK | os.O_CLOEXEC, mode)
    except OSError as err:
        if err.errno == errno.ELOOP and flags & os.O_NOFOLLOW:
            raise _link_refused(Path(path), Path(path).parent) from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise _not_regular(path)
    os.set_blocking(fd, True)
    return fd


def writable(path: Path) -> Path:
    """`path` when a write there would be made (it is missing, or a regular file): checked before a job
    spends time on what such a write would then refuse."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return Path(path)
    if stat.S_ISLNK(mode):
        raise _link_refused(Path(path), Path(path).parent)
    if not stat.S_ISREG(mode):
        raise _not_regular(path)
    return Path(path)


def append(path: Path):
    """The file opened to append to (and to read back its tail), made when missing: a binary file object."""
    fd = _open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW)
    return os.fdopen(fd, "rb+")


def write_new(path: Path, data) -> None:
    """Write a file that must not exist yet (a temp file): O_EXCL, so neither a file nor a link there is
    written through."""
    fd = _open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def replace_with(path: Path, data) -> None:
    """Write `path` whole: a new temp file beside it, synced, renamed over it (a rename replaces a link
    there, never writes through it). A crash leaves the old file or the new one and no temp file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        os.unlink(tmp)  # left by a killed process of the same number, or put there: a name, never followed
    except FileNotFoundError:
        pass
    try:
        write_new(tmp, data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _open_to_read(path: Path) -> int:
    """A descriptor of a regular file opened to read (links followed: reading through one writes
    nothing); a file where a folder of its path belongs reads as missing."""
    try:
        return _open(path, os.O_RDONLY)
    except NotADirectoryError:
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path)) from None


def open_read(path: Path):
    """A regular file opened to read as it grows (a log): a binary file object. Not bounded here: its
    reader bounds what it gathers (a log reader, a line)."""
    return os.fdopen(_open_to_read(path), "rb")


def read(path: Path, limit: int) -> bytes:
    """The whole of a regular file of at most `limit` bytes: a larger one, or one that is not a regular
    file, is Refused before it is read (links are followed: reading through one writes nothing)."""
    fd = _open_to_read(path)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise Refused(f"{path} is {size:,} bytes, more than bumptui ever writes there ({limit:,}); "
                          "it is not a file of a run. Move it away.", f"{size:,} bytes, more than the "
                          "program ever writes there")
        chunks, left = [], limit + 1  # a file still growing is read to its limit and no further
        while left > 0 and (data := os.read(fd, left)):
            chunks.append(data)
            left -= len(data)
        if left <= 0:
            raise Refused(f"{path} grew past {limit:,} bytes while it was read; it is not a file of a run.")
        return b"".join(chunks)
    finally:
        os.close(fd)
