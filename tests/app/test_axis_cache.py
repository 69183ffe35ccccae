"""The cached axis paints what pyqtgraph's axis paints, and only redraws when something changed."""

from __future__ import annotations

from types import SimpleNamespace
from xml.etree import ElementTree

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from rnnviz.app.export import _render_svg
from rnnviz.app.plots.axis import CachedAxisItem, CachedColorBarItem, _line_ops, cached_axes


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
    assert np.array_equal(a, b)  # the translucent grid lines too: drawn on the screen, not into a pixmap


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
        assert np.array_equal(_pixels(plain), _pixels(cached)), f"range top {top}"
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


def _image_pixels(image: QImage) -> np.ndarray:
    raw = np.frombuffer(image.constBits(), dtype=np.uint8)
    return raw.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, : image.width(), :3].astype(int)


def test_lines_drawn_as_rects_and_images_cover_the_pixels_drawline_gives(qapp):
    """The shortcut for translucent grid lines lands on exactly the pixels (and colours) of
    QPainter.drawLine, at fractional device offsets, near pixel edges, in runs and alone."""
    rng = np.random.default_rng(7)
    background = rng.integers(0, 256, (80, 90, 4), dtype=np.uint8)
    def canvas():
        return QImage(background.tobytes(), 90, 80, 90 * 4, QImage.Format.Format_RGB32).copy()
    edges = [10.0, 10.5, 10.999, 11.001, 10.992, 11.008, 10.5 - 1 / 128]
    for trial in range(300):
        offset = (float(rng.choice([0.0, 0.5, 1.0, rng.uniform(0, 3)])), float(rng.choice([0.0, 0.5, rng.uniform(0, 3)])))
        specs = []
        for _ in range(int(rng.integers(1, 8))):
            pen = QPen(QColor(*(int(v) for v in rng.integers(0, 256, 3)), int(rng.choice([14, 31, 63, 200, 255]))))
            pen.setCosmetic(True)
            at = float(rng.choice(edges)) if rng.random() < 0.5 else float(rng.uniform(3, 70))
            low, high = float(rng.uniform(1, 30)), float(rng.uniform(35, 75))
            if rng.random() < 0.5:
                low, high = high, low
            vertical = rng.random() < 0.5
            specs.append((pen, QPointF(at, low), QPointF(at, high)) if vertical else (pen, QPointF(low, at), QPointF(high, at)))
        if trial % 7 == 0:  # a slanted line and a wide pen take drawLine
            wide = QPen(QColor(255, 0, 0, 90))
            wide.setWidthF(3.0)
            specs += [(specs[0][0], QPointF(2.5, 3.5), QPointF(60.2, 70.7)), (wide, QPointF(5, 5), QPointF(5, 60))]
        reference, shortcut = canvas(), canvas()
        painter = QPainter(reference)
        painter.translate(*offset)
        for pen, p1, p2 in specs:
            painter.setPen(pen)
            painter.drawLine(p1, p2)
        painter.end()
        painter = QPainter(shortcut)
        painter.setPen(Qt.PenStyle.NoPen)
        for kind, a, b, c in _line_ops(specs, offset):
            if kind == "rects":
                painter.setBrush(a)
                painter.drawRects(b)
            elif kind == "image":
                painter.drawImage(a, b)
            else:
                painter.save()
                painter.translate(*offset)
                painter.setPen(a)
                painter.drawLine(b, c)
                painter.restore()
        painter.end()
        diff = np.abs(_image_pixels(reference) - _image_pixels(shortcut))
        # two lines of one run in the same pixel are blended as one colour first: round-off of 1
        assert diff.max() <= 1, (trial, offset)
        assert (diff > 0).mean() < 0.001, (trial, offset)


def test_a_gridded_axis_keeps_no_image_of_its_grid(qtbot):
    """The grid spans the whole view: an image of it per axis was allocated (and cleared) on every
    new size, 26 of them when the gates plot was shown alone, ~150 ms of the UI thread."""
    widget, plot = _layout(qtbot, cached=True)
    widget.resize(1400, 900)
    qtbot.wait(20)
    widget.grab()
    view = plot.getViewBox().size()
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        assert axis.grid is not False and axis._pixmap is not None
        area = axis._pixmap.width() * axis._pixmap.height()
        assert area < 0.2 * view.width() * view.height(), (side, area)


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


def test_hidden_values_keep_their_room_and_draw_no_label(qtbot):
    """An empty plot's axis hides its tick labels and keeps their room (hide_values): the plot is
    not laid out again when the labels go and come back (the Trainer's plots at each Start), and no
    label is drawn meanwhile; the lines and grid stay."""
    from rnnviz.app.plots.invariants import tick_text_rects

    widget, plot = _layout(qtbot, cached=True)
    axis = plot.getAxis("left")
    qtbot.wait(50)
    shown = _pixels(widget)
    width, area = axis.width(), plot.vb.sceneBoundingRect()
    assert tick_text_rects(axis)
    axis.hide_values(True)
    qtbot.waitUntil(lambda: axis.picture is not None, timeout=2000)
    hidden = _pixels(widget)
    assert axis.width() == width and plot.vb.sceneBoundingRect() == area
    assert tick_text_rects(axis) == [] and axis._text_rect is None
    # only the labels' pixels changed: the left axis's text strip, not the plot area
    changed = np.argwhere((shown != hidden).any(axis=2))
    left = axis.sceneBoundingRect()
    assert changed.size and (changed[:, 1] < left.right() + 1).all()
    axis.hide_values(False)
    qtbot.waitUntil(lambda: axis.picture is not None, timeout=2000)
    assert axis.width() == width and tick_text_rects(axis)
    np.testing.assert_array_equal(_pixels(widget), shown)
