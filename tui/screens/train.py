"""The Train pane: a validated form, start and stop, progress per model and live loss curves."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, ProgressBar, Static

from bumptui.engine.autoencoder.jobs.train.config import ARCHITECTURES, TrainConfig, TrainingError
from bumptui.engine.autoencoder.jobs.train.record import RunRecord
from bumptui.engine.autoencoder.runs.rundir import new_run_name
from bumptui.tui.forms import fill_form, form_row, form_texts
from bumptui.tui.messages import RunView
from bumptui.tui.screens.run_pane import RunPane
from bumptui.tui.widgets.run_charts import LossChart
from bumptui.tui.widgets.pane_bar import PaneBar
from bumptui.tui.widgets.wait_line import EtaClock, WaitLine, eta_text
from bumptui.tui.widgets.key_bar import KeyBar

NO_RUN_HERE = "No run yet: fill in the form and press ctrl+s (or Start), or open a recorded run on the Runs pane (6)."


FORM = (("latent_dims", "epochs"), ("arch", "device"), ("seed", "subset"))
"""The form's rows of settings, two a row; the run's name and the precision share the last."""
FIELDS = (*(name for row in FORM for name in row), "precision")


class TrainPane(RunPane):
    PANE = "train"

    CSS_PATH = "train.tcss"
    AUTO_FOCUS = ""  # no focus: the digit keys switch panes until the user moves into the form
    BINDINGS = [
        Binding("ctrl+s", "start", "Start", id="train.start"),
        Binding("ctrl+x", "stop", "Stop", priority=True, id="train.stop"),  # a form field's cut otherwise
        Binding("ctrl+r", "resume", "Resume", id="train.resume"),
        Binding("ctrl+l", "log_scale", "Log scale", show=False, id="train.log"),  # in help and the palette:
        Binding("ctrl+e", "smooth", "EMA", show=False, id="train.ema"),  # the footer keeps Stop and Help in 60 columns
    ]

    def __init__(self) -> None:
        super().__init__()
        self.log_scale = False
        self.smooth = True
        self._clock = EtaClock()
        """The run's pace as this pane sees it, evaluations included."""
        self._form_for: Path | None = None
        self._filled_arch: str | None = None
        self.design_verdict: str | None = None
        """What the check of the design typed into arch said (None: not checked, or a built-in); what tests read."""
        """The run whose settings the form shows; it follows the open run."""

    def compose(self) -> ComposeResult:
        yield PaneBar(self.PANE)
        with Horizontal(id="top"):
            with Vertical(id="form"):
                for row in FORM:
                    with Horizontal(classes="row"):
                        for name in row:
                            yield from form_row(TrainConfig, name)
                with Horizontal(classes="row"):
                    yield Label("run")
                    yield Input(new_run_name(), id="name", compact=True)
                    yield from form_row(TrainConfig, "precision", label_classes="short")
                with Horizontal(classes="row"):
                    yield Label("")
                    yield Button("Start", id="start", variant="primary", compact=True)
                    yield Button("Stop", id="stop", variant="error", compact=True)
                yield Static(id="error")
            yield Vertical(id="progress")
        yield Static(NO_RUN_HERE, id="status")
        yield WaitLine(id="wait")
        yield LossChart(id="loss")
        yield KeyBar()

    @on(Input.Changed, "#arch")
    def _design_typed(self, event: Input.Changed) -> None:
        """A design typed into arch is checked as it is entered: imported, built and probed in a
        worker thread (a design can take a while to import), the verdict under the form."""
        text = event.value.strip()
        self.design_verdict = None
        if text == self._filled_arch:  # the open run's own design, filled in: not run (its run keeps the copy)
            return
        if not text or text in ARCHITECTURES or ":" not in text:
            self.query_one("#error", Static).update("")
            return
        import threading

        # a daemon thread, not a worker: a design whose import hangs holds it for up to designs.IMPORT_S,
        # and the app quits meanwhile without waiting for it (the app's workers are waited for)
        threading.Thread(target=self._check_design, args=(text,), name="bumptui-design-check", daemon=True).start()

    def _check_design(self, text: str) -> None:
        import time

        from bumptui.engine.errors import UserError

        time.sleep(0.4)  # typing goes on: only the text that stays is checked
        try:
            if self.query_one("#arch", Input).value.strip() != text:
                return
        except Exception:  # noqa: BLE001 (the pane or the app is gone)
            return
        try:
            latents = TrainConfig.from_text({"latent_dims": self.query_one("#latent", Input).value}).latent_dims
        except TrainingError:
            latents = (2,)
        try:
            from bumptui.engine.autoencoder.designs import admit

            digest = admit(text, latents)
            verdict = f"design {text}: imports, builds at latent {', '.join(map(str, latents))} and passes the probe " \
                      f"(sha256 {digest[:12]})"
        except UserError as err:
            verdict = str(err)
        try:
            self.app.call_from_thread(self._say_design, text, verdict)
        except RuntimeError:  # the app has quit meanwhile
            pass

    def _say_design(self, text: str, verdict: str) -> None:
        if self.query_one("#arch", Input).value.strip() == text:
            self.design_verdict = verdict
            self.query_one("#error", Static).update(verdict)

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        error = self.query_one("#error", Static)
        try:
            config = TrainConfig.from_text(form_texts(self, TrainConfig, FIELDS))
            name = self.query_one("#name", Input).value.strip()
            if not name or "/" in name:
                raise TrainingError("The run name must be a plain folder name.")
        except TrainingError as err:
            error.update(str(err))
            return
        error.update("")
        self.set_focus(None)  # out of the form: the digit keys switch panes again
        self.post_message(self.Start("train", config, run_dir=self.view.runs_root / name))

    def action_resume(self) -> None:
        error = self.query_one("#error", Static)
        if self.view.record is None:
            error.update("Open a run to resume first (Runs pane, 6).")
            return
        try:
            epochs = int(form_texts(self, TrainConfig, ["epochs"])["epochs"])
        except ValueError:
            error.update("Epochs must be a whole number: the total to resume to.")
            return
        error.update("")
        self.set_focus(None)
        self.post_message(self.Start("train", TrainConfig(epochs=epochs), resume=True, run_dir=self.view.record.run_dir))

    def follow_run(self, record: RunRecord) -> None:
        """Fill the form with the open run's settings and a fresh name: Start then begins a run like
        it, ctrl+r continues it."""
        config = record.started.config if record.started else None
        if config is None:
            return
        self._form_for = record.run_dir
        self._filled_arch = str(config.get("arch", "mlp"))
        fill_form(self, TrainConfig, {"precision": "fp32", **config}, [n for n in FIELDS if n != "device"])
        self.query_one("#name", Input).value = new_run_name()

    def action_log_scale(self) -> None:
        self.log_scale = not self.log_scale
        self.redraw()

    def action_smooth(self) -> None:
        self.smooth = not self.smooth
        self.redraw()

    def draw(self, view: RunView) -> None:
        record, status = view.record, self.query_one("#status", Static)
        if record is not None and record.run_dir != self._form_for:
            self.follow_run(record)
        runs = [r for r in (record, view.overlay) if r is not None]
        self.query_one(LossChart).show(runs, self.log_scale, self.smooth)
        self._show_progress(record)
        if record is None:
            status.update(NO_RUN_HERE)
            return
        state = view.status(record)
        live = view.live(state)  # the status read once: it looks at the run's lock
        self.query_one(WaitLine).wait_for(record.phase() if live else None)
        done, total = record.done()
        if live and done:
            state += f" · ETA {eta_text(self._clock.eta(done, total))}"
        device = (f" on {record.started.device} ({record.started.config.get('precision', 'fp32')})"
                  if record.started else "")
        extra = f" · compared with {view.overlay.run_dir.name}" if view.overlay else ""
        arch = record.started.config.get("arch", "mlp") if record.started else "mlp"
        if record.started and record.started.config.get("design_sha256"):  # a user's design, as recorded
            extra += f" · design {arch} (sha256 {record.started.config['design_sha256'][:12]})"
        message = view.ending(record)
        status.update(f"[b]{record.run_dir}[/b]{device}: {state}{extra}" + (f" — {message}" if message else ""))

    def _show_progress(self, record: RunRecord | None) -> None:
        box = self.query_one("#progress", Vertical)
        latents = record.latents if record else []
        if [b.id for b in box.query(ProgressBar)] != [f"bar-{d}" for d in latents]:
            box.remove_children()
            for d in latents:
                box.mount(Label(id=f"label-{d}"), ProgressBar(id=f"bar-{d}", show_eta=False, show_percentage=False))
        if not record:
            return
        for d in latents:
            p = record.progress(d)
            done = record.latest(record.epochs[d])
            text = f"latent {d}: epoch {p.epoch}/{p.epochs}"
            if done and p.done >= p.epochs:
                text += f" · test L1 {done.test_l1:.4f}"
            elif p.images_per_s:
                text += f" · {p.images_per_s / 1000:.1f}k img/s"
            self.query_one(f"#label-{d}", Label).update(text)
            self.query_one(f"#bar-{d}", ProgressBar).update(total=p.epochs, progress=p.done)
