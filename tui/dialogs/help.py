"""Every key of the screen underneath, with what it does."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

CLOSE = "escape, ? or q closes this"


class HelpScreen(ModalScreen):
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="help.close")]

    def __init__(self, under: Screen, app_bindings: list[Binding]) -> None:
        super().__init__()
        self.under = under
        self.app_bindings = app_bindings
        """The keys that work on every pane."""

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = "Keys"
            box.border_subtitle = CLOSE
            yield Static(self.key_text(), id="keys")
            yield Static(Text(getattr(self.under, "ABOUT", ""), style="dim"))

    def key_text(self) -> Text:
        text = Text()
        for binding in [*self.under.BINDINGS, *self.app_bindings]:
            keys = " ".join(self.app.get_key_display(Binding(k, binding.action)) for k in binding.key.split(","))
            text.append(f"{keys:>16}  ", style="bold")
            text.append(f"{binding.description}\n")
        text.append(f"{'ctrl+p':>16}  ", style="bold")
        text.append("Command palette: every action here, by name\n")
        text.append(f"{'escape':>16}  ", style="bold")
        text.append(f"Close this help ({CLOSE})\n")
        return text
