import pytest

from tui.app import BumptuiApp
from tui.screens.optimizer_lab import OptimizerLab


@pytest.fixture
def app():
    return BumptuiApp()


def lab(app) -> OptimizerLab:
    screen = app.screen
    assert isinstance(screen, OptimizerLab)
    return screen
