"""The Study pane: a study as it runs, many seeds of the whole autoencoder study at once.

Above, one row per trial (seed): its state, the stage its own run is in (training, clustering,
sharpening) with a bar, and what it measured or why it failed; enter opens that seed's run on the
other panes. Below, the claims judged over the seeds finished so far, filling in as trials finish,
each with its mean paired difference, 95 % interval, verdict and the seeds that would settle it;
the words of the claim under the cursor under the table. Verdicts read in capitals, not only in
colour, so they read the same with NO_COLOR.
"""

from __future__ import annotations

import math
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from bumptui.engine.autoencoder.evidence import (CONTRADICTED, INCONCLUSIVE, SUPPORTED, VERDICT_WORDS,
                                         chance_of_a_false_verdict)
from bumptui.engine.autoencoder.jobs.study.record import StudyRecord
from bumptui.engine.autoencoder.jobs.study.trials import Trial
from bumptui.engine.numbers import signed
from bumptui.tui.messages import RunView, in_app
from bumptui.tui.screens.run_pane import RunPane
from bumptui.tui.widgets.pane_bar import PaneBar
from bumptui.tui.widgets.wait_line import WaitLine, bar
from bumptui.tui.widgets.key_bar import KeyBar

NO_STUDY = ("No study yet: run one with `bumptui study --detach` and follow it with `bumptui watch runs/<study>`, "
            "or open one on the Runs pane (6).")
STYLES = {SUPPORTED: "bold green", CONTRADICTED: "bold red", INCONCLUSIVE: ""}
"""Colour on top of the verdict's own words (VERDICT_WORDS), never instead of them."""
"""How often the trials' own logs are read while the study runs."""
BAR = 10


def interval(ci) -> str:
    return "-" if ci is None or not all(map(math.isfinite, ci)) else f"[{signed(ci[0])}, {signed(ci[1])}]"


def refill(table: DataTable, rows: list[tuple]) -> None:
    """Put rows (keyed by their first cell) in a table when they differ from what it shows, keeping the
    cursor's place: a redraw with nothing new leaves the table and the cursor alone."""
    if [tuple(map(str, table.get_row_at(i))) for i in range(table.row_count)] == [tuple(map(str, r)) for r in rows]:
        return
    cursor = table.cursor_row
    table.clear()
    for row in rows:
        table.add_row(*row, key=str(row[0]))
    table.move_cursor(row=min(cursor, max(0, len(rows) - 1)))


