"""Edit every parameter of the lab at once; nothing is applied until all of it is valid."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from bumptui.engine.numbers import num
from bumptui.engine.bump.optimizers import OPTIMIZERS, OptimizerConfig, ParameterError
from bumptui.engine.bump.trajectory import validate_landscape
from bumptui.tui.dialogs.form_dialog import FormDialog

NUMBER_FIELDS = {
    "bump_height": "h, bump height",
    "distance": "L, distance o → min",
    "lr": "α, learning rate",
    "beta1": "β1 (momentum)",
    "beta2": "β2",
    "eps": "ε",
    "weight_decay": "weight decay (AdamW)",
}


@dataclass(frozen=True)
class LabParameters:
    config: OptimizerConfig
    bump_height: float
    distance: float
    partner: str
    landscape: object = None
    """A typed landscape (engine.surfaces.Surface) instead of the bump; None for the bump."""


class ParametersDialog(FormDialog):
    CSS_PATH = "parameters.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="params.cancel"),
        Binding("ctrl+s", "apply", "Apply", id="params.apply"),
    ]

    def __init__(self, current: LabParameters) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        c = self.current
        choices = [(o.label, o.key) for o in OPTIMIZERS.values()]
        values = {"bump_height": c.bump_height, "distance": c.distance, **{
            k: getattr(c.config, k) for k in ("lr", "beta1", "beta2", "eps", "weight_decay")}}
        with Vertical() as box:
            box.border_title = "Parameters"
            with Grid():
                yield Label("landscape")
                yield Input(c.landscape.expression if c.landscape is not None else "", compact=True, id="landscape",
                            placeholder="the bump, or type F: x**4 - 3*x**2 (x, y: 2-D)")
                yield Label("optimizer")
                yield Select(choices, value=c.config.name, allow_blank=False, compact=True, id="name")
                yield Label("lockstep partner")
                yield Select(choices, value=c.partner, allow_blank=False, compact=True, id="partner")
                for key, label in NUMBER_FIELDS.items():
                    yield Label(label)
                    yield Input(num(values[key]), compact=True, id=key)
            yield Static(id="error")
            with Horizontal():
                yield Button("Apply", variant="primary", id="apply", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def read(self) -> LabParameters:
        """The parameters in the form, or ParameterError with one sentence about the first bad one."""
        numbers = {}
        for key, label in NUMBER_FIELDS.items():
            text = self.query_one(f"#{key}", Input).value.strip()
            try:
                numbers[key] = float(text)
            except ValueError:
                raise ParameterError(f"{label.split(',')[0]} must be a number, not {text!r}.") from None
        config = OptimizerConfig(
            str(self.query_one("#name", Select).value),
            numbers["lr"], numbers["beta1"], numbers["beta2"], numbers["eps"], numbers["weight_decay"],
        ).validated()
        validate_landscape(numbers["bump_height"], numbers["distance"])
        return LabParameters(config, numbers["bump_height"], numbers["distance"],
                             str(self.query_one("#partner", Select).value), self.read_landscape())

    def read_landscape(self):
        """The landscape field: blank for the bump, the current typed one unchanged, or a new one read
        (ExpressionError in one sentence when refused)."""
        text = self.query_one("#landscape", Input).value.strip()
        current = self.current.landscape
        if not text:
            return None
        if current is not None and text == current.expression:
            return current
        from bumptui.engine.surfaces.presets import resolve

        return resolve(text)
