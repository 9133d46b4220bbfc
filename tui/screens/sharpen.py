"""The Sharpen pane: sharpen the current run's models with dis_net, follow D and G, compare.

For one model (latent size) at a time: the comparison table of (a), the L1-only control and the
two strategies; D's and G's losses and D's accuracy over time; and the same test digits as each
of them reconstructs them, in half-blocks.
"""

from __future__ import annotations

import numpy as np
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, ContentSwitcher, DataTable, Static

from bumptui.engine.autoencoder.jobs.sharpen.config import SharpenConfig, SharpenError, lambda_text
from bumptui.engine.autoencoder.jobs.sharpen.record import SharpenRecord
from bumptui.engine.autoencoder.runs.events import decode_images
from bumptui.engine.autoencoder.sharpening.comparison import MODEL_NAMES, comparison_rows
from bumptui.tui.forms import form_row, form_texts
from bumptui.tui.messages import RunView
from bumptui.tui.screens.run_pane import NO_RUN, RunPane
from bumptui.tui.widgets.digits import DigitGrid, DigitRow
from bumptui.tui.widgets.sharpen_chart import SharpenChart
from bumptui.tui.widgets.wait_line import EtaClock, WaitLine, bar, eta_text
from bumptui.tui.widgets.pane_bar import PaneBar
from bumptui.tui.widgets.key_bar import KeyBar

NOT_SHARPENED = "Not sharpened yet: ctrl+s sharpens every model of this run (both strategies and the L1-only control)."


FORM = ("lam", "epochs", "strategies", "init", "precision")
"""The form's settings, one a row."""


