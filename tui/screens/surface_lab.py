"""The optimizer lab in two dimensions: up to six optimizers racing in lockstep on a contour map."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static

from bumptui.engine.bump.optimizers import OptimizerConfig
from bumptui.engine.numbers import num
from bumptui.engine.surfaces import Surface, SurfaceTrajectory
from bumptui.engine.surfaces.schedules import Noise, Schedule
from bumptui.tui.screens.stepping import Stepping
from bumptui.tui.widgets.pane_bar import PaneBar
from bumptui.tui.widgets.surface_map import MINIMUM, PathOnMap, SurfaceMap
from bumptui.tui.widgets.surface_table import SurfaceTable
from bumptui.tui.widgets.key_bar import KeyBar

LETTERS = {"gd": "g", "momentum": "m", "nesterov": "n", "rmsprop": "r", "adam": "a", "adamw": "w"}
COLORS = {"gd": "#ff9f1c", "momentum": "#2ec4b6", "nesterov": "#b5e48c", "rmsprop": "#e0aaff",
          "adam": "#ff4d8d", "adamw": "#ffd60a"}
ORDER = ("gd", "momentum", "nesterov", "rmsprop", "adam", "adamw")
"""The racers' order everywhere in the 2-D lab: plain, then with momentum, then adaptive."""
RACE = ("gd", "momentum", "adam")
"""Who races on a landscape first."""
ZOOM = 1.5
PAN = 0.2
"""A pan moves the view by this share of its span."""
PLAY_INTERVAL_S = 0.15
JUMP = 10
TALL = 30
"""From this many rows, the table shows every racing optimizer; below it only the focused one."""


def racers_for(surface: Surface, names=RACE, like: tuple[OptimizerConfig, ...] = ()) -> tuple[OptimizerConfig, ...]:
    """Each named optimizer with the learning rate the surface suggests (other settings as in `like`)."""
    base = {c.name: c for c in like}
    return tuple(replace(base.get(n, OptimizerConfig(name=n, eps=1e-8 if n == "rmsprop" else 0.0)), lr=surface.lr(n))
                 for n in names)


@dataclass(frozen=True)
class SurfaceSetup:
    """What the edit dialog hands back: the landscape, who races on it, and what every walk adds."""

    surface: Surface
    racers: tuple[OptimizerConfig, ...]
    schedule: Schedule = Schedule()
    noise: Noise = Noise()


