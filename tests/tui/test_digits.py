"""The Digits pane as a person reads it: how big the digits are drawn, how much of the pane they
fill, and whether the digit printed under each one is that digit's (the true one under an original,
the judge's reading under a reconstruction, marked where it is wrong)."""

import numpy as np
import pytest
from textual.widgets import Static

from tests.tui.conftest import text_of, three_model_run, watching
from bumptui.tui.widgets.digits import HALF, SIDE, DigitGrid, layout, resample


def screen_lines(grid: DigitGrid) -> list[str]:
    return [grid.render_line(y).text for y in range(grid.scrollable_content_region.height)]


def digit_columns(line: str) -> list[range]:
    """The columns of each digit on a line of half-blocks, read off the line itself."""
    runs, start = [], None
    for x, ch in enumerate(line + " "):
        if ch == HALF and start is None:
            start = x
        elif ch != HALF and start is not None:
            runs.append(range(start, x))
            start = None
    return runs


@pytest.mark.parametrize("size, rows, smallest", [((80, 24), 2, 14), ((120, 36), 4, 10)])
async def test_the_digits_fill_the_pane_at_a_size_a_person_reads(tmp_path, size, rows, smallest):
    app = watching(three_model_run(tmp_path))
    async with app.run_test(size=size) as pilot:
        await pilot.press("5")
        await pilot.pause()
        grid = app.screen.query_one(DigitGrid)
        lines = screen_lines(grid)
        shown = [line for line in lines if HALF in line]
        widths = {len(r) for line in shown for r in digit_columns(line)[:-1]}  # the last may be cut by the edge
        assert widths == {grid.cell} and grid.cell >= smallest, (widths, grid.cell)
        # pixels per digit: cell x cell, drawn two to a line
        assert len(shown) == rows * ((grid.cell + 1) // 2)
        assert len(grid.fully_visible()) == rows and min(grid.fully_visible()) >= 5
        used = sum(1 for line in lines if line.strip()) / len(lines)
        assert used >= 0.8 and grid.used_share() >= 0.8, (used, grid.used_share())
        caption = text_of(app.screen.query_one("#caption", Static))
        assert f"{grid.cell}x{grid.cell} px (fits)" in caption
        if rows == 2:  # 80x24: the smallest latent against the originals; n steps through the others
            assert "latent 2" in caption and grid.rows[grid.view_row()].caption.startswith("latent 2:")
            for name in ("latent 16", "latent 256"):
                await pilot.press("n")
                assert name in text_of(app.screen.query_one("#caption", Static))
            big = grid.cell
            await pilot.press("n")
            assert "all models" in text_of(app.screen.query_one("#caption", Static))
            assert len(grid.fully_visible()) == 4 and grid.cell < big, "all four rows fit, smaller"
        await pilot.press("z")
        assert grid.cell == SIDE and "full size" in text_of(app.screen.query_one("#caption", Static))
        assert max(grid.fully_visible(), default=0) < 5, "full size is the zoomed-in view"


async def test_each_digits_label_stands_in_its_own_columns_and_misreads_stay_apart(tmp_path):
    app = watching(three_model_run(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        pane, grid = app.screen, app.screen.query_one(DigitGrid)
        record = app.record
        epoch = max(record.reconstructions[2])
        truth = record.reconstruction(2, epoch)
        _, lines_per_row = layout(grid.cell)
        lines = screen_lines(grid)
        checked_misread = 0
        for row_at, index in enumerate(grid.shown_rows()):
            top = row_at * lines_per_row
            cells = digit_columns(lines[top + 1])
            labels = lines[top + lines_per_row - 1]
            name = grid.rows[index].caption.split(":")[0].split(" (")[0]
            expected = truth.labels if name == "originals" else record.reconstruction(int(name.split()[1]), epoch).judged
            wrong = [] if name == "originals" else pane.wrong[int(name.split()[1])]
            for i, columns in enumerate(cells):
                if len(columns) < grid.cell:
                    continue  # cut by the right edge
                under = labels[columns.start:columns.stop].strip()
                assert under == ("✗" if i in wrong else "") + str(expected[i]), (name, i, under)
                # nothing of this label spills into the gaps beside its digit
                assert labels[columns.start - 1:columns.start].strip() == "" and labels[columns.stop:columns.stop + 1].strip() == ""
            # two misread digits side by side: the column between their frames is not coloured
            strip = grid.render_line(top + 1)
            for i in wrong:
                if i + 1 in wrong and i + 1 < len(cells) and len(cells[i + 1]) == grid.cell:
                    gap = cells[i].stop
                    style = next(seg.style for seg in strip.crop(gap, gap + 1))
                    assert style is None or style.bgcolor is None, "adjacent frames run together"
                    checked_misread += 1
        assert checked_misread >= 1, "the fixture has neighbours both misread"
        assert [i for i, (j, t) in enumerate(zip(truth.judged, truth.labels)) if j != t] == pane.wrong[2]


def test_a_digit_keeps_its_ink_at_every_size():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(3, SIDE, SIDE), dtype=np.uint8)
    for cell in range(4, SIDE + 1):
        small = resample(images, cell)
        assert small.shape == (3, cell + cell % 2, cell)
        # area-weighted: the mean grey of a digit is kept to within rounding
        assert np.allclose(small[:, :cell].mean(axis=(1, 2)), images.mean(axis=(1, 2)), atol=0.6)
    assert np.array_equal(resample(images, SIDE), images), "at 28 every pixel is drawn as it is"
    assert np.array_equal(resample(images, 7)[:, :7],
                          images.reshape(3, 7, 4, 7, 4).mean(axis=(2, 4)).round().astype(np.uint8))


async def test_the_train_forms_run_name_shows_whole_at_80_columns(tmp_path):
    from textual.widgets import Input

    app = watching(three_model_run(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        name = app.screen.query_one("#name", Input)
        assert len(name.value) == len("ae-20261130-031633")
        assert name.content_region.width > len(name.value), (name.content_region.width, name.value)


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_the_cluster_by_digit_table_fits_the_pane_without_wrapping(tmp_path, size):
    from bumptui.tui.widgets.contingency import ContingencyHeatmap

    app = watching(three_model_run(tmp_path))
    async with app.run_test(size=size) as pilot:
        await pilot.press("4")
        await pilot.pause()
        heatmap = app.screen.query_one(ContingencyHeatmap)
        lines = heatmap.render().plain.splitlines()
        assert max(map(len, lines)) <= heatmap.size.width, lines
        header, rows = lines[1].split(), lines[2:]
        assert header[1:11] == [str(d) for d in range(10)]
        table = heatmap.table
        for line in rows:  # every row holds its cluster and its ten counts, on one line
            counts = [int(n) for n in line.replace("░", " ").replace("▒", " ").replace("▓", " ").replace("█", " ").split()]
            cluster = counts[0]
            assert counts[1:11] == table[cluster].tolist()
        if size == (80, 24):
            assert header[-1] == "size"
        else:
            assert "size" in header or "no size column" in lines[0]
