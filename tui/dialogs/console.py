"""A job's console: what a detached command printed (its <kind>.log, stdout and stderr together),
tailed live with scrollback, so that a warning or the traceback of a dying run is one key away
from the Overview. Tab steps through the consoles the run has (training, sharpening, clustering)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Log, Static

from bumptui.engine.autoencoder.runs.log import ConsoleTail
from bumptui.tui.widgets.key_bar import KeyBar

POLL_S = 0.5
MAX_LINES = 20_000
"""Scrollback kept; the file itself keeps everything."""


class ConsoleScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    ConsoleScreen { align: center middle; }
    ConsoleScreen #title { height: 1; width: 100%; background: $panel; padding: 0 1; }
    ConsoleScreen Log { height: 1fr; width: 100%; }
    """
    BINDINGS = [
        Binding("escape,o,q", "dismiss(None)", "Close", id="console.close"),
        Binding("tab", "next_console", "Next console", id="console.next"),
    ]

    def __init__(self, consoles: list[tuple[str, Path]]) -> None:
        """consoles: (what it is, its log path), the one to show first first."""
        super().__init__()
        self.consoles = consoles
        self.at = 0
        self._tail: ConsoleTail | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield Log(max_lines=MAX_LINES, id="console", auto_scroll=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self._open()
        self.set_interval(POLL_S, self._poll)

    def _open(self) -> None:
        log = self.query_one(Log)
        log.clear()
        if not self.consoles:
            self.query_one("#title", Static).update(
                "No console here: a job started with --detach prints to <run>/<kind>.log; one started "
                "in this app or in a terminal printed there.")
            self._tail = None
            return
        what, path = self.consoles[self.at]
        others = f" · tab: {len(self.consoles) - 1} more" if len(self.consoles) > 1 else ""
        self.query_one("#title", Static).update(f"[b]{what}[/b] console: {path}{others} · escape closes")
        self._tail = ConsoleTail(path)
        self._poll()

    def _poll(self) -> None:
        if self._tail is not None:
            lines = self._tail.lines()
            if lines:
                self.query_one(Log).write_lines(lines)

    def action_next_console(self) -> None:
        if len(self.consoles) > 1:
            self.at = (self.at + 1) % len(self.consoles)
            self._open()

    @property
    def shown(self) -> str:
        """The console's text as shown; what tests read."""
        return "\n".join(self.query_one(Log).lines)