class StudyPane(RunPane):
    PANE = "study"
    CSS_PATH = "study.tcss"
    BINDINGS = [Binding("enter", "open", "Open seed's run", id="study.open")]

    def __init__(self) -> None:
        super().__init__()
        self.trials: dict[int, Trial] = {}
        """Each seed's run as its own logs tell it, for the study shown."""
        self._study: Path | None = None
        self._claims: dict = {}

    def compose(self) -> ComposeResult:
        yield PaneBar(self.PANE)
        yield Static(NO_STUDY, id="status")
        yield WaitLine(id="wait")
        trials = DataTable(id="trials", cursor_type="row", zebra_stripes=True)
        trials.add_columns("seed", "state", "stage", "progress", "measured, or why not")
        yield trials
        yield Static(id="failures")
        yield Static(id="judged")
        claims = DataTable(id="claims", cursor_type="row", zebra_stripes=True)
        claims.add_columns("claim", "verdict", "difference", "95% interval", "n", "to settle", "measured as")
        yield claims
        yield Static(id="words")
        yield KeyBar()

    def _read_trials(self, study: StudyRecord) -> None:
        """Each seed's run grows without the study's log: the app follows their logs (its reader reads
        them, and says a damaged one once), asked here for every trial the study has named."""
        if study.run_dir != self._study:
            self._study, self.trials = study.run_dir, {}
        if study.started is not None and set(study.trials) - set(self.trials):
            stages = _stages(study.started.config)
            for seed in study.trials:
                self.trials.setdefault(seed, Trial(study.run_dir, seed, stages))
            self.post_message(self.Follow([r for t in self.trials.values() for r in t.records.values()]))

    def draw(self, view: RunView) -> None:
        study = view.study
        status = self.query_one("#status", Static)
        if study is None:
            status.update(NO_STUDY)
            return
        self._read_trials(study)
        live = view.is_live(study)
        seeds = sorted(study.trials) or _seeds(study)
        ended = view.ending(study)
        counts = {state: sum(study.trials[s].state == state for s in study.trials) for state in ("done", "failed")}
        where = f" on {study.started.device}" if study.started else ""
        status.update(f"[b]{study.run_dir.name}[/b]{where}: {view.status(study)}"
                      + f" · {counts['done']} of {len(seeds)} seeds done"
                      + (f", {counts['failed']} failed" if counts["failed"] else "")
                      + (f" — {ended}" if ended else ""))
        self.query_one("#wait", WaitLine).wait_for(study.phase() if live else None)
        self._draw_trials(study, seeds, live)
        failed = [f"seed {s} failed: {t.reason}" for s, t in sorted(study.trials.items()) if t.state == "failed"]
        failures = self.query_one("#failures", Static)
        failures.update("\n".join(failed))
        failures.display = bool(failed)
        self._draw_claims(study)

    def _draw_trials(self, study: StudyRecord, seeds: list[int], live: bool) -> None:
        refill(self.query_one("#trials", DataTable), [(str(s), *self._trial_row(study, s, live)) for s in seeds])

    def _trial_row(self, study: StudyRecord, seed: int, live: bool) -> tuple[str, str, str, str]:
        """state, stage, progress, and what it measured or why it is not done."""
        state = study.trials[seed].state if seed in study.trials else "pending"
        trial = self.trials.get(seed)
        stage = trial.stage() if trial else None
        if state == "failed":
            return "failed", _stage_text(stage), "", study.trials[seed].reason
        if state == "done":
            return "done", "", bar(1.0, BAR), _measured(study.measured.get(seed, {}))
        if state == "running" and stage is None:
            return ("queued" if live else "not started"), "", "", "waiting for a free slot" if live else ""
        if state == "running":
            progress = f"{bar(stage.done / stage.total if stage.total else 0.0, BAR)} {stage.done:.1f}/{stage.total}"
            note = stage.phase or in_app(stage.ending or "")
            return ("running" if live else "unfinished"), _stage_text(stage), progress, note
        return "pending", "", "", ""

    def _draw_claims(self, study: StudyRecord) -> None:
        seeds, claims, final = study.judged()
        self._claims = claims
        judged = self.query_one("#judged", Static)
        if not claims:
            judged.update("Claims: judged once two seeds have finished (one seed gives no interval).")
        else:
            so_far = "" if final else " so far"
            judged.update(f"Claims over {len(seeds)} seeds{so_far} ({', '.join(map(str, seeds))}): paired t-intervals "
                          f"at 95 %; {len(claims)} claims read at once leave a "
                          f"{chance_of_a_false_verdict(len(claims)):.0%} chance that one reading is wrong")
        refill(self.query_one("#claims", DataTable),
               [(cid, Text(VERDICT_WORDS[c["verdict"]], STYLES[c["verdict"]]), signed(c["difference"]),
                 interval(c["ci"]), str(c["n"]),
                 str(c["seeds_needed"]) if c["verdict"] == INCONCLUSIVE and c.get("seeds_needed") else "",
                 c["metric"]) for cid, c in claims.items()])
        self._show_words()

    @on(DataTable.RowHighlighted, "#claims")
    def _show_words(self) -> None:
        table = self.query_one("#claims", DataTable)
        words = self.query_one("#words", Static)
        if not self._claims or not table.row_count:
            words.update("")
            return
        cid = list(self._claims)[min(table.cursor_row, len(self._claims) - 1)]
        figures = self.view.study.verdicts.figures if self.view.study and self.view.study.verdicts else {}
        report = f"\nreport: {figures['report']}" if "report" in figures else ""
        claim = self._claims[cid]
        words.update(f"[b]{cid}[/b]: {claim['claim']} (measured as {claim['metric']}){report}")

    @on(DataTable.RowSelected, "#trials")
    def action_open(self) -> None:
        """The seed under the cursor: its run on the other panes (Overview first)."""
        table = self.query_one("#trials", DataTable)
        study = self.view.study
        if study is None or not table.row_count:
            return
        seed = int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        from bumptui.engine.autoencoder.jobs.study.kind import seed_dir
        from bumptui.engine.autoencoder.runs.rundir import CONFIG

        run_dir = seed_dir(study.run_dir, seed)
        if not (run_dir / CONFIG).exists():
            self.notify(f"Seed {seed} has no run yet.", severity="warning")
            return
        self.post_message(self.Open(run_dir))


def _stages(config: dict) -> list[str]:
    from bumptui.engine.autoencoder.jobs.study.config import StudyConfig

    return StudyConfig.from_dict(config).stages()


def _seeds(study: StudyRecord) -> list[int]:
    """The seeds asked for, before the study has said anything of them."""
    if study.started is None:
        return []
    return [study.started.config["seed"] + i for i in range(study.started.config["seeds"])]


def _stage_text(stage) -> str:
    return f"{stage.index}/{stage.of} {stage.doing}" if stage else ""


def _measured(seen: dict) -> str:
    """One finished seed's headline: test L1 by latent size."""
    l1 = sorted((int(k.split("/")[1]), v) for k, v in seen.items()
                if k.startswith("test_l1/") and v is not None)
    return "test L1 " + " ".join(f"{d}:{v:.3f}" for d, v in l1) if l1 else ""