class SharpenPane(RunPane):
    PANE = "sharpen"

    CSS_PATH = "sharpen.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (76, "-wide")]
    """Below 76 columns the form goes under the table, so that no column of the table is hidden."""
    AUTO_FOCUS = ""  # no focus: the digit keys switch panes until the user moves into the form
    BINDINGS = [
        Binding("ctrl+s", "start", "Sharpen", id="sharpen.start"),
        Binding("ctrl+x", "stop", "Stop", priority=True, id="sharpen.stop"),  # a form field's cut otherwise
        Binding("ctrl+r", "resume", "Resume", id="sharpen.resume"),
        Binding("n", "next_model", "Next model", id="sharpen.model"),
        Binding("v", "toggle_view", "Digits/curves", id="sharpen.view"),
        Binding("z", "digit_size", "Size", show=False, id="sharpen.size"),
        Binding("m", "digit_rows", "Whose digits", show=False, id="sharpen.rows"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.latent: int | None = None
        """The model shown; None: the first one."""
        self.wrong: dict[str, list[int]] = {}
        """Per model shown, which digits the judge misreads; what tests read."""
        self._drawn = None
        self._clock = EtaClock()

    def compose(self) -> ComposeResult:
        yield PaneBar(self.PANE)
        with Horizontal(id="top"):
            table = DataTable(id="table", cursor_type="none", zebra_stripes=True)
            table.add_columns("model", "ep", "test L1", "clear", "sharp", "judge", "goal")
            yield table
            with Vertical(id="form"):
                for name in FORM:
                    with Horizontal(classes="row"):
                        yield from form_row(SharpenConfig, name)
                with Horizontal(classes="row"):
                    yield Button("Sharpen", id="start", variant="primary", compact=True)
                    yield Button("Stop", id="stop", variant="error", compact=True)
        yield Static(id="error")
        yield Static(NO_RUN, id="status")
        yield WaitLine(id="wait")
        yield Static(id="progress")
        with ContentSwitcher(initial="curves", id="views"):
            yield SharpenChart(id="curves")
            yield DigitGrid(id="digits")
        yield KeyBar()

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        error = self.query_one("#error", Static)
        try:
            config = SharpenConfig.from_text(form_texts(self, SharpenConfig, FORM))
        except SharpenError as err:
            error.update(str(err))
            return
        error.update("")
        self.set_focus(None)
        self.post_message(self.Start("sharpen", config))

    def action_resume(self) -> None:
        self.post_message(self.Start("sharpen", None, resume=True))

    def action_next_model(self) -> None:
        sharpen = self.view.sharpen
        latents = sharpen.latents if sharpen else []
        if latents:
            current = self.model(sharpen)
            self.latent = latents[(latents.index(current) + 1) % len(latents)]
            self.redraw()

    def action_digit_size(self) -> None:
        self.query_one(DigitGrid).next_size()

    def action_digit_rows(self) -> None:
        """The digits of every model, or of one against the originals at a larger size."""
        self.query_one(DigitGrid).next_view()

    def action_toggle_view(self) -> None:
        switcher = self.query_one(ContentSwitcher)
        switcher.current = "digits" if switcher.current == "curves" else "curves"

    def model(self, sharpen: SharpenRecord) -> int | None:
        latents = sharpen.latents
        return self.latent if self.latent in latents else (latents[0] if latents else None)

    def draw(self, view: RunView) -> None:
        record, sharpen = view.record, view.sharpen
        status, table = self.query_one("#status", Static), self.query_one("#table", DataTable)
        latent = self.model(sharpen) if sharpen else None
        table.clear()
        self.query_one(SharpenChart).show(sharpen, latent)
        live = sharpen is not None and view.is_live(sharpen)
        self.query_one(WaitLine).wait_for(sharpen.phase() if live else None)
        self._show_progress(sharpen, live)
        if record is None or sharpen is None or sharpen.started is None:
            status.update(NO_RUN if record is None else f"[b]{record.run_dir}[/b]: "
                          + ("sharpening is starting" if live else NOT_SHARPENED))
            self.query_one(DigitGrid).show([])
            self._drawn = None
            return
        summary = sharpen.summary()
        for row in comparison_rows({"models": {str(latent): summary["models"].get(str(latent), {})}}):
            _, name, epochs, l1, clear, sharp, judge, _, _, _, target = row
            table.add_row(name, epochs, l1, clear, sharp, judge, target)
        config = sharpen.started.config
        dis = f" · dis_net {sharpen.dis.held_out_acc:.1%} on held-out blur" if sharpen.dis else ""
        message = view.ending(sharpen)
        status.update(f"[b]{record.run_dir}[/b]: sharpening {view.status(sharpen).replace('sharpening', 'running')} · "
                      f"{lambda_text(config['lam'], config['strategies'])}"
                      f" · from {config['init']} · {config.get('precision', 'fp32')}{dis} · latent {latent}"
                      " (n: next, v: digits/curves, m: whose digits)"
                      + (f" — {message}" if message else ""))
        self._show_digits(sharpen, latent)

    def _show_progress(self, sharpen: SharpenRecord | None, live: bool) -> None:
        """Every strategy's epochs on every model as one bar, with an ETA while it runs."""
        line = self.query_one("#progress", Static)
        line.display = bool(sharpen and sharpen.started)
        if not line.display:
            return
        done, total = sharpen.done()
        text = f"{bar(done / total, 20)} {done:.1f}/{total} epochs of all models and strategies"
        if live:
            text += f" · ETA {eta_text(self._clock.eta(done, total))}"
        line.update(text)

    def _show_digits(self, sharpen: SharpenRecord, latent: int) -> None:
        logged = {m: sharpen.latest(latent, m) for m in MODEL_NAMES if sharpen.latest(latent, m) is not None}
        key = (sharpen.run_dir, latent, tuple(id(s) for s in logged.values()))
        if key == self._drawn or not logged:
            return
        self._drawn = key
        shown = {m: s for m in logged if (s := sharpen.latest_pictures(latent, m)) is not None}  # read when shown
        if not shown:
            self.query_one(DigitGrid).show([])
            return
        first = next(iter(shown.values()))
        labels = np.array(first.labels)
        rows = [DigitRow("originals (their true digits under them)", decode_images(first.originals),
                         tuple(map(str, labels.tolist())))]
        self.wrong = {}
        for m, s in shown.items():
            wrong = np.flatnonzero(np.array(s.judged) != labels).tolist()
            self.wrong[m] = wrong
            epochs = "" if m == "a" else f" after {s.epoch} epoch{'s' * (s.epoch != 1)}"
            rows.append(DigitRow(f"{MODEL_NAMES[m]}{epochs}: sharpness {s.sharpness:.3f} · judge {s.judge_acc:.1%} · "
                                 f"{len(wrong)} of {len(labels)} misread (✗ judge's reading)", decode_images(s.images),
                                 tuple(map(str, s.judged)), tuple("red" if i in wrong else None for i in range(len(labels)))))
        self.query_one(DigitGrid).show(rows)
