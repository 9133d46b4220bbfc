"""What the app's tests share: the app, the recorded fixture run, and waiting on a live one."""

import json
import time
from pathlib import Path

import pytest

from bumptui.tui.app import BumptuiApp
from bumptui.tui.screens.optimizer_lab import OptimizerLab

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


def three_model_run(tmp_path) -> Path:
    """The fixture run with a third model (latent 256) that reconstructs as latent 16 did."""
    run = tmp_path / "runs" / "three"
    run.mkdir(parents=True)
    config = json.loads((FIXTURE / "config.json").read_text())
    (run / "config.json").write_text(json.dumps({**config, "latent_dims": [2, 16, 256]}))
    lines = []
    for line in (FIXTURE / "metrics.jsonl").read_text().splitlines():
        record = json.loads(line)
        if record["event"] == "RunStarted":
            record["config"]["latent_dims"] = [2, 16, 256]
        lines.append(json.dumps(record))
        if record.get("latent") == 16 and record["event"] in ("Reconstructions", "EpochEnd"):
            lines.append(json.dumps({**record, "latent": 256}))
    (run / "metrics.jsonl").write_text("\n".join(lines) + "\n")
    return run


@pytest.fixture
def app():
    return BumptuiApp()


def lab(app) -> OptimizerLab:
    screen = app.screen
    assert isinstance(screen, OptimizerLab)
    return screen
