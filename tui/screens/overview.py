"""The Overview pane: one glance at a run. Per model a progress bar with epoch, images/s and ETA,
a sparkline of its test L1, and its latest purity, accuracy and judge; above them the run's state,
device, and what it is busy with while it has no losses yet; below them the box the job runs on
(CPU, RAM and each GPU it uses, as its log's system samples record them)."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from bumptui.engine.autoencoder.jobs.train.record import RunRecord
from bumptui.engine.autoencoder.runs.log import last_lines
from bumptui.tui.messages import RunView
from bumptui.tui.screens.run_pane import NO_RUN, RunPane
from bumptui.tui.widgets.pane_bar import PaneBar
from bumptui.tui.widgets.run_charts import LossChart
from bumptui.tui.widgets.system_block import SystemChart, samples_to_show, system_lines
from bumptui.tui.widgets.wait_line import EtaClock, WaitLine, bar, eta_text, sparkline
from bumptui.tui.widgets.key_bar import KeyBar

BAR_WIDTH = 20
SPARK_WIDTH = 16


def model_lines(record: RunRecord, latent: int) -> list[str]:
    """Two lines for one model: its progress, and its scores with the test L1 sparkline."""
    p = record.progress(latent)
    line = f"[b]latent {latent:<3}[/b] {bar(p.done / p.epochs, BAR_WIDTH)} epoch {p.epoch}/{p.epochs}"
    if p.done < p.epochs and p.images_per_s:
        line += f"  {p.images_per_s / 1000:.1f}k img/s"
    elif p.done >= p.epochs:
        line += "  done"
    tests = [e.test_l1 for _, e in sorted(record.epochs[latent].items())]
    scores = record.latest(record.clusters[latent])
    judge = record.judge_acc(latent)
    second = "          "
    second += f"test L1 {tests[-1]:.4f} {sparkline(tests, SPARK_WIDTH)}" if tests else "test L1 -"
    if scores:
        second += f"  purity {scores.purity:.2f} acc {scores.acc:.2f}"
    if judge is not None:
        second += f"  judge {judge:.1%}"
    return [line, second]


def run_lines(record: RunRecord, view: RunView, eta: str) -> list[str]:
    """The run's own line, and what is known of it beside its models: device, judge, raw pixels."""
    device = f" on {record.started.device}" if record.started else ""
    message = view.ending(record)
    lines = [f"[b]{record.run_dir.name}[/b]{device}: {view.status(record)}{eta}" + (f" — {message}" if message else "")]
    facts = []
    if record.judge:
        subset = record.started.config.get("subset") if record.started else None
        facts.append(f"judge {record.judge.test_acc:.1%} on test digits"
                     + (f" (trained on {subset})" if subset else ""))
    raw = record.latest(record.clusters[None])
    if raw:
        facts.append(f"raw pixels purity {raw.purity:.2f} acc {raw.acc:.2f}")
    if facts:
        lines.append(" · ".join(facts))
    return lines


TALL = 34
"""Rows from which the Overview shows the box's chart under the losses' (120x36 does)."""
LAST_WORDS = 4
"""Console lines shown on the Overview for a job that died or failed."""


def consoles(view: RunView) -> list[tuple[str, Path]]:
    """(what, path) of each console log the run's jobs have, the live one first, then the newest."""
    from bumptui.engine.autoencoder.jobs import registry

    found = []
    for name, record in view.records.items():
        if record is None:
            continue
        path = registry.kind(name).console_log(record.run_dir)
        if path.is_file():
            found.append((not view.is_live(record), -path.stat().st_mtime, registry.kind(name).doing, path))
    return [(what, path) for _, _, what, path in sorted(found)]


def last_words(view: RunView) -> list[str]:
    """The last console lines of a job of the run that died or failed (the newest such), if it has a console."""
    from bumptui.engine.autoencoder.jobs import registry

    ended = [(name, r) for name, r in view.records.items() if r is not None and r.started is not None
             and view.status(r) in ("dead", "failed")]
    for name, record in ended:
        path = registry.kind(name).console_log(record.run_dir)
        lines = last_lines(path, LAST_WORDS)
        if lines:
            return [f"[b]{registry.kind(name).doing} {view.status(record)}[/b]; its console ({escape(str(path))}, o) "
                    "ends:", *(escape(line) for line in lines)]
    return []


class OverviewPane(RunPane):
    CSS_PATH = "overview.tcss"
    PANE = "overview"
    BINDINGS = [Binding("s", "toggle_chart", "Losses/box", id="overview.chart"),
                Binding("o", "console", "Console", id="overview.console")]

    def __init__(self) -> None:
        super().__init__()
        self.show_box: bool | None = None
        """Whether the box's chart is shown, once `s` chose; None: where the pane is TALL rows or more."""
        self._clock = EtaClock()
        """The run's pace as this pane sees it: evaluations included, which epoch times leave out."""

    def compose(self) -> ComposeResult:
        yield PaneBar(self.PANE)
        yield Static(NO_RUN, id="status")
        yield WaitLine(id="wait")
        yield Static(id="models")
        yield LossChart(id="loss")
        yield SystemChart(hint="s toggles", id="box")
        yield KeyBar()

    def action_console(self) -> None:
        """The run's consoles (what its detached jobs printed), the live or latest first."""
        from bumptui.tui.dialogs.console import ConsoleScreen

        self.app.push_screen(ConsoleScreen(consoles(self.view)))

    def box_shown(self) -> bool:
        return self.show_box if self.show_box is not None else self.size.height >= TALL

    def on_resize(self) -> None:
        self._lay_out()

    def _lay_out(self) -> None:
        """At TALL rows and more both charts, the losses above the box; fewer, one of them."""
        box = self.box_shown()
        self.query_one(LossChart).display = self.size.height >= TALL or not box
        self.query_one(SystemChart).display = box

    def action_toggle_chart(self) -> None:
        """The box's chart over the job's time, shown or not (below TALL rows, instead of the losses)."""
        self.show_box = not self.box_shown()
        self._lay_out()

    def draw(self, view: RunView) -> None:
        record = view.record
        status, models = self.query_one("#status", Static), self.query_one("#models", Static)
        if record is None:
            status.update(NO_RUN)
            models.update("")
            self.query_one(LossChart).show([], log_scale=False, smooth=True)
            self.query_one(SystemChart).show([], False)
            self.query_one(WaitLine).wait_for(None)
            return
        live = view.is_live(record)
        self.query_one(WaitLine).wait_for(record.phase() if live else None)
        done, total = record.done()
        eta = f" · ETA {eta_text(self._clock.eta(done, total))}" if live and done else ""
        status.update("\n".join([*run_lines(record, view, eta), *last_words(view)]))
        self.query_one(LossChart).show([record], log_scale=False, smooth=True)
        samples, live_job = samples_to_show(view)
        self.query_one(SystemChart).show(samples, live_job)
        models.update("\n".join([*(line for d in record.latents for line in model_lines(record, d)),
                                 *system_lines(samples, live_job)]))
