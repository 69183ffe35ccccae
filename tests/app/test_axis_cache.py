"""The cached axis paints what pyqtgraph's axis paints, and only redraws when something changed."""

from __future__ import annotations

from types import SimpleNamespace
from xml.etree import ElementTree

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage

from rnnviz.app.export import _render_svg
from rnnviz.app.plots.axis import CachedAxisItem, CachedColorBarItem, cached_axes


def _pixels(widget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    raw = np.frombuffer(image.constBits(), dtype=np.uint8)
    return raw.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, : image.width(), :3].astype(int)


def _layout(qtbot, cached: bool, rng_seed: int = 0):
    widget = pg.GraphicsLayoutWidget()
    qtbot.addWidget(widget)
    widget.resize(420, 300)
    plot = widget.addPlot(title="decay", axisItems=cached_axes() if cached else None)
    plot.showGrid(x=True, y=True, alpha=0.25)
    plot.setLabel("left", "log10 norm")
    plot.plot(np.linspace(0, 10, 50), np.random.default_rng(rng_seed).standard_normal(50))
    image = pg.ImageItem(np.random.default_rng(1).random((30, 40)))
    plot.addItem(image)
    bar = CachedColorBarItem if cached else pg.ColorBarItem
    colorbar = bar(values=(0, 1), colorMap=pg.colormap.get("viridis"), interactive=False, width=14)
    colorbar.setImageItem(image, insert_in=plot)
    widget.show()
    qtbot.waitExposed(widget)
    widget.colorbar = colorbar
    return widget, plot


def test_cached_axes_paint_the_same_image(qtbot):
    plain, _ = _layout(qtbot, cached=False)
    cached, plot = _layout(qtbot, cached=True)
    assert isinstance(plot.getAxis("left"), CachedAxisItem)
    assert isinstance(plot.getAxis("bottom"), CachedAxisItem)
    assert all(isinstance(cached.colorbar.getAxis(side), CachedAxisItem)
               for side in ("left", "bottom", "top", "right"))
    a, b = _pixels(plain), _pixels(cached)
    assert a.shape == b.shape
    diff = np.abs(a - b).max(axis=-1)
    # Same pixels up to blending round-off of the translucent grid lines.
    assert diff.max() <= 12 and (diff > 0).mean() < 0.002


def test_same_range_keeps_the_picture_and_a_new_range_or_layout_redraws(qtbot):
    widget, plot = _layout(qtbot, cached=True)
    axis = plot.getAxis("left")
    widget.grab()
    picture = axis.picture
    assert picture is not None
    axis.setRange(*axis.range)  # what a view reports after every data update
    assert axis.picture is picture
    plot.setYRange(-50, 50, padding=0)
    widget.grab()
    assert axis.picture is not picture and axis.range == [-50, 50]
    # The same range in a taller view: the grid lines must be drawn longer.
    picture = axis.picture
    widget.resize(420, 420)
    qtbot.wait(20)
    widget.grab()
    assert axis.picture is not picture


def test_unchanged_ticks_keep_the_picture(qtbot):
    widget, plot = _layout(qtbot, cached=True)
    axis = plot.getAxis("bottom")
    ticks = [[(0.0, "zero"), (5.0, "five")]]
    axis.setTicks(ticks)
    widget.grab()
    picture = axis.picture
    axis.setTicks([[(0.0, "zero"), (5.0, "five")]])
    assert axis.picture is picture
    axis.setTicks([[(0.0, "zero"), (5.0, "5")]])
    assert axis.picture is None
    # Automatic ticks asked for again (the itemized plot does it on every recomputation): kept.
    axis.setTicks(None)
    widget.grab()
    picture = axis.picture
    axis.setTicks(None)
    assert axis.picture is picture
    axis.setTicks(ticks)
    assert axis.picture is None


@pytest.mark.parametrize("cached", [False, True])
def test_svg_export_keeps_tick_labels_as_text(qtbot, tmp_path, cached):
    widget, plot = _layout(qtbot, cached=cached)
    plot.getAxis("bottom").setTicks([[(2.0, "two-ticks"), (8.0, "eight-ticks")]])
    widget.grab()  # the on-screen pixmap exists; the export must not use it
    path = tmp_path / "plot.svg"
    _render_svg(SimpleNamespace(export_item=lambda: plot, title="decay"), path)  # the app's SVG export
    texts = "".join(element.text or "" for element in ElementTree.parse(path).iter() if element.tag.endswith("text"))
    assert "two-ticks" in texts and "eight-ticks" in texts


def test_a_failing_cached_paint_falls_back_to_pyqtgraph(qtbot, monkeypatch):
    widget, plot = _layout(qtbot, cached=True)
    axis = plot.getAxis("left")

    def broken(self, p, widget):
        raise RuntimeError("pixmap could not be made")

    monkeypatch.setattr(CachedAxisItem, "_paint_cached", broken)
    axis.update()
    image = widget.grab()  # must not take the process down
    assert not image.isNull() and axis._uncached


