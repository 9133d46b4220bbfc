"""The 2-D lab's settings at once: the landscape (a named one, or one typed in, saved by name if
asked), the start, and which optimizers race with their own hyper-parameters. Nothing is applied
until all of it is valid; a refusal is one sentence under the form."""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from bumptui.engine.bump.optimizers import OPTIMIZERS, OptimizerConfig
from bumptui.engine.errors import UserError
from bumptui.engine.numbers import num
from bumptui.engine.surfaces import Surface
from bumptui.engine.surfaces.schedules import Noise, Schedule
from bumptui.tui.dialogs.form_dialog import FormDialog
from bumptui.tui.screens.surface_lab import ORDER, SurfaceSetup

HYPER = {"lr": "α", "beta1": "β1", "beta2": "β2", "eps": "ε", "weight_decay": "wd"}


class RaceBox(Checkbox):
    """A checkbox whose mark says ticked or not by its shape too (✓ or blank), not by its colour alone."""

    @property
    def _button(self):
        self.BUTTON_INNER = "✓" if self.value else " "
        return super()._button


class SurfaceDialog(FormDialog):
    CSS_PATH = "surface_parameters.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="lab2params.cancel"),
        Binding("ctrl+s", "apply", "Apply", id="lab2params.apply"),
    ]

    def __init__(self, surface: Surface, racers: tuple[OptimizerConfig, ...],
                 schedule: Schedule = Schedule(), noise: Noise = Noise()) -> None:
        super().__init__()
        self.surface, self.racers, self.schedule, self.noise = surface, racers, schedule, noise
        self._suggested: dict[str, str] = {}
        """What the form itself last filled in (start, learning rates): a field still holding it follows
        the landscape chosen; one the user changed is kept."""

    def compose(self) -> ComposeResult:
        from bumptui.engine.surfaces.presets import names

        s = self.surface
        choices = names()
        racing = {c.name: c for c in self.racers}
        with Vertical() as box:
            box.border_title = "2-D lab"
            with Grid(id="landscape"):
                yield Label("landscape")
                yield Select([(n, n) for n in choices], value=s.name if s.name in choices else choices[0],
                             allow_blank=False, compact=True, id="name")
                yield Label("or type one")
                yield Input(s.expression or "", placeholder="x**4 - 3*x**2 + y**2", compact=True, id="expression")
                yield Label("start x y")
                yield Input(" ".join(num(v) for v in s.start), compact=True, id="start")
                yield Label("save typed as")
                yield Input("", placeholder="a name (optional)", compact=True, id="save")
                yield Label("α schedule")
                yield Input(self.schedule.text, placeholder="constant, step:S:G, cosine:T, warmup:W", compact=True,
                            id="schedule")
                yield Label("noise σ, seed")
                yield Input(f"{num(self.noise.sigma)} {self.noise.seed}", compact=True, id="noise")
            with Grid(id="racers"):
                yield Label("race")
                for label in HYPER.values():
                    yield Label(label, classes="head")
                self._suggested["start"] = " ".join(num(v) for v in s.start)
                for key in ORDER:
                    optimizer = OPTIMIZERS[key]
                    c = racing.get(key) or OptimizerConfig(name=key, lr=s.lr(key), eps=1e-8 if key == "rmsprop" else 0.0)
                    self._suggested[f"lr-{key}"] = num(s.lr(key))
                    yield RaceBox(optimizer.label, value=key in racing, compact=True, id=f"race-{key}")
                    for field in HYPER:
                        yield Input(num(getattr(c, field)), compact=True, id=f"{field}-{key}")
            yield Static(id="error")
            with Horizontal():
                yield Button("Apply", variant="primary", id="apply", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def _text(self, wid: str) -> str:
        return self.query_one(f"#{wid}", Input).value.strip()

    def read(self) -> SurfaceSetup:
        """The form as a setup, or UserError with one sentence about the first thing wrong."""
        from bumptui.engine.bump.optimizers import ParameterError
        from bumptui.engine.surfaces.presets import resolve, save

        try:
            start = tuple(float(v) for v in self._text("start").replace(",", " ").split())
        except ValueError:
            raise ParameterError(f"The start is two numbers, x and y, not {self._text('start')!r}.") from None
        expression, name = self._text("expression"), str(self.query_one("#name", Select).value)
        typed = expression and expression != (self.surface.expression if self.surface.name == name else None)
        surface = resolve(expression if typed else name, start or None)
        if surface.dims != 2:
            raise ParameterError(f"{expression!r} names x alone: a 1-D landscape walks in the 1-D lab "
                                 f"(escape, then e).")
        if self._text("save"):
            if not surface.expression:
                raise ParameterError("Only a typed landscape is saved; type one, or clear the name.")
            save(self._text("save"), surface.expression, surface.start)
            surface = replace(surface, name=self._text("save"))
            self.app.notify(f"Saved {self._text('save')!r}: L and this list offer it from now on.")
        if (surface.name, surface.expression, surface.start) == (self.surface.name, self.surface.expression, self.surface.start):
            surface = self.surface  # the same landscape: the walks keep the step they were at
        racers = []
        for key in ORDER:
            optimizer = OPTIMIZERS[key]
            if not self.query_one(f"#race-{key}", Checkbox).value:
                continue
            values = {}
            for field, label in HYPER.items():
                text = self._text(f"{field}-{key}")
                try:
                    values[field] = float(text)
                except ValueError:
                    raise ParameterError(f"{optimizer.label}'s {label} must be a number, not {text!r}.") from None
            try:
                racers.append(OptimizerConfig(name=key, **values).validated())
            except ParameterError as err:
                raise ParameterError(f"{optimizer.label}: {err}") from None
        if not racers:
            raise ParameterError("Tick at least one optimizer to race.")
        schedule = Schedule.parse(self._text("schedule"))
        words = self._text("noise").replace(",", " ").split()
        try:
            sigma, seed = float(words[0]), int(words[1]) if len(words) > 1 else 0
        except (ValueError, IndexError):
            raise ParameterError(f"The noise is σ and a whole-number seed, such as 0.1 0, not {self._text('noise')!r}.") from None
        return SurfaceSetup(surface, tuple(racers), schedule, Noise(sigma, seed))

    @on(Select.Changed, "#name")
    def _named(self, event: Select.Changed) -> None:
        """Picking a named landscape clears a typed one, and shows the picked one's start."""
        from bumptui.engine.surfaces.presets import resolve

        if str(event.value) == self.surface.name and self.surface.expression:
            return
        try:
            surface = resolve(str(event.value))
        except UserError as err:
            self.query_one("#error", Static).update(str(err))
            return
        self.query_one("#expression", Input).value = ""
        self._follow(surface.start, surface.lr)

    @on(Input.Changed, "#expression")
    def _typed(self, event: Input.Changed) -> None:
        """Typing a landscape: the start and learning rates the form filled in become a typed one's."""
        from bumptui.engine.surfaces.typed import DEFAULT_LRS, DEFAULT_START

        if event.value.strip() and event.value.strip() != self.surface.expression:
            dims = 2
            self._follow(DEFAULT_START[dims], dict(DEFAULT_LRS).__getitem__)

    def _follow(self, start, lr) -> None:
        """Fill the start and learning rates in for a landscape, where the user has not changed them."""
        fills = {"start": " ".join(num(v) for v in start), **{f"lr-{key}": num(lr(key)) for key in OPTIMIZERS}}
        for wid, text in fills.items():
            field = self.query_one(f"#{wid}", Input)
            if field.value.strip() == self._suggested.get(wid):
                field.value = text
                self._suggested[wid] = text
