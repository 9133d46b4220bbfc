"""The 2-D lab's basin map: for every start of a grid the size of the screen, which minimum the
focused optimizer reaches, lettered and coloured (the 2-D cousin of the 1-D lab's escape map)."""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from bumptui.engine.bump.optimizers import OPTIMIZERS, OptimizerConfig
from bumptui.engine.numbers import num
from bumptui.engine.surfaces import Surface
from bumptui.engine.surfaces.basins import DIVERGED, NOT_SETTLED, BasinMap, basin_map
from bumptui.engine.surfaces.schedules import Noise, Schedule
from bumptui.tui.widgets.pane_bar import PaneBar
from bumptui.tui.widgets.surface_map import LABEL_WIDTH, MINIMUM, START
from bumptui.tui.widgets.key_bar import KeyBar

PALETTE = ("#ff9f1c", "#2ec4b6", "#ff4d8d", "#b5e48c", "#e0aaff", "#ffd60a", "#4cc9f0", "#f4a261")
UNSETTLED, GONE = "·", "!"
STEPS = (500, 100, 2000)


def letter(k: int) -> str:
    return UNSETTLED if k == NOT_SETTLED else GONE if k == DIVERGED else chr(ord("A") + k)


class BasinGrid(Widget):
    DEFAULT_CSS = "BasinGrid { height: 1fr; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.bmap: BasinMap | None = None
        self.start: tuple[float, float] | None = None

    def grid_size(self) -> tuple[int, int]:
        return max(3, self.size.height - 1), max(8, self.size.width - LABEL_WIDTH)

    def show(self, bmap: BasinMap, start) -> None:
        self.bmap, self.start = bmap, start
        self.refresh()

    def cells(self) -> list[str]:
        """Top row first, as plain letters (what tests read)."""
        b = self.bmap
        rows = ["".join(letter(k) for k in b.reached[j]) for j in range(len(b.ys) - 1, -1, -1)]
        marks = [(m, MINIMUM) for m in b.minima] + ([(self.start, START)] if self.start is not None else [])
        for (x, y), mark in marks:
            if b.xs[0] <= x <= b.xs[-1] and b.ys[0] <= y <= b.ys[-1]:
                i, j = int(np.abs(b.xs - x).argmin()), int(np.abs(b.ys - y).argmin())
                r = len(b.ys) - 1 - j
                rows[r] = rows[r][:i] + mark + rows[r][i + 1:]
        return rows

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop")
        if self.bmap is None:
            return text
        b = self.bmap
        rows = self.cells()
        labelled = {0: b.ys[-1], len(rows) // 2: b.ys[len(b.ys) // 2], len(rows) - 1: b.ys[0]}
        for r, row in enumerate(rows):
            text.append(f"{num(round(labelled[r], 3)):>{LABEL_WIDTH - 1}} " if r in labelled else " " * LABEL_WIDTH, style="dim")
            for ch in row:
                if ch == UNSETTLED:
                    text.append(ch, style="dim")
                elif ch == GONE:
                    text.append(ch, style="bold red")
                elif ch in (START, MINIMUM):
                    text.append(ch, style=Style(bold=True, reverse=True))
                else:
                    text.append(ch, style=Style(color="black", bgcolor=PALETTE[(ord(ch) - 65) % len(PALETTE)]))
            text.append("\n")
        left, right = num(round(b.xs[0], 3)), num(round(b.xs[-1], 3))
        text.append(" " * LABEL_WIDTH + left + " " * max(1, len(b.xs) - len(left) - len(right)) + right, style="dim")
        return text


class BasinScreen(Screen):
    PANE = "optimizer"
    DEFAULT_CSS = """
    BasinScreen #legend { height: 3; padding: 0 1; background: $panel; }
    """
    BINDINGS = [
        Binding("escape,m", "app.pop_screen", "Back to the 2-D lab", key_display="esc", id="basins.close"),
        Binding("tab", "next_optimizer(1)", "Next optimizer", id="basins.next"),
        Binding("shift+tab", "next_optimizer(-1)", "Previous optimizer", show=False, id="basins.previous"),
        Binding("s", "steps", "Steps", id="basins.steps"),
    ]
    ABOUT = ("Every cell is a start. A letter is the minimum the optimizer settles at from there (its last 20 "
             "points within 2 % of the view's diagonal of it), · a start that had not settled within the steps, "
             "! one whose steps outgrew a float. o is the lab's start, * a minimum. Where the landscape's minima are not "
             "known (a typed one) they are found where the walks settle.")

    def __init__(self, surface: Surface, racers: tuple[OptimizerConfig, ...], focus: int = 0,
                 schedule: Schedule = Schedule(), noise: Noise = Noise()) -> None:
        super().__init__()
        self.surface, self.racers, self.focus = surface, racers, focus
        self.schedule, self.noise = schedule, noise
        self.steps = STEPS[0]
        self.bmap: BasinMap | None = None

    def compose(self) -> ComposeResult:
        yield PaneBar(self.PANE)
        yield Static(id="legend")
        yield BasinGrid()
        yield KeyBar(show_command_palette=False)

    def on_resize(self) -> None:
        self.draw()

    def action_next_optimizer(self, direction: int) -> None:
        self.focus = (self.focus + direction) % len(self.racers)
        self.draw()

    def action_steps(self) -> None:
        self.steps = STEPS[(STEPS.index(self.steps) + 1) % len(STEPS)]
        self.draw()

    def extras(self) -> str:
        return ((f" ({self.schedule.text})" if self.schedule.kind != "constant" else "")
                + (f" noise σ {num(self.noise.sigma)} seed {self.noise.seed}" if self.noise.sigma else ""))

    def draw(self) -> None:
        grid = self.query_one(BasinGrid)
        rows, cols = grid.grid_size()
        x0, x1, y0, y1 = self.surface.view
        xs = x0 + (np.arange(cols) + 0.5) * (x1 - x0) / cols
        ys = y0 + (np.arange(rows) + 0.5) * (y1 - y0) / rows
        config = self.racers[self.focus]
        self.bmap = basin_map(self.surface, config, xs, ys, self.steps, schedule=self.schedule, noise=self.noise)
        grid.show(self.bmap, self.surface.start)
        label = OPTIMIZERS[config.name].label
        parts = []
        for k, m in enumerate(self.bmap.minima):
            color = PALETTE[k % len(PALETTE)]
            parts.append(f"[black on {color}]{letter(k)}[/] ({num(round(m[0], 3))}, {num(round(m[1], 3))}) "
                         f"{self.bmap.share(k):.0%}")
        parts.append(f"{UNSETTLED} not settled {self.bmap.share(NOT_SETTLED):.0%}")
        parts.append(f"[bold red]{GONE}[/] diverged {self.bmap.share(DIVERGED):.0%}")
        self.query_one("#legend", Static).update(
            f"[b]{label}[/b] α {num(config.lr)}{self.extras()} on {self.surface.expression or self.surface.name}, {self.steps} steps "
            f"from each of {rows * cols:,} starts:  " + "  ".join(parts))
