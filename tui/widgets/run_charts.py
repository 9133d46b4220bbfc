"""The training charts: loss curves per latent size, and the 2-D latent scatter by digit.

Legends go in the title line above the plot, never over the data, and nothing is told by colour
alone: each latent size's test points have their own shape, and each scatter point is drawn as its digit."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from bumptui.engine.autoencoder.jobs.train.record import RunRecord
from bumptui.tui.widgets.ticks import RoundTicks

LATENT_COLORS = ["orange", "cyan", "magenta", "green", "yellow", "red"]
TEST_MARKERS = ["◆", "●", "▲", "■", "★", "✚"]
"""The test-L1 points of each latent size of a run, told apart by shape as well as colour."""
# Ten distinguishable colours, one per digit (the tab10 palette).
DIGIT_COLORS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
                (140, 86, 75), (227, 119, 194), (160, 160, 160), (188, 189, 34), (23, 190, 207)]
EMA_BETA = 0.8
MAX_POINTS = 400
"""More points than the chart has braille columns only cost time: longer series are thinned."""


def ema(values: list[float], beta: float = EMA_BETA) -> list[float]:
    """Exponential moving average with Adam's bias correction, so the first points are not pulled to 0."""
    out, s = [], 0.0
    for t, v in enumerate(values, start=1):
        s = beta * s + (1 - beta) * v
        out.append(s / (1 - beta**t))
    return out


def thinned(xs, ys, points: int = MAX_POINTS) -> tuple[list[float], list[float]]:
    """At most `points` points: the means of equal runs of consecutive points (the last point kept as
    it is), so a chart of a long run is drawn from as many points as it has columns."""
    import numpy as np

    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    if len(xs) <= points:
        return xs.tolist(), ys.tolist()
    starts = np.linspace(0, len(xs) - 1, points, dtype=int)
    starts = np.unique(starts)
    counts = np.diff(np.append(starts, len(xs) - 1))
    keep = counts > 0
    starts, counts = starts[keep], counts[keep]
    mx = np.add.reduceat(xs[:-1], starts) / counts
    my = np.add.reduceat(ys[:-1], starts) / counts
    return [*mx.tolist(), float(xs[-1])], [*my.tolist(), float(ys[-1])]


def loss_series(record: RunRecord, latent: int, smooth: bool):
    """(x, step losses) with x in epochs, and (epochs, test L1) for one model, each thinned to at most
    MAX_POINTS points (a 3,000-epoch run draws as fast as a 3-epoch one)."""
    series = record.steps[latent]
    xs, ys = thinned(series.xs, series.ys)
    if smooth:
        ys = ema(ys)
    tests = sorted(record.epochs[latent].items())
    return (xs, ys), thinned([e for e, _ in tests], [ev.test_l1 for _, ev in tests])


def side_by_side(epochs: list[float], model: int, models: int, span: float, columns: int) -> list[float]:
    """The epochs of one model's test points moved by whole chart columns, model by model round the
    true epoch (-1, 0, +1 for three), so that markers of models with nearly equal losses stand side by
    side instead of on one another."""
    if models < 2 or columns <= 0 or span <= 0:
        return list(epochs)
    shift = (model - (models - 1) / 2) * span / columns
    return [e + shift for e in epochs]


class LossChart(RoundTicks, PlotextPlot):
    """Train L1 (every logged batch) and test L1 (every epoch) for each latent size of a run,
    and of a second run to compare, drawn with dots. Round y ticks (linear or log) and whole epochs
    on x; each model's test markers one column apart, so that none hides another."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.runs: list[RunRecord] = []
        self.log_scale = False
        self.smooth = True
        self.drawn: dict[str, tuple[list[float], list[float]]] = {}
        """What the chart shows, by legend label; what tests read."""
        self._lines: list[tuple] = []
        self._points: list[tuple] = []

    def show(self, runs: list[RunRecord], log_scale: bool, smooth: bool) -> None:
        self.runs, self.log_scale, self.smooth = runs, log_scale, smooth
        self.drawn = {}
        self._lines, self._points = [], []
        for r, record in enumerate(runs):
            tag = "" if r == 0 else f"{record.run_dir.name} "
            for i, latent in enumerate(record.latents):
                color = LATENT_COLORS[i % len(LATENT_COLORS)]
                (xs, ys), (es, tests) = loss_series(record, latent, smooth)
                if xs:
                    self.drawn[f"{tag}{latent} train"] = (xs, ys)
                    self._lines.append((xs, ys, color, "braille" if r == 0 else "dot"))
                if es:
                    self.drawn[f"{tag}{latent} test"] = (es, tests)
                    marker = TEST_MARKERS[i % len(TEST_MARKERS)] if r == 0 else "o"
                    self._points.append((es, tests, color, marker, i, len(record.latents)))
        self.refresh()

    def draw(self) -> None:
        plt = self.plt
        xs = [x for xs, _ in self.drawn.values() for x in xs]
        span = max(xs, default=0) - min(xs, default=0)
        columns = max(1, self.size.width - 8)  # the y labels and the axis take about 8 columns
        for line_xs, line_ys, color, marker in self._lines:
            plt.plot(line_xs, line_ys, color=color, marker=marker)
        for es, tests, color, marker, i, models in self._points:
            plt.scatter(side_by_side(es, i, models, span, columns), tests, color=color, marker=marker)
        if self.log_scale and self.drawn:
            plt.yscale("log")
        self.axes(xs, [y for _, ys in self.drawn.values() for y in ys], self.log_scale, integer_x=True)
        plt.xlabel("epoch")
        compared = " · dotted, o: " + ", ".join(r.run_dir.name for r in self.runs[1:]) if len(self.runs) > 1 else ""
        shapes = " ".join(f"{TEST_MARKERS[i % len(TEST_MARKERS)]} {d}" for i, d in enumerate(self.runs[0].latents)) \
            if self.runs else ""
        beside = " side by side" if self.runs and len(self.runs[0].latents) > 1 else ""
        plt.title("L1" + (" (log)" if self.log_scale else "") + (", EMA" if self.smooth else "")
                  + f" · line: train · test: {shapes}{beside}{compared}")


class LatentScatter(RoundTicks, PlotextPlot):
    """Codes of the fixed test sample in 2-D, each drawn as its digit (readable without colour),
    coloured by digit or by the cluster it fell in (where the two disagree, colours mix in a digit's group)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.points = 0
        self._groups: dict[tuple[int, int], list] = {}
        self._xy, self._caption = None, ""

    def show(self, xy, labels, caption: str, clusters=None) -> None:
        self.points = 0
        self._groups: dict[tuple[int, int], list] = {}
        if xy is not None:
            colour_of = labels if clusters is None else clusters
            for point, label, colour in zip(xy, labels, colour_of):
                self._groups.setdefault((int(label), int(colour)), []).append(point)
            self.points = sum(len(pts) for pts in self._groups.values())
        self._xy, self._caption = xy, caption
        self.refresh()

    def draw(self) -> None:
        plt = self.plt
        for (digit, colour), pts in sorted(self._groups.items()):
            plt.scatter([p[0] for p in pts], [p[1] for p in pts], color=DIGIT_COLORS[colour % 10], marker=str(digit))
        if self._xy is not None:
            self.axes([p[0] for p in self._xy], [p[1] for p in self._xy])
        plt.title(self._caption)
