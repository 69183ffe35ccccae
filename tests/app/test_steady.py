"""Steady ranges: a recomputation that moves the data a little keeps the view's y range and the
map's colour levels (so their axes are not laid out again); the data are always covered."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from rnnviz.app.plots.base import Heatmap
from rnnviz.app.plots.steady import KEEP_FILL, SteadyViewBox, nice_above, steady_range


def test_a_range_is_kept_while_it_holds_the_data_and_they_fill_most_of_it():
    assert nice_above(0.7) == 1.0 and nice_above(1.3) == 2.0 and nice_above(2.2) == 2.5 and nice_above(30) == 50
    new = steady_range(None, (-10.23, 0.31))
    assert new[0] <= -10.23 and new[1] >= 0.31 and new == (-11.0, 1.0)  # rounded out to a grid of 1
    assert steady_range(new, (-10.4, 0.2)) == new            # moved a little: kept
    assert steady_range(new, (-11.5, 0.2))[0] <= -11.5        # left the range: a new one holds it
    assert steady_range(new, (-10.4, 1.2))[1] >= 1.2
    shrunk = steady_range(new, (-4.0, 0.1))                   # fills less than KEEP_FILL: tighter
    assert shrunk != new and shrunk[0] <= -4.0 and shrunk[1] >= 0.1
    assert (0.1 + 4.0) / (shrunk[1] - shrunk[0]) >= KEEP_FILL
    assert steady_range(new, (2.0, 2.0)) == (2.0, 2.0)        # empty: left to pyqtgraph
    assert steady_range(new, (np.nan, 1.0))[1] == 1.0


def test_the_automatic_y_range_is_steady_and_always_covers_the_curve(qtbot):
    widget = pg.GraphicsLayoutWidget()
    qtbot.addWidget(widget)
    plot = widget.addPlot(viewBox=SteadyViewBox())
    curve = plot.plot()
    widget.resize(400, 300)
    widget.show()
    qtbot.waitExposed(widget)
    k = np.arange(1, 101, dtype=float)
    ranges = []
    for slope in np.linspace(-0.100, -0.101, 5):  # a decay curve, a little steeper each time
        curve.setData(k, slope * k)
        widget.grab()
        low, high = plot.vb.viewRange()[1]
        assert low <= slope * 100 and high >= 0.0
        ranges.append((low, high))
    assert len(set(ranges)) == 1  # one range for all five: the axis kept its picture
    curve.setData(k, -0.5 * k)   # five times steeper: the range follows
    widget.grab()
    low, high = plot.vb.viewRange()[1]
    assert low <= -50 and high >= 0 and 50 / (high - low) >= KEEP_FILL
    x_low, x_high = plot.vb.viewRange()[0]
    curve.setData(k[:30], -0.5 * k[:30])  # the x range still follows the data exactly
    widget.grab()
    assert plot.vb.viewRange()[0][1] < x_high * 0.5


def test_steady_colour_levels_only_widen_while_the_data_are_partial(qapp):
    plot = pg.PlotItem()
    heatmap = Heatmap(plot, "CET-D1", None, symmetric=True, min_half_range=1.0, steady=True)
    full = np.linspace(-4.6, 0.5, 400).reshape(20, 20)
    heatmap.set_data(full)
    assert heatmap.levels == (-5.0, 5.0)
    partial = np.full_like(full, np.nan)
    partial[:, :3] = full[:, :3] / 4  # the first part of the next configuration's map: small values
    heatmap.set_data(partial, partial=True)
    assert heatmap.levels == (-5.0, 5.0)  # the colours keep their meaning
    heatmap.set_data(full * 0.9)          # complete and similar: kept
    assert heatmap.levels == (-5.0, 5.0)
    heatmap.set_data(full * 0.3)          # complete and much smaller: fitted again
    assert heatmap.levels[1] < 5.0 and heatmap.levels[0] <= full.min() * 0.3
    plain = Heatmap(pg.PlotItem(), "CET-D1", None, symmetric=True, min_half_range=1.0)
    plain.set_data(full)
    plain.set_data(partial, partial=True)
    assert plain.levels == (-1.2, 1.2)    # without steady: the levels follow each part
