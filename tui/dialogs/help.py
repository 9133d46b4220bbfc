"""Every key of the screen underneath, with what it does."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

ABOUT = (
    "The loss falls with slope -1 from o (x = 0) to a local minimum at x = L, rises over a bump "
    "h tall and 2h wide, then falls to a deeper global minimum. Gradients are +1 or -1 (0 at a kink). "
    "Signs in the table are the gradient's own: moving right, g = -1 and m is negative. "
    "An optimizer escapes when it reaches the peak x = L + h."
)


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
            yield Static(self.key_text(), id="keys")
            yield Static(Text(ABOUT, style="dim"))

    def key_text(self) -> Text:
        text = Text()
        for binding in [*self.under.BINDINGS, *self.app_bindings]:
            keys = " ".join(self.app.get_key_display(Binding(k, binding.action)) for k in binding.key.split(","))
            text.append(f"{keys:>16}  ", style="bold")
            text.append(f"{binding.description}\n")
        text.append(f"{'ctrl+p':>16}  ", style="bold")
        text.append("Command palette\n")
        return text
