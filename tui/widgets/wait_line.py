"""Text that says a run is waiting on something, with a spinner; and text-drawn bars and sparklines.

Everything here is drawn with characters, not colour, so it reads the same with NO_COLOR."""

from __future__ import annotations

import time

from textual.widgets import Static

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
SPARKS = "▁▂▃▄▅▆▇█"


def eta_text(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}h{m:02d}m" if h else f"{m}m{s:02d}s" if m else f"{s}s"


def bar(fraction: float, width: int) -> str:
    """A progress bar `width` characters wide: filled blocks, then light shade."""
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


def sparkline(values: list[float], width: int) -> str:
    """The last `width` values as block heights between their own minimum and maximum."""
    values = values[-width:]
    lo, hi = min(values), max(values)
    span = hi - lo or 1.0
    return "".join(SPARKS[round((v - lo) / span * (len(SPARKS) - 1))] for v in values)


class EtaClock:
    """Seconds left for work whose progress this app watches grow: the pace since it first saw it.
    It needs no timing in the log, so it serves runs started elsewhere as well as its own."""

    def __init__(self) -> None:
        self._first: tuple[float, float] | None = None

    def eta(self, done: float, total: float) -> float | None:
        now = time.monotonic()
        if self._first is None or done < self._first[1]:
            self._first = (now, done)
        start, start_done = self._first
        if done <= start_done or now - start < 1.0:
            return None
        return (total - done) * (now - start) / (done - start_done)


class WaitLine(Static):
    """One line with a spinner while a run waits on something it says (loading data, training the
    judge or dis_net); hidden when there is nothing to wait for."""

    DEFAULT_CSS = "WaitLine { height: 1; padding: 0 1; color: $text-accent; display: none; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.waiting_for: str | None = None
        """What the run is busy with, as a person would say it; None: nothing to wait for."""
        self._frame = 0

    def on_mount(self) -> None:
        self.set_interval(0.1, self._spin)

    def wait_for(self, what: str | None) -> None:
        self.waiting_for = what
        self.display = what is not None
        self._spin()

    def _spin(self) -> None:
        if self.waiting_for is not None:
            self._frame = (self._frame + 1) % len(SPINNER)
            self.update(f"{SPINNER[self._frame]} {self.waiting_for}…")
