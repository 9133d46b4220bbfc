"""The GPU box in view: the Overview's box lines and chart from a run's system samples, the console
of a job that died one key away, and `bumptui top` with the jobs alive on this machine."""

import json
import os
import shutil
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from bumptui.engine.autoencoder.runs.events import SystemSample, to_record
from tests.tui.conftest import FIXTURE, text_of, watching

H200 = {"index": 0, "util": 97.0, "mem_used": 11.2 * 1024, "mem_total": 141 * 1024, "temp": 63.0, "power": 410.0,
        "power_limit": 700.0}
"""A GPU's row as the sampler writes it from NVML (the figures of the issue's example)."""


def samples(gpu: bool, n: int = 12) -> list[SystemSample]:
    return [SystemSample(t=5.0 * (i + 1), proc_cpu=180.0 + i, proc_rss=1200.0, cpu=40.0 + 5 * i, ram_avail=18_600.0,
                         ram_total=24_000.0,
                         gpus=[{**H200, "util": 50.0 + 4 * i, "mem_used": (8 + 0.3 * i) * 1024}] if gpu else [],
                         gpu_note="" if gpu else "no GPU in use") for i in range(n)]


def run_with_box(root: Path, gpu: bool, name: str = "boxed") -> Path:
    """The fixture run with the box's samples in its log, before its ending, as the runner writes them."""
    run = root / name
    shutil.copytree(FIXTURE, run)
    lines = (run / "metrics.jsonl").read_text().splitlines()
    box = [json.dumps(to_record(s)) for s in samples(gpu)]
    (run / "metrics.jsonl").write_text("\n".join([*lines[:-1], *box, lines[-1]]) + "\n")
    return run


@pytest.mark.parametrize("gpu", [False, True], ids=["cpu", "gpu"])
async def test_the_overview_shows_the_box_the_run_trained_on(tmp_path, gpu):
    app = watching(run_with_box(tmp_path / "runs", gpu))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("8")
        await pilot.pause()
        models = text_of(app.screen.query_one("#models", Static))
        last = samples(gpu)[-1]
        assert "box  CPU " in models and f"{last.cpu:.0f}% · RAM free 18.2/23.4 GB · job 191% CPU 1.2 GB" in models
        if gpu:
            gpu_row = last.gpus[0]
            assert "GPU 0 " in models and f"{gpu_row['util']:.0f}% · mem " in models
            assert f"{gpu_row['mem_used'] / 1024:.1f}/141 GB · 63°C · 410/700 W" in models
        else:
            assert models.splitlines()[-1].endswith("· no GPU")
        for line in models.splitlines():
            assert len(line) <= 78, line  # one line each at 80 columns
        chart = app.screen.query_one("#box")
        assert not chart.display, "at 80x24 the losses' chart, until s"
        await pilot.press("s")
        assert chart.display and not app.screen.query_one("#loss").display
        assert set(chart.drawn) == {"CPU %", "RAM used %"} | ({"GPU 0 util %", "GPU 0 mem %"} if gpu else set())
        assert chart.drawn["CPU %"][1] == [s.cpu for s in samples(gpu)]
        times = [s.t for s in samples(gpu)]
        assert chart.drawn["CPU %"][0][-1] == pytest.approx((times[-1] - times[0]) / 60), "minutes since the first"


async def test_a_run_from_before_the_box_was_sampled_says_not_recorded():
    app = watching()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("8")
        await pilot.pause()
        assert "box      not recorded" in text_of(app.screen.query_one("#models", Static))


def died(root: Path) -> Path:
    """The fixture run as a detached training that died mid-run: no ending, no live lock, a console."""
    run = root / "died"
    shutil.copytree(FIXTURE, run)
    lines = (run / "metrics.jsonl").read_text().splitlines()
    (run / "metrics.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    (run / "train.log").write_text("latent 2: epoch 1 ...\nTraceback (most recent call last):\n  File \"x.py\", "
                                   "line 1, in <module>\nRuntimeError: CUDA error: an illegal memory access [1]\n")
    return run


async def test_a_dead_runs_last_console_lines_are_on_the_overview_and_the_console_one_key_away(tmp_path):
    from bumptui.tui.dialogs.console import ConsoleScreen

    run = died(tmp_path / "runs")
    app = watching(run)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("8")
        await pilot.pause()
        status = text_of(app.screen.query_one("#status", Static))
        assert "training dead; its console" in status and "RuntimeError: CUDA error: an illegal memory access [1]" in status
        await pilot.press("o")
        await pilot.pause(0.3)
        console = app.screen
        assert isinstance(console, ConsoleScreen)
        assert console.shown.splitlines()[-1] == "RuntimeError: CUDA error: an illegal memory access [1]"
        with open(run / "train.log", "a") as f:
            f.write("a line written later\n")
        await pilot.pause(0.8)
        assert console.shown.splitlines()[-1] == "a line written later", "tailed live"
        await pilot.press("escape")
        assert not isinstance(app.screen, ConsoleScreen)


class FakeBox:
    """The machine as `top` samples it, with one GPU, figures fixed."""

    cores = 16

    def __init__(self, gpu: bool = True) -> None:
        self.gpu, self.i = gpu, 0

    def sample(self):
        self.i += 1
        s = samples(self.gpu, self.i)[-1]
        note = "" if self.gpu else "no NVIDIA driver here (NVML library not found)"
        return SystemSample(t=s.t, proc_cpu=0.0, proc_rss=0.0, cpu=s.cpu, ram_avail=s.ram_avail,
                            ram_total=s.ram_total, gpus=s.gpus, gpu_note=note)


def live_run(root: Path, pid: int | None = None) -> Path:
    """The fixture run as one that is training now: no ending, and a lock held by a live process
    (this one, or init's 1 where a picture must not change)."""
    run = root / "live"
    shutil.copytree(FIXTURE, run)
    lines = (run / "metrics.jsonl").read_text().splitlines()
    (run / "metrics.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    (run / "lock").write_text(json.dumps({"pid": pid or os.getpid(), "host": os.uname().nodename}))
    return run


@pytest.mark.parametrize("gpu", [True, False], ids=["gpu", "no-gpu"])
async def test_top_shows_the_box_and_the_jobs_alive_on_it(tmp_path, gpu):
    from bumptui.tui.top import TopApp

    root = tmp_path / "runs"
    live_run(root)
    shutil.copytree(FIXTURE, root / "finished")  # not alive: not listed
    app = TopApp(runs_root=root, box=FakeBox(gpu))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(1.3)
        box = text_of(app.query_one("#box", Static))
        assert "CPU " in box and "of 16 cores" in box and "in use, 18.2 GB free" in box
        if gpu:
            assert "GPU 0 " in box and "°C" in box
        else:
            assert "GPU    none: no NVIDIA driver here (NVML library not found)" in box
        assert [job.run_dir.name for job in app.jobs] == ["live"]
        row = [str(c) for c in app.query_one(DataTable).get_row_at(0)]
        assert row[:4] == ["live", "training", str(os.getpid()), "cpu"] and row[4].endswith("/6 epochs")
        await pilot.press("q")


async def test_top_without_a_runs_folder_says_so(tmp_path):
    from bumptui.tui.top import TopApp

    app = TopApp(runs_root=tmp_path / "nowhere", box=FakeBox(False))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert "(no such folder yet): none" in text_of(app.query_one("#jobs-title", Static))