class SurfaceLab(Stepping, Screen):
    """Holds the landscape, the racing optimizers and their walks; the widgets only display them."""

    PANE = "optimizer"
    CSS_PATH = "surface_lab.tcss"
    ABOUT = (
        "Each optimizer walks from the same start, one step per key press, with its own hyper-parameters "
        "(e). The update is applied per coordinate, exactly as torch.optim applies it per element. On the "
        "map a path is its letter (g GD, m Momentum, n Nesterov, r RMSProp, a Adam, w AdamW), the current "
        "point its capital; * is a minimum, o the start; → points down the focused walk's gradient and ⇒ "
        "along its momentum. Shades are bands of equal share of the view, dots the level lines between them."
    )

    BINDINGS = [
        Binding("space,right", "step_forward", "Step", id="lab2.step"),
        Binding("left,backspace", "step_back", "Back", key_display="←", id="lab2.back"),
        Binding("right_square_bracket", "jump(1)", f"+{JUMP} steps", key_display="]", show=False, id="lab2.jump"),
        Binding("left_square_bracket", "jump(-1)", f"-{JUMP} steps", key_display="[", show=False, id="lab2.jump_back"),
        Binding("p", "play", "Play", id="lab2.play"),
        Binding("r", "reset", "Reset", show=False, id="lab2.reset"),
        Binding("tab", "focus_next_walk(1)", "Next", key_display="tab", id="lab2.focus"),
        Binding("shift+tab", "focus_next_walk(-1)", "Previous", show=False, id="lab2.focus_back"),
        Binding("e", "edit", "Edit", id="lab2.edit"),
        Binding("L", "next_landscape", "Landscape", id="lab2.landscape"),
        Binding("m", "basins", "Basins", id="lab2.basins"),
        Binding("plus,equals_sign", "zoom(1)", "Zoom in", key_display="+", id="lab2.zoom_in"),
        Binding("minus", "zoom(-1)", "Zoom out", key_display="-", show=False, id="lab2.zoom_out"),
        Binding("shift+left", "pan(-1, 0)", "Pan left", show=False, id="lab2.pan_left"),
        Binding("shift+right", "pan(1, 0)", "Pan right", show=False, id="lab2.pan_right"),
        Binding("shift+up", "pan(0, 1)", "Pan up", show=False, id="lab2.pan_up"),
        Binding("shift+down", "pan(0, -1)", "Pan down", show=False, id="lab2.pan_down"),
        Binding("f", "fit", "Fit the paths", show=False, id="lab2.fit"),
        Binding("v", "view_reset", "The landscape's view", show=False, id="lab2.view"),
        Binding("escape", "app.pop_screen", "1-D lab", key_display="esc", id="lab2.close"),
    ]

    playing: reactive[bool] = reactive(False, init=False)
    PLAY_INTERVAL_S = PLAY_INTERVAL_S

    def __init__(self, surface: Surface, racers: tuple[OptimizerConfig, ...] | None = None) -> None:
        super().__init__()
        self.surface = surface
        self.racers = racers or racers_for(surface)
        self.walks: list[SurfaceTrajectory] = []
        self.focus = 0
        self.view = surface.view
        self.schedule, self.noise = Schedule(), Noise()

    def compose(self) -> ComposeResult:
        yield PaneBar(self.PANE)
        yield Static(id="params")
        yield SurfaceMap()
        yield Static(id="story")
        yield SurfaceTable()
        yield KeyBar(show_command_palette=False)

    def on_mount(self) -> None:
        self.rebuild(keep_step=False)

    def on_resize(self) -> None:
        self.refresh_view()

    # --- the state -----------------------------------------------------------------------------

    def rebuild(self, keep_step: bool = True) -> None:
        """New walks for the landscape and the racers, replayed to the step the user was at."""
        t = self.walks[0].t if (keep_step and self.walks) else 0
        self.walks = [SurfaceTrajectory(self.surface, c, schedule=self.schedule, noise=self.noise) for c in self.racers]
        for walk in self.walks:
            walk.run(t)
        self.focus = min(self.focus, len(self.walks) - 1)
        self.refresh_view()

    def setup(self, setup: SurfaceSetup) -> None:
        """A new landscape (its own view, from the start) or new hyper-parameters (same step)."""
        same = setup.surface is self.surface
        if not same:
            self.surface, self.view = setup.surface, setup.surface.view
        self.racers, self.schedule, self.noise = setup.racers, setup.schedule, setup.noise
        self.rebuild(keep_step=same)

    def colors(self) -> list[str]:
        return [COLORS[c.name] for c in self.racers]

    def refresh_view(self) -> None:
        if not self.walks:
            return
        focused = self.walks[self.focus]
        c = focused.config
        hp = f"α {num(c.lr)}" + (f" β1 {num(c.beta1)}" if "m" in focused.optimizer.state_fields else "") + (
            f" β2 {num(c.beta2)}" if "v" in focused.optimizer.state_fields else "")
        title = self.surface.expression or self.surface.name
        self.query_one("#params", Static).update(
            f"[b]{title}[/b]  t={focused.t}  " + " ".join(
                f"[{COLORS[w.config.name]}]{LETTERS[w.config.name].upper()}[/] {w.label}" for w in self.walks)
            + f"  · {focused.label}: {hp}" + ("  [reverse] playing [/]" if self.playing else ""))
        self.query_one("#story", Static).update(self.story())
        paths = [PathOnMap(w.label, LETTERS[w.config.name], COLORS[w.config.name], tuple(w.points())) for w in self.walks]
        self.query_one(SurfaceMap).show(self.surface, self.view, paths, self.focus, self.arrows(focused))
        fold = self.size.height < TALL
        table = self.query_one(SurfaceTable)
        table.show(self.walks, self.colors(), self.focus, fold)
        extras = []
        if self.schedule.kind != "constant":
            extras.append(f"α×{num(round(self.schedule.factor(max(focused.t, 1)), 6))} ({self.schedule.text})")
        if self.noise.sigma:
            extras.append(f"noise σ {num(self.noise.sigma)} seed {self.noise.seed}")
        if extras:
            table.border_title = " · ".join(extras) + " · " + table.border_title

    def arrows(self, walk: SurfaceTrajectory):
        """The focused walk's downhill direction -g (at its current point) and its momentum's -m̂ (or -m)."""
        r = walk.current
        if walk.diverged:
            return None, None
        g = self.surface.grad(*r.point)
        moment = (r.state.get("m_hat") or r.state.get("m")) if r.g else None
        return (tuple(-v for v in g), None if moment is None else tuple(-v for v in moment))

    def story(self) -> str:
        walk = self.walks[self.focus]
        r = walk.current
        if walk.diverged:
            return f"{walk.label} diverged at step {walk.diverged_at()}: its steps outgrew a float; lower its α (e)."
        where = f"{walk.label} at ({', '.join(num(round(p, 6)) for p in r.point)}), F = {num(round(r.f, 6))}"
        if self.surface.minima:
            m = min(self.surface.minima, key=lambda m: math.dist(m, r.point))
            where += f", {num(round(math.dist(m, r.point), 4))} from the minimum {MINIMUM} at ({', '.join(num(v) for v in m)})"
        x0, x1, y0, y1 = self.view
        if not (x0 <= r.point[0] <= x1 and y0 <= r.point[1] <= y1):
            where += " (outside the view: f fits the map to the paths)"
        if r.t == 0:
            return (f"{self.surface.name}: {self.surface.words}. " if not self.surface.expression else "") + (
                where + ". Space steps every optimizer, tab picks whose numbers you read, ? lists every key.")
        ranked = sorted(self.walks, key=lambda w: w.current.f if not w.diverged else math.inf)
        race = " < ".join(f"{w.label} {'diverged' if w.diverged else num(round(w.current.f, 4))}" for w in ranked)
        return where + f".  F: {race}"

    # --- the keys (step, back, reset and play: Stepping) ---------------------------------------

    @property
    def stepped(self) -> list[SurfaceTrajectory]:
        return self.walks

    def action_jump(self, direction: int) -> None:
        for walk in self.walks:
            for _ in range(JUMP):
                if direction > 0:
                    walk.forward()
                else:
                    walk.back()
        self.refresh_view()

    def action_focus_next_walk(self, direction: int) -> None:
        self.focus = (self.focus + direction) % len(self.walks)
        self.refresh_view()

    def action_zoom(self, direction: int) -> None:
        x0, x1, y0, y1 = self.view
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        k = (1 / ZOOM if direction > 0 else ZOOM) / 2
        self.view = (cx - (x1 - x0) * k, cx + (x1 - x0) * k, cy - (y1 - y0) * k, cy + (y1 - y0) * k)
        self.refresh_view()

    def action_pan(self, dx: int, dy: int) -> None:
        x0, x1, y0, y1 = self.view
        sx, sy = dx * PAN * (x1 - x0), dy * PAN * (y1 - y0)
        self.view = (x0 + sx, x1 + sx, y0 + sy, y1 + sy)
        self.refresh_view()

    def action_fit(self) -> None:
        pts = [p for w in self.walks for p in w.points() if all(map(math.isfinite, p))]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        wx, wy = max(xs) - min(xs), max(ys) - min(ys)
        mx, my = max(0.15 * wx, 1e-3), max(0.15 * wy, 1e-3)
        self.view = (min(xs) - mx, max(xs) + mx, min(ys) - my, max(ys) + my)
        self.refresh_view()

    def action_view_reset(self) -> None:
        self.view = self.surface.view
        self.refresh_view()

    def action_next_landscape(self) -> None:
        from bumptui.engine.errors import UserError
        from bumptui.engine.surfaces.presets import names, resolve

        choices = names()
        current = self.surface.name if self.surface.name in choices else choices[-1]
        name = choices[(choices.index(current) + 1) % len(choices)]
        try:
            surface = resolve(name)
        except UserError as err:
            self.notify(str(err), severity="error")
            return
        self.setup(SurfaceSetup(surface, racers_for(surface, [c.name for c in self.racers], self.racers),
                                self.schedule, self.noise))

    def action_edit(self) -> None:
        from bumptui.tui.dialogs.surface_parameters import SurfaceDialog

        def done(result: SurfaceSetup | None) -> None:
            if result is not None:
                self.setup(result)

        self.app.push_screen(SurfaceDialog(self.surface, self.racers, self.schedule, self.noise), done)

    def action_basins(self) -> None:
        from bumptui.tui.screens.basins import BasinScreen

        self.app.push_screen(BasinScreen(self.surface, self.racers, self.focus, self.schedule, self.noise))
