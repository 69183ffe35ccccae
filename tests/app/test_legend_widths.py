"""FlowLegend measures its entries once per fitting of its columns (issue 12, the 8-layer step)."""

from __future__ import annotations

import pyqtgraph as pg
import pytest

from rnnviz.app.plots.base import FlowLegend, legend_below


def _legend(qtbot, entries: int) -> tuple[pg.GraphicsLayoutWidget, FlowLegend]:
    """A legend below a plot, with ``entries`` entries that have short forms (the widget keeps it)."""
    widget = pg.GraphicsLayoutWidget()
    qtbot.addWidget(widget)
    plot = widget.addPlot()
    legend = legend_below(plot, 9)
    with legend.batch():
        for index in range(entries):
            legend.short_names[f"layer {index} forward σ(i)"] = f"i{index}"
            legend.addItem(plot.plot([0, 1], [0, index]), f"layer {index} forward σ(i)")
    return widget, legend


def _reference_needed_width(legend: FlowLegend, columns: int, short: bool) -> float:
    """The width as measured before: every column's entries measured afresh."""
    total = 8.0
    for column in range(columns):
        entries = legend.items[column::columns]
        total += (max(sample.boundingRect().width() for sample, _label in entries)
                  + max(legend._label_width(label, short) for _sample, label in entries)
                  + legend.SAMPLE_GAP + legend.SPACING)
    return total


@pytest.mark.parametrize("short", [False, True])
def test_needed_width_is_the_same_as_measuring_each_column(qtbot, short):
    _widget, legend = _legend(qtbot, 13)
    for columns in (1, 2, 3, 5, 13):
        assert legend.needed_width(columns, short) == pytest.approx(_reference_needed_width(legend, columns, short))


@pytest.mark.parametrize("short", [False, True])
def test_fitting_the_columns_measures_each_entry_once(qtbot, monkeypatch, short):
    _widget, legend = _legend(qtbot, 32)
    width = legend.needed_width(5, short) + 1   # fits 5 columns
    measured = []
    original = FlowLegend._label_width
    monkeypatch.setattr(FlowLegend, "_label_width",
                        lambda self, label, short_: measured.append(label) or original(self, label, short_))
    columns = legend._fitting_columns(width, short)
    assert legend.needed_width(columns, short) <= width < legend.needed_width(columns + 1, short)
    measured.clear()
    legend._fitting_columns(width, short)
    assert len(measured) == len(legend.items)
    assert len(set(map(id, measured))) == len(legend.items)


def test_the_kept_answer_follows_a_new_width_and_a_new_font_size(qtbot):
    _widget, legend = _legend(qtbot, 12)
    width = legend.needed_width(4, False) + 1
    assert legend._fitting_columns(width, False) == 4
    assert legend._fitting_columns(legend.needed_width(6, False) + 1, False) == 6
    assert legend._fitting_columns(width, False) == 4
    legend.set_points(16)   # wider texts: the same width holds fewer columns
    assert legend._fitting_columns(width, False) < 4
    assert legend.needed_width(legend._fitting_columns(width, False), False) <= width


def test_a_plot_area_that_shrinks_after_the_legend_was_sized_makes_it_take_its_short_forms(qtbot):
    """A layout may size the legend before the plot area above it (going from 1280x720 back to
    1600x1000, the decay legend kept its whole texts at 68 % of the plot's height): the legend fits
    itself again when the plot area's height changes, not only when its own geometry does."""
    widget, legend = _legend(qtbot, 6)
    widget.resize(500, 700)
    widget.show()
    qtbot.waitUntil(lambda: legend.plot_area_height and legend.plot_area_height > 300)
    assert not legend.shortened   # tall plot area: the whole texts fit in their share
    short_area = legend.geometry().height()   # a plot area as high as the legend: far too tall
    legend._note_plot_area(type("ViewBox", (), {"height": lambda self: short_area})())
    assert legend.shortened
    assert not legend._too_tall(legend.columnCount)
    legend._note_plot_area(plot_area := widget.ci.getItem(0, 0).vb)
    assert plot_area.height() > 300 and not legend.shortened   # and back to the whole texts
