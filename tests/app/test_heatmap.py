"""Heatmaps draw 8-bit colour indices, at most a screen's worth of pixels, and keep the full data."""

from __future__ import annotations

import pytest
import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QImage

from rnnviz.app.plots.base import (COLOURS, TRANSPARENT, Heatmap, colour_indices, downsample_image,
                                   image_side)


def test_downsampling_takes_means_of_the_finite_cells():
    values = np.arange(24, dtype=float).reshape(4, 6)
    values[0, 0] = np.nan
    values[3, 4:] = np.inf  # the whole block (rows 2-3, cols 4-5) but two cells
    shown = downsample_image(values, max_side=3)
    assert shown.factors == (2, 2) and shown.image.shape == (2, 3)
    assert shown.image[0, 0] == np.mean([1.0, 6.0, 7.0])
    assert shown.image[1, 2] == np.mean([16.0, 17.0])
    assert shown.bounds == (1.0, 21.0)
    empty = downsample_image(np.full((5, 7), np.nan), max_side=2)
    assert empty.bounds is None and np.isnan(empty.image).all()
    small = downsample_image(values, max_side=10)
    assert small.factors == (1, 1) and small.image is not None and small.image.shape == (4, 6)


def test_colour_indices_map_the_levels_and_mark_missing_cells():
    image = np.array([[-1.0, 0.0, 1.0, 5.0], [np.nan, np.inf, -np.inf, 0.5]])
    indices = colour_indices(image, -1.0, 1.0)
    assert indices.dtype == np.uint8
    assert list(indices[0]) == [0, COLOURS // 2, COLOURS - 1, COLOURS - 1]
    assert list(indices[1, :3]) == [TRANSPARENT] * 3
    assert list(colour_indices(np.zeros((1, 2)), 0.0, 0.0)[0]) == [0, 0]  # an empty range


def test_a_big_heatmap_is_drawn_small_and_keeps_every_value(qapp):
    plot = pg.PlotItem()
    heatmap = Heatmap(plot, "CET-D1", "label", symmetric=True, min_half_range=1.0)
    rows, cols = 2000, 3000
    values = np.linspace(-4, 4, rows * cols).reshape(rows, cols)
    values[np.triu_indices(rows, 1, cols)] = np.nan  # like the map's empty half
    heatmap.set_data(values, x0=0.0, y0=1.0)
    side = image_side()
    drawn = heatmap.image.image
    assert drawn.dtype == np.uint8 and max(drawn.shape) <= side
    assert heatmap.levels == (-4.0, 4.0)
    # the image covers the data's cells in data coordinates, and the hover reads the full data
    rect = heatmap.image.mapRectToParent(heatmap.image.boundingRect())
    fr, fc = heatmap.shown.factors
    assert (rect.left(), rect.top()) == (-0.5, 0.5)
    assert rect.width() == drawn.shape[1] * fc >= cols and rect.height() == drawn.shape[0] * fr >= rows
    assert heatmap.value_at(1500.0, 2000.0) == values[1999, 1500]
    assert heatmap.value_at(10.0, 1000.0) == values[999, 10]
    # Qt paints it as an indexed image whose last colour is transparent
    heatmap.image.render()
    assert heatmap.image.qimage.format() == QImage.Format.Format_Indexed8
    assert heatmap.image.qimage.colorTable()[TRANSPARENT] >> 24 == 0


def test_colour_levels_cover_the_data_on_a_coarse_grid():
    from rnnviz.app.plots.base import nice_levels

    assert nice_levels(-0.93, 0.93) == (-1.0, 1.0) == nice_levels(-0.999, 0.999)
    assert nice_levels(-13.7, 13.7) == (-15.0, 15.0)
    assert nice_levels(0.02, 0.97) == (0.0, 1.0)
    low, high = nice_levels(-3.2, 1.1)
    assert low <= -3.2 and high >= 1.1 and high - low <= 1.2 * 4.3
    # nearby data give the same levels: the colour bar's axis is not laid out again
    assert nice_levels(-0.91, 0.91) == nice_levels(-0.95, 0.95)
    assert nice_levels(5.0, 5.0) == (5.0, 5.0)  # an empty range is left to the caller


@pytest.mark.parametrize("forward_first", [False, True])
def test_the_worker_prepares_every_heatmap_of_the_cheap_plots(qapp, forward_first):
    """explore() gives the FastResult its heatmaps as drawn (block means, bounds, the itemized
    log10), and the panels draw those instead of reducing the arrays on the UI thread."""
    from rnnviz.app.compute import Engine, explore
    from rnnviz.app.plots.bptt import BpttPanel
    from rnnviz.app.plots.gates import GatesPanel
    from rnnviz.app.plots.hidden import HiddenPanel
    from rnnviz.app.plots.base import safe_log10
    from rnnviz.core.analysis import ExperimentConfig

    config = ExperimentConfig(hidden_size=12, seq_len=40)
    events = explore(Engine.default(), config, lambda: False, image_side_px=16, forward_first=forward_first)
    kinds = []
    for kind, fast in events:
        kinds.append(kind)
        if kind == "fast":
            break
    events.close()
    assert kinds == (["forward", "fast"] if forward_first else ["fast"])
    images = fast.images
    assert set(images.heatmaps) == {"gate_i", "gate_f", "gate_g", "gate_o", "hidden", "cell", "itemized"}
    expected = {f"gate_{gate}": np.asarray(values).T for gate, values in fast.gates.items()}
    expected.update(hidden=fast.hidden.T, cell=fast.cell.T, itemized=safe_log10(fast.itemized))
    for name, values in expected.items():
        prepared, reference = images.heatmaps[name], downsample_image(values, 16)
        assert max(prepared.image.shape) <= 16 and prepared.factors == reference.factors
        np.testing.assert_array_equal(prepared.image, reference.image)
        assert prepared.bounds == reference.bounds
    np.testing.assert_array_equal(images.log_itemized, safe_log10(fast.itemized))
    np.testing.assert_array_equal(images.itemized_rows, np.arange(config.seq_len))  # a loss on every step

    gates, hidden, bptt = GatesPanel(), HiddenPanel(), BpttPanel()
    for panel in (gates, hidden, bptt):
        panel.show_fast(fast)
    drawn = {"gate_i": gates.heatmaps["i"], "hidden": hidden.h_map, "cell": hidden.c_map, "itemized": bptt.itemized}
    for name, heatmap in drawn.items():
        assert heatmap.shown is images.heatmaps[name]          # drawn as prepared, not reduced again
        assert heatmap.image.image.shape == images.heatmaps[name].image.shape
        assert heatmap.value_at(3.0, 2.0) is not None          # the hover still reads the full data
    assert bptt.itemized.value_at(5.0, 7.0) == images.log_itemized[6, 4]
    for panel in (gates, hidden, bptt):
        panel.deleteLater()


def test_a_new_image_uses_the_colour_table_made_once_and_draws_what_pyqtgraph_draws(qapp, monkeypatch):
    from pyqtgraph import functions_qimage

    plot = pg.PlotItem()
    heatmap = Heatmap(plot, "CET-D1", "label", symmetric=True, min_half_range=1.0)
    rng = np.random.default_rng(3)
    values = rng.normal(size=(12, 30))
    values[2, 3] = np.nan                      # a transparent cell
    conversions = []
    reference_make = functions_qimage.try_make_qimage
    monkeypatch.setattr(functions_qimage, "try_make_qimage",
                        lambda *args, **kwargs: conversions.append(1) or reference_make(*args, **kwargs))
    for _step in range(3):                     # three recomputations
        values = values * 1.01
        heatmap.set_data(values)
        heatmap.image.render()
    assert conversions == []                   # pyqtgraph's per-image conversion was never needed
    drawn = heatmap.image.qimage
    # the reference: pyqtgraph's own ImageItem with the same indices and table
    reference = pg.ImageItem(axisOrder="row-major")
    reference.setLookupTable(heatmap.image.lut)
    reference.setImage(heatmap.image.image, autoLevels=False, levels=None)
    reference.render()
    assert len(conversions) == 1
    expected = reference.qimage
    assert drawn.format() == expected.format() == QImage.Format.Format_Indexed8
    assert drawn.colorTable() == expected.colorTable()
    assert drawn.convertToFormat(QImage.Format.Format_ARGB32) == expected.convertToFormat(QImage.Format.Format_ARGB32)
    assert drawn.pixel(3, 2) >> 24 == 0       # the NaN cell is transparent


def test_a_colour_bar_of_few_ticks_labels_each_value_apart(qapp):
    """A sweep's heatmap (few ticks: low, middle, high) whose every cell is 12 labelled its colour
    bar "12", "12", "12" (levels 11.5 … 12.5 at two digits), and reaches of 120 … 124 "1.2e+02" three
    times, too wide for the bar: no number was drawn. Each label now tells its value apart, and the
    view check flags a bar whose labels repeat."""
    import pyqtgraph as pg

    from rnnviz.app.plots.invariants import colour_bar_value_problems

    widget = pg.PlotWidget()
    heatmap = Heatmap(widget.getPlotItem(), "viridis", "reach", few_ticks=True)
    widget.resize(400, 300)
    widget.show()
    for data, labels in ((np.full((3, 4), 12.0), ["11.5", "12", "12.5"]),
                         (np.linspace(120.0, 124.0, 12).reshape(3, 4), ["120", "122", "124"])):
        heatmap.set_data(data)
        qapp.processEvents()
        assert [text for _value, text in heatmap.colorbar.axis._tickLevels[0]] == labels
        assert colour_bar_value_problems(heatmap.colorbar) == []
    heatmap.set_data(np.full((3, 4), 12.0))
    heatmap.colorbar.axis.setTicks([[(11.5, "12"), (12.0, "12"), (12.5, "12")]])   # as they were
    qapp.processEvents()
    assert colour_bar_value_problems(heatmap.colorbar) == ["colour bar 'reach' labels two values alike '12'"]
    widget.close()
    from rnnviz.app.plots.base import distinct_labels

    assert distinct_labels([0.0, 0.5, 1.0]) == ["0", "0.5", "1"]   # two digits where they suffice
