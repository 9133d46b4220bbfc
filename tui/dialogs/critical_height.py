"""The critical bump height for the lab's optimizer, and the bisection that found it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from bumptui.engine.bump.escape import critical_height
from bumptui.engine.numbers import num
from bumptui.engine.bump.optimizers import OPTIMIZERS, OptimizerConfig

TRY_OFFSET = 0.005


class CriticalHeightScreen(ModalScreen[float | None]):
    """Dismisses with a bump height to try (just below or above the critical one), or None."""

    CSS_PATH = "critical_height.tcss"
    BINDINGS = [
        Binding("escape,c", "dismiss(None)", "Close", id="critical.close"),
        Binding("minus", "try_height(-1)", "Try h just below", id="critical.below"),
        Binding("plus,equals_sign", "try_height(1)", "Try h just above", id="critical.above"),
    ]

    def __init__(self, config: OptimizerConfig, distance: float, bump_height: float) -> None:
        super().__init__()
        self.config, self.distance, self.bump_height = config, distance, bump_height
        self.result = critical_height(config, distance)

    def compose(self) -> ComposeResult:
        r, label = self.result, OPTIMIZERS[self.config.name].label
        if r.brackets:
            verdict = "escapes" if self.bump_height <= r.h_critical else "is trapped"
            lines = [
                f"[b]Critical height h = {r.h_critical:.9f}[/b] for {label} (α={num(self.config.lr)}, "
                f"β1={num(self.config.beta1)}, β2={num(self.config.beta2)}, ε={num(self.config.eps)}, L={num(self.distance)}).",
                f"Against a bump it cannot pass it gets farthest to x = {num(r.farthest_x)} at step {r.farthest_step}"
                + (f" and turns back at step {r.turn_back_step}." if r.turn_back_step else "."),
                f"With the current h = {num(self.bump_height)} it {verdict}. Bisection to 1e-9 in {len(r.brackets)} probes (escapes (n): it passes the peak at step n):",
            ]
        else:
            lines = [f"{label} never gets past the local minimum within {r.max_steps} steps "
                     f"(farthest x = {num(r.farthest_x)}), so no bump is escaped."]
        with Vertical() as box:
            box.border_title = "Critical bump height"
            box.border_subtitle = "- / + try h just below / above · esc close"
            yield Static("\n".join(lines), id="summary")
            table = DataTable(cursor_type="row", zebra_stripes=True)
            table.add_columns("probe h", "bracket lo", "bracket hi", "outcome")
            for b in r.brackets:
                outcome = f"escapes ({b.escaped_at})" if b.escaped_at is not None else "trapped"
                table.add_row(f"{b.probe:.9f}", f"{b.lo:.9f}", f"{b.hi:.9f}", outcome)
            yield table

    def action_try_height(self, direction: int) -> None:
        h = self.result.h_critical + direction * TRY_OFFSET
        if h <= 0:
            self.notify("No bump below the critical height can be tried: it is 0.", severity="warning")
            return
        self.dismiss(round(h, 6))
