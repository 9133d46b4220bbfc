"""What the app's tests share: the app, the recorded fixture run, and waiting on a live one."""

import time
from pathlib import Path

import pytest

from tui.app import BumptuiApp
from tui.screens.optimizer_lab import OptimizerLab

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "runs" / "tiny-run"
"""A recorded run (latent 2 and 16, 3 epochs) with a recorded sharpening."""


def watching(path=FIXTURE):
    return BumptuiApp(watch=path, runs_root=path.parent)


def text_of(widget) -> str:
    return str(widget.render())


async def wait_until(pilot, predicate, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await pilot.pause(0.1)
    return False


@pytest.fixture
def app():
    return BumptuiApp()


def lab(app) -> OptimizerLab:
    screen = app.screen
    assert isinstance(screen, OptimizerLab)
    return screen
