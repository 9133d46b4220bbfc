"""Finding one's way at 80x24 over SSH: the pane bar, keys that work from inside a form field,
Stop and resume from the app, the form that follows the open run, the palette, the help."""

import numpy as np
import pytest
from textual.widgets import Input, Static

from bumptui.engine.autoencoder.runs.events import Done, Failed, Stopped
from bumptui.tui.app import BumptuiApp
from bumptui.tui.dialogs.critical_height import CriticalHeightScreen
from bumptui.tui.dialogs.help import HelpScreen
from bumptui.tui.panes import PANES
from bumptui.tui.screens.latent import LatentPane
from bumptui.tui.screens.train import TrainPane
from bumptui.tui.widgets.pane_bar import PaneBar
from tests.tui.conftest import FIXTURE, text_of, three_model_run, wait_until, watching


def bar_entries(screen) -> list[tuple[str, str, bool]]:
    bar = screen.query_one(PaneBar)
    return bar.entries(short=False)


async def test_the_pane_bar_marks_the_open_pane_on_every_pane():
    app = watching()
    async with app.run_test(size=(80, 24)) as pilot:
        for i, name in enumerate(PANES, start=1):
            await pilot.press(str(i))
            bar = app.screen.query_one(PaneBar)
            assert bar.active == name
            rendered = bar.render()
            active = [span for span in rendered.spans if "reverse" in str(span.style)]
            assert len(active) == 1 and rendered.plain[active[0].start:active[0].end].strip().startswith(str(i))
            assert all(f"{j} " in rendered.plain for j in range(1, len(PANES) + 1)), "every key is on the bar"


async def test_escape_leaves_a_field_and_the_digit_keys_switch_panes_again(runs_root):
    app = BumptuiApp(runs_root=runs_root)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        epochs = app.screen.query_one("#epochs", Input)
        app.screen.set_focus(epochs)
        await pilot.press("end", "backspace", "backspace", "7", "3")
        assert epochs.value == "73", "digits typed into a field stay in it"
        await pilot.press("escape", "3")
        assert isinstance(app.screen, LatentPane)
        await pilot.press("2")
        assert app.screen.query_one("#epochs", Input).value == "73", "the form holds what was typed"


@pytest.mark.parametrize("i, name", list(enumerate(PANES, start=1)))
async def test_each_function_key_switches_panes_from_inside_a_field(i, name, runs_root):
    app = BumptuiApp(runs_root=runs_root)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        app.screen.set_focus(app.screen.query_one("#latent", Input))
        await pilot.press(f"f{i}")
        assert app.screen.PANE == name
        await pilot.press("f2")
        assert app.screen.query_one("#latent", Input).value == "2 16 256", "no key was typed into the field"


async def test_after_start_the_focus_leaves_the_form_and_stop_works_from_inside_a_field(runs_root):
    app = BumptuiApp(runs_root=runs_root)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        pane = app.screen
        for key, value in dict(latent="2", epochs="50", subset="600", name="stop-in-field").items():
            pane.query_one(f"#{key}", Input).value = value
        pane.set_focus(pane.query_one("#subset", Input))
        await pilot.press("ctrl+s")
        assert app.focused is None, "Start leaves the form"
        await pilot.press("3", "2")
        assert isinstance(app.screen, TrainPane)
        assert await wait_until(pilot, lambda: app.record is not None and app.record.steps[2])
        pane.set_focus(pane.query_one("#epochs", Input))
        await pilot.press("ctrl+x")
        assert await wait_until(pilot, lambda: isinstance(app.record.outcome, Stopped), timeout=10)
        assert any("ctrl+r" in n and "--run-dir" in n for n in app.notices)
        stopped_at = max(app.record.epochs[2], default=0)
        pane.query_one("#epochs", Input).value = str(stopped_at + 1)
        await pilot.press("escape", "ctrl+r")
        assert await wait_until(pilot, lambda: isinstance(app.record.outcome, Done))
        assert app.record.started.resumed_epochs == {"2": stopped_at}
        assert max(app.record.epochs[2]) == stopped_at + 1


async def test_the_train_form_follows_the_open_run():
    app = watching()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        form = {k: app.screen.query_one(f"#{k}", Input).value for k in ("latent", "epochs", "subset", "name")}
        assert form["latent"] == "2 16" and form["epochs"] == "3" and form["subset"] == "1000"
        assert form["name"] not in ("", FIXTURE.name), "a fresh name: Start never reuses the open run's folder"


