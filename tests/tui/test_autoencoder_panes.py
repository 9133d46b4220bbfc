"""The autoencoder panes, on a recorded fixture run and on a tiny live run started from the app."""

import json
import shutil
import time

import numpy as np
from textual.widgets import DataTable, Input, Static

from bumptui.engine.autoencoder.jobs.train.events import EpochEnd, Reconstructions

from bumptui.engine.autoencoder.runs.events import Done, Failed, Stopped
from bumptui.engine.autoencoder.runs.log import read_events
from bumptui.tui.app import BumptuiApp
from bumptui.tui.screens.latent import LatentPane
from bumptui.tui.screens.optimizer_lab import OptimizerLab
from bumptui.tui.screens.overview import OverviewPane
from bumptui.tui.screens.reconstructions import ReconstructionsPane
from bumptui.tui.screens.runs import RunsPane
from bumptui.tui.widgets.run_charts import LatentScatter, LossChart
from tests.conftest import await_file_unlocked
from tests.tui.conftest import FIXTURE, text_of, wait_until, watching

def fixture_events():
    return read_events(FIXTURE)


async def test_watch_shows_the_recorded_loss_curves_and_its_state():
    app = watching()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OverviewPane), "watch opens on the overview"
        await pilot.press("2")
        drawn = app.screen.query_one(LossChart).drawn
        assert set(drawn) == {"2 train", "2 test", "16 train", "16 test"}
        tests = [e.test_l1 for e in fixture_events() if isinstance(e, EpochEnd) and e.latent == 16]
        assert drawn["16 test"] == ([1, 2, 3], tests)
        assert "finished" in text_of(app.screen.query_one("#status", Static))
        await pilot.press("ctrl+l")
        assert app.screen.query_one(LossChart).log_scale


async def test_latent_pane_steps_through_epochs():
    app = watching()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        pane = app.screen
        assert isinstance(pane, LatentPane)
        assert pane.query_one(LatentScatter).points == 1000
        assert "epoch 3 of 3" in text_of(pane.query_one("#caption", Static))
        await pilot.press("left", "left", "left")
        assert "epoch 1 of 3" in text_of(pane.query_one("#caption", Static))
        await pilot.press("n")
        assert "Latent-16 model" in text_of(pane.query_one("#caption", Static))
        assert "principal components" in text_of(pane.query_one("#caption", Static))


async def test_reconstructions_pane_marks_what_the_judge_misreads():
    app = watching()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        pane = app.screen
        assert isinstance(pane, ReconstructionsPane)
        for d in (2, 16):
            shown = [e for e in fixture_events() if isinstance(e, Reconstructions) and e.latent == d][-1]
            assert pane.wrong[d] == np.flatnonzero(np.array(shown.judged) != np.array(shown.labels)).tolist()
        await pilot.press("left_square_bracket")
        assert "Epoch 2 of 3" in text_of(pane.query_one("#caption", Static))


