"""One line at the top of every pane: every pane with its key, the open one in reverse video.

Reverse video, not colour, marks the open pane, so it reads the same with NO_COLOR and on a
monochrome terminal. Every entry is clickable; none needs the mouse. In a narrow terminal the help
entry goes first (the footer shows it too), then the other panes shrink to their keys."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from bumptui.tui.panes import PANES, pane_key


HELP = " ? Help"


class PaneBar(Widget):
    DEFAULT_CSS = "PaneBar { height: 1; width: 1fr; background: $panel; }"

    def __init__(self, active: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.active = active
        """The mode name of the pane this bar sits on."""

    def entries(self, short: bool) -> list[tuple[str, str, bool]]:
        """(mode, text, is_active) per pane; short: only the open pane keeps its label."""
        return [(name, f" {pane_key(name)}" if short and name != self.active else f" {pane_key(name)} {label}",
                 name == self.active) for name, (label, _, _) in PANES.items()]

    def render(self) -> Content:
        # the help entry goes first (the footer shows it too), then the other panes' labels
        short = sum(len(text) for _, text, _ in self.entries(False)) > self.size.width
        parts = []
        for name, text, active in self.entries(short):
            style = "reverse bold" if active else "not bold" if short else "bold"
            parts.append(Content.from_markup(f"[{style} @click=app.switch_mode('{name}')]$text[/]", text=text))
        used = sum(len(p) for p in parts)
        if used + len(HELP) <= self.size.width:  # help, at the right, in any width the footer cuts
            parts.append(Content(" " * (self.size.width - used - len(HELP))))
            parts.append(Content.from_markup("[bold @click=app.help]$text[/]", text=HELP))
        return Content("").join(parts)
