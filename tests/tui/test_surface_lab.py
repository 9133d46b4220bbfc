"""The 2-D lab as a user drives it: racing on Rosenbrock, reading each optimizer's moments per
coordinate, stepping back, zooming, typing a landscape and opening its basin map; and a typed curve
in the 1-D lab."""

import pytest
from textual.widgets import Input, Static

from bumptui.engine.bump.optimizers import OptimizerConfig
from bumptui.engine.surfaces import SURFACES, SurfaceTrajectory
from bumptui.engine.surfaces.schedules import Noise, Schedule
from bumptui.engine.surfaces.typed import typed_surface
from bumptui.engine.surfaces.walk import CurveTrajectory
from bumptui.tui.app import BumptuiApp
from bumptui.tui.dialogs.surface_parameters import SurfaceDialog
from bumptui.tui.screens.basins import BasinGrid, BasinScreen
from bumptui.tui.screens.optimizer_lab import OptimizerLab
from bumptui.tui.screens.surface_lab import SurfaceLab
from bumptui.tui.widgets.step_table import StepTable
from bumptui.tui.widgets.surface_map import SurfaceMap
from bumptui.tui.widgets.surface_table import SurfaceTable


def cell(v: float) -> str:
    return f"{v:.5g}"


async def type_into(pilot, field: Input, text: str) -> None:
    field.focus()
    field.value = ""
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


async def test_gd_momentum_and_adam_race_on_rosenbrock_with_every_moment_per_coordinate():
    app = BumptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d", "L")  # the 2-D lab opens on the bump across a valley; L: the next, Rosenbrock
        lab = app.screen
        assert isinstance(lab, SurfaceLab) and lab.surface.name == "rosenbrock"
        assert [w.label for w in lab.walks] == ["GD", "Momentum", "Adam"]
        await pilot.press(*["space"] * 6, "left")  # six steps, one back
        surface = SURFACES["rosenbrock"]()
        expected = {c.name: SurfaceTrajectory(surface, c).run(5) for c in lab.racers}
        assert [w.t for w in lab.walks] == [5, 5, 5]
        table = lab.query_one(SurfaceTable)
        assert len(table.rows) == 2, "at 80x24 the table folds to the focused optimizer: its x and its y row"
        await pilot.press("tab", "tab")  # Adam
        adam = expected["adam"][5]
        x_row, y_row = table.rows
        assert x_row[:2] == ["Adam", "x"] and y_row[1] == "y"
        columns = ["head", "coordinate", *table.shown_columns]
        for i, row in enumerate((x_row, y_row)):
            read = dict(zip(columns, row))
            assert read["value"] == cell(adam.point[i]) and read["g"] == cell(adam.g[i])
            assert read["m_hat"] == cell(adam.state["m_hat"][i]) and read["v_hat"] == cell(adam.state["v_hat"][i])
            assert read["step"] == cell(adam.step[i])
        assert y_row[0] == f"F {cell(adam.f)}"
        # On the map each path is its letter; the current points are capitals, the minimum a star.
        rows = lab.query_one(SurfaceMap).cells()
        text = "\n".join(rows)
        for letter in "GMA":
            assert text.count(letter) == 1, letter
        assert "*" in text and "a" in text
        story = str(lab.query_one("#story", Static).render())
        assert story.startswith("Adam at (") and "from the minimum * at (1, 1)" in story
        ranked = sorted(lab.walks, key=lambda w: expected[w.config.name][5].f)
        assert story.index(f"F: {ranked[0].label} ") < story.index(f"< {ranked[1].label} ") < story.index(
            f"< {ranked[2].label} "), "the race is ranked by loss, lowest first"


async def test_the_map_draws_the_gradient_and_momentum_arrows_and_zooms_and_pans():
    app = BumptuiApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("d", "space")
        lab = app.screen
        assert len(lab.query_one(SurfaceTable).rows) == 6, "at 120x36 every racer's two rows are shown"
        await pilot.press("tab")  # Momentum: after one step m = g, so both arrows point the same way
        text = "\n".join(lab.query_one(SurfaceMap).cells())
        assert any(a in text for a in "→↗↘") and any(a in text for a in "⇒⇗⇘"), "down the slope, to the right"
        x0, x1, y0, y1 = lab.view
        await pilot.press("plus")
        zx0, zx1, zy0, zy1 = lab.view
        assert (zx1 - zx0) == pytest.approx((x1 - x0) / 1.5) and (zx0 + zx1) / 2 == pytest.approx((x0 + x1) / 2)
        await pilot.press("shift+right")
        assert lab.view[0] == pytest.approx(zx0 + 0.2 * (zx1 - zx0))
        await pilot.press("v")
        assert lab.view == lab.surface.view
        await pilot.press("f")
        xs = [p[0] for w in lab.walks for p in w.points()]
        assert lab.view[0] < min(xs) and lab.view[1] > max(xs)


