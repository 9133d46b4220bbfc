"""Charts a person can trust: y ticks that are round and evenly spaced (in value and on the screen,
linear and log), and test-loss markers that never hide one another."""

import math
import re

import pytest

from tests.tui.conftest import three_model_run, watching
from bumptui.tui.widgets.run_charts import TEST_MARKERS, LossChart
from bumptui.tui.widgets.ticks import linear_ticks, log_ticks

RANGES = [(0.0999, 0.398), (0.1078, 0.401), (0.02, 0.031), (0.5, 17.0), (1e-3, 3.0), (0.1, 0.12), (-5.3, 17.0),
          (0.0, 1.0), (23.0, 2400.0)]


def mantissa(value: float) -> float:
    return round(abs(value) / 10 ** math.floor(math.log10(abs(value))), 6)


@pytest.mark.parametrize("cover", [False, True], ids=["inside", "cover"])
@pytest.mark.parametrize("lo, hi", RANGES)
def test_linear_ticks_are_round_evenly_spaced_and_frame_the_data(lo, hi, cover):
    values, labels = linear_ticks(lo, hi, cover=cover)
    assert 2 <= len(values) <= 6
    shown = [float(label) for label in labels]
    steps = {round(b - a, 9) for a, b in zip(shown, shown[1:])}
    assert len(steps) == 1, labels  # 0.398 0.348 0.299 0.200: the missing 0.25 made the spacing lie
    assert mantissa(steps.pop()) in (1, 2, 2.5, 5), labels
    slack = (hi - lo) * 0.005
    if cover:  # the axis runs from tick to tick, the data between
        assert shown[0] <= lo + slack and shown[-1] >= hi - slack and shown[1] > lo and shown[-2] < hi
    else:
        assert lo - slack <= shown[0] and shown[-1] <= hi + slack
    assert len(set(labels)) == len(labels)


@pytest.mark.parametrize("cover", [False, True], ids=["inside", "cover"])
@pytest.mark.parametrize("lo, hi", [r for r in RANGES if r[0] > 0])
def test_log_ticks_are_round_and_at_a_constant_ratio(lo, hi, cover):
    values, labels = log_ticks(lo, hi, cover=cover)
    shown = [float(label) for label in labels]
    assert len(shown) >= 2
    if cover:
        assert shown[0] <= lo * 1.01 and shown[-1] >= hi * 0.99 and shown[1] > lo and shown[-2] < hi
    else:
        assert lo * 0.99 <= shown[0] and shown[-1] <= hi * 1.01
    assert all(len(f"{mantissa(v):g}".replace(".", "")) <= 2 for v in shown), labels  # two digits at most
    gaps = [math.log10(b / a) for a, b in zip(shown, shown[1:])]
    if hi / lo >= 2:  # narrower ranges take linear ticks, even to within a row (see the screen test)
        assert max(gaps) / min(gaps) < 1.1, labels


def y_labels(chart: LossChart) -> list[tuple[int, float]]:
    """(row, value) of each y tick label as printed on the chart's left edge."""
    rows = chart.render().plain.splitlines()
    found = []
    for row, line in enumerate(rows):
        match = re.match(r"\s*(-?[0-9.e-]+)\s*[┤├]", line)
        if match:
            found.append((row, float(match.group(1))))
    return found


@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_loss_charts_ticks_are_evenly_spaced_on_the_screen(tmp_path, size, log):
    app = watching(three_model_run(tmp_path))
    async with app.run_test(size=size) as pilot:
        await pilot.press("2")
        if log:
            await pilot.press("ctrl+l")
        await pilot.pause()
        chart = app.screen.query_one(LossChart)
        assert chart.log_scale == log
        ticks = y_labels(chart)
        assert len(ticks) >= 3, chart.render().plain
        rows = [r for r, _ in ticks]
        values = [v for _, v in ticks]
        assert values == sorted(values, reverse=True) and len(set(values)) == len(values)
        measure = [math.log10(v) for v in values] if log else values
        per_row = [(measure[i] - measure[i + 1]) / (rows[i + 1] - rows[i]) for i in range(len(rows) - 1)]
        # every label where its value says it is: the same value per row between each pair, to a row
        for gap, (a, b) in zip(per_row, zip(rows, rows[1:])):
            assert abs(gap - per_row[0]) * (b - a) <= abs(per_row[0]) * 1.01, (ticks, per_row)


async def test_no_models_test_marker_hides_anothers(tmp_path):
    # In the three-model fixture latent 16 and latent 256 have the very same test losses: before,
    # only one shape was seen at each epoch.
    app = watching(three_model_run(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        chart = app.screen.query_one(LossChart)
        epochs = len(chart.drawn["2 test"][0])
        text = chart.render().plain
        plot = "\n".join(text.splitlines()[1:])  # the title line names the shapes
        for i, latent in enumerate((2, 16, 256)):
            assert plot.count(TEST_MARKERS[i]) == epochs, (latent, plot)
        assert "side by side" in text.splitlines()[0]
