"""The app never waits on a file: its reader thread (tui/reader.py) reads every log it follows and lists
the runs folder, so a read that hangs (a slow disk, a network mount gone away) holds that thread only:
the app answers keys, says which file is slow, and quits on q."""

import threading
import time

import pytest

from bumptui.engine import guarded
from bumptui.engine.autoencoder.runs import log
from bumptui.tui import reader
from bumptui.tui.app import BumptuiApp
from tests.tui.conftest import FIXTURE


async def test_a_log_whose_read_hangs_holds_neither_the_keys_nor_quitting(tmp_path, monkeypatch):
    release, reading = threading.Event(), threading.Event()
    events = log.MetricsTail.events

    def hanging(self):
        if self.path.parent.name == "sharpen":  # one of the run's logs hangs; the others read as ever
            reading.set()
            release.wait(60)
        yield from events(self)

    monkeypatch.setattr(log.MetricsTail, "events", hanging)
    monkeypatch.setattr(reader, "SLOW_S", 0.3)
    app = BumptuiApp(watch=FIXTURE, runs_root=FIXTURE.parent)
    try:
        async with app.run_test(size=(100, 30)):
            # the press itself waits for the reader; here it must not, so the keys go in unwaited
            assert await _within(2, lambda: reading.is_set())
            await app.run_action("switch_mode('clusters')")
            await app.run_action("switch_mode('overview')")
            assert type(app.screen).__name__ == "OverviewPane", "keys answered while a read hangs"
            assert await _within(3, lambda: any("sharpen/metrics.jsonl is taking long" in n for n in app.notices))
            started = time.monotonic()
            await app.action_quit()
        assert time.monotonic() - started < 2, "q quits at once"
        assert reading.is_set() and not release.is_set(), "the read was still hanging when the app quit"
    finally:
        release.set()


async def _within(seconds: float, predicate) -> bool:
    import asyncio

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.02)
    return predicate()


@pytest.mark.parametrize("watched", [FIXTURE, FIXTURE.parent / "tiny-study"], ids=["run", "study"])
async def test_the_ui_thread_opens_no_log_while_watching_and_listing(monkeypatch, watched):
    opened = []
    open_read = guarded.open_read

    def recorded(path, *args, **kwargs):
        opened.append((str(path), threading.current_thread() is threading.main_thread()))
        return open_read(path, *args, **kwargs)

    monkeypatch.setattr(guarded, "open_read", recorded)
    app = BumptuiApp(watch=watched, runs_root=FIXTURE.parent)
    async with app.run_test(size=(100, 30)) as pilot:
        if watched == FIXTURE:
            await pilot.press("8", "6", "3", "5")
            assert app.record.latents == [2, 16] and app.record.outcome is not None, "the run is read"
        else:
            await pilot.pause()
            trials = app.screen.trials
            assert len(trials) == 3 and trials[0].records["train"].outcome is not None, "each seed's run is read"
    logs = [(path, on_ui) for path, on_ui in opened if path.endswith("metrics.jsonl")]
    assert logs and not [path for path, on_ui in logs if on_ui], logs
