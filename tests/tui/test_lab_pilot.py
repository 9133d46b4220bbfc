"""Pressing the lab's keys as a user would and reading what the table, chart and story show."""

import pytest
from textual.widgets import DataTable, Input, Static

from bumptui.engine.bump.escape import critical_height
from bumptui.engine.bump.landscape import BumpLandscape
from bumptui.engine.bump.optimizers import OptimizerConfig
from bumptui.engine.bump.trajectory import Trajectory
from tests.tui.conftest import lab
from bumptui.tui.dialogs.critical_height import CriticalHeightScreen
from bumptui.tui.screens.escape_map import EscapeMapScreen
from bumptui.tui.dialogs.help import HelpScreen
from bumptui.tui.dialogs.parameters import ParametersDialog
from bumptui.tui.widgets.escape_heatmap import ESCAPED, HERE, TRAPPED, EscapeHeatmap
from bumptui.tui.widgets.landscape_chart import LandscapeChart
from bumptui.tui.widgets.step_table import StepTable


def table_column(table: StepTable, key: str) -> list[str]:
    return [str(table.get_row(str(r.t))[table.shown_columns.index(key)]) for r in table.records]


def story(screen) -> str:
    return str(screen.query_one("#story", Static).render())


async def test_stepping_fills_the_table_and_the_chart_with_adams_records(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(*["space"] * 6)
        screen = lab(app)
        table = screen.query_one("#table-0", StepTable)
        expected = Trajectory(BumpLandscape(0.5), OptimizerConfig()).run(6)
        assert table.row_count == 7
        assert table_column(table, "x") == [f"{r.x:.5g}" for r in expected]
        assert table_column(table, "m_hat")[5] == "-0.51161"
        assert table.cursor_row == 6, "the newest row is the selected, visible one"
        assert set(table.shown_columns) == {"t", "x", "g", "m", "v", "m_hat", "v_hat", "dx", "f"}
        chart = screen.query_one(LandscapeChart)
        assert chart.paths[0].xs == pytest.approx([r.x for r in expected])
        assert chart.paths[0].xs[-1] == pytest.approx(1.41018, abs=1e-5)


async def test_step_back_and_reset(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["space"] * 7, "left", "left")
        screen = lab(app)
        assert screen.trajectories[0].t == 5
        assert screen.query_one("#table-0", StepTable).row_count == 6
        assert len(screen.query_one(LandscapeChart).paths[0].xs) == 6
        await pilot.press("space")
        assert screen.trajectories[0].current.x == pytest.approx(1.41018, abs=1e-5)
        await pilot.press("r")
        assert screen.trajectories[0].t == 0
        assert screen.query_one("#table-0", StepTable).row_count == 1
        await pilot.press("left")  # nothing to undo: stays at the start
        assert screen.trajectories[0].t == 0


async def test_lockstep_runs_gd_beside_adam_and_says_gd_is_trapped(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("l", *["space"] * 8)
        screen = lab(app)
        gd_table = screen.query_one("#table-1", StepTable)
        assert gd_table.display and gd_table.label == "GD"
        assert table_column(gd_table, "x")[4:] == ["1.2", "0.9", "1.2", "0.9", "1.2"]
        assert "GD is trapped between x = 0.9 and x = 1.2 (F = Fmin + 0.1 and + 0.2)." in story(screen)
        assert "Adam turned back at step 7" in story(screen)
        assert [p.label for p in screen.query_one(LandscapeChart).paths] == ["Adam", "GD"]
        await pilot.press("O")  # the partner becomes the next optimizer after GD
        assert screen.query_one("#table-1", StepTable).label == "Adam"
        assert screen.trajectories[1].t == 8, "switching keeps the step the user was at"
        await pilot.press("l")
        assert not screen.query_one("#table-1", StepTable).display


async def test_lowering_h_below_the_critical_height_lets_adam_escape(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h", "h", *["space"] * 7)  # h = 0.4
        screen = lab(app)
        assert screen.bump_height == pytest.approx(0.4)
        assert story(screen).startswith("Adam passed the peak at step 6")
        await pilot.press("H", "H", "H")  # h = 0.55: replayed at the same step, trapped again
        assert screen.trajectories[0].t == 7
        assert "turned back at step 7" in story(screen)


async def test_alpha_keys_change_the_learning_rate(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a", "space")
        screen = lab(app)
        assert screen.config.lr == pytest.approx(0.25)
        assert screen.trajectories[0].current.x == pytest.approx(0.25)
        await pilot.press("A", "A")
        assert screen.trajectories[0].current.x == pytest.approx(0.35)


async def test_switching_optimizer_cycles_and_replays(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "space", "o")
        screen = lab(app)
        assert screen.trajectories[0].label == "Momentum"
        assert screen.trajectories[0].t == 2
        assert screen.query_one("#table-0", StepTable).label == "Momentum"


async def test_parameter_dialog_rejects_bad_values_and_applies_good_ones(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, ParametersDialog)

        async def submit(**values) -> str:
            for key, value in values.items():
                dialog.query_one(f"#{key}", Input).value = value
            dialog.query_one("#bump_height", Input).focus()
            await pilot.press("enter")
            return str(dialog.query_one("#error", Static).render()) if app.screen is dialog else "closed"

        assert "must be a number, not 'abc'" in await submit(bump_height="abc")
        assert "bump height h must be a number greater than 0" in await submit(bump_height="-1")
        assert "beta1 must be in [0, 1)" in await submit(bump_height="0.2", beta1="1")
        assert "eps must be 0 or more" in await submit(beta1="0.9", eps="-0.1")
        assert app.screen is dialog, "nothing was applied while a value was wrong"
        assert await submit(eps="0") == "closed"
        screen = lab(app)
        assert screen.bump_height == 0.2
        await pilot.press(*["space"] * 5)
        assert screen.trajectories[0].current.g == 0.0  # the seed's g = 0 variant: step 5 at the peak
        assert screen.trajectories[0].current.x == pytest.approx(1.45357, abs=1e-5)


async def test_escape_cancels_the_dialog_without_changes(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        app.screen.query_one("#bump_height", Input).value = "0.3"
        await pilot.press("escape")
        assert lab(app).bump_height == 0.5


async def test_critical_height_screen_shows_answer_brackets_and_turn_back(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("c")
        screen = app.screen
        assert isinstance(screen, CriticalHeightScreen)
        summary = str(screen.query_one("#summary", Static).render())
        assert "Critical height h = 0.41018429" in summary
        assert "turns back at step 7" in summary
        assert screen.query_one(DataTable).row_count == len(screen.result.brackets) > 25
        await pilot.press("minus")  # try a bump just below: Adam escapes
        assert lab(app).bump_height == pytest.approx(screen.result.h_critical - 0.005, abs=1e-6)
        await pilot.press(*["space"] * 7)
        assert "passed the peak" in story(lab(app))
        await pilot.press("c", "plus", *["space"] * 7)
        assert "trapped" in story(lab(app))


async def test_escape_map_shows_both_outcomes_and_the_current_point(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        assert isinstance(app.screen, EscapeMapScreen)
        heatmap = app.screen.query_one(EscapeHeatmap)
        cells = "".join(heatmap.cells())
        assert ESCAPED in cells and TRAPPED in cells and cells.count(HERE) == 1
        assert heatmap.emap.param == "lr"
        # Along the current learning rate's column, exactly the bumps up to the critical height escape.
        emap = heatmap.emap
        j = int(abs(emap.values - 0.3).argmin())
        h_crit = critical_height(OptimizerConfig(lr=float(emap.values[j]))).h_critical
        assert emap.escaped[:, j].tolist() == (emap.heights <= h_crit).tolist()
        await pilot.press("x")
        assert heatmap.emap.param == "beta1"
        await pilot.press("escape")
        assert lab(app)


async def test_help_lists_every_key_of_the_lab(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#keys", Static).render())
        for description in ("Step", "Back", "Play", "Reset", "Optimizer", "Lockstep", "Lockstep partner",
                            "Raise h", "Lower h", "Raise alpha", "Lower alpha", "Edit", "Critical h", "Map", "Quit"):
            assert description in text
        await pilot.press("escape")
        assert lab(app)


async def test_play_steps_by_itself_until_paused(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        await pilot.pause(1.0)
        screen = lab(app)
        assert screen.playing and screen.trajectories[0].t >= 2
        await pilot.press("p")
        t = screen.trajectories[0].t
        await pilot.pause(0.7)
        assert screen.trajectories[0].t == t
