"""A yes-or-no question before the app does something the user should agree to first (running a
run's recorded design, whose code came with the run folder)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class Confirm(ModalScreen[bool]):
    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical { width: 70; max-width: 100%; height: auto; border: thick $warning; padding: 0 1;
                         background: $surface; }
    Confirm #keys { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [Binding("y", "answer(True)", "Yes", id="confirm.yes"),
                Binding("n,escape,q", "answer(False)", "No", id="confirm.no")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="question")
            yield Static("y: yes · n or escape: no", id="keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
