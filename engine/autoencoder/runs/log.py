"""A run's log, metrics.jsonl: one event a line, appended whole and synced, read as it grows,
checked before a run is continued, and repaired by keeping the events before a damaged line."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from bumptui.engine import guarded
from bumptui.engine.guarded import why_failed  # noqa: F401 (this module's name for it, as before)
from bumptui.engine.autoencoder.runs.events import ValueDamaged, from_record, to_record
from bumptui.engine.errors import UserError

METRICS = "metrics.jsonl"
CHUNK = 1 << 17
"""How much of a log a reader takes in at once."""


class RunError(UserError):
    """A run directory a user named cannot be used as asked; the message says why."""


class LogDamaged(RunError):
    """A log with a line that is not an event; `why` says how, in the few words a listing shows."""

    def __init__(self, message: str, why: str) -> None:
        super().__init__(message)
        self.why = why


MAX_LINE = 8 << 20
"""No line the program writes comes near this (an old log's inline pictures: 60 KB): a longer one is damaged."""


class Damaged(ValueError):
    """A file's text that is not what the program writes; the message says how, in a few words."""


def parse_json(raw: bytes | str, limit: int = MAX_LINE):
    """JSON text read back with the damage a copied or hostile file can hold turned into Damaged: a
    size beyond any the program writes, nesting deep enough to exhaust the parser, bytes that are not
    UTF-8, text that is not JSON."""
    if len(raw) > limit:
        raise Damaged(f"{len(raw):,} bytes, more than the program ever writes there")
    try:
        return json.loads(raw)
    except RecursionError:
        raise Damaged("nested deeper than the program ever writes") from None
    except MemoryError:
        raise Damaged("too large to read") from None
    except UnicodeDecodeError:
        raise Damaged("not UTF-8 text") from None
    except ValueError:
        raise Damaged("not valid JSON") from None


def parse_event(raw: bytes | str):
    """The event one log line holds; Damaged when it holds none."""
    try:
        return from_record(parse_json(raw))
    except ValueDamaged as why:
        raise Damaged(str(why)) from None
    except (KeyError, TypeError, AttributeError):
        raise Damaged("not an event the program writes") from None


def last_newline(fd: int, end: int) -> int:
    """The offset just after the last newline before `end` (0 when there is none), read backwards a
    chunk at a time."""
    while end > 0:
        start = max(0, end - CHUNK)
        found = os.pread(fd, end - start, start).rfind(b"\n")
        if found >= 0:
            return start + found + 1
        end = start
    return 0


class MetricsWriter:
    """Appends events to metrics.jsonl, one whole line each: a line that cannot be written in full is
    cut off again, so the log ends with its last complete line."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._f = guarded.append(self.path)  # a link or a pipe where the log belongs is refused
        end = self._f.seek(0, os.SEEK_END)
        if end and os.pread(self._f.fileno(), 1, end - 1) != b"\n":  # a writer that died mid-line: cut its
            self._f.truncate(last_newline(self._f.fileno(), end))  # torn line, or it would sit mid-log

    def write(self, event) -> None:
        line = (json.dumps(to_record(event), separators=(",", ":")) + "\n").encode("utf-8")
        end = self._f.seek(0, os.SEEK_END)
        try:
            self._f.write(line)
            self._f.flush()
            os.fsync(self._f.fileno())
        except OSError as err:
            try:
                self._f.truncate(end)
            except OSError:
                pass  # what reads the log leaves a torn last line alone
            raise RunError(f"{self.path} could not be written: {why_failed(err)}. The log up to its last "
                           "complete line is intact; free space or fix permissions, then resume the run.") from None

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
        """Every complete event written since the last poll."""
        return list(self.events())

    def events(self):
        """The complete events written since the last poll, one at a time, read in chunks of CHUNK
        bytes: a reader folding them holds one chunk of the log, never the whole of it."""
        f = open_log(self.path)
        if f is None:
            return
        with f:
            f.seek(self.offset)
            rest = bytearray()  # the line being gathered: never longer than MAX_LINE, so the reading is linear
            while chunk := f.read(CHUNK):
                end = chunk.rfind(b"\n") + 1
                if not end:
                    rest += chunk
                    if len(rest) > MAX_LINE:
                        self._damaged(self.line_no + 1, f"longer than {MAX_LINE:,} bytes, more than the program "
                                                        "ever writes")
                    continue
                for raw in bytes(rest + chunk[:end]).split(b"\n")[:-1]:
                    self.line_no += 1
                    try:
                        event = parse_event(raw)
                    except Damaged as why:
                        self._damaged(self.line_no, str(why))
                    self.offset += len(raw) + 1
                    yield event
                rest = bytearray(chunk[end:])

    def _damaged(self, line: int, why: str):
        raise LogDamaged(f"{self.path} line {line} is not a valid event ({why}); the log is damaged there.",
                         why) from None


def open_log(path: Path):
    """A log opened to read (None when there is none): a regular file, or one sentence (RunError)."""
    try:
        return guarded.open_read(path)
    except FileNotFoundError:
        return None
    except guarded.Refused as refused:
        raise LogDamaged(str(refused), refused.why) from None
    except OSError as err:  # no permission, a symlink loop
        raise RunError(f"{path} cannot be read: {why_failed(err)}.") from None


HEAD = 16 * 1024
"""How much of the start of a log a glance reads: how the job started, the judge, the baselines."""


def head_and_tail(path: Path, tail: int) -> tuple[list, list]:
    """The complete events of the log's first HEAD bytes and of its last `tail` bytes (all of it, as the
    tail, when it is shorter): what a listing of many long runs reads of each, whatever their length."""
    f = open_log(path)
    if f is None:
        return [], []
    try:
        with f:
            size = f.seek(0, os.SEEK_END)
            f.seek(0)
            if size <= HEAD + tail:
                windows = [b"", f.read()]
            else:
                head = f.read(HEAD)
                f.seek(size - tail)
                end = f.read()
                windows = [head[:head.rfind(b"\n") + 1], end[end.find(b"\n") + 1:]]  # whole lines only
    except OSError as err:
        raise RunError(f"{path} cannot be read: {why_failed(err)}.") from None
    try:
        return tuple([parse_event(line) for line in window[:window.rfind(b"\n") + 1].split(b"\n")[:-1]]
                     for window in windows)
    except Damaged as why:
        raise LogDamaged(f"{path} holds a line that is not a valid event ({why}); the log is damaged there.",
                         str(why)) from None


def damage_in(folder: Path) -> RunError | None:
    """What is wrong with the log in `folder` before its end (the RunError naming the line), or None
    when every complete line is an event."""
    try:
        for _ in MetricsTail(Path(folder) / METRICS).events():
            pass
    except RunError as err:
        return err
    return None


def check_log(folder: Path, run_dir: Path) -> None:
    """RunError when the log in `folder` (of the run `run_dir`), about to be continued, is damaged
    before its end, naming the line and the repair."""
    err = damage_in(folder)
    if err is not None:
        raise RunError(f"{err} Resuming would write after the damage; bumptui repair {run_dir} keeps the "
                       "events before it (the damaged log is kept beside it).") from None


def damaged_name(path: Path) -> Path:
    """Where a damaged file is kept, beside it, when it is replaced or set aside: <name>.damaged-<time>."""
    return path.with_name(f"{path.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}")


def repair_log(path: Path) -> tuple[int, int, Path] | None:
    """Keep the events of metrics.jsonl before its first damaged line: the whole log is first copied to
    a backup beside it. (events kept, the damaged line's number, the backup), or None when sound."""
    try:
        data = path.read_bytes()
    except OSError as err:  # a folder where the log belongs, no permission, a symlink loop
        raise RunError(f"{path} cannot be read: {why_failed(err)}; move it away.") from None
    good, kept = 0, 0
    for number, line in enumerate(data.splitlines(keepends=True), start=1):
        try:
            parse_event(line)
        except Damaged:
            if not line.endswith(b"\n"):
                return None  # only a torn last line: the next writer cuts it
            backup = damaged_name(path)
            guarded.write_new(backup, data)
            guarded.replace_with(path, data[:good])
            return kept, number, backup
        good += len(line)
        kept += 1
    return None


def read_events(run_dir: Path) -> list:
    """Every complete event of a run so far."""
    return MetricsTail(Path(run_dir) / METRICS).poll()


class ConsoleTail:
    """A detached job's console log as it grows: its last `start` bytes first (whole lines), then what
    is appended, in whole lines; text that is not UTF-8 shown with replacements, never an error."""

    def __init__(self, path: Path, start: int = 256 * 1024) -> None:
        self.path = Path(path)
        self.offset: int | None = None
        self.start = start
        self._rest = b""

    def lines(self) -> list[str]:
        try:
            with guarded.open_read(self.path) as f:  # a pipe there would never end
                size = f.seek(0, os.SEEK_END)
                if self.offset is None or size < self.offset:  # first read, or the file was cut
                    self.offset, self._rest = max(0, size - self.start), b""
                    skip = self.offset > 0
                else:
                    skip = False
                f.seek(self.offset)
                data = self._rest + f.read()
                self.offset = size
        except (OSError, guarded.Refused):
            return []
        if skip:  # started mid-line
            data = data[data.find(b"\n") + 1:]
        end = data.rfind(b"\n") + 1
        self._rest = data[end:]
        return data[:end].decode("utf-8", errors="replace").splitlines()


def last_lines(path: Path, n: int) -> list[str]:
    """The last n lines of a console log ([] when there is none)."""
    tail = ConsoleTail(path, start=16 * 1024)
    lines = tail.lines()
    if tail._rest.strip():  # a last line without its newline: what a dying process printed last
        lines.append(tail._rest.decode("utf-8", errors="replace"))
    return lines[-n:]

