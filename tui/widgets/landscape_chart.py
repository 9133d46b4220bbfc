"""F(x) drawn exactly from its corners, with each optimizer's path and current point on it.

The plot itself (plotext, whose import and first drawing took a tenth of the app's first frame) is
mounted right after the lab's first frame is on screen: the frame shows the lab's numbers at once
and the chart a few hundredths of a second later."""

from __future__ import annotations

from dataclasses import dataclass

from textual.widget import Widget

from bumptui.engine.bump.landscape import BumpLandscape
from bumptui.engine.numbers import num

PLOT_AFTER_S = 0.03
"""How long after the chart's first, blank frame its plot is mounted."""
PATH_COLORS = ("orange", "cyan")
PATH_MARKERS = (("•", "◆"), ("·", "■"))
"""Each path's steps and current point; the second (lockstep) path differs in shape, not only colour."""


@dataclass(frozen=True)
class PathOnChart:
    label: str
    xs: tuple[float, ...]
    fs: tuple[float, ...]


class LandscapeChart(Widget):
    """Set `show(landscape, paths)`; the chart keeps what it draws so tests can read it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.landscape = BumpLandscape()
        self.paths: tuple[PathOnChart, ...] = ()
        self.plot = None
        """The PlotextPlot once mounted (False while waiting for the first frame to be out)."""

    def render(self) -> str:
        """Blank in the first frame it is drawn in; the plot is mounted once that frame is out (the
        driver writes the frame from a thread of its own, which the import would hold up)."""
        if self.plot is None:
            self.plot = False
            if self.app.is_headless:  # no terminal to be first on: tests see the chart once idle
                self.call_after_refresh(self._mount_plot)
            else:
                self.set_timer(PLOT_AFTER_S, self._mount_plot)
        return ""

    def _mount_plot(self) -> None:
        from textual_plotext import PlotextPlot

        self.plot = PlotextPlot()
        self.mount(self.plot)
        self.replot()

    def show(self, landscape, paths: tuple[PathOnChart, ...]) -> None:
        """landscape: the bump (drawn exactly from its corners), or a typed curve (a Surface in x)."""
        self.landscape, self.paths = landscape, paths
        self.replot()

    def replot(self) -> None:
        if not self.plot:
            return
        if not isinstance(self.landscape, BumpLandscape):
            self._replot_curve()
            return
        plt, land = self.plot.plt, self.landscape
        plt.clear_figure()
        seen = [x for p in self.paths for x in p.xs]
        left = min([-0.2, *[x - 0.1 for x in seen]])
        right = max([land.global_min + 0.5 * land.basin_gap, *[x + 0.1 for x in seen]])
        xs, fs = land.outline(left, right)
        plt.plot(xs, fs, marker="braille", color="gray")
        self._draw_paths()
        ticks = [0.0, *land.kinks]
        plt.xticks(ticks, [num(t) for t in ticks])
        plt.xlim(left, right)
        plt.ylim(-0.05, max(fs) + 0.1)
        plt.yfrequency(3)
        self.plot.refresh()

    def _draw_paths(self) -> None:
        """Each path's steps and its current point (a walk on a curve may leave the floats: those points
        are not drawn), with the legend above the plot, not over the landscape."""
        import math

        plt = self.plot.plt
        for path, color, (step, now) in zip(self.paths, PATH_COLORS, PATH_MARKERS):
            pts = [(x, f) for x, f in zip(path.xs, path.fs) if math.isfinite(x) and math.isfinite(f)]
            if pts:
                plt.scatter([p[0] for p in pts], [p[1] for p in pts], marker=step, color=color)
                plt.scatter([pts[-1][0]], [pts[-1][1]], marker=now, color=color)
        plt.title("   ".join(f"{now} {p.label} x={num(p.xs[-1])}" for p, (_, now) in zip(self.paths, PATH_MARKERS)))

    def _replot_curve(self) -> None:
        """A typed curve, sampled finely over its view and wherever the paths went."""
        import math

        import numpy as np

        plt, curve = self.plot.plt, self.landscape
        plt.clear_figure()
        seen = [x for p in self.paths for x in p.xs if math.isfinite(x)]
        left, right = min([curve.view[0], *seen]), max([curve.view[1], *seen])
        pad = 0.05 * (right - left)
        xs = np.linspace(left - pad, right + pad, 400)
        with np.errstate(all="ignore"):
            fs = np.asarray(curve.loss(xs), dtype=float)
        keep = np.isfinite(fs)
        plt.plot(xs[keep].tolist(), fs[keep].tolist(), marker="braille", color="gray")
        self._draw_paths()
        plt.xlim(left - pad, right + pad)
        if keep.any():  # the wells, not the walls: up to the median of the curve or the paths' highest point
            low = float(fs[keep].min())
            high = max([float(np.median(fs[keep]))] + [f for p in self.paths for f in p.fs if math.isfinite(f)])
            plt.ylim(low - 0.05 * (high - low + 1e-12), high + 0.1 * (high - low + 1e-12))
        self.plot.refresh()
