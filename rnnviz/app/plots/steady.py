"""Value ranges that stay put while the data move a little.

An auto-ranged plot follows its data exactly, so every recomputation (one step of the ρ spin box)
moved its y range by a fraction of a decade. Each new range makes the axis lay its ticks and labels
out again (the largest part of painting a cheap plot after a change: 1.5-2 ms per axis) and the
view map every item again. A steady range is kept while the data stay inside it and fill at least
:data:`KEEP_FILL` of it; when it has to change, the new one is the data's, rounded outwards to a
grid of nice steps (a twentieth of its span or a little more), so that nearby data give the same
range again.

Only value axes are steady (y; and x in the complex plane of the eigenvalues): a time axis must
follow T exactly.
"""

from __future__ import annotations

import math

import pyqtgraph as pg

#: Data that fill less of the kept range than this get a new, tighter range.
KEEP_FILL = 0.6
#: A new range is rounded outwards to a grid of nice steps of at least 1/GRID_STEPS of the data's
#: span (at most 2.5 times that, so that the data fill more than 80 % of the new range).
GRID_STEPS = 20


def nice_above(value: float, mantissas: tuple[float, ...] = (1.0, 2.0, 2.5, 5.0, 10.0)) -> float:
    """The smallest m·10^e >= value with m in ``mantissas`` (ascending, ending at 10; value > 0)."""
    exponent = math.floor(math.log10(value))
    for mantissa in mantissas:
        nice = mantissa * 10.0 ** exponent
        if nice >= value * (1 - 1e-12):
            return nice
    return 10.0 ** (exponent + 1)


def steady_range(current: tuple[float, float] | None, wanted: tuple[float, float],
                 keep_fill: float = KEEP_FILL) -> tuple[float, float]:
    """The range to show for data spanning ``wanted`` when ``current`` is shown now.

    ``current`` when it holds ``wanted`` and ``wanted`` fills at least ``keep_fill`` of it;
    otherwise ``wanted`` rounded outwards to the grid (an empty or non-finite ``wanted`` is
    returned as it is: pyqtgraph's own handling of it stays)."""
    low, high = float(wanted[0]), float(wanted[1])
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return low, high
    if current is not None:
        shown_low, shown_high = float(current[0]), float(current[1])
        if shown_low <= low and high <= shown_high and high - low >= keep_fill * (shown_high - shown_low):
            return shown_low, shown_high
    step = nice_above((high - low) / GRID_STEPS)
    return math.floor(low / step) * step, math.ceil(high / step) * step


class SteadyViewBox(pg.ViewBox):
    """A ViewBox whose automatic y range is a :func:`steady_range` (ranges set explicitly, and
    the x range, are taken as given); ``steady_x``: the automatic x range too (an aspect-locked
    view: the range it shows is the steady one widened to the view's aspect, and is kept as long
    as the data fill enough of it)."""

    #: the share of the kept range the data must fill (see :func:`steady_range`)
    keep_fill = KEEP_FILL

    def __init__(self, *args, steady_x: bool = False, **kwargs):
        self.steady_x = steady_x
        super().__init__(*args, **kwargs)

    def setRange(self, rect=None, xRange=None, yRange=None, padding=None, update=True,  # noqa: N802,N803
                 disableAutoRange=True):  # noqa: N803 (pyqtgraph naming)
        # pyqtgraph's updateAutoRange calls setRange with the data's (padded) range while this flag is set.
        # An aspect-locked view shows its target range widened along one axis to the view's shape:
        # the steady range is kept against the target, not the widened range (kept against that, each
        # resize widened it again and it only grew: eigenvalues within ±1 under a range of ±2.2)
        shown = self.state["targetRange"] if self.state["aspectLocked"] else self.viewRange()
        if self._updatingRange and rect is None and yRange is not None:
            yRange = steady_range(tuple(shown[1]), tuple(yRange), self.keep_fill)
        if self._updatingRange and rect is None and xRange is not None and self.steady_x:
            xRange = steady_range(tuple(shown[0]), tuple(xRange), self.keep_fill)
        super().setRange(rect=rect, xRange=xRange, yRange=yRange, padding=padding, update=update,
                         disableAutoRange=disableAutoRange)
