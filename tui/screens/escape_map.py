"""Which bumps each setting of a hyper-parameter gets over, as a character heatmap."""

from __future__ import annotations

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from bumptui.engine.bump.escape import escape_map
from bumptui.engine.numbers import num
from bumptui.engine.bump.optimizers import OPTIMIZERS, OptimizerConfig
from bumptui.tui.widgets.escape_heatmap import ESCAPED, HERE, TRAPPED, EscapeHeatmap
from bumptui.tui.widgets.pane_bar import PaneBar
from bumptui.tui.widgets.key_bar import KeyBar

AXES = {"lr": "α, learning rate", "beta1": "β1"}
SYMBOLS = {"lr": "α", "beta1": "β1"}


class EscapeMapScreen(Screen):
    PANE = "optimizer"
    BINDINGS = [
        Binding("escape,m", "app.pop_screen", "Back to the lab", key_display="esc", id="map.close"),
        Binding("x", "switch_axis", "α ↔ β1", id="map.axis"),
    ]
    CSS_PATH = "escape_map.tcss"

    def __init__(self, config: OptimizerConfig, distance: float, bump_height: float) -> None:
        super().__init__()
        self.config, self.distance, self.bump_height = config, distance, bump_height
        self.param = "lr"

    def compose(self) -> ComposeResult:
        yield PaneBar(self.PANE)
        yield Static(id="legend")
        yield EscapeHeatmap()
        yield KeyBar()

    def on_resize(self) -> None:
        self.draw()

    def action_switch_axis(self) -> None:
        self.param = "beta1" if self.param == "lr" else "lr"
        self.draw()

    def draw(self) -> None:
        heatmap = self.query_one(EscapeHeatmap)
        rows, cols = heatmap.grid_size()
        current = getattr(self.config, self.param)
        if self.param == "lr":
            values = np.linspace(0.01, max(1.0, 1.5 * current), cols)
        else:
            values = np.linspace(0.0, 0.99, cols)
        h_top = max(1.0, 1.5 * self.bump_height)
        heights = np.linspace(h_top / rows, h_top, rows)
        emap = escape_map(self.config, heights, self.param, values, self.distance)
        heatmap.show(emap, (self.bump_height, current), AXES[self.param])
        label = OPTIMIZERS[self.config.name].label
        self.query_one("#legend", Static).update(
            f"[b]{label}[/b] bump height h ↑ vs {AXES[self.param]} →   [green]{ESCAPED}[/] escapes  "
            f"[red]{TRAPPED}[/] trapped  [yellow]{HERE}[/] now (h={num(self.bump_height)}, {SYMBOLS[self.param]}={num(current)})"
        )
