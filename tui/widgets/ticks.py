"""Axis ticks a person can trust: round values, evenly spaced on the screen, chosen here and handed
to plotext (whose own ticks are the axis range cut in equal parts, labelled 0.398, 0.348, ..., with
two of them sometimes landing on one row so that one is lost and the spacing lies).

Linear axes step by 1, 2, 2.5 or 5 times a power of ten. Log axes step by a constant ratio: a power
of ten per tick (or per two, three ... ticks) over several decades; x2 from a power of ten over a
narrower range (0.1 0.2 0.4), and x1.41 (0.1 0.14 0.2 0.28, two significant digits, no tick more than
1.5 % from its place) over a narrower one still; below about a factor of two, linear ticks, which so
short a range places evenly to within a row."""

from __future__ import annotations

import math

STEPS = (1, 2, 2.5, 5, 10)
"""Linear steps, times a power of ten."""
MOST = 6
"""Ticks on an axis at most; a short axis gets fewer (one every other row at most)."""
WASTE = 1.6
"""An axis from tick to tick may be at most this many times the data's range (a short axis, allowed
two ticks, would otherwise squeeze the data into half of it): beyond, the ticks stand inside the data."""
TOLERANCE = 0.005
"""A tick this share of the range outside the data still counts as inside (0.1 for data from 0.0999)."""


def _label(value: float, decimals: int) -> str:
    text = f"{value:.{max(decimals, 0)}f}"
    return "0" if float(text) == 0 else text


def _decimals(step: float) -> int:
    """Decimals that tell ticks `step` apart, no more."""
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return decimals + (round(step / 10 ** -decimals, 6) % 1 != 0)  # 2.5 x 10^k needs one more