async def test_runs_pane_lists_runs_and_opens_one_to_compare(tmp_path):
    root = tmp_path / "runs"
    shutil.copytree(FIXTURE, root / "first")
    shutil.copytree(FIXTURE, root / "second")
    app = BumptuiApp(runs_root=root)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("6")
        assert isinstance(app.screen, RunsPane)
        table = app.screen.query_one("#runs", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert sorted(r[0] for r in rows) == ["first", "second"]
        assert all(r[1] == "finished" and r[2] == "3/3" for r in rows)
        await pilot.press("c")
        assert app.overlay is not None
        await pilot.press("down", "enter")
        assert isinstance(app.screen, OverviewPane) and app.record is not None
        await pilot.press("2")
        labels = set(app.screen.query_one(LossChart).drawn)
        assert {"2 test", f"{app.overlay.run_dir.name} 2 test"} <= labels


async def test_a_torn_last_line_waits_for_the_rest(tmp_path):
    run = tmp_path / "runs" / "torn"
    run.mkdir(parents=True)
    shutil.copy(FIXTURE / "config.json", run)
    full = (FIXTURE / "metrics.jsonl").read_bytes()
    cut = full.rindex(b"\n", 0, len(full) - 1) + 30  # 30 bytes into the last line (the Done event)
    (run / "metrics.jsonl").write_bytes(full[:cut])
    app = watching(run)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.record.outcome is None
        assert "finished" not in text_of(app.screen.query_one("#status", Static))
        (run / "metrics.jsonl").write_bytes(full)
        await pilot.pause(0.6)
        assert isinstance(app.record.outcome, Done)
        assert "finished" in text_of(app.screen.query_one("#status", Static))


async def test_a_damaged_log_is_reported_and_the_app_stays_usable(tmp_path):
    run = tmp_path / "runs" / "bad"
    run.mkdir(parents=True)
    shutil.copy(FIXTURE / "config.json", run)
    lines = (FIXTURE / "metrics.jsonl").read_text().splitlines(keepends=True)
    lines[3] = "{not json\n"
    (run / "metrics.jsonl").write_text("".join(lines))
    app = watching(run)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert any("line 4 is not a valid event" in n for n in app.notices)
        await pilot.press("1")
        assert isinstance(app.screen, OptimizerLab)


async def start_from_form(app, pilot, **values):
    await pilot.press("2")
    pane = app.screen
    for key, value in values.items():
        pane.query_one(f"#{key}", Input).value = value
    await pilot.press("ctrl+s")
    return pane


async def test_train_from_the_pane_watch_it_fill_stop_it_and_quit_quickly(runs_root):
    app = BumptuiApp(runs_root=runs_root)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = await start_from_form(app, pilot, latent="2 16", epochs="50", subset="600", name="from-the-app")
        assert await wait_until(pilot, lambda: app.record is not None and len(app.record.epochs[16]) >= 1)
        # the pane redraws at most once a second while the app's own job runs
        assert await wait_until(pilot, lambda: {"2 train", "2 test", "16 train"} <= set(pane.query_one(LossChart).drawn),
                                timeout=5)
        await pilot.press("4")
        assert app.screen.query_one("#scores", DataTable).row_count >= 2
        await pilot.press("2", "ctrl+x")
        assert await wait_until(pilot, lambda: isinstance(app.record.outcome, Stopped), timeout=10)
        assert await wait_until(pilot, lambda: "stopped" in text_of(pane.query_one("#status", Static)), timeout=2)
        start = time.monotonic()
        await pilot.press("q")
    assert time.monotonic() - start < 2.0
    events = read_events(runs_root / "from-the-app")
    assert any(isinstance(e, Stopped) for e in events), "the run directory records the stop"
    assert json.loads((runs_root / "from-the-app" / "config.json").read_text())["latent_dims"] == [2, 16]


async def test_the_stop_button_stops_the_training_as_ctrl_x_does(runs_root):
    app = BumptuiApp(runs_root=runs_root)
    async with app.run_test(size=(120, 36)) as pilot:
        await start_from_form(app, pilot, latent="2", epochs="50", subset="600", name="stop-button")
        assert await wait_until(pilot, lambda: app.record is not None and len(app.record.epochs[2]) >= 1)
        await pilot.click("#stop")
        assert await wait_until(pilot, lambda: isinstance(app.record.outcome, Stopped), timeout=10)
        assert app.job is None


async def test_quitting_while_training_returns_within_2_s_and_leaves_it_resumable(runs_root):
    app = BumptuiApp(runs_root=runs_root)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_from_form(app, pilot, latent="2", epochs="50", subset="600", name="quit-mid-run")
        assert await wait_until(pilot, lambda: app.record is not None and len(app.record.epochs[2]) >= 1)
        start = time.monotonic()
        await pilot.press("q")
    assert time.monotonic() - start < 2.0
    assert await_file_unlocked(runs_root / "quit-mid-run")
    from bumptui.engine.autoencoder.jobs.train.config import TrainConfig

    from bumptui.engine.autoencoder.jobs.train.run import run_training

    done = max(e.epoch for e in read_events(runs_root / "quit-mid-run") if isinstance(e, EpochEnd))
    summary = run_training(runs_root / "quit-mid-run", TrainConfig(epochs=done + 1), resume=True)
    assert summary["models"]["2"]["epochs"] == done + 1


async def test_a_failure_inside_training_shows_an_error_and_the_app_stays_usable(runs_root, monkeypatch):
    import bumptui.engine.autoencoder.jobs.train.run as training

    def broken(*args, **kwargs):
        raise RuntimeError("the device fell over")

    monkeypatch.setattr(training, "train_epoch", broken)
    app = BumptuiApp(runs_root=runs_root)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_from_form(app, pilot, latent="2", epochs="1", subset="600", name="broken")
        assert await wait_until(pilot, lambda: any("the device fell over" in n for n in app.notices))
        assert isinstance(app.record.outcome, Failed)
        await pilot.press("1", "space")
        assert isinstance(app.screen, OptimizerLab) and app.screen.trajectories[0].t == 1


async def test_the_form_rejects_bad_values_with_one_sentence(runs_root):
    app = BumptuiApp(runs_root=runs_root)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await start_from_form(app, pilot, latent="2 x", name="never")
        assert "whole numbers" in text_of(pane.query_one("#error", Static))
        pane = await start_from_form(app, pilot, latent="2", epochs="0", name="never")
        assert "epochs must be at least 1" in text_of(pane.query_one("#error", Static))
        assert app.record is None and not (runs_root / "never").exists()