async def test_the_palette_finds_every_action_of_the_pane_by_name():
    app = BumptuiApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p", *"critical")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, CriticalHeightScreen)


async def test_help_says_how_to_close_it_and_speaks_of_the_pane_it_is_over():
    app = watching()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        texts = " ".join(text_of(s) for s in app.screen.query(Static))
        assert "escape, ? or q closes this" in texts and "autoencoder panes" in texts and "bump" not in texts
        await pilot.press("escape", "1", "question_mark")
        texts = " ".join(text_of(s) for s in app.screen.query(Static))
        assert "bump" in texts and "row t-1" in texts


async def test_resizing_the_terminal_redraws_the_digits_and_the_bar_to_fit(tmp_path):
    from bumptui.tui.widgets.digits import DigitGrid

    app = watching(three_model_run(tmp_path))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        grid = app.screen.query_one(DigitGrid)
        large = grid.cell
        assert len(grid.fully_visible()) == 4, "at 160x50 every model is shown"
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.2)
        assert grid.cell < large, "smaller digits in a smaller terminal"
        assert len(grid.fully_visible()) == 2 and min(grid.fully_visible()) >= 5, "one model at a time, legible"
        await pilot.resize_terminal(60, 20)
        await pilot.pause(0.2)
        bar = app.screen.query_one(PaneBar).render().plain
        assert "Digits" in bar and "Latent" not in bar and "? Help" in bar


async def test_pixels_are_offered_only_where_the_terminal_draws_them(monkeypatch):
    from bumptui.tui.widgets import pixel_digits
    from bumptui.tui.widgets.digits import DigitGrid

    app = watching()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5", "x")
        assert pixel_digits.protocol is None and any("half-blocks" in n for n in app.notices)
        assert app.screen.query_one(DigitGrid).display
        monkeypatch.setattr(pixel_digits, "protocol", "tgp")
        await pilot.press("x")
        picture = app.screen.query_one("#pixels").image
        grid = app.screen.query_one(DigitGrid)
        assert not grid.display and picture.size[1] > picture.size[0] / 10 > 0
        frames = sum(f is not None for r in grid.rows for f in r.frames)
        red = (np.asarray(picture)[..., 0] == 255) & (np.asarray(picture)[..., 1] == 0)
        assert frames > 0 and red.sum() == frames * (4 * 56 * 2 - 16), "one red frame per misread digit"
        await pilot.press("x")
        assert grid.display and not app.screen.query("#pixels")


async def test_opening_a_run_with_a_damaged_config_says_which_field_and_shows_its_log(tmp_path):
    import json
    import shutil

    from bumptui.tui.screens.runs import RunsPane

    root = tmp_path / "runs"
    shutil.copytree(FIXTURE, root / "bad")
    config = json.loads((root / "bad" / "config.json").read_text())
    (root / "bad" / "config.json").write_text(json.dumps({**config, "epochs": "ten"}))
    app = BumptuiApp(runs_root=root)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("6")
        assert isinstance(app.screen, RunsPane)
        await pilot.press("enter")
        await pilot.pause()
        assert any("'epochs' must be a whole number" in n and "shown from the log alone" in n for n in app.notices)
        assert app.record is not None and app.record.run_dir == root / "bad" and app.record.latents == [2, 16]
        await pilot.press("1", "space")
        assert app.screen.trajectories[0].t == 1, "the app stays usable"


async def test_a_full_disk_while_training_from_the_app_is_one_notice_and_the_app_goes_on(runs_root, monkeypatch):
    import os

    from tests.conftest import failing_fsync_of

    monkeypatch.setattr(os, "fsync", failing_fsync_of(f".npz.{os.getpid()}.tmp"))  # the first picture of the epoch
    app = BumptuiApp(runs_root=runs_root)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        for key, value in dict(latent="2", epochs="2", subset="600", name="disk-full").items():
            app.screen.query_one(f"#{key}", Input).value = value
        await pilot.press("ctrl+s")
        assert await wait_until(pilot, lambda: any("the disk is full" in n for n in app.notices))
        assert isinstance(app.record.outcome, Failed) and "could not be written" in app.record.outcome.message
        await pilot.press("1", "space")
        assert app.screen.trajectories[0].t == 1
