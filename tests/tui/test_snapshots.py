"""Pictures of the lab's views at 80x24 and 120x36. Review a changed picture before accepting it
(`pytest tests/tui/test_snapshots.py --snapshot-update`, then look at snapshot_report.html)."""

import pytest

from tui.app import BumptuiApp

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
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("view", list(VIEWS))
def test_view(snap_compare, view, size):
    assert snap_compare(BumptuiApp(), press=VIEWS[view], terminal_size=size)