def test_every_new_range_is_drawn_not_a_stale_image(qtbot):
    # A freed picture's id() can be reused by the next one: the cache must not mistake them.
    plain, plain_plot = _layout(qtbot, cached=False)
    cached, cached_plot = _layout(qtbot, cached=True)
    for top in np.linspace(1.0, 400.0, 25):
        for plot in (plain_plot, cached_plot):
            plot.setYRange(0.0, float(top), padding=0)
            plot.setXRange(0.0, float(top) / 3.0, padding=0)
        diff = np.abs(_pixels(plain) - _pixels(cached)).max(axis=-1)
        assert diff.max() <= 12 and (diff > 0).mean() < 0.02, f"range top {top}"
        for side in ("left", "bottom"):
            axis = cached_plot.getAxis(side)
            assert axis._pixmap_picture is axis.picture  # the image shown is of this picture


def test_axes_of_steps_units_and_indices_tick_only_whole_numbers(make_window, wait_results):
    """At T = 5 and H = 3 pyqtgraph ticked "1.5, 2.5" steps and "0.5" units: a step between two steps."""
    from rnnviz.core.analysis import ExperimentConfig

    window = make_window(config=ExperimentConfig(cell="lstm", hidden_size=3, input_size=3, seq_len=5, anchor=0))
    window.resize(1600, 1000)
    window.show()
    wait_results(window)
    panels = {panel.name: panel for panel in window.panels}
    whole = {(name, side): panels[name].graphics.ci.getItem(0, 0).getAxis(side).whole_numbers
             for name, side in (("decay", "bottom"), ("bptt", "bottom"), ("hidden", "bottom"), ("hidden", "left"),
                                ("map", "bottom"), ("map", "left"))}
    assert all(whole.values()), whole
    checked = 0
    for panel in window.panels:
        for item in panel.graphics.scene().items():
            if not isinstance(item, CachedAxisItem) or not item.whole_numbers or not item.isVisible():
                continue
            low, high = item.range
            length = item.size().width() if item.orientation in ("top", "bottom") else item.size().height()
            ticks = [value for _spacing, level in item.tickValues(low, high, length) for value in level]
            assert ticks, (panel.name, item.labelText)
            assert all(value == round(value) for value in ticks), (panel.name, item.labelText, ticks)
            checked += 1
    assert checked >= 10
    # a value axis keeps its fractions: the flag is not on every axis
    log_axis = panels["decay"].graphics.ci.getItem(0, 0).getAxis("left")
    low, high = log_axis.range
    assert not log_axis.whole_numbers
    assert any(value != round(value) for _s, level in log_axis.tickValues(low, high, log_axis.size().height())
               for value in level)


def test_tick_strings_print_no_signed_zero_and_every_digit_of_a_quarter_step(qapp):
    """A tick at zero reached by adding steps prints "0" (not "-0" nor "2.77556e-17"), and steps of
    2.5 × 10ᵉ keep their last digit (0.25, not "0.2")."""
    axis = CachedAxisItem("left")
    assert axis.tickStrings([-0.1, -0.0, -0.1 + 2 * 0.05, 0.1], 1.0, 0.05) == ["-0.10", "0", "0", "0.10"]
    assert axis.tickStrings([-0.15 + 3 * 0.05], 1.0, 0.05) == ["0"]
    assert axis.tickStrings([-0.25, 0.25, 0.5], 1.0, 0.25) == ["-0.25", "0.25", "0.50"]
    assert axis.tickStrings([25.0, 50.0], 1.0, 25.0) == ["25", "50"]


def test_an_end_label_moved_inside_never_lands_on_its_neighbour(qtbot):
    """labels_inside keeps an end label within the axis, but not on top of the next label: with
    ticks 20 apart in a short view the "100" moved down ran into "80" (the itemized plot's τ)."""
    from PySide6.QtGui import QPainter

    widget = pg.GraphicsLayoutWidget()
    qtbot.addWidget(widget)
    widget.resize(300, 120)
    plot = widget.addPlot(axisItems=cached_axes())
    axis = plot.getAxis("left")
    axis.labels_inside = True
    plot.setYRange(0.5, 100.5, padding=0)
    axis.setTickSpacing(20, 20)
    widget.show()
    qtbot.waitExposed(widget)
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        painter.setFont(axis.style["tickFont"] or axis.font())
        rects = [rect for rect, _flags, _text in axis.generateDrawSpecs(painter)[2]]
    finally:
        painter.end()
    assert rects and all(0.0 <= rect.top() and rect.bottom() <= axis.height() + 1e-6 for rect in rects)
    assert not any(first.intersects(second) for index, first in enumerate(rects) for second in rects[index + 1:])
