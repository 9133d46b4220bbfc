"""`bumptui top`: the box at a glance, in the lab's style (like nvtop, or W&B LEET's system monitor):
every GPU's utilisation, memory, temperature and power over the last minutes, the CPU and RAM (as
sparklines, and as a chart over the minutes it has watched), and the bumptui jobs alive on this
machine (from the run locks under the runs folder). It loads no
torch; without a GPU it says there is none. q quits."""

from __future__ import annotations

from collections import deque
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from bumptui.tui.widgets.system_block import SystemChart, gb, gpu_figures, level_spark
from bumptui.tui.widgets.key_bar import KeyBar

SAMPLE_S = 1.0
JOBS_S = 2.0
HISTORY = 300
"""Samples kept: five minutes at one a second."""
SPARK = 30


class TopApp(App):
    TITLE = "bumptui top"
    CSS = """
    #box { height: auto; padding: 0 1; }
    #jobs-title { height: 1; padding: 0 1; background: $panel; }
    DataTable { height: auto; max-height: 12; }
    SystemChart { height: 1fr; min-height: 6; }
    """
    BINDINGS = [Binding("q,escape", "quit", "Quit", id="top.quit")]

    def __init__(self, runs_root: Path = Path("runs"), box=None) -> None:
        import socket
        import time

        super().__init__()
        self.host = socket.gethostname()
        self.clock = lambda: time.strftime("%H:%M:%S")
        self.runs_root = Path(runs_root)
        self._box = box
        self.history: deque = deque(maxlen=HISTORY)
        self.jobs: list = []
        """The live jobs last found; what tests read."""

    def compose(self) -> ComposeResult:
        yield Static("reading the box ...", id="box")
        yield Static(id="jobs-title")
        table = DataTable(id="jobs", cursor_type="none", zebra_stripes=True)
        table.add_columns("run", "job", "pid", "device", "progress", "images/s")
        yield table
        yield SystemChart(id="chart")
        yield KeyBar()

    def on_mount(self) -> None:
        self.set_interval(SAMPLE_S, self.sample)
        self.set_interval(JOBS_S, self.find_jobs)
        self.call_after_refresh(self._first)

    def _first(self) -> None:
        from bumptui.engine.autoencoder.runs.system import Box

        self._box = self._box or Box()
        self.set_timer(0.25, self.sample)  # the first figures a quarter second after the CPU's baseline
        self.find_jobs()

    def sample(self) -> None:
        if self._box is None:
            return
        self.history.append(self._box.sample())
        self.query_one(SystemChart).show(list(self.history), True)
        self.query_one("#box", Static).update("\n".join(box_lines(list(self.history), self._box.cores, self.host,
                                                                 self.clock())))

    def find_jobs(self) -> None:
        from bumptui.engine.autoencoder.jobs.live import live_jobs

        self.jobs = live_jobs(self.runs_root) if self.runs_root.is_dir() else []
        where = f"{self.runs_root}/" if self.runs_root.is_dir() else f"{self.runs_root}/ (no such folder yet)"
        self.query_one("#jobs-title", Static).update(
            f"[b]bumptui jobs alive on this machine[/b] under {where}: {len(self.jobs) or 'none'}")
        table = self.query_one(DataTable)
        table.clear()
        for job in self.jobs:
            pace = f"{job.images_per_s / 1000:.1f}k" if job.images_per_s else "-"
            table.add_row(str(job.run_dir.relative_to(self.runs_root)), job.doing, str(job.pid), job.device,
                          job.progress, pace)


def box_lines(samples: list, cores: int, host: str, now: str) -> list[str]:
    """The machine's lines: CPU, RAM, then each GPU over the last minutes (or why there is none)."""
    if not samples:
        return ["reading the box ..."]
    last = samples[-1]
    minutes = max(1, round((last.t - samples[0].t) / 60))
    head = f"[b]{host}[/b] · {now} · q quits"
    used = [100 * (1 - s.ram_avail / s.ram_total) for s in samples]
    lines = [head, f"[b]CPU[/b]    {level_spark([s.cpu for s in samples], 100, SPARK)} {last.cpu:3.0f}% of {cores} cores",
             f"[b]RAM[/b]    {level_spark(used, 100, SPARK)} {gb(last.ram_total - last.ram_avail)}/{gb(last.ram_total)} GB"
             f" in use, {gb(last.ram_avail)} GB free"]
    lines += [f"[b]GPU {index:<2}[/b] {figures}" for index, figures in gpu_figures(samples, SPARK, util_width=3)]
    if not last.gpus:
        lines.append(f"[b]GPU[/b]    none: {last.gpu_note}")
    elif last.gpu_note:
        lines.append(f"      {last.gpu_note}")
    lines.append(f"[dim]sparklines: the last {minutes} minute{'s' * (minutes != 1)}, a sample a second[/dim]")
    return lines
