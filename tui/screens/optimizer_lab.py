"""The optimizer lab: step GD, Adam and friends over the bump and watch every moment."""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static

from bumptui.engine.bump.landscape import BumpLandscape
from bumptui.engine.bump.narrate import describe
from bumptui.engine.numbers import num
from bumptui.engine.bump.optimizers import OPTIMIZERS, OptimizerConfig
from bumptui.engine.bump.trajectory import Trajectory
from bumptui.tui.widgets.landscape_chart import LandscapeChart, PathOnChart
from bumptui.tui.widgets.step_table import StepTable
from bumptui.tui.screens.stepping import Stepping
from bumptui.tui.widgets.pane_bar import PaneBar
from bumptui.tui.widgets.key_bar import KeyBar

NAMES = list(OPTIMIZERS)
HEIGHT_STEP = 0.05
LR_STEP = 0.05
PLAY_INTERVAL_S = 0.3


class OptimizerLab(Stepping, Screen):
    """Holds the lab's parameters and one or two trajectories; widgets only display them."""

    PANE = "optimizer"
    # Its styles here rather than in a .tcss beside it, as the other panes have them: a screen's
    # CSS_PATH makes Textual parse every stylesheet again when it opens, a tenth of the app's first
    # frame when this is the first screen (BENCHMARKS.md).
    DEFAULT_CSS = """
    OptimizerLab #params {
        height: 1;
        background: $panel;
        padding: 0 1;
    }
    OptimizerLab #chart {
        height: 1fr;
        min-height: 8;
    }
    OptimizerLab #story {
        height: auto;
        max-height: 4;
        padding: 0 1;
        color: $text-accent;
    }
    OptimizerLab #tables {
        height: 1fr;
        min-height: 6;
    }
    OptimizerLab StepTable {
        width: 1fr;
        height: 1fr;
        border-top: solid $primary;
        border-title-align: left;
    }
    """
    ABOUT = (
        "The loss falls with slope -1 from o (x = 0) to a local minimum at x = L, rises over a bump "
        "h tall and 2h wide, then falls to a deeper global minimum. Gradients are +1 or -1 (0 at a kink). "
        "Signs in the table are the gradient's own: moving right, g = -1 and m is negative. The g of "
        "row t is the gradient at the x of row t-1, the one its step used (Algorithm 1 of Kingma & Ba). "
        "An optimizer escapes when it reaches the peak x = L + h."
    )

    BINDINGS = [
        Binding("space,right", "step_forward", "Step", id="lab.step"),
        Binding("left,backspace", "step_back", "Back", key_display="←", id="lab.back"),
        Binding("p", "play", "Play", id="lab.play"),
        Binding("r", "reset", "Reset", show=False, id="lab.reset"),
        Binding("o", "next_optimizer", "Optimizer", id="lab.optimizer"),
        Binding("l", "lockstep", "Lockstep", id="lab.lockstep"),
        Binding("O", "next_partner", "Lockstep partner", show=False, id="lab.partner"),
        Binding("H", "height(1)", "Raise h", show=False, id="lab.height_up"),
        Binding("h", "height(-1)", "Lower h", show=False, id="lab.height_down"),
        Binding("A", "lr(1)", "Raise alpha", show=False, id="lab.lr_up"),
        Binding("a", "lr(-1)", "Lower alpha", show=False, id="lab.lr_down"),
        Binding("e", "edit", "Edit", id="lab.edit"),
        Binding("c", "critical", "Critical h", id="lab.critical"),
        Binding("m", "escape_map", "Map", id="lab.map"),
        Binding("d", "two_d", "2-D lab", id="lab.two_d"),
    ]

    config: reactive[OptimizerConfig] = reactive(OptimizerConfig, init=False)
    """The primary optimizer and every hyper-parameter."""
    bump_height: reactive[float] = reactive(0.5, init=False)
    """h. 0.5 is taller than Adam's critical height for the defaults, so both optimizers stay trapped."""
    distance: reactive[float] = reactive(1.0, init=False)
    """L, from o to the local minimum."""
    partner: reactive[str] = reactive("gd", init=False)
    """The optimizer that runs beside the primary one in lockstep mode."""
    lockstep: reactive[bool] = reactive(False, init=False)
    playing: reactive[bool] = reactive(False, init=False)
    PLAY_INTERVAL_S = PLAY_INTERVAL_S

    def __init__(self) -> None:
        super().__init__()
        self.trajectories: list[Trajectory] = []
        self.curve = None
        """A typed 1-D landscape (a Surface in x) the lab walks on instead of the bump; None for the bump."""

    def compose(self) -> ComposeResult:
        # The widgets are filled before they are mounted, so that the first frame shows the lab's
        # numbers rather than a frame of empty widgets and then another.
        self.params, self.story, self.chart = Static(id="params"), Static(id="story"), LandscapeChart(id="chart")
        self.tables = (StepTable(id="table-0"), StepTable(id="table-1"))
        self.rebuild(keep_step=False)
        yield PaneBar(self.PANE)
        yield self.params
        yield self.chart
        yield self.story
        with Horizontal(id="tables"):
            yield from self.tables
        yield KeyBar(show_command_palette=False)

    # --- the state -------------------------------------------------------------------------

    @property
    def landscape(self) -> BumpLandscape:
        return BumpLandscape(bump_height=self.bump_height, distance=self.distance)

    def rebuild(self, keep_step: bool = True) -> None:
        """New trajectories for the current parameters, replayed to the step the user was at."""
        t = self.trajectories[0].t if (keep_step and self.trajectories) else 0
        configs = [self.config] + ([replace(self.config, name=self.partner)] if self.lockstep else [])
        if self.curve is not None:
            from bumptui.engine.surfaces.walk import CurveTrajectory

            self.trajectories = [CurveTrajectory(self.curve, c) for c in configs]
        else:
            self.trajectories = [Trajectory(self.landscape, c) for c in configs]
        for traj in self.trajectories:
            traj.run(t)
        self.refresh_view()

    def refresh_view(self) -> None:
        c = self.config
        land = self.landscape if self.curve is None else self.curve
        names = " vs ".join(t.label for t in self.trajectories)
        shape = (f"F(x) = {self.curve.expression}" if self.curve is not None
                 else f"h={num(land.bump_height)}  L={num(land.distance)}")
        self.params.update(
            f"[b]{names}[/b]  {shape}  α={num(c.lr)}  "
            f"β1={num(c.beta1)}  β2={num(c.beta2)}  ε={num(c.eps)}  t={self.trajectories[0].t}"
            + ("  [reverse] playing [/]" if self.playing else "")
        )
        if self.curve is not None:
            from bumptui.engine.surfaces.narrate import describe_walk

            story = "\n".join(describe_walk(t) for t in self.trajectories)
        else:
            story = "\n".join(describe(t) for t in self.trajectories)
        if self.trajectories[0].t == 0:
            story += "  Press space to step, ? for every key."
        self.story.update(story)
        self.chart.show(
            land,
            tuple(PathOnChart(t.label, tuple(t.xs()), tuple(r.f for r in t.records)) for t in self.trajectories),
        )
        for i, table in enumerate(self.tables):
            table.display = i < len(self.trajectories)
            if table.display:
                traj = self.trajectories[i]
                # Side by side, each table's share of the width follows how many columns it has.
                table.styles.width = f"{5 + len(traj.optimizer.state_fields)}fr"
                table.show(traj.label, traj.optimizer.state_fields, traj.records)

    def watch_lockstep(self) -> None:
        self.rebuild()

    def watch_partner(self) -> None:
        self.rebuild()

    def on_the_bump(self, what: str) -> bool:
        """True on the bump; on a typed curve, say that `what` is a question about the bump."""
        if self.curve is not None:
            self.notify(f"{what} is a question about the bump; e, then clear the landscape field, brings it back.",
                        severity="warning")
        return self.curve is None

    def use_landscape(self, surface) -> None:
        """Walk on a typed landscape: a curve in x here, a surface in x and y in the 2-D lab; None: the bump."""
        if surface is not None and surface.dims == 2:
            from bumptui.tui.screens.surface_lab import SurfaceLab

            self.app.push_screen(SurfaceLab(surface))
            return
        self.curve = surface
        lr = self.config.lr if surface is None else surface.lr(self.config.name)
        self.apply(replace(self.config, lr=lr), self.bump_height, self.distance, self.partner)

    def apply(self, config: OptimizerConfig, bump_height: float, distance: float, partner: str) -> None:
        """Set several parameters at once, rebuilding once."""
        self.set_reactive(OptimizerLab.config, config)
        self.set_reactive(OptimizerLab.bump_height, bump_height)
        self.set_reactive(OptimizerLab.distance, distance)
        self.set_reactive(OptimizerLab.partner, partner)
        self.rebuild()

    # --- the keys --------------------------------------------------------------------------

    @property
    def stepped(self) -> list[Trajectory]:
        return self.trajectories

    def action_next_optimizer(self) -> None:
        name = NAMES[(NAMES.index(self.config.name) + 1) % len(NAMES)]
        self.apply(replace(self.config, name=name), self.bump_height, self.distance, self.partner)

    def action_next_partner(self) -> None:
        self.partner = NAMES[(NAMES.index(self.partner) + 1) % len(NAMES)]
        if not self.lockstep:
            self.lockstep = True

    def action_lockstep(self) -> None:
        self.lockstep = not self.lockstep

    def action_height(self, direction: int) -> None:
        if not self.on_the_bump("The bump's height"):
            return
        h = round(self.bump_height + direction * HEIGHT_STEP, 10)
        if h <= 0:
            self.notify(f"The bump height must stay above 0; it is {num(self.bump_height)}.", severity="warning")
            return
        self.apply(self.config, h, self.distance, self.partner)

    def action_lr(self, direction: int) -> None:
        lr = round(self.config.lr + direction * LR_STEP, 10)
        if lr <= 0:
            self.notify(f"The learning rate must stay above 0; it is {num(self.config.lr)}.", severity="warning")
            return
        self.apply(replace(self.config, lr=lr), self.bump_height, self.distance, self.partner)

    def action_edit(self) -> None:
        from bumptui.tui.dialogs.parameters import LabParameters, ParametersDialog

        def done(result: LabParameters | None) -> None:
            if result is None:
                return
            self.apply(result.config, result.bump_height, result.distance, result.partner)
            if result.landscape is not self.curve:
                self.use_landscape(result.landscape)

        current = LabParameters(self.config, self.bump_height, self.distance, self.partner, self.curve)
        self.app.push_screen(ParametersDialog(current), done)

    def action_critical(self) -> None:
        if not self.on_the_bump("The critical height"):
            return
        from bumptui.tui.dialogs.critical_height import CriticalHeightScreen

        def done(h: float | None) -> None:
            if h is not None:
                self.apply(self.config, h, self.distance, self.partner)

        self.app.push_screen(CriticalHeightScreen(self.config, self.distance, self.bump_height), done)

    def action_escape_map(self) -> None:
        if not self.on_the_bump("The escape map"):
            return
        from bumptui.tui.screens.escape_map import EscapeMapScreen

        self.app.push_screen(EscapeMapScreen(self.config, self.distance, self.bump_height))

    def action_two_d(self) -> None:
        """The 2-D lab, on the bump as a ridge across a valley (this lab's h), GD, Momentum and Adam racing."""
        from bumptui.engine.surfaces import bump_valley
        from bumptui.tui.screens.surface_lab import SurfaceLab

        self.playing = False
        self.app.push_screen(SurfaceLab(bump_valley(self.bump_height)))
