"""The Study pane on a recorded study (3 seeds: two finished, one failed because its run directory
was in use), and on the same study caught mid-way, its logs then growing as a live study's would."""

import json
import os
import shutil
from pathlib import Path

from textual.widgets import DataTable, Static

from bumptui.engine.autoencoder.jobs.study.events import TrialMeasured, Verdicts
from bumptui.engine.autoencoder.jobs.train.record import RunRecord
from bumptui.engine.autoencoder.runs.log import METRICS, read_events
from bumptui.engine.autoencoder.runs.lock import LOCK
from bumptui.tui.app import BumptuiApp
from bumptui.tui.screens.overview import OverviewPane
from bumptui.tui.screens.runs import RunsPane
from bumptui.tui.screens.study import StudyPane
from bumptui.tui.widgets.wait_line import bar
from tests.tui.conftest import text_of, wait_until

STUDY = Path(__file__).resolve().parent.parent / "fixtures" / "runs" / "tiny-study"


def rows(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_watching_a_study_opens_on_its_trials_and_verdicts_and_enter_opens_a_seeds_run():
    app = BumptuiApp(watch=STUDY, runs_root=STUDY.parent)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.screen
        assert isinstance(pane, StudyPane), "watch opens a study on the Study pane"
        trials = rows(pane.query_one("#trials", DataTable))
        measured = {e.seed: e.measurements for e in read_events(STUDY) if isinstance(e, TrialMeasured)}
        assert [r[:2] for r in trials] == [["0", "done"], ["1", "done"], ["2", "failed"]]
        assert trials[0][4] == f"test L1 2:{measured[0]['test_l1/2']:.3f} 16:{measured[0]['test_l1/16']:.3f}"
        assert "seed 2 failed: Run directory" in text_of(pane.query_one("#failures", Static))
        assert "is in use by process" in text_of(pane.query_one("#failures", Static))
        status = text_of(pane.query_one("#status", Static))
        assert "finished" in status and "2 of 3 seeds done, 1 failed" in status

        verdicts = next(e for e in read_events(STUDY) if isinstance(e, Verdicts))
        claims = rows(pane.query_one("#claims", DataTable))
        assert [r[0] for r in claims] == [f"C{i}" for i in range(1, 8)]
        c1 = verdicts.claims["C1"]
        assert claims[0][1] == c1["verdict"].upper() if c1["verdict"] != "inconclusive" else "inconclusive"
        assert claims[0][2] == f"{c1['difference']:+.4f}" and claims[0][3] == f"[{c1['ci'][0]:+.4f}, {c1['ci'][1]:+.4f}]"
        assert "Claims over 2 seeds (0, 1)" in text_of(pane.query_one("#judged", Static))
        assert "C1: a larger latent gives a lower reconstruction loss" in text_of(pane.query_one("#words", Static))

        await pilot.press("tab", "down")  # the cursor on the claims table names the claim under it
        assert text_of(pane.query_one("#words", Static)).startswith("C2: a small latent")
        await pilot.press("shift+tab", "down", "enter")  # seed 1's run, on the other panes
        assert isinstance(app.screen, OverviewPane)
        assert app.record.run_dir == STUDY / "seed-1"
        assert app.sharpen.outcome is not None and app.clusters.outcome is not None, "a trial is an ordinary run"
        await pilot.press("9")
        assert isinstance(app.screen, StudyPane) and app.study.run_dir == STUDY, "the study stays on its pane"


async def test_the_runs_pane_lists_a_study_and_opens_it_on_the_study_pane():
    app = BumptuiApp(runs_root=STUDY.parent)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("6")
        pane = app.screen
        assert isinstance(pane, RunsPane)
        table = pane.query_one("#runs", DataTable)
        names = [r[0] for r in rows(table)]
        assert "tiny-study" in names
        assert rows(table)[names.index("tiny-study")][1:3] == ["study: finished", "3/3"]
        table.move_cursor(row=names.index("tiny-study"))
        await pilot.press("enter")
        assert isinstance(app.screen, StudyPane) and app.study.run_dir == STUDY


def cut_after(path, keep) -> list[str]:
    """Keep the log's lines up to and with the first for which keep(event dict) is False; return the rest."""
    lines = path.read_text().splitlines(keepends=True)
    for i, line in enumerate(lines):
        if not keep(json.loads(line)):
            path.write_text("".join(lines[:i + 1]))
            return lines[i + 1:]
    return []


async def test_a_running_study_shows_each_trials_stage_and_fills_its_claims_in_as_trials_finish(tmp_path):
    study = tmp_path / "study"
    shutil.copytree(STUDY, study)
    # the study as it was while seed 1 trained its first epoch: seed 0 measured, seed 2 not started
    rest = cut_after(study / METRICS, lambda e: not (e["event"] == "TrialState" and e["seed"] == 0
                                                       and e["state"] == "done"))
    shutil.rmtree(study / "seed-1" / "sharpen")
    shutil.rmtree(study / "seed-1" / "cluster")
    train_rest = cut_after(study / "seed-1" / METRICS, lambda e: e["event"] != "EpochEnd")
    (study / LOCK).write_text(json.dumps({"pid": os.getpid(), "host": os.uname().nodename}))  # a live study

    app = BumptuiApp(watch=study, runs_root=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = app.screen
        assert isinstance(pane, StudyPane)
        await pilot.pause()
        trials = rows(pane.query_one("#trials", DataTable))
        assert trials[0][1] == "done"
        assert trials[1][1:3] == ["running", "1/3 training"]
        done, total = RunRecord.read(study / "seed-1").done()
        assert total == 4 and 1 <= done < 4, "two models of two epochs, the first epoch logged"
        assert trials[1][3] == f"{bar(done / total, 10)} {done:.1f}/4"
        assert trials[2][1:] == ["queued", "", "", "waiting for a free slot"], "handed to Ray, not started"
        assert "judged once two seeds have finished" in text_of(pane.query_one("#judged", Static))

        # seed 1 trains on, then finishes its stages; the study measures it
        (study / "seed-1" / METRICS).open("a").write("".join(train_rest))
        shutil.copytree(STUDY / "seed-1" / "cluster", study / "seed-1" / "cluster")
        assert await wait_until(pilot, lambda: rows(pane.query_one("#trials", DataTable))[1][2] == "3/3 sharpening",
                                timeout=10), "the trial's own logs are followed while the study runs"
        (study / METRICS).open("a").write("".join(l for l in rest if '"event":"Verdicts"' not in l
                                                  and '"event":"Done"' not in l))
        assert await wait_until(pilot, lambda: rows(pane.query_one("#trials", DataTable))[1][1] == "done", timeout=10)
        judged = text_of(pane.query_one("#judged", Static))
        assert "Claims over 2 seeds so far (0, 1)" in judged
        measured = [e.measurements for e in read_events(study) if isinstance(e, TrialMeasured)]
        c1 = rows(pane.query_one("#claims", DataTable))[0]
        difference = sum(m["test_l1/2"] - m["test_l1/16"] for m in measured) / 2
        assert c1[2] == f"{difference:+.4f}" and c1[4] == "2", "judged over the seeds finished so far"
        assert [r[1] for r in rows(pane.query_one("#trials", DataTable))] == ["done", "done", "failed"]