def linear_ticks(lo: float, hi: float, most: int = MOST, integer: bool = False,
                 cover: bool = False) -> tuple[list[float], list[str]]:
    """Round, evenly spaced ticks inside [lo, hi] (at least two where the range is not empty), or,
    with `cover`, from the last tick at or below lo to the first at or above hi (the axis then runs
    from tick to tick); `integer`: whole numbers only (epochs)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [], []
    if hi < lo:
        lo, hi = hi, lo
    if hi - lo < 1e-12 * max(1.0, abs(hi)):
        return [lo], [f"{lo:.4g}"]
    most = max(2, most)
    span = hi - lo
    slack = span * TOLERANCE
    for power in range(math.floor(math.log10(span / most)) - 1, math.floor(math.log10(span)) + 2):
        for mantissa in STEPS:
            step = mantissa * 10.0**power
            if integer and (step < 1 or step != int(step)):
                continue
            if cover:
                first, last = math.floor((lo + slack) / step), math.ceil((hi - slack) / step)
            else:
                first, last = math.ceil((lo - slack) / step), math.floor((hi + slack) / step)
            if 2 <= last - first + 1 <= most:
                values = [k * step for k in range(first, last + 1)]
                decimals = _decimals(step)
                return values, [_label(v, decimals) for v in values]
    return [lo, hi], [f"{lo:.3g}", f"{hi:.3g}"]


def _significant(value: float, digits: int = 2) -> float:
    return float(f"{value:.{digits - 1}e}")


def log_ticks(lo: float, hi: float, most: int = MOST, cover: bool = False) -> tuple[list[float], list[str]]:
    """Ticks at a constant ratio, so that they are evenly spaced on a log axis: inside [lo, hi], or
    with `cover` from the last at or below lo to the first at or above hi."""
    if not (lo > 0 and hi > 0 and math.isfinite(lo) and math.isfinite(hi)):
        return [], []
    if hi < lo:
        lo, hi = hi, lo
    most = max(2, most)
    bottom, top = math.log10(lo), math.log10(hi)
    slack = TOLERANCE * max(top - bottom, 1e-6)

    def progression(anchor: float, ratio: float) -> list[float]:
        """anchor * ratio^j (two significant digits) inside or covering the range."""
        step, base = math.log10(ratio), math.log10(anchor)
        if cover:
            first, last = math.floor((bottom + slack - base) / step), math.ceil((top - slack - base) / step)
        else:
            first, last = math.ceil((bottom - slack - base) / step), math.floor((top + slack - base) / step)
        return [_significant(anchor * ratio**j) for j in range(first, last + 1)]

    candidates = []
    every = 1
    while len(decades := progression(1.0, 10.0**every)) > most:  # powers of ten, every one or every few
        every += 1
    candidates.append(decades)
    for ratio in (2.0, math.sqrt(2.0)):  # from a power of ten: 0.1 0.2 0.4 0.8, or 0.1 0.14 0.2 0.28
        candidates.append(progression(10.0 ** round(bottom), ratio))
    fitting = [c for c in candidates if 3 <= len(c) <= most]
    if fitting:  # the one that wastes least of the axis (with cover), or shows most of it (inside)
        # the least of the axis wasted (cover) or the most of it shown (inside), then the most ticks
        best = min(fitting, key=lambda c: ((1 if cover else -1) * round(math.log10(c[-1] / c[0]), 6), -len(c)))
        return best, [_log_label(v) for v in best]
    if len(decades) == 2 and not cover:
        return decades, [_log_label(v) for v in decades]
    # narrower than about a factor of two: linear ticks, which over so short a range fall evenly on a
    # log axis to within a row
    return linear_ticks(lo, hi, min(most, 4), cover=cover)


def _log_label(value: float) -> str:
    if value >= 1e5 or value < 1e-4:
        return f"{value:.0e}".replace("e-0", "e-").replace("e+0", "e")
    return f"{value:.10f}".rstrip("0").rstrip(".")


def ticks(lo: float, hi: float, log: bool = False, rows: int | None = None,
          cover: bool = False) -> tuple[list[float], list[str]]:
    """The ticks for an axis from lo to hi; `rows` (the axis's length in characters) caps how many,
    so that no two share a row or touch."""
    most = MOST if rows is None else max(2, min(MOST, (rows + 1) // 2))
    return log_ticks(lo, hi, most, cover) if log else linear_ticks(lo, hi, most, cover=cover)


def set_ticks(plt, xs: list[float], ys: list[float], log_y: bool, width: int, height: int,
              integer_x: bool = False) -> None:
    """Hand plotext round ticks for both axes of a chart whose data spans xs and ys, drawn in a
    widget of width x height characters: the y axis runs from a tick at or below the data to one at
    or above it; x ticks stand inside the data, whole numbers with `integer_x` where the range allows."""
    finite_y = [y for y in ys if math.isfinite(y) and (y > 0 or not log_y)]
    finite_x = [x for x in xs if math.isfinite(x)]
    if finite_y:
        lo, hi = min(finite_y), max(finite_y)
        y_values, labels = ticks(lo, hi, log_y, rows=height - 5, cover=True)
        measure = (lambda v: math.log10(v)) if log_y else (lambda v: v)
        if len(y_values) >= 2 and measure(y_values[-1]) - measure(y_values[0]) > WASTE * (measure(hi) - measure(lo)):
            y_values, labels = ticks(lo, hi, log_y, rows=height - 5)  # a short axis: ticks inside the data
        elif len(y_values) >= 2:  # the axis runs from tick to tick
            # plotext takes a log axis's limits as logs (its data is turned into logs as it builds)
            plt.ylim(*(map(math.log10, (y_values[0], y_values[-1])) if log_y else (y_values[0], y_values[-1])))
        if y_values:
            plt.yticks(y_values, labels)
    if finite_x:
        lo, hi = min(finite_x), max(finite_x)
        most = max(2, min(MOST + 2, (width - 8) // 10))  # a label and room around it
        whole = integer_x and math.floor(hi) - math.ceil(lo) >= 1
        x_values, labels = linear_ticks(math.ceil(lo) if whole else lo, math.floor(hi) if whole else hi, most, whole)
        if x_values:
            plt.xticks(x_values, labels)


class RoundTicks:
    """A plotext chart widget's mixin: the figure is drawn afresh at each render, at the widget's
    size of the moment, by the subclass's `draw()` (plotext turns a log axis's data into logs in
    place as it builds, so a figure built twice fails: a resize in log scale once ended the app),
    and round ticks for the extent `draw()` gives to `axes()` are handed to plotext."""

    _extent: tuple[list[float], list[float], bool, bool] | None = None

    def draw(self) -> None:
        """Put the data, title and scale on self.plt (cleared before each call)."""

    def axes(self, xs, ys, log_y: bool = False, integer_x: bool = False) -> None:
        self._extent = (list(xs), list(ys), log_y, integer_x)

    def render(self):
        self._extent = None
        self.plt.clear_figure()
        self.draw()
        if self._extent is not None:
            xs, ys, log_y, integer_x = self._extent
            set_ticks(self.plt, xs, ys, log_y, self.size.width, self.size.height, integer_x)
        return super().render()
