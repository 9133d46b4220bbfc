"""A fourth kind of job (tests/count_kind.py, counting to N with a checkpoint a count) proves the
one mechanism: registered from tests/ with no edit to cli/ or tui/, it runs through the generic
command (start, refusals, --json, --detach followed through its log, ctrl+c, --resume, repair)
and through the app's one worker (started from a pane, stopped, resumed)."""

import json
import os
import shutil
import signal
import subprocess
import sys

import pytest

from bumptui.engine.autoencoder.jobs import registry
from bumptui.engine.autoencoder.runs.events import Done
from bumptui.engine.autoencoder.runs.log import METRICS, MetricsTail, read_events
from bumptui.engine.autoencoder.runs.rundir import read_config
from tests.conftest import ROOT, as_in_a_terminal, bumptui, in_process, one_sentence, wait_for
from tests.count_kind import COUNT, TARGET, CountConfig, Counted, CountStarted, installed
from tests.tui.conftest import FIXTURE, wait_until
from bumptui.tui.app import BumptuiApp
from bumptui.tui.screens.run_pane import RunPane


@pytest.fixture
def registered():
    registry.register("count", registry.Entry(TARGET, "count to N inside a run"))
    yield
    registry.KINDS.pop("count", None)


@pytest.fixture
def run(tmp_path):
    run = tmp_path / "runs" / "tiny"
    shutil.copytree(FIXTURE, run)
    return run


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """The count kind installed as a package would declare it, for `bumptui` in a new process."""
    site = installed(tmp_path / "site")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])))


def counted(run) -> list[int]:
    return [e.n for e in read_events(COUNT.folder(run)) if isinstance(e, Counted)]


def test_a_kind_from_tests_starts_refuses_resumes_and_is_repaired_on_the_command_line(registered, run, capsys):
    one_sentence(in_process(capsys, "count", str(run), "--pause", "11"), "pause must be from 0 to 10 seconds")
    assert not COUNT.folder(run).exists(), "a refused request writes nothing"
    result = in_process(capsys, "count", str(run), "--epochs", "3", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"run_dir": str(run), "counted": 3}
    assert "Counted: n 3" in result.stderr.splitlines(), "its progress told plainly, with no display of its own"
    assert counted(run) == [1, 2, 3] and isinstance(read_events(COUNT.folder(run))[-1], Done)
    assert read_config(COUNT.folder(run)) == {"epochs": 3, "pause": 0.0}, "its settings, as its config declares them"
    one_sentence(in_process(capsys, "count", str(run)), "is already counted; pass --resume")
    one_sentence(in_process(capsys, "count", str(run), "--resume", "--epochs", "2"), "has already counted 3 epochs")

    result = in_process(capsys, "count", str(run), "--resume", "--epochs", "5")
    assert result.returncode == 0, result.stderr
    assert "counted: 5" in result.stdout.splitlines(), "the summary, printed plainly without a printer of its own"
    assert counted(run) == [1, 2, 3, 4, 5]
    assert [e.resumed_epochs for e in read_events(COUNT.folder(run)) if isinstance(e, CountStarted)] == \
        [{"count": 0}, {"count": 3}]
    repaired = in_process(capsys, "repair", str(run))
    assert f"{COUNT.folder(run) / METRICS}: sound, left as it is" in repaired.stdout, "repair loops over every kind"


def test_a_kind_installed_as_a_plugin_detaches_is_followed_interrupted_and_resumed(plugin, run, tmp_path):
    listed = bumptui("--help")
    assert "count" in listed.stdout and "bumptui-count" in listed.stdout, "found through its entry point"

    started = bumptui("count", str(run), "--epochs", "30", "--pause", "0.02", "--detach")
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == str(run)
    assert f"Counting in process" in started.stderr and f"bumptui watch {run}" in started.stderr
    tail, seen = MetricsTail(COUNT.folder(run) / METRICS), []
    assert wait_for(lambda: seen.extend(tail.poll()) or isinstance(seen[-1:] and seen[-1], Done), timeout=120)
    assert [e.n for e in seen if isinstance(e, Counted)] == list(range(1, 31)), "followed line by line as it grew"

    again = tmp_path / "runs" / "again"
    shutil.copytree(FIXTURE, again)
    proc = subprocess.Popen([sys.executable, "-m", "bumptui", "count", str(again), "--epochs", "10000", "--pause", "0.02"],
                            preexec_fn=as_in_a_terminal,
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert wait_for(lambda: len(counted(again)) >= 3, timeout=120)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert f"Stopped. Continue with: bumptui count {again} --resume" in err
    stopped_at = counted(again)[-1]
    resumed = bumptui("count", str(again), "--resume", "--epochs", str(stopped_at + 3), "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["counted"] == stopped_at + 3
    assert counted(again) == list(range(1, stopped_at + 4)), "each count exactly once, across the interruption"


class CountPane(RunPane):
    """A pane stub: what a pane of the count kind would post."""

    def draw(self, view) -> None:
        self.drawn = view


async def test_a_kind_from_tests_starts_stops_and_resumes_in_the_apps_worker(registered, run):
    app = BumptuiApp(watch=run, runs_root=run.parent)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = CountPane()
        await app.push_screen(pane)
        pane.post_message(RunPane.Start("count", CountConfig(epochs=10_000, pause=0.02)))
        record = lambda: app.records["count"]  # noqa: E731
        assert await wait_until(pilot, lambda: record().counted)
        assert app.view().status(record()) == "counting" and app.job.run_dir == run
        pane.post_message(RunPane.Start("count", CountConfig(epochs=5)))
        assert await wait_until(pilot, lambda: any("This app is counting" in n for n in app.notices))
        pane.post_message(RunPane.Stop())
        assert await wait_until(pilot, lambda: record().ending and app.job is None, timeout=30)
        assert "stopped before" in record().ending
        assert any(f"Counting stopped; resume it here (ctrl+r) or with bumptui count {run} --resume." in n
                   for n in app.notices)
        stopped_at = record().counted[-1]
        pane.post_message(RunPane.Start("count", CountConfig(epochs=stopped_at + 4), resume=True))
        assert await wait_until(pilot, lambda: isinstance(record().outcome, Done))
        assert record().counted == list(range(1, stopped_at + 5))
        assert record().started.resumed_epochs == {"count": stopped_at}
        assert any(n == "Counting finished." for n in app.notices)
        assert pane.drawn.records["count"] is record(), "the pane was handed the kind's record"
