"""F(x) drawn exactly from its corners, with each optimizer's path and current point on it."""

from __future__ import annotations

from dataclasses import dataclass

from textual_plotext import PlotextPlot

from engine.bump.landscape import BumpLandscape
from engine.numbers import num

PATH_COLORS = ("orange", "cyan")
PATH_MARKERS = (("•", "◆"), ("·", "■"))
"""Each path's steps and current point; the second (lockstep) path differs in shape, not only colour."""


@dataclass(frozen=True)
class PathOnChart:
    label: str
    xs: tuple[float, ...]
    fs: tuple[float, ...]


class LandscapeChart(PlotextPlot):
    """Set `show(landscape, paths)`; the chart keeps what it draws so tests can read it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.landscape = BumpLandscape()
        self.paths: tuple[PathOnChart, ...] = ()

    def show(self, landscape: BumpLandscape, paths: tuple[PathOnChart, ...]) -> None:
        self.landscape, self.paths = landscape, paths
        self.replot()

    def replot(self) -> None:
        plt, land = self.plt, self.landscape
        plt.clear_figure()
        seen = [x for p in self.paths for x in p.xs]
        left = min([-0.2, *[x - 0.1 for x in seen]])
        right = max([land.global_min + 0.5 * land.basin_gap, *[x + 0.1 for x in seen]])
        xs, fs = land.outline(left, right)
        plt.plot(xs, fs, marker="braille", color="gray")
        for path, color, (step, now) in zip(self.paths, PATH_COLORS, PATH_MARKERS):
            plt.scatter(path.xs, path.fs, marker=step, color=color)
            plt.scatter(path.xs[-1:], path.fs[-1:], marker=now, color=color)
        # The legend above the plot, not over the bump.
        plt.title("   ".join(f"{now} {p.label} x={num(p.xs[-1])}" for p, (_, now) in zip(self.paths, PATH_MARKERS)))
        ticks = [0.0, *land.kinks]
        plt.xticks(ticks, [num(t) for t in ticks])
        plt.xlim(left, right)
        plt.ylim(-0.05, max(fs) + 0.1)
        plt.yfrequency(3)
        self.refresh()
