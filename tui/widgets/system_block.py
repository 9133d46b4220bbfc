"""The box a job runs on, in a few lines for the Overview: sparklines of CPU and each GPU's use over
the last samples (scaled 0-100 %, not to their own range, so a flat 97 % reads as full), and the
latest figures in units read at a glance: "GPU 0 ▅▆▇ 97% · mem ▃▄▅ 11.2/141 GB · 63°C · 410/700 W".
Nothing is told by colour; where GPU rows are absent the line says why."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from bumptui.tui.widgets.run_charts import LATENT_COLORS as CHART_COLORS
from bumptui.tui.widgets.ticks import RoundTicks
from bumptui.tui.widgets.wait_line import SPARKS

SPARK_WIDTH = 8
NO_GPU = "no GPU in use"
"""What a sample says on a job that does not use a GPU (runs/system.py): said in three words on the box's line."""
GB = 1024.0


def level_spark(values: list[float], top: float, width: int = SPARK_WIDTH) -> str:
    """The last `width` values as block heights from 0 to `top`."""
    shown = values[-width:]
    if not shown or top <= 0:
        return ""
    return "".join(SPARKS[max(0, min(len(SPARKS) - 1, round(v / top * (len(SPARKS) - 1))))] for v in shown)


def gb(mb: float) -> str:
    value = mb / GB
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def gpu_figures(samples: list, util_spark: int = SPARK_WIDTH, util_width: int = 0) -> list[tuple[int, str]]:
    """(index, "▅▆▇ 97% · mem ▃▄▅ 11.2/141 GB · 63°C · 410/700 W") for each GPU of the latest sample,
    its sparklines over every sample that has it; `util_width` pads the percentage."""
    history: dict[int, list[dict]] = {}
    for s in samples:
        for row in s.gpus:
            history.setdefault(row["index"], []).append(row)
    figures = []
    for row in samples[-1].gpus if samples else []:
        rows = history[row["index"]]
        util = level_spark([r["util"] for r in rows], 100, util_spark)
        memory = level_spark([r["mem_used"] for r in rows], row["mem_total"], SPARK_WIDTH)
        figures.append((row["index"], f"{util} {row['util']:{util_width}.0f}% · mem {memory} {gb(row['mem_used'])}/"
                                      f"{gb(row['mem_total'])} GB · {row['temp']:.0f}°C · "
                                      f"{row['power']:.0f}/{row['power_limit']:.0f} W"))
    return figures


def system_lines(samples: list, live: bool) -> list[str]:
    """Two or more lines: the machine and the job's process, then a line per GPU (or why none)."""
    if not samples:
        return ["[b]box[/b]      " + ("first sample within a second or two" if live
                                      else "not recorded (a job from before the box was sampled)")]
    last = samples[-1]
    cpu = level_spark([s.cpu for s in samples], 100)
    lines = [f"[b]box[/b]  CPU {cpu} {last.cpu:.0f}% · RAM free {gb(last.ram_avail)}/{gb(last.ram_total)} GB"
             f" · job {last.proc_cpu:.0f}% CPU {gb(last.proc_rss)} GB" + (" · no GPU" if last.gpu_note == NO_GPU else "")]
    lines += [f"         GPU {index} {figures}" for index, figures in gpu_figures(samples)]
    if last.gpu_note and last.gpu_note != NO_GPU:
        lines.append(f"         {last.gpu_note}")
    return lines


def samples_to_show(view) -> tuple[list, bool]:
    """The samples of the job the Overview's box lines describe: a live one's (training, sharpening
    or clustering), else the training's own, else the latest job's that has any; and whether it is live."""
    records = [r for r in (view.record, view.sharpen, view.clusters) if r is not None and r.started is not None]
    for record in records:
        if view.is_live(record):
            return record.system, True
    for record in records:
        if record.system:
            return record.system, False
    return [], False


def run_times(samples: list) -> list[float]:
    """Minutes since the first sample, across the processes that resumed the job (each counts its
    samples' `t` from its own start: a later one continues where the earlier left off)."""
    out, offset, last = [], 0.0, None
    first = samples[0].t if samples else 0.0
    for s in samples:
        if last is not None and s.t < last:
            offset += last
        last = s.t
        out.append((offset + s.t - first) / 60)
    return out


class SystemChart(RoundTicks, PlotextPlot):
    """The box over the job's time, in per cent: the machine's CPU (C) and RAM in use (R), and per
    GPU its utilisation (G) and memory in use (M); told apart by letter as well as colour."""

    def __init__(self, hint: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.drawn: dict[str, tuple[list[float], list[float]]] = {}
        """What the chart shows, by legend label; what tests read."""
        self._note = ""
        self.hint = f" ({hint})" if hint else ""
        """The key that leaves the chart, said in its title."""

    def show(self, samples: list, live: bool) -> None:
        self.drawn = {}
        xs = run_times(samples)
        if samples:
            self.drawn["CPU %"] = (xs, [s.cpu for s in samples])
            self.drawn["RAM used %"] = (xs, [100 * (1 - s.ram_avail / s.ram_total) for s in samples])
            for index in sorted({row["index"] for s in samples for row in s.gpus}):
                at = [(x, row) for x, s in zip(xs, samples) for row in s.gpus if row["index"] == index]
                self.drawn[f"GPU {index} util %"] = ([x for x, _ in at], [r["util"] for _, r in at])
                self.drawn[f"GPU {index} mem %"] = ([x for x, _ in at], [100 * r["mem_used"] / r["mem_total"] for _, r in at])
        self._note = system_lines(samples, live)[0] if not samples else ""
        self.refresh()

    def draw(self) -> None:
        plt = self.plt
        for i, (label, (xs, ys)) in enumerate(self.drawn.items()):
            marker = "C" if label.startswith("CPU") else "R" if label.startswith("RAM") else \
                "G" if label.endswith("util %") else "M"
            plt.plot(xs, ys, color=CHART_COLORS[i % len(CHART_COLORS)], marker=marker)
        if self.drawn:
            self.axes([x for xs, _ in self.drawn.values() for x in xs], [0.0, 100.0])
            plt.ylim(0, 100)
            plt.xlabel("minutes")
            plt.title(f"box, % · C CPU · R RAM in use · G GPU util · M GPU memory{self.hint}")
        else:
            plt.title(self._note.replace("[b]", "").replace("[/b]", "").strip() + self.hint)