async def test_a_typed_landscape_from_the_dialog_walks_and_opens_its_basin_map(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    app = BumptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d", "e")
        dialog = app.screen
        assert isinstance(dialog, SurfaceDialog)
        await type_into(pilot, dialog.query_one("#expression", Input), "x.__class__")
        await pilot.press("enter")
        assert app.screen is dialog, "a refused landscape keeps the dialog open"
        assert "uses attribute access" in str(dialog.query_one("#error", Static).render())
        await type_into(pilot, dialog.query_one("#expression", Input), "x^4 - 3*x^2 + y^2")
        await type_into(pilot, dialog.query_one("#save", Input), "double-well")
        await type_into(pilot, dialog.query_one("#schedule", Input), "cosine:50")
        await type_into(pilot, dialog.query_one("#noise", Input), "0.2 3")
        await pilot.press("enter")
        lab = app.screen
        assert isinstance(lab, SurfaceLab) and lab.surface.expression == "x^4 - 3*x^2 + y^2"
        assert lab.surface.name == "double-well" and (tmp_path / "bumptui" / "landscapes.json").exists()
        await pilot.press(*["space"] * 4)
        assert lab.surface.start == (0.5, 0.5), "the form's own start (the bump's) became a typed landscape's"
        assert [c.lr for c in lab.racers] == [0.05, 0.02, 0.1], "and so did the learning rates it had filled in"
        surface = typed_surface("x^4 - 3*x^2 + y^2")
        adam = SurfaceTrajectory(surface, lab.racers[2], schedule=Schedule.parse("cosine:50"),
                                 noise=Noise(0.2, 3)).run(4)[-1]
        assert lab.walks[2].current.point == pytest.approx(adam.point, rel=1e-12)
        title = lab.query_one(SurfaceTable).border_title
        share = f"{Schedule.parse('cosine:50').factor(4):.6g}"  # the last step's: (1 + cos(3 pi / 50)) / 2
        assert f"α×{share} (cosine:50) · noise σ 0.2 seed 3" in title, "the share of α, and the noise, head the table"
        await pilot.press("m")
        basins = app.screen
        assert isinstance(basins, BasinScreen)
        assert sorted(round(m[0], 3) for m in basins.bmap.minima) == [-1.225, 1.225]
        rows = basins.query_one(BasinGrid).cells()
        assert set("".join(rows)) <= {"A", "B", "o", "*", "·", "!"} and "".join(rows).count("*") == 2 and rows[0][0] != rows[0][-1]
        legend = str(basins.query_one("#legend", Static).render())
        assert "GD α 0.05 (cosine:50) noise σ 0.2 seed 3 on x^4 - 3*x^2 + y^2, 500 steps" in legend
        await pilot.press("escape", "L")
        assert app.screen.surface.name == "bump", "L goes round the list: the saved one was last"


async def test_a_typed_curve_walks_in_the_1d_lab_and_the_bump_only_keys_say_so():
    app = BumptuiApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        await type_into(pilot, app.screen.query_one("#landscape", Input), "x**4 - 3*x**2")
        await pilot.press("enter", *["space"] * 5)
        lab = app.screen
        assert isinstance(lab, OptimizerLab) and lab.curve.expression == "x**4 - 3*x**2"
        expected = CurveTrajectory(typed_surface("x**4 - 3*x**2"), OptimizerConfig(lr=0.1)).run(5)
        table = lab.query_one("#table-0", StepTable)
        assert [r.x for r in table.records] == [r.x for r in expected]
        assert "Adam is at x = 1.0005" in str(lab.query_one("#story", Static).render())
        await pilot.press("c")
        assert "The critical height is a question about the bump" in app.notices[-1]
