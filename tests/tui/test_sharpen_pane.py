"""The Sharpen pane, on the recorded fixture run's sharpening and on a tiny live one started from the app."""

import time

import numpy as np
from textual.widgets import ContentSwitcher, DataTable, Input, Static

from bumptui.engine.autoencoder.jobs.sharpen.events import SharpenScores, SharpenStarted

from bumptui.engine.autoencoder.runs.events import Stopped
from bumptui.engine.autoencoder.runs.log import read_events
from bumptui.engine.autoencoder.jobs.sharpen.kind import SHARPEN
from tests.conftest import await_file_unlocked
from tests.tui.conftest import FIXTURE, text_of, wait_until, watching
from bumptui.tui.app import BumptuiApp
from bumptui.tui.screens.sharpen import SharpenChart, SharpenPane
from bumptui.tui.widgets.digits import DigitGrid


def latest_scores(latent):
    latest = {}
    for e in read_events(SHARPEN.folder(FIXTURE)):
        if isinstance(e, SharpenScores) and e.latent == latent:
            latest[e.model] = e
    return latest


def table_rows(pane):
    table = pane.query_one("#table", DataTable)
    return [table.get_row_at(i) for i in range(table.row_count)]


async def test_the_pane_shows_the_recorded_comparison_curves_and_digits_per_model():
    app = watching()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("7")
        pane = app.screen
        assert isinstance(pane, SharpenPane)
        rows = table_rows(pane)
        assert [r[0] for r in rows] == ["(a) plain", "L1 only", "strategy 1", "strategy 2"]
        scores = latest_scores(2)
        for row, model in zip(rows, ("a", "s0", "s1", "s2")):
            assert row[4] == f"{scores[model].sharpness:.3f}" and row[5] == f"{scores[model].judge_acc:.4f}"
        status = text_of(pane.query_one("#status", Static))
        assert "finished" in status and "dis_net 100.0%" in status and "latent 2" in status
        started = next(e for e in read_events(SHARPEN.folder(FIXTURE)) if isinstance(e, SharpenStarted))
        total = started.config["epochs"] * len(started.resumed_epochs)
        assert f"{total:.1f}/{total} epochs" in text_of(pane.query_one("#progress", Static)), "a finished bar is full"
        drawn = pane.query_one(SharpenChart).drawn
        assert set(drawn) == {f"s{s} {q}" for s in (1, 2) for q in ("D loss", "D acc", "G adv")}
        xs, d_acc = drawn["s1 D acc"]
        assert xs[-1] == 2.0 and all(0 <= a <= 1 for a in d_acc)

        await pilot.press("n", "v")
        assert "latent 16" in text_of(pane.query_one("#status", Static))
        assert pane.query_one(ContentSwitcher).current == "digits"
        scores = latest_scores(16)
        labels = np.array(scores["a"].labels)
        assert set(pane.wrong) == {"a", "s0", "s1", "s2"}
        for model, wrong in pane.wrong.items():
            assert wrong == np.flatnonzero(np.array(scores[model].judged) != labels).tolist()
        grid = pane.query_one(DigitGrid)
        # five rows do not fit legibly under the table: one model at a time, m for the next, then all
        names = []
        for _ in range(len(grid.rows)):
            names.append("all" if grid.view_row() is None else grid.rows[grid.view_row()].caption.split(":")[0])
            await pilot.press("m")
        assert names == ["(a) plain", "L1 only after 2 epochs", "strategy 1 after 2 epochs", "strategy 2 after 2 epochs",
                         "all"], names
        assert grid.view_row() == 1, "and round again"
        await pilot.press("1")
        assert not isinstance(app.screen, SharpenPane), "the digit keys still switch panes"


async def test_sharpen_from_the_pane_stop_resume_and_quit_quickly(sharpen_copy):
    app = BumptuiApp(watch=sharpen_copy, runs_root=sharpen_copy.parent)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("7")
        pane = app.screen
        assert "Not sharpened yet" in text_of(pane.query_one("#status", Static))
        pane.query_one("#epochs", Input).value = "40"
        pane.query_one("#lambda", Input).value = "0.05"
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: app.sharpen.latest(16, "s2") is not None)
        # the pane redraws at most once a second while the app's own job runs
        assert await wait_until(pilot, lambda: len(table_rows(pane)) == 4, timeout=5)
        assert "sharpening running" in text_of(pane.query_one("#status", Static))
        await pilot.press("ctrl+x")
        assert await wait_until(pilot, lambda: isinstance(app.sharpen.outcome, Stopped), timeout=10)
        # the reason the log records is the command line's ("--resume continues ..."); the app says its key
        assert "--resume" in app.sharpen.ending
        assert await wait_until(pilot, lambda: "ctrl+r continues from epoch" in text_of(pane.query_one("#status", Static)),
                                timeout=5)
        assert "--resume" not in text_of(pane.query_one("#status", Static))
        stopped_at = app.sharpen.latest(16, "s1").epoch
        await pilot.press("ctrl+r")
        assert await wait_until(pilot, lambda: app.sharpen.latest(16, "s1").epoch > stopped_at)
        assert app.sharpen.started.resumed_epochs["s1-16"] >= stopped_at
        assert app.sharpen.started.config["lam"] == 0.05 and app.sharpen.started.config["epochs"] == 40
        start = time.monotonic()
        await pilot.press("q")
    assert time.monotonic() - start < 2.0
    assert await_file_unlocked(sharpen_copy)
    events = read_events(SHARPEN.folder(sharpen_copy))
    assert sum(isinstance(e, SharpenStarted) for e in events) == 2 and isinstance(events[-1], Stopped)


async def test_bad_form_values_and_no_run_get_one_sentence_and_start_nothing(sharpen_copy):
    app = BumptuiApp(runs_root=sharpen_copy.parent)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("7", "ctrl+s")
        assert any("Open a trained run first" in n for n in app.notices)
    app = BumptuiApp(watch=sharpen_copy, runs_root=sharpen_copy.parent)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("7")
        pane = app.screen
        for field, value, words in (("lambda", "lots", "lambda must be a number"), ("lambda", "-2", "lambda must be"),
                                    ("epochs", "0", "epochs must be at least 1")):
            pane.query_one("#lambda", Input).value = ""
            pane.query_one("#epochs", Input).value = "3"
            pane.query_one(f"#{field}", Input).value = value
            await pilot.press("ctrl+s")
            assert words in text_of(pane.query_one("#error", Static))
    assert not SHARPEN.folder(sharpen_copy).exists()
