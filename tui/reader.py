"""The app's one reader of run folders, in a thread of its own: the UI thread never opens a log.

It follows the logs the app watches (a run, the jobs inside it, a run overlaid, a study), parsing
what each has gained and handing the events over in batches for the UI thread to fold into their
records; and, while the Runs pane is shown, it lists the runs folder (each run's first and last
events, read again only when its log changed). A file that takes long to read (a slow disk, a
network mount that hangs) holds this thread only: the app says which file, goes on answering keys,
and quits on `q` whatever the thread is doing (it is a daemon: nothing waits for it).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable

BATCH = 5_000
"""Events handed over at once: a long log on opening is folded a batch at a time, keys answered between."""
LISTED_WHILE_ASKED_S = 2.0
"""The runs folder is listed again on each round while the Runs pane asked for it this recently."""
SLOW_S = 3.0
"""A read that takes longer than this is said in a notice, naming the file."""


class Reader:
    """Reads for the app off its UI thread. Every result goes back through `call(fn, *args)`, which runs
    fn on the UI thread and waits for it (the thread never runs ahead of what the app folded): `fold(record,
    events, error)` with a followed log's new events (error: the RunError that stopped its reading), and
    `listed(root, listing)` with the runs folder listed anew."""

    def __init__(self, call: Callable, fold: Callable, listed: Callable, every: float) -> None:
        self.call, self.fold, self.listed = call, fold, listed
        self.every = every
        self.tails: dict = {}
        """metrics.jsonl path -> (its MetricsTail, the record its events go to). Replaced whole by the
        UI thread (never changed in place), so a round reads the set it started with."""
        self.busy: tuple[Path, float] | None = None
        """The file being read now, and since when (time.monotonic())."""
        self._root: Path | None = None
        self._asked = 0.0
        self._glanced: dict[Path, tuple] = {}
        """Each listed run as last read: (its log's stamp, its record or the RunError that says why not)."""
        self.listing: list[tuple[Path, object]] | None = None
        """The runs folder as last listed: (run, its record or RunError), newest first."""
        self._wakes = self._answered = 0
        """Wakes asked for; of those, how many a round that began after them has answered."""
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bumptui-reader", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def wake(self) -> None:
        """Read now rather than at the next round (a log followed, a key that asked for news)."""
        self._wakes += 1
        self._wake.set()

    def caught_up(self) -> bool:
        """Whether a round of reading that began after the last wake has ended: every followed log
        read to its end as it was then (and the runs folder listed, when asked)."""
        return self._answered >= self._wakes

    def list_runs(self, root: Path) -> list[tuple[Path, object]] | None:
        """Ask for the runs under root to be listed (again); the last listing, or None before the first."""
        if root != self._root:
            self._root, self.listing = Path(root), None
            self.wake()
        self._asked = time.monotonic()
        return self.listing

    def rescan(self) -> None:
        self._glanced.clear()
        self.wake()

    def slow(self) -> Path | None:
        """The file this thread has been reading for longer than SLOW_S, if any."""
        busy = self.busy
        return busy[0] if busy is not None and time.monotonic() - busy[1] > SLOW_S else None

    # --- the thread ------------------------------------------------------------------------------

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                asked = self._wakes
                for path, (tail, record) in list(self.tails.items()):
                    self._follow(path, tail, record)
                if self._root is not None and time.monotonic() - self._asked < LISTED_WHILE_ASKED_S:
                    self._list(self._root)
                self._answered = asked
                self._wake.wait(self.every)
                self._wake.clear()
        except _Gone:
            pass

    def _give(self, fn, *args) -> None:
        if self._stop.is_set():
            raise _Gone
        try:
            self.call(fn, *args)
        except RuntimeError:  # the app has stopped running
            raise _Gone from None

    def _follow(self, path: Path, tail, record) -> None:
        from bumptui.engine.autoencoder.runs.log import RunError

        batch: list = []
        self.busy = (path, time.monotonic())
        try:
            for event in tail.events():
                batch.append(event)
                if len(batch) >= BATCH:
                    self._give(self.fold, record, batch, None)
                    batch = []
        except RunError as err:
            self._give(self.fold, record, batch, err)
            return
        finally:
            self.busy = None
        if batch:
            self._give(self.fold, record, batch, None)

    def _list(self, root: Path) -> None:
        from bumptui.engine.autoencoder.jobs import registry
        from bumptui.engine.autoencoder.jobs.train.record import RunRecord
        from bumptui.engine.autoencoder.runs.log import METRICS
        from bumptui.engine.autoencoder.runs.rundir import CONFIG, RunError

        self.busy = (root, time.monotonic())
        try:
            runs = sorted((p for p in root.iterdir() if (p / CONFIG).exists()), key=lambda p: p.stat().st_mtime,
                          reverse=True) if root.is_dir() else []
            listing = []
            for path in runs:
                self.busy = (path / METRICS, time.monotonic())
                stamp = log_stamp(path / METRICS)
                if path not in self._glanced or self._glanced[path][0] != stamp:
                    try:
                        kind = registry.kind_of(path)
                    except RunError:
                        kind = None  # a damaged config: read it as a run, whose log says what it can
                    try:  # a run's first and last events: a folder of long runs lists as fast as short ones
                        self._glanced[path] = (stamp, (kind.record if kind else RunRecord).glance(path))
                    except RunError as err:
                        self._glanced[path] = (stamp, err)
                listing.append((path, self._glanced[path][1]))
        except OSError:  # the folder went away, or cannot be read: listed as empty
            listing = []
        finally:
            self.busy = None
        if listing != self.listing:
            self.listing = listing
            self._give(self.listed, root, listing)


class _Gone(Exception):
    """The app stopped: the thread ends."""


def log_stamp(path: Path) -> tuple[int, int] | None:
    """When and how far a log last grew; a listed run is read again only when this changes."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size
