"""The open screen's keys on one line at the bottom, drawn as Textual's compact Footer draws them,
in one widget.

Textual's Footer mounts a widget per key and composes them all again whenever the bindings change;
on the optimizer lab that was about a fifth of the first frame (BENCHMARKS.md). This draws the same
line from `screen.active_bindings` on each render: one key per action, shown bindings only, a
disabled one dimmed, and the command palette's key at the right edge where a screen offers it.
Clicking a key presses it."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widget import Widget


class KeyBar(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--separator"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-bar--separator {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, show_command_palette: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.show_command_palette = show_command_palette
        self.spans: list[tuple[int, int, str]] = []
        """(first column, column after, key) of each key as last drawn, for clicks."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self.refresh())

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def keys(self) -> list[tuple[str, str, str, bool]]:
        """(key, as shown, description, enabled) of each shown binding, the first of each action."""
        seen, keys = set(), []
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in seen:
                seen.add(binding.action)
                keys.append((binding.key, self.app.get_key_display(binding), binding.description, enabled))
        return keys

    def palette(self) -> tuple[str, str, str, bool] | None:
        if not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return None
        found = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if found is None:
            return None
        _node, binding, enabled, _tooltip = found
        return binding.key, self.app.get_key_display(binding), binding.description, enabled

    def _append(self, line: Text, key: str, shown: str, description: str, enabled: bool) -> None:
        dim = Style(dim=not enabled)
        start = line.cell_len
        line.append(shown, self.get_component_rich_style("key-bar--key") + dim)
        if description:
            line.append(f" {description}", self.get_component_rich_style("key-bar--description") + dim)
        self.spans.append((start, line.cell_len, key))

    def render(self) -> Text:
        line = Text(no_wrap=True, overflow="crop", end="")
        self.spans = []
        for key in self.keys():
            self._append(line, *key)
            line.append(" ")
        palette = self.palette()
        if palette is not None:  # at the right edge, after a thin rule, as Footer docks it
            _, shown, description, _ = palette
            room = self.size.width - line.cell_len - len(shown) - len(description) - 3  # and one column free at the right, as Footer left it
            if room >= 0:
                line.append(" " * room)
                line.append("▏", self.get_component_rich_style("key-bar--separator"))
                self._append(line, *palette)
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self.spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
