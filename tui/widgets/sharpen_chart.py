"""D's and G's losses over a sharpening, per strategy, for the Sharpen pane."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from bumptui.engine.autoencoder.jobs.sharpen.record import SharpenRecord
from bumptui.engine.autoencoder.sharpening.comparison import model_name
from bumptui.tui.widgets.run_charts import LATENT_COLORS
from bumptui.tui.widgets.ticks import RoundTicks


class SharpenChart(RoundTicks, PlotextPlot):
    """D's loss and accuracy and G's adversarial loss over the epochs of each strategy."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.drawn: dict[str, tuple[list[float], list[float]]] = {}
        """What the chart shows, by legend label; what tests read."""
        self._lines: list[tuple] = []
        self._latent: int | None = None

    def show(self, record: SharpenRecord | None, latent: int | None) -> None:
        self.drawn = {}
        self._lines = []
        for s in (1, 2):
            steps = sorted(record.steps.get((latent, s), {}).items()) if record else []
            if not steps:
                continue
            xs = [epoch - 1 + step / e.steps_per_epoch for (epoch, step), e in steps]
            for field, name, marker in (("d_loss", "D loss", "L"), ("d_acc", "D acc", "A"), ("g_adv", "G adv", "G")):
                marker = marker if s == 1 else marker.lower()  # told apart by letter, not only colour
                ys = [getattr(e, field) for _, e in steps]
                self.drawn[f"{model_name(s)} {name}"] = (xs, ys)
                self._lines.append((xs, ys, LATENT_COLORS[s], marker))
        self._latent = latent
        self.refresh()

    def draw(self) -> None:
        plt = self.plt
        for xs, ys, color, marker in self._lines:
            plt.plot(xs, ys, color=color, marker=marker)
        self.axes([x for xs, _ in self.drawn.values() for x in xs], [y for _, ys in self.drawn.values() for y in ys],
                  integer_x=True)
        plt.xlabel("epoch")
        latent = self._latent
        plt.title(f"latent {latent} · L D loss · A D acc · G G adv · capitals: strategy 1, small: 2"
                  if self.drawn else f"latent {latent}: D and G over time" if latent is not None else "")
