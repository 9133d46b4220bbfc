"""Pictures of the lab's views at 80x24 and 120x36. Review a changed picture before accepting it
(`pytest tests/tui/test_snapshots.py --snapshot-update`, then look at snapshot_report.html)."""

import os
from pathlib import Path

import pytest

from bumptui.tui.app import BumptuiApp

SIZES = [(80, 24), (120, 36)]
SEVEN = ["space"] * 7

VIEWS = {
    "start": [],
    "adam-turned-back": SEVEN,
    "lockstep-gd": ["l", *SEVEN, "space"],
    "critical-height": ["c"],
    "escape-map": ["m"],
    "help": ["question_mark"],
    "parameters": ["e"],
    "lab-2d-rosenbrock": ["d", "L", *["space"] * 8, "tab", "tab"],
    "lab-2d-dialog": ["d", "e"],
    "basins-himmelblau": ["d", "L", "L", "L", "m"],
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("view", list(VIEWS))
def test_view(snap_compare, view, size):
    assert snap_compare(BumptuiApp(), press=VIEWS[view], terminal_size=size)


ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path("tests/fixtures/runs/tiny-run")
"""Relative to the checkout, as a user types it, so the pictures do not depend on where it lives."""
PANES = {"train": ["2"], "latent": ["3"], "clusters": ["4"], "reconstructions": ["5"], "runs": ["6"],
         "sharpen": ["7"], "sharpen-digits": ["7", "n", "v"], "overview": ["8"]}


def pressing_with_a_fixed_run_name(keys):
    """Press the keys, then pin the run name the Train form proposes from the clock, so the picture
    is the same each time."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        await pilot.press(*keys)
        await fixed_run_name(pilot)

    return run_before


async def fixed_run_name(pilot) -> None:
    await pilot.pause()
    screen = pilot.app.screen
    if screen.query("#name"):
        screen.query_one("#name").value = "ae-20261128-090000"
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("pane", list(PANES))
def test_autoencoder_pane_from_a_recorded_run(snap_compare, pane, size, monkeypatch):
    monkeypatch.chdir(ROOT)
    listed_in_a_fixed_order()
    app = BumptuiApp(watch=FIXTURE, runs_root=FIXTURE.parent)
    assert snap_compare(app, terminal_size=size, run_before=pressing_with_a_fixed_run_name(PANES[pane]))


STUDY = Path("tests/fixtures/runs/tiny-study")
"""A recorded study of 3 seeds: two finished, the third failed (its run directory was in use)."""


def listed_in_a_fixed_order() -> None:
    """The Runs pane lists the newest first; a fresh checkout writes both fixtures in the same instant."""
    for age, path in enumerate([FIXTURE, STUDY]):
        os.utime(path, (1_700_000_000 - age, 1_700_000_000 - age))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_study_pane_from_a_recorded_study(snap_compare, size, monkeypatch):
    monkeypatch.chdir(ROOT)
    app = BumptuiApp(watch=STUDY, runs_root=STUDY.parent)
    assert snap_compare(app, terminal_size=size, press=["tab", "down", "down", "down"])


@pytest.mark.parametrize("pane", ["reconstructions", "latent"])
def test_without_colour_the_misreads_and_the_digits_still_read(snap_compare, pane, monkeypatch):
    # NO_COLOR: the open pane is in reverse video, misreads carry a ✗, scatter points are their digits.
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")
    app = BumptuiApp(watch=FIXTURE, runs_root=FIXTURE.parent)
    assert app.no_color
    assert snap_compare(app, terminal_size=(80, 24), run_before=pressing_with_a_fixed_run_name(PANES[pane]))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("gpu", [True, False], ids=["gpu", "cpu"])
def test_the_box_on_the_overview(snap_compare, size, gpu, tmp_path, monkeypatch):
    from tests.tui.test_box import run_with_box

    monkeypatch.chdir(tmp_path)
    run = run_with_box(Path("runs"), gpu)
    app = BumptuiApp(watch=run, runs_root=run.parent)
    assert snap_compare(app, terminal_size=size, press=["8"])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_top(snap_compare, size, tmp_path, monkeypatch):
    import bumptui.tui.top as top
    from tests.tui.test_box import FakeBox, live_run
    from bumptui.tui.top import TopApp

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(top, "SAMPLE_S", 3600)  # the picture's twelve samples, and no more
    monkeypatch.setattr(top, "JOBS_S", 3600)
    live_run(Path("runs"), pid=1)
    app = TopApp(runs_root=Path("runs"), box=FakeBox(True))
    app.host, app.clock = "gpu-box", lambda: "12:00:00"

    async def sampled(pilot) -> None:
        for _ in range(12):
            app.sample()
        app.find_jobs()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=sampled)

