"""The training charts: loss curves per latent size, and the 2-D latent scatter by digit.

Legends go in the title line above the plot, never over the data, and nothing is told by colour
alone: each latent size's test points have their own shape, and each scatter point is drawn as its digit."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from engine.autoencoder.jobs.train.record import RunRecord

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


def loss_series(record: RunRecord, latent: int, smooth: bool):
    """(x, step losses) with x in epochs, and (epochs, test L1) for one model."""
    steps = sorted(record.steps[latent].items())
    xs = [epoch - 1 + step / n for (epoch, step), (n, _) in steps]
    ys = [loss for _, (_, loss) in steps]
    if smooth:
        ys = ema(ys)
    if len(xs) > MAX_POINTS:
        stride = -(-len(xs) // MAX_POINTS)
        xs, ys = xs[::stride] + xs[-1:], ys[::stride] + ys[-1:]
    tests = sorted(record.epochs[latent].items())
    return (xs, ys), ([e for e, _ in tests], [ev.test_l1 for _, ev in tests])


class LossChart(PlotextPlot):
    """Train L1 (every logged batch) and test L1 (every epoch) for each latent size of a run,
    and of a second run to compare, drawn with dots."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.runs: list[RunRecord] = []
        self.log_scale = False
        self.smooth = True
        self.drawn: dict[str, tuple[list[float], list[float]]] = {}
        """What the chart shows, by legend label; what tests read."""

    def show(self, runs: list[RunRecord], log_scale: bool, smooth: bool) -> None:
        self.runs, self.log_scale, self.smooth = runs, log_scale, smooth
        self.replot()

    def replot(self) -> None:
        plt = self.plt
        plt.clear_figure()
        self.drawn = {}
        for r, record in enumerate(self.runs):
            tag = "" if r == 0 else f"{record.run_dir.name} "
            for i, latent in enumerate(record.latents):
                color = LATENT_COLORS[i % len(LATENT_COLORS)]
                (xs, ys), (es, tests) = loss_series(record, latent, self.smooth)
                if xs:
                    label = f"{tag}{latent} train"
                    plt.plot(xs, ys, color=color, marker="braille" if r == 0 else "dot")
                    self.drawn[label] = (xs, ys)
                if es:
                    label = f"{tag}{latent} test"
                    plt.scatter(es, tests, color=color, marker=TEST_MARKERS[i % len(TEST_MARKERS)] if r == 0 else "o")
                    self.drawn[label] = (es, tests)
        if self.log_scale and self.drawn:
            plt.yscale("log")
        plt.xlabel("epoch")
        compared = " · dotted, o: " + ", ".join(r.run_dir.name for r in self.runs[1:]) if len(self.runs) > 1 else ""
        shapes = " ".join(f"{TEST_MARKERS[i % len(TEST_MARKERS)]} {d}" for i, d in enumerate(self.runs[0].latents)) \
            if self.runs else ""
        plt.title("L1" + (" (log)" if self.log_scale else "") + (", EMA" if self.smooth else "")
                  + f" · line: train · test: {shapes}{compared}")
        self.refresh()


class LatentScatter(PlotextPlot):
    """Codes of the fixed test sample in 2-D, each drawn as its digit (readable without colour),
    coloured by digit or by the cluster it fell in (where the two disagree, colours mix in a digit's group)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.points = 0

    def show(self, xy, labels, caption: str, clusters=None) -> None:
        plt = self.plt
        plt.clear_figure()
        self.points = 0
        if xy is not None:
            colour_of = labels if clusters is None else clusters
            groups: dict[tuple[int, int], list] = {}
            for point, label, colour in zip(xy, labels, colour_of):
                groups.setdefault((int(label), int(colour)), []).append(point)
            for (digit, colour), pts in sorted(groups.items()):
                plt.scatter([p[0] for p in pts], [p[1] for p in pts], color=DIGIT_COLORS[colour % 10],
                            marker=str(digit))
                self.points += len(pts)
        plt.title(caption)
        self.refresh()
