"""What a view hides: checks that every visible plot shows the data it holds, readably.

A plot can hold exactly the right arrays and still show only part of them (a stale range), cover
them (a legend), or cut its own text (a title wider than the plot). :func:`view_problems` lists
such problems for the visible plots of a set of panels, as sentences; an empty list is a view that
tells the truth. The view-invariant test asserts it after every transition of a matrix of
changes, and ``rnnviz screenshot --gallery`` writes it beside each picture.

Checked for every visible PlotItem of a panel (colour bars only for their text):

* **coverage**: the view range contains the bounds of every item that takes part in the range
  (added without ``ignoreBounds``: reference lines are drawn clipped and left out by design);
  for images, the bounds of their finite cells; for bars, their rectangles. Unless the user
  zoomed the plot.
* **fill**: the data's bounds span at least :data:`MIN_FILL` of the view on each axis, so curves
  never lie flat under a range set by something else.
* **legends**: no legend's scene rectangle contains a visible curve or scatter point.
* **text over curves**: no text item in a plot area (a line's label) lies on a curve's points or
  on its line between them.
* **legend samples** of dashed or dotted curves show their dashes (not a solid line).
* **legend size**: a legend below its plot is at most :data:`MAX_LEGEND_SHARE` of the plot area's
  height (more columns or shorter entries, not a legend that eats the plot).
* **text**: no title, axis label, legend label or read-out is wider than the room it has, a title
  is never shrunk to a bare symbol (fewer than :data:`MIN_TITLE_CHARS` characters) nor to much
  less than the titles beside it (:data:`MIN_TITLE_SHARE`), the fixed
  ticks of an axis (colour bars, unit rows) do not overlap, a vertical axis label does not run into
  its tick labels, the end labels of neighbouring colour bars do not touch, and every colour bar
  shows values (at least its two ends), each label a value of its own (none repeated), and only
  beside values it colours (none: no scale).
* **tick labels** tell the scale: a value axis of data that vary shows at least two, an
  axis with fixed ticks draws every one of them inside its view, the labels an axis draws do not
  overlap, none reads "-0", and the value axis of bars labels their base (0).
* **heatmaps** are at least :data:`MIN_HEATMAP_PX` pixels high (not thin strips), and every other
  plot area at least :data:`MIN_PLOT_PX`; heatmaps stacked in one column (the gates' rows) are
  alike high, within :data:`MAX_STACKED_SPREAD`.
* **aspect**: an aspect-locked plot (the eigenvalues' round unit circle) is no wider than its
  data need: their fill of its width is at least :data:`MIN_ASPECT_FILL` of their fill of its
  height (a plot area far wider than high leaves wide empty margins beside the circle), and
  they fill at least :data:`MIN_ASPECT_TIGHT` of one of the two.
* **scatters** that hold points hold at least one finite point: a scatter of NaNs alone shows
  nothing, and pyqtgraph warns "All-NaN slice encountered" each time it takes its bounds.
* **empty plots** say why: a plot whose data items hold nothing finite (all gradients exactly 0
  on a log scale) shows a text in its plot area; so does a heatmap drawn in one colour (every
  hₜ exactly 0 with all weights zero): what value it shows.
* **read-outs** are empty (they are cleared on every change).
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QImage, QPainter

from rnnviz.app.plots.base import LABEL_INK_SHARE

MIN_FILL = 0.2          # data span / view span, each axis
MIN_ASPECT_FILL = 0.5   # an aspect-locked plot: its data's fill of its width / of its height
MIN_ASPECT_TIGHT = 0.5  # an aspect-locked plot: its data's fill of the fuller of its two sides (pyqtgraph pads a small view by up to 10 % a side, and its symbols)
MIN_HEATMAP_PX = 24     # height of a heatmap's plot area
MIN_PLOT_PX = 32        # height of any other plot area (room for two value ticks and a curve)
MAX_LEGEND_SHARE = 0.5  # a legend's height / its plot area's height
MAX_STACKED_SPREAD = 0.05  # heatmaps stacked in one column: 1 - the lowest's height / the highest's
MIN_TITLE_CHARS = 3     # a shown title shorter than this is a symbol, not a title
MIN_TITLE_SHARE = 0.75  # a title's size / the largest beside it in the same plot widget
_TEXT_GAP_PX = 1.0      # tick labels of neighbouring axes this close together touch
_TOLERANCE_PX = 1.5     # text width against its room; legend margin


def visible_plots(graphics: pg.GraphicsView, colour_bars: bool = False) -> list[pg.PlotItem]:
    """The visible PlotItems in ``graphics``' scene (colour bars only when asked for)."""
    plots = []
    for item in graphics.scene().items():
        if not isinstance(item, pg.PlotItem) or not item.isVisible():
            continue
        if isinstance(item, pg.ColorBarItem) != colour_bars:
            continue
        if item.vb.sceneBoundingRect().width() > 0:
            plots.append(item)
    return plots


def _plot_name(plot: pg.PlotItem) -> str:
    title = plot.titleLabel.text if plot.titleLabel.isVisible() and plot.titleLabel.text else ""
    if not title:
        title = plot.getAxis("left").labelText or "untitled"
    return f"plot '{title}'"


def data_rect(item) -> QRectF | None:
    """Bounds in view coordinates of the finite data ``item`` holds (None: no data, or not a data item)."""
    if isinstance(item, pg.ImageItem):
        image = item.image
        if image is None or image.size == 0:
            return None
        if image.dtype == np.uint8 and image.ndim == 2:
            # colour indices (rnnviz.app.plots.base.Heatmap): the last one is "no value"
            from rnnviz.app.plots.base import TRANSPARENT

            finite = image != TRANSPARENT
        else:
            finite = np.isfinite(np.asarray(image, dtype=np.float64))
        if finite.ndim == 3:
            finite = finite.all(axis=2)
        rows = np.flatnonzero(finite.any(axis=1))
        cols = np.flatnonzero(finite.any(axis=0))
        if rows.size == 0:
            return None
        # row-major images: x is the column, y the row
        cells = QRectF(float(cols[0]), float(rows[0]), float(cols[-1] - cols[0] + 1), float(rows[-1] - rows[0] + 1))
        return item.mapRectToView(cells)
    if isinstance(item, pg.BarGraphItem):
        if not item.isVisible() or item.opts.get("height") is None or len(item.opts["height"]) == 0:
            return None
        x0, y0, x1, y1 = (np.broadcast_to(np.asarray(edge, dtype=np.float64), np.shape(item.opts["height"]))
                          for edge in item._getNormalizedCoords())
        keep = np.isfinite(x0) & np.isfinite(x1) & np.isfinite(y0) & np.isfinite(y1)
        if not keep.any():
            return None
        left, right, low, high = x0[keep].min(), x1[keep].max(), y0[keep].min(), y1[keep].max()
        return QRectF(float(left), float(low), float(right - left), float(high - low))
    if isinstance(item, (pg.PlotDataItem, pg.PlotCurveItem, pg.ScatterPlotItem)):
        x, y = _points(item)
        if x.size == 0:
            return None
        return QRectF(float(x.min()), float(y.min()), float(x.max() - x.min()), float(y.max() - y.min()))
    return None


def _points(item) -> tuple[np.ndarray, np.ndarray]:
    """Finite (x, y) points of a curve or scatter item, in view coordinates."""
    if not item.isVisible():
        return np.zeros(0), np.zeros(0)
    x, y = item.getData()
    if x is None or y is None:
        return np.zeros(0), np.zeros(0)
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]


def _range_items(plot: pg.PlotItem) -> list:
    return [item for item in plot.vb.addedItems if item.isVisible()]


def _curve_items(plot: pg.PlotItem) -> list:
    items = list(plot.listDataItems())
    items += [item for item in plot.vb.addedItems if isinstance(item, pg.ScatterPlotItem)]
    return [item for item in dict.fromkeys(items) if isinstance(item, (pg.PlotDataItem, pg.ScatterPlotItem))]


def coverage_problems(plot: pg.PlotItem) -> list[str]:
    (x0, x1), (y0, y1) = plot.vb.viewRange()
    problems = []
    union = None
    for item in _range_items(plot):
        rect = data_rect(item)
        if rect is None:
            continue
        union = rect if union is None else union.united(rect)
        tol_x = 1e-6 * max(abs(x1 - x0), 1e-9)
        tol_y = 1e-6 * max(abs(y1 - y0), 1e-9)
        left, right, low, high = rect.left(), rect.right(), rect.top(), rect.bottom()
        if left < x0 - tol_x or right > x1 + tol_x or low < y0 - tol_y or high > y1 + tol_y:
            problems.append(f"{_plot_name(plot)}: view x {x0:.4g}…{x1:.4g}, y {y0:.4g}…{y1:.4g} hides part of "
                            f"its data (x {left:.4g}…{right:.4g}, y {low:.4g}…{high:.4g})")
    if union is not None:
        for axis, span, view_span in (("x", union.width(), x1 - x0), ("y", union.height(), y1 - y0)):
            magnitude = max(abs(union.left()), abs(union.right())) if axis == "x" else max(
                abs(union.top()), abs(union.bottom()))
            constant = span <= 1e-9 * max(magnitude, 1.0)  # e.g. all σ = 1: given a readable span
            if not constant and view_span > 0 and span / view_span < MIN_FILL:
                problems.append(f"{_plot_name(plot)}: its data fill {span / view_span:.0%} of the view's {axis} "
                                f"range (the data lie flat)")
    return problems


def aspect_problems(plot: pg.PlotItem) -> list[str]:
    """An aspect-locked plot whose data fill much less of one side than of the other: the plot
    area's shape, not the data, set its range (wide empty margins beside them, or above and below
    them in a plot area far taller than wide)."""
    if not plot.vb.state["aspectLocked"]:
        return []
    union = None
    for item in _range_items(plot):
        rect = data_rect(item)
        if rect is not None:
            union = rect if union is None else union.united(rect)
    (x0, x1), (y0, y1) = plot.vb.viewRange()
    if union is None or x1 <= x0 or y1 <= y0:
        return []
    fill_x, fill_y = union.width() / (x1 - x0), union.height() / (y1 - y0)
    if max(fill_x, fill_y) < MIN_ASPECT_TIGHT:
        return [f"{_plot_name(plot)}: its data fill {fill_x:.0%} of its width and {fill_y:.0%} of its "
                f"height (a range kept from larger data, or widened again and again to the view's shape)"]
    if fill_x < MIN_ASPECT_FILL * fill_y:
        return [f"{_plot_name(plot)}: its data fill {fill_x:.0%} of its width and {fill_y:.0%} of its "
                f"height (wide empty margins: the plot area is far wider than its locked aspect needs)"]
    if fill_y < MIN_ASPECT_FILL * fill_x:
        return [f"{_plot_name(plot)}: its data fill {fill_x:.0%} of its width and {fill_y:.0%} of its "
                f"height (empty margins above and below: the plot area is far taller than wide)"]
    return []


def nan_scatter_problems(plot: pg.PlotItem) -> list[str]:
    """Visible scatters (bare, or the markers of a curve drawn with symbols) that hold points, none
    of them finite (no point to show: they should hold no data)."""
    problems = []
    for item in dict.fromkeys(plot.vb.addedItems + list(plot.listDataItems())):
        if isinstance(item, pg.PlotDataItem):
            if item.opts.get("symbol") is None:
                continue
            item = item.scatter
        if not isinstance(item, pg.ScatterPlotItem) or not item.isVisible():
            continue
        x, y = item.getData()
        if x is not None and len(x) and _points(item)[0].size == 0:
            name = item.name() or "a scatter"
            problems.append(f"{_plot_name(plot)}: {name} holds {len(x)} points, none of them finite")
    return problems


#: Points a curve's line is sampled at between two of its points (text over a line between them).
_SEGMENT_SAMPLES = 8


def _points_under(rect: QRectF, plots: list[pg.PlotItem], lines: bool = False) -> int:
    """How many shown curve and scatter points of ``plots`` lie inside the scene rectangle ``rect``;
    ``lines``: also points sampled along each curve's line between its points."""
    covered = 0
    for plot in plots:
        area = plot.vb.sceneBoundingRect()
        transform = plot.vb.childGroup.sceneTransform()
        for item in _curve_items(plot):
            x, y = _points(item)
            if x.size == 0:
                continue
            if lines and x.size > 1 and isinstance(item, pg.PlotDataItem) and item.opts.get("pen") is not None:
                fractions = np.arange(_SEGMENT_SAMPLES) / _SEGMENT_SAMPLES
                x = np.append((x[:-1, None] + np.diff(x)[:, None] * fractions).ravel(), x[-1])
                y = np.append((y[:-1, None] + np.diff(y)[:, None] * fractions).ravel(), y[-1])
            sx = transform.m11() * x + transform.m21() * y + transform.dx()
            sy = transform.m12() * x + transform.m22() * y + transform.dy()
            shown = (sx >= area.left()) & (sx <= area.right()) & (sy >= area.top()) & (sy <= area.bottom())
            inside = shown & (sx > rect.left()) & (sx < rect.right()) & (sy > rect.top()) & (sy < rect.bottom())
            covered += int(np.count_nonzero(inside))
    return covered


def text_over_curve_problems(graphics: pg.GraphicsView, plots: list[pg.PlotItem]) -> list[str]:
    """Text inside a plot area (a line's label: the encoder–decoder boundary's, the Trainer's "ln V")
    that lies on the plot's curves or their lines: its background hides them (the boundary's label
    hid steps 2-15 of ‖∂L/∂hₜ‖ at T = 30). Text over a heatmap (its cells' values) is on purpose."""
    problems = []
    for item in graphics.scene().items():
        if not isinstance(item, pg.TextItem) or not item.isVisible() or not item.toPlainText().strip():
            continue
        text = item.textItem
        # a filled background hides what lies under its margins too
        filled = getattr(item, "fill", None) is not None and item.fill.style() != Qt.BrushStyle.NoBrush
        margin = 0.0 if filled else float(text.document().documentMargin())
        rect = text.mapRectToScene(text.boundingRect().adjusted(margin, margin, -margin, -margin))
        owners = [plot for plot in plots if plot.vb.sceneBoundingRect().intersects(rect)]
        covered = _points_under(rect, owners, lines=True)
        if covered:
            where = _plot_name(owners[0]) if owners else "a plot"
            problems.append(f"{where}: the text '{item.toPlainText()}' lies on {covered} points of its curves")
    return problems


def _painted_runs(sample) -> int:
    """How many separate runs of painted columns a legend sample draws (a solid line: one)."""
    rect = sample.boundingRect()
    image = QImage(max(1, int(rect.width())), max(1, int(rect.height())), QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    try:
        sample.paint(painter, None, None)
    finally:
        painter.end()
    alpha = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    alpha = alpha[:, 3:image.width() * 4:4]   # ARGB32 in memory: B, G, R, A
    painted = (alpha > 0).any(axis=0).astype(np.int8)
    return int(np.count_nonzero(np.diff(np.concatenate([[0], painted])) == 1))


def legend_sample_problems(legend: pg.LegendItem) -> list[str]:
    """Line samples of dashed or dotted curves drawn solid: the legend cannot tell them from the
    solid ones (at the lecture line width a 20 px sample held less than one dash)."""
    problems = []
    for sample, label in legend.items:
        item = getattr(sample, "item", None)
        if not isinstance(item, pg.PlotDataItem) or item.opts.get("pen") is None:
            continue
        if pg.mkPen(item.opts["pen"]).style() == Qt.PenStyle.SolidLine:
            continue
        if _painted_runs(sample) < 2:
            problems.append(f"legend sample of '{label.text}' (a dashed or dotted line) is drawn solid")
    return problems


def legend_problems(graphics: pg.GraphicsView, plots: list[pg.PlotItem]) -> list[str]:
    legends = [item for item in graphics.scene().items()
               if isinstance(item, pg.LegendItem) and item.isVisible() and item.items]
    problems = []
    for legend in legends:
        rect = legend.sceneBoundingRect().adjusted(_TOLERANCE_PX, _TOLERANCE_PX, -_TOLERANCE_PX, -_TOLERANCE_PX)
        covered = _points_under(rect, plots)
        if covered:
            names = ", ".join(label.text for _sample, label in legend.items[:3])
            problems.append(f"legend ({names} …) covers {covered} curve points")
    for legend in legends:
        plot = legend.parentItem()
        if isinstance(plot, pg.PlotItem) and plot.vb.height() > 0:
            share = legend.sceneBoundingRect().height() / plot.vb.height()
            if share > MAX_LEGEND_SHARE:
                names = ", ".join(label.text for _sample, label in legend.items[:3])
                problems.append(f"{_plot_name(plot)}: its legend ({names} …) is {share:.0%} as high as the plot area")
    for legend in legends:
        problems += legend_sample_problems(legend)
        for _sample, label in legend.items:
            width = _text_width(label.item)
            if width > label.geometry().width() + _TOLERANCE_PX:
                problems.append(f"legend label '{label.text}' is cut ({width:.0f} px in {label.geometry().width():.0f})")
    return problems


def _text_width(text_item) -> float:
    """Width of a QGraphicsTextItem's text, without the document margins."""
    document = text_item.document()
    return float(document.idealWidth()) - 2.0 * float(document.documentMargin())


def text_problems(plot: pg.PlotItem) -> list[str]:
    problems = []
    title = plot.titleLabel
    if title.isVisible() and title.text:
        width = _text_width(title.item)
        if width > title.geometry().width() + _TOLERANCE_PX:
            problems.append(f"{_plot_name(plot)}: title is cut ({width:.0f} px in {title.geometry().width():.0f})")
        shown = title.item.toPlainText().strip()
        if len(shown) < MIN_TITLE_CHARS:
            problems.append(f"{_plot_name(plot)}: title shrunk to the symbol '{shown}'")
    for side in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(side) if side in plot.axes else None
        if axis is None or not axis.isVisible():
            continue
        if axis.label.isVisible() and axis.labelText:
            room = axis.height() if side in ("left", "right") else axis.width()
            width = _text_width(axis.label)
            if width > room + _TOLERANCE_PX:
                problems.append(f"{_plot_name(plot)}: {side} axis label '{axis.labelText}' is cut "
                                f"({width:.0f} px in {room:.0f})")
        problems += _tick_overlaps(plot, axis, side)
        problems += _label_over_ticks(plot, axis, side)
    return problems


def shows_values(axis: pg.AxisItem) -> bool:
    """Whether ``axis`` draws tick labels (its style's ``showValues``, and not hidden in their room:
    :meth:`rnnviz.app.plots.axis.CachedAxisItem.hide_values`)."""
    return axis.style.get("showValues", True) and not getattr(axis, "values_hidden", False)


def tick_text_rects(axis: pg.AxisItem) -> list[tuple[QRectF, str]]:
    """(scene rectangle, text) of every tick label ``axis`` draws, as pyqtgraph lays them out."""
    if not axis.isVisible() or not shows_values(axis) or axis.width() <= 0 or axis.height() <= 0:
        return []
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        if axis.style.get("tickFont"):
            painter.setFont(axis.style["tickFont"])
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    if specs is None:
        return []
    return [(axis.mapRectToScene(rect), text) for rect, _flags, text in specs[2]]


def _data_span(plot: pg.PlotItem, side: str) -> float:
    """How far the data ``plot`` holds spread along the axis on ``side`` (0: constant, one row of
    cells, or none), as a share of the view's range."""
    union = None
    for item in _range_items(plot):
        rect = data_rect(item)
        if rect is not None:
            if isinstance(item, pg.ImageItem):   # one row (or column) of cells: nothing to scale
                cells = item.mapRectFromView(rect)   # in cells: x the column, y the row
                if (cells.height() if side in ("left", "right") else cells.width()) <= 1.0 + 1e-9:
                    continue
            union = rect if union is None else union.united(rect)
    if union is None:
        return 0.0
    (x0, x1), (y0, y1) = plot.vb.viewRange()
    span, view = (union.height(), y1 - y0) if side in ("left", "right") else (union.width(), x1 - x0)
    magnitude = max(abs(union.top()), abs(union.bottom())) if side in ("left", "right") else max(
        abs(union.left()), abs(union.right()))
    if view <= 0 or span <= 1e-9 * max(magnitude, 1.0):
        return 0.0
    return span / view


#: A tick label of a signed zero ("-0", "-0.00"): a value rounded to zero that kept its sign.
NEGATIVE_ZERO = re.compile(r"[-−]0(\.0*)?")


def tick_label_problems(plot: pg.PlotItem) -> list[str]:
    """Axes whose tick labels do not tell the data's scale: a value axis of data that vary with fewer
    than two labels (the gates' mean row showed only "0" under curves at 0.5 to 0.9), fixed
    ticks (``setTicks``) inside the view that the axis leaves out (pyqtgraph drops a label that
    would reach past the axis: the gate rows' first and last unit), drawn labels of one axis that
    overlap ("100" on "80" after an end label was moved inside), and a zero with a sign ("-0")."""
    problems = []
    for side in ("left", "bottom", "right"):
        axis = plot.getAxis(side) if side in plot.axes else None
        if axis is None or not axis.isVisible() or not shows_values(axis) or axis.height() <= 0:
            continue
        rects = tick_text_rects(axis)
        drawn = [text for _rect, text in rects]
        problems += [f"{_plot_name(plot)}: {side} axis labels a tick '{text}' (a zero with a sign)"
                     for text in drawn if NEGATIVE_ZERO.fullmatch(text)]
        for (first, first_text), (second, second_text) in itertools.combinations(rects, 2):
            overlap = first.intersected(second)
            # stacked labels: their lines' leading may overlap, their digits (LABEL_INK_SHARE) not
            along = overlap.height() - (1.0 - LABEL_INK_SHARE) * min(first.height(), second.height()) \
                if side in ("left", "right") else overlap.width()
            if along > _TEXT_GAP_PX and min(overlap.width(), overlap.height()) > 0:
                problems.append(f"{_plot_name(plot)}: {side} axis tick labels '{first_text}' and '{second_text}' overlap")
        if axis._tickLevels:
            low, high = sorted(axis.range)
            wanted = [str(text) for value, text in axis._tickLevels[0] if low <= value <= high and str(text)]
            missing = [text for text in wanted if text not in drawn]
            if missing:
                problems.append(f"{_plot_name(plot)}: {side} axis leaves out its labels {', '.join(missing[:3])} "
                                f"({len(drawn)} of {len(wanted)} drawn)")
        if len(drawn) < 2 and _data_span(plot, side) > 0.0:
            problems.append(f"{_plot_name(plot)}: {side} axis shows {len(drawn)} tick label(s) "
                            f"({', '.join(drawn) or 'none'}) for data that vary")
    return problems + bar_base_problems(plot)


def _tick_value(text: str) -> float | None:
    try:
        return float(text.replace("−", "-"))
    except ValueError:
        return None


def bar_base_problems(plot: pg.PlotItem) -> list[str]:
    """Bars whose base (0) the value axis does not label: what they measure from is not shown (the
    Compare tab's gate means showed 0.2…0.8 only, under a candidate gate's bars at ~0)."""
    bars = [item for item in plot.vb.addedItems if isinstance(item, pg.BarGraphItem) and data_rect(item) is not None]
    axis = plot.getAxis("left")
    if not bars or not axis.isVisible() or not shows_values(axis):
        return []
    low, high = sorted(plot.vb.viewRange()[1])
    if not low <= 0.0 <= high:
        return []
    drawn = [text for _rect, text in tick_text_rects(axis)]
    if any(_tick_value(text) == 0.0 for text in drawn):
        return []
    return [f"{_plot_name(plot)}: its bars' base (0) has no label on the value axis ({', '.join(drawn) or 'none'})"]


#: Items that show data (others in a plot area are reference lines, regions, labels).
_DATA_ITEMS = (pg.ImageItem, pg.PlotDataItem, pg.PlotCurveItem, pg.ScatterPlotItem)


def empty_plot_problems(graphics: pg.GraphicsView, plots: list[pg.PlotItem]) -> list[str]:
    """Plots whose data items hold nothing finite to show (all gradients exactly 0 on a log scale)
    with no text in their plot area that says why: an empty plot must not look like a broken one."""
    notes = [item.sceneBoundingRect() for item in graphics.scene().items()
             if isinstance(item, pg.TextItem) and item.isVisible() and item.toPlainText().strip()]
    problems = []
    for plot in plots:
        # (an image never given one, as a colour scale's stand-in, is no data item)
        items = [item for item in _range_items(plot) if isinstance(item, _DATA_ITEMS)
                 and not (isinstance(item, pg.ImageItem) and item.image is None)]
        if not items:
            # nothing drawn yet (a sweep not run): no values on its axes either
            problems += invented_value_problems(plot, items)
            continue
        if any(data_rect(item) is not None for item in items):
            continue
        area = plot.vb.sceneBoundingRect()
        if not any(area.intersects(note) for note in notes):
            problems.append(f"{_plot_name(plot)}: shows no data and does not say why")
        problems += invented_value_problems(plot, items)
    for plot in plots:
        if any(_one_colour(item) for item in _range_items(plot)) and not any(
                plot.vb.sceneBoundingRect().intersects(note) for note in notes):
            problems.append(f"{_plot_name(plot)}: a heatmap of one colour that does not say what value it shows")
    return problems


def invented_value_problems(plot: pg.PlotItem, items: list) -> list[str]:
    """An empty plot's value axis (its y axis) that labels values no curve holds: all gradients
    exactly 0, the per-step log-norm axis read 0.25 … 0.75 (pyqtgraph's range of no data) under the
    note that says there is nothing to show. The x axes are the steps, distances and names the
    plot is laid out along, which hold with or without values (an image's rows are its coordinates)."""
    curves = [item for item in items if isinstance(item, (pg.PlotDataItem, pg.PlotCurveItem, pg.ScatterPlotItem))]
    if len(curves) < len(items) or (not curves and any(_range_items(plot))):
        return []   # (an image, or items that are no data: a colour scale's stand-in)
    texts = [text for _rect, text in tick_text_rects(plot.getAxis("left")) if text]
    if not texts:
        return []
    return [f"{_plot_name(plot)}: its y axis labels values ({texts[0]} … {texts[-1]}) and no curve holds one"]


def _one_colour(item) -> bool:
    """Whether ``item`` is an image whose every finite cell has one colour (one colour index, or
    one value)."""
    if not isinstance(item, pg.ImageItem) or item.image is None or item.image.size == 0 or item.image.ndim != 2:
        return False
    image = item.image
    if image.dtype == np.uint8:   # colour indices (rnnviz.app.plots.base.Heatmap): the last is "no value"
        from rnnviz.app.plots.base import TRANSPARENT

        shown = image[image != TRANSPARENT]
    else:
        values = np.asarray(image, dtype=np.float64)
        shown = values[np.isfinite(values)]
    return shown.size > 0 and bool(shown.min() == shown.max())


def _label_over_ticks(plot: pg.PlotItem, axis: pg.AxisItem, side: str) -> list[str]:
    """A vertical axis label that runs into the axis's tick labels."""
    if side not in ("left", "right") or not axis.label.isVisible() or not axis.labelText:
        return []
    margin = float(axis.label.document().documentMargin())
    label = axis.label.sceneBoundingRect().adjusted(margin, margin, -margin, -margin)
    for rect, text in tick_text_rects(axis):
        if rect.intersects(label):
            return [f"{_plot_name(plot)}: {side} axis label '{axis.labelText}' runs into the tick label '{text}'"]
    return []


def colour_bar_problems(colour_bars: list[pg.PlotItem]) -> list[str]:
    """Tick labels of neighbouring colour bars (the gates' stacked rows) that touch or overlap."""
    labels = []
    for index, bar in enumerate(colour_bars):
        for side in ("left", "right"):
            axis = bar.getAxis(side) if side in bar.axes else None
            if axis is not None:
                labels += [(index, rect, text) for rect, text in tick_text_rects(axis)]
    for position, (first_bar, first, first_text) in enumerate(labels):
        for second_bar, second, second_text in labels[position + 1:]:
            grown = first.adjusted(-_TEXT_GAP_PX, -_TEXT_GAP_PX, _TEXT_GAP_PX, _TEXT_GAP_PX)
            if first_bar != second_bar and grown.intersects(second):
                return [f"colour bar labels '{first_text}' and '{second_text}' of neighbouring bars touch"]
    return []


def colour_bar_value_problems(colour_bar: pg.PlotItem) -> list[str]:
    """A colour bar that shows no values at all: a scale without numbers (a row too short for two
    labels at the bar's font still has room for its end values at a smaller one)."""
    axis = getattr(colour_bar, "axis", None)
    if axis is None or not axis.isVisible() or not shows_values(axis):
        return []
    texts = [text for _rect, text in tick_text_rects(axis)]
    label = colour_bar.getAxis("left").labelText or "unlabelled"
    if not texts:
        return [f"colour bar '{label}' ({axis.height():.0f} px high) shows no values"]
    repeated = sorted({text for text in texts if texts.count(text) > 1})
    # (a scale whose labels repeat reads as one value: "12", "12", "12" for 11.5 … 12.5)
    return [f"colour bar '{label}' labels two values alike '{text}'" for text in repeated]


def _colours_values(item) -> bool | None:
    """Whether ``item`` draws a value in a colour of a colour bar's scale (None: it draws none by
    its nature: not an image, nor an item that colours itself, such as the unrolled diagram)."""
    if isinstance(item, pg.ImageItem):
        if item.image is None:   # a heatmap's image cleared (no data, none on its way) colours nothing
            return None if getattr(item, "awaiting", True) else False
        return data_rect(item) is not None
    coloured = getattr(item, "coloured", None)
    return coloured() if callable(coloured) else None


def empty_scale_problems(colour_bars: list[pg.PlotItem]) -> list[str]:
    """A colour bar beside a plot whose coloured items hold no value (all weights zero: every
    gradient exactly 0, no place on a log scale): the scale it shows (0 … 1) colours nothing."""
    problems = []
    for bar in colour_bars:
        plot = bar.parentItem()
        if not isinstance(plot, pg.PlotItem) or isinstance(plot, pg.ColorBarItem):
            continue
        drawn = [coloured for item in _range_items(plot) if (coloured := _colours_values(item)) is not None]
        if drawn and not any(drawn):
            label = bar.getAxis("left").labelText or "unlabelled"
            low, high = bar.levels()
            problems.append(f"{_plot_name(plot)}: colour bar '{label}' shows {low:g} … {high:g}, "
                            f"and nothing is coloured")
    return problems


def _tick_overlaps(plot: pg.PlotItem, axis: pg.AxisItem, side: str) -> list[str]:
    """Fixed tick labels (``setTicks``) closer together than their text."""
    levels = axis._tickLevels
    if not levels or not shows_values(axis):
        return []
    low, high = axis.range
    length = axis.height() if side in ("left", "right") else axis.width()
    if high == low or length <= 0:
        return []
    font = axis.style.get("tickFont")
    metrics = QFontMetricsF(font) if font is not None else QFontMetricsF(axis.font())
    ticks = sorted((float(value), str(text)) for value, text in levels[0] if low <= value <= high)
    for (first, first_text), (second, second_text) in zip(ticks, ticks[1:]):
        gap = abs(second - first) / abs(high - low) * length
        if side in ("left", "right"):
            need = metrics.height()
        else:
            need = (metrics.horizontalAdvance(first_text) + metrics.horizontalAdvance(second_text)) / 2
        if gap < need:
            return [f"{_plot_name(plot)}: {side} tick labels '{first_text}' and '{second_text}' overlap "
                    f"({gap:.0f} px apart, {need:.0f} px needed)"]
    return []


def heatmap_problems(plot: pg.PlotItem) -> list[str]:
    holds_image = any(isinstance(item, pg.ImageItem) and data_rect(item) is not None for item in plot.vb.addedItems)
    height = plot.vb.sceneBoundingRect().height()
    if holds_image and height < MIN_HEATMAP_PX:
        return [f"{_plot_name(plot)}: heatmap is a strip {height:.0f} px high"]
    if not holds_image and plot.listDataItems() and height < MIN_PLOT_PX:
        return [f"{_plot_name(plot)}: plot area is a strip {height:.0f} px high"]
    return []


def stacked_heatmap_problems(plots: list[pg.PlotItem]) -> list[str]:
    """Heatmaps stacked in one column of a plot widget (plot areas with the same left edge and width:
    the gates' rows) that are not alike high: the rows of one panel read as equals, and a lower one
    looks squashed (the first gate row shared its row's height with the panel's title: 134 px
    beside 161 px with the gates shown alone at 1600×1000)."""
    columns: dict[tuple[int, int], list[tuple[pg.PlotItem, float]]] = {}
    for plot in plots:
        if not any(isinstance(item, pg.ImageItem) and data_rect(item) is not None for item in plot.vb.addedItems):
            continue
        area = plot.vb.sceneBoundingRect()
        columns.setdefault((round(area.left()), round(area.width())), []).append((plot, area.height()))
    problems = []
    for column in columns.values():
        highest = max(height for _plot, height in column)
        for plot, height in column:
            if height < (1.0 - MAX_STACKED_SPREAD) * highest and highest - height > _TOLERANCE_PX:
                problems.append(f"{_plot_name(plot)}: heatmap {height:.0f} px high beside a {highest:.0f} px "
                                f"one stacked with it")
    return problems


def outside_problems(graphics: pg.GraphicsView, plots: list[pg.PlotItem]) -> list[str]:
    """Plots and legends laid out beyond the widget's edges (a layout taller than its panel)."""
    shown = graphics.mapToScene(graphics.viewport().rect()).boundingRect().adjusted(-1, -1, 1, 1)
    items = plots + [item for item in graphics.scene().items()
                     if isinstance(item, pg.LegendItem) and item.isVisible() and item.items]
    problems = []
    for item in items:
        rect = item.sceneBoundingRect()
        if not shown.contains(rect):
            name = _plot_name(item) if isinstance(item, pg.PlotItem) else "legend"
            problems.append(f"{name} lies partly outside the panel ({rect.bottom():.0f} px, panel "
                            f"{shown.bottom():.0f} px)")
    return problems


def layout_size_problems(graphics: pg.GraphicsView) -> list[str]:
    """A plot widget whose layout reaches past its edges, made for a larger size than the one it
    has (a resize held and never laid out: the plots cut at the widget's edge). A layout short of
    an edge is not flagged: the gates plot stacks rows of a fixed height."""
    central = getattr(graphics, "ci", None)
    if central is None:
        return []
    laid_out = central.geometry().size()
    shown = graphics.viewport().size()
    if laid_out.width() > shown.width() + 1 or laid_out.height() > shown.height() + 1:
        return [f"laid out at {laid_out.width():.0f}×{laid_out.height():.0f} in a widget of "
                f"{shown.width()}×{shown.height()}"]
    return []


def title_size_problems(plots: list[pg.PlotItem]) -> list[str]:
    """Titles of plots side by side shrunk to much less than their neighbours' (under
    :data:`MIN_TITLE_SHARE` of the largest title's size: "Eigenvalues" at 7 pt beside an 11 pt
    "Singular values" at 1280×720)."""
    sizes = {}
    for plot in plots:
        shown = getattr(plot, "shown_text", None) or {}
        text, points = shown.get("title", ("", 0))
        if text and points and plot.titleLabel.isVisible():
            sizes[plot] = (text, points)
    if len(sizes) < 2:
        return []
    largest = max(points for _text, points in sizes.values())
    return [f"{_plot_name(plot)}: title at {points} pt beside a {largest} pt one"
            for plot, (_text, points) in sizes.items() if points < MIN_TITLE_SHARE * largest]


def graphics_problems(graphics: pg.GraphicsView, zoomed=lambda plot: False) -> list[str]:
    """Problems of the visible plots in one plot widget (``zoomed(plot)``: the user zoomed it, so its
    range is theirs): coverage, text, heatmaps, legends, plots outside the widget."""
    if not graphics.isVisible():
        return []
    plots = visible_plots(graphics)
    problems = layout_size_problems(graphics)
    for plot in plots:
        if not zoomed(plot):
            problems += coverage_problems(plot) + aspect_problems(plot)
        problems += text_problems(plot) + heatmap_problems(plot) + nan_scatter_problems(plot) + tick_label_problems(plot)
    colour_bars = visible_plots(graphics, colour_bars=True)
    for colour_bar in colour_bars:
        problems += text_problems(colour_bar) + colour_bar_value_problems(colour_bar)
    problems += colour_bar_problems(colour_bars) + empty_scale_problems(colour_bars)
    problems += title_size_problems(plots) + stacked_heatmap_problems(plots)
    return (problems + legend_problems(graphics, plots) + text_over_curve_problems(graphics, plots)
            + outside_problems(graphics, plots) + empty_plot_problems(graphics, plots))


def panel_problems(panel, readouts: bool = True) -> list[str]:
    """Problems of one visible plot panel (a :class:`~rnnviz.app.plots.base.PlotPanel`);
    ``readouts``: whether its read-out must be empty (after a change of configuration)."""
    if not panel.isVisible():
        return []
    problems = graphics_problems(panel.graphics, getattr(panel, "user_zoomed", lambda plot: False))
    problems += getattr(panel, "own_view_problems", list)()   # a panel's own (the unrolled boxes)
    readout = panel.readout
    if readouts and readout.text().strip():
        problems.append(f"read-out not cleared: '{readout.text().strip()}'")
    return [f"{panel.name}: {problem}" for problem in problems]


def clipped_widget_problems(root) -> list[str]:
    """One-line labels and push buttons under ``root`` whose text is wider than the widget shows
    (labels that elide on purpose, with the whole text in their tooltip, and labels that wrap are
    left out; so are widgets scrolled out of view, which a scroll bar reaches)."""
    from PySide6.QtGui import Qt as TextQt  # Qt.mightBeRichText lives in QtGui
    from PySide6.QtWidgets import QLabel, QPushButton

    problems = []
    for widget in root.findChildren(QLabel) + root.findChildren(QPushButton):
        if not widget.isVisible() or widget.visibleRegion().isEmpty():
            continue
        text = re.sub(r"&(.)", r"\1", widget.text()) if isinstance(widget, QPushButton) else widget.text()
        if not text or "\n" in text:
            continue
        if isinstance(widget, QLabel) and widget.wordWrap():
            # a wrapping label: as high as its lines at its width (else its first or last is cut)
            from rnnviz.app.plots.base import wrapped_height

            need = wrapped_height(widget)
            if need > widget.height() + _TOLERANCE_PX:
                problems.append(f"'{text[:40]}…' wraps to {need} px in a {widget.height()} px label (lines cut)")
            continue
        if isinstance(widget, QLabel):
            if widget.toolTip() == widget.text() or TextQt.mightBeRichText(text) \
                    or hasattr(widget, "shown_text") or hasattr(widget, "full_text"):
                continue
            room, need = widget.contentsRect().width(), widget.fontMetrics().horizontalAdvance(text)
        else:
            room, need = widget.width(), widget.fontMetrics().horizontalAdvance(text) + 8
        if need > room + _TOLERANCE_PX:
            problems.append(f"'{text}' is cut ({need} px in {room})")
    return problems


def clipped_combo_problems(root) -> list[str]:
    """Combo boxes under ``root`` whose chosen text is wider than their field shows, unless the
    combo names a visible label that shows that text whole (``whole_text_label``, checked by
    :func:`clipped_widget_problems` like any label)."""
    from PySide6.QtWidgets import QComboBox

    from rnnviz.app.plots.base import combo_text_room

    problems = []
    for combo in root.findChildren(QComboBox):
        if not combo.isVisible() or combo.visibleRegion().isEmpty() or combo.isEditable():
            continue
        text = combo.currentText()
        room, need = combo_text_room(combo), combo.fontMetrics().horizontalAdvance(text)
        if not text or need <= room + _TOLERANCE_PX:
            continue
        label = getattr(combo, "whole_text_label", None)
        if label is not None and label.isVisible() and label.text() == text:
            continue
        problems.append(f"{combo.objectName() or 'combo box'}: '{text}' is cut ({need} px in {room})")
    return problems


def tab_problems(window) -> list[str]:
    """Problems of the window's current tab other than the Explorer: the plots (the Experiments
    tab's sweep plot, the Compare tab's plots, the Trainer's four plots; read-outs are not checked:
    no configuration changed under them) and the texts of its labels and buttons."""
    current = window.tabs.currentWidget()
    tab = window.tabs.tabText(window.tabs.currentIndex()).lower()
    if current is window.trainer:
        problems = graphics_problems(window.trainer.plots)
    else:
        panel = {window.experiments: window.experiments.plot, window.compare: window.compare.plots}.get(current)
        problems = panel_problems(panel, readouts=False) if panel is not None else []
    if current is not window.explorer:
        problems += clipped_widget_problems(current) + sideways_problems(current)
    return [f"{tab}: {problem}" for problem in problems]


def plot_styles(root) -> dict:
    """The style every visible plot under ``root`` is drawn in: per PlotItem (keyed by the item),
    the point sizes of its axes' tick labels and of its legend's entries, and the widths of its
    curves' pens. What a presentation-mode style sets, whatever the texts (titles and legend entries
    take shorter forms by their room, and are checked by :func:`view_problems`)."""
    styles = {}
    for graphics in root.findChildren(pg.GraphicsView):
        if not graphics.isVisible():
            continue
        for plot in visible_plots(graphics):
            ticks = tuple(None if plot.getAxis(side).style["tickFont"] is None
                          else plot.getAxis(side).style["tickFont"].pointSizeF()
                          for side in ("left", "bottom") if plot.getAxis(side).isVisible())
            legend = plot.legend.opts.get("labelTextSize") if plot.legend is not None else None
            pens = tuple(sorted(round(pg.mkPen(item.opts["pen"]).widthF(), 2) for item in plot.listDataItems()
                                if isinstance(item, pg.PlotDataItem) and item.opts.get("pen") is not None))
            styles[plot] = {"tick pt": ticks, "legend": legend, "pens": pens}
    return styles


def style_differences(expected: dict, found: dict) -> list[str]:
    """Where two :func:`plot_styles` of the same plots differ (a plot shown in one and not the
    other, or drawn in another style), one sentence each."""
    problems = [f"{_plot_name(plot)} is shown in one and not the other" for plot in set(expected) ^ set(found)]
    for plot in expected.keys() & found.keys():
        for key, value in expected[plot].items():
            if found[plot][key] != value:
                problems.append(f"{_plot_name(plot)}: {key} {found[plot][key]}, not {value}")
    return sorted(problems)


def explorer_scroll_problems(window) -> list[str]:
    """The explorer's plots taller than its tab, where they should fit it: only "All plots" in
    presentation mode is a grid that scrolls (its rows tall enough to read); otherwise a scroll bar
    leaves the last row's axes below the window's edge."""
    scroll = window.plot_scroll
    if not scroll.isVisible() or (window.presentation_mode and window.focused_plot is None):
        return []
    hidden = scroll.verticalScrollBar().maximum()
    if hidden > 0:
        return [f"explorer: the plots are {hidden} px taller than the tab (they scroll)"]
    return []


def small_text_problems(root, points: int) -> list[str]:
    """Visible labels and buttons under ``root`` whose text is smaller than ``points`` (in
    presentation mode every text of a window or dialog takes the lecture size)."""
    from PySide6.QtWidgets import QAbstractButton, QLabel

    problems = []
    for widget in root.findChildren(QAbstractButton) + root.findChildren(QLabel):
        if widget.isVisible() and widget.text() and widget.font().pointSize() < points:
            problems.append(f"'{widget.text().replace('&', '')}' is at {widget.font().pointSize()} pt, not {points} pt")
    return problems


def sideways_problems(root) -> list[str]:
    """Scroll areas under ``root`` that scroll sideways: what lies right of their view is cut."""
    from PySide6.QtWidgets import QAbstractScrollArea

    return [f"{type(area).__name__} {area.objectName()} scrolls sideways".replace("  ", " ")
            for area in root.findChildren(QAbstractScrollArea)
            if area.isVisible() and area.horizontalScrollBar().isVisible()]


def view_problems(panels, readouts: bool = True) -> list[str]:
    """Problems of every visible panel in ``panels``, one sentence each (empty: the views are true).

    ``readouts``: also require empty read-outs (right after a change of configuration)."""
    problems = []
    for panel in panels:
        problems += panel_problems(panel, readouts)
        if panel.isVisible():
            problems += [f"{panel.name}: {problem}" for problem in hidden_rows_problems(panel) + sideways_problems(panel)]
    return problems


def hidden_rows_problems(root) -> list[str]:
    """Scroll areas under ``root`` that hide rows of what they hold behind a scroll bar (the
    spectrum's numbers in presentation mode showed one row of four)."""
    from PySide6.QtWidgets import QScrollArea

    return [f"{area.objectName() or 'a table'} hides {area.verticalScrollBar().maximum()} px of its rows"
            for area in root.findChildren(QScrollArea)
            if area.isVisible() and area.verticalScrollBar().maximum() > 0]


# -- raw markup in the window's text ---------------------------------------------------------------
#: TeX-like markup a reader should never see: ``_{…}``, ``^{…}``, ``^k``, and a one-letter subscript
#: written with an underscore (``b_f``, ``‖·‖_F``). PyTorch names (``weight_hh_l0``) and CSV column
#: names (``log10_spectral``) have longer parts after each underscore and are left alone.
RAW_MARKUP = re.compile(r"_\{|\^\{|\^\w|(?<=[\w‖)])_[A-Za-z](?![\w])")
#: Rich-text tags shown as text where Qt draws plain text (combo items, line edits, window titles).
RAW_TAGS = re.compile(r"</?(sub|sup|b|i)>|&nbsp;|&lt;|&gt;")


def _plain_markup(where: str, text: str, rich: bool) -> list[str]:
    if not text:
        return []
    found = RAW_MARKUP.findall(text) or ([] if rich else RAW_TAGS.findall(text))
    if not found:
        return []
    return [f"{where}: raw markup in {text!r}"]


def _graphics_texts(graphics: pg.GraphicsView) -> list[tuple[str, str]]:
    """(where, text) of every title, axis label, legend entry and text item in a plot widget's scene."""
    texts = []
    for item in graphics.scene().items():
        if isinstance(item, pg.LabelItem):
            texts.append(("plot label", item.text))
        elif isinstance(item, pg.AxisItem):
            texts.append(("axis label", item.labelText or ""))
            for level in item._tickLevels or ():
                texts += [("tick", str(text)) for _value, text in level]
        elif isinstance(item, pg.TextItem):
            texts.append(("plot text", item.toPlainText()))
    return texts


def _widget_texts(widget) -> list[tuple[str, str, bool]]:
    """(what, text, drawn as rich text) of the texts one widget shows or holds ready to show."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import (QAbstractButton, QComboBox, QDockWidget, QGroupBox, QLabel, QLineEdit,
                                   QPlainTextEdit, QProgressBar, QTabBar, QTextEdit)

    texts = [("tooltip", widget.toolTip(), True), ("status tip", widget.statusTip(), False)]
    if widget.isWindow() or isinstance(widget, QDockWidget):
        texts.append(("title", widget.windowTitle(), False))
    if isinstance(widget, QLabel):
        texts.append(("label", widget.text(), widget.textFormat() != Qt.TextFormat.PlainText))
    elif isinstance(widget, (QAbstractButton, QProgressBar)):
        texts.append(("text", widget.text(), False))
    elif isinstance(widget, QComboBox):
        texts += [("item", widget.itemText(index), False) for index in range(widget.count())]
    elif isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
        texts.append(("placeholder", widget.placeholderText(), False))
    elif isinstance(widget, QGroupBox):
        texts.append(("title", widget.title(), False))
    elif isinstance(widget, QTabBar):
        texts += [("tab", widget.tabText(index), False) for index in range(widget.count())]
        texts += [("tab tooltip", widget.tabToolTip(index), True) for index in range(widget.count())]
    elif isinstance(widget, pg.GraphicsView):
        texts += [(where, text, True) for where, text in _graphics_texts(widget)]
    return texts


def raw_markup_problems(root) -> list[str]:
    """Raw markup (see :data:`RAW_MARKUP`) in any text ``root`` (a window) shows or holds ready to show:
    labels, buttons, combo items, fields and their placeholders, group titles, tab and dock titles,
    progress texts, actions and menus, every tooltip and status tip, and the plots' titles, axis
    labels, ticks and legends. Rich text may use tags; plain text may not."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QWidget

    problems: list[str] = []
    for widget in [root] + root.findChildren(QWidget):
        name = f"{type(widget).__name__} {widget.objectName()}".strip()
        for what, text, rich in _widget_texts(widget):
            problems += _plain_markup(f"{name} {what}", text, rich)
    for action in root.findChildren(QAction):
        where = f"action {action.objectName() or action.text()!r}"
        for what, text in (("text", action.text()), ("tooltip", action.toolTip()),
                           ("status tip", action.statusTip())):
            problems += _plain_markup(f"{where} {what}", text, rich=False)
    return list(dict.fromkeys(problems))


def status_bar_problems(bar) -> list[str]:
    """A status bar's message that runs into the widgets beside it (a message Qt paints itself is cut
    at the first permanent widget without a mark, and widgets shown with it lie on it), an elided
    message without its whole text in the tooltip, and widgets of the bar that overlap one another."""
    from PySide6.QtCore import QObject, QRect
    from PySide6.QtWidgets import QLabel, QSizeGrip, QWidget

    if not bar.isVisible():
        return []
    widgets = [child for child in bar.children()
               if isinstance(child, QWidget) and not isinstance(child, QSizeGrip) and child.isVisible()]
    problems = []
    message = bar.currentMessage()
    label = bar.findChild(QLabel, "status_message")  # rnnviz.app.status_bar's line, if the bar has one
    if label is not None and not label.isVisible():
        label = None
    if message and label is None:
        permanent = [widget.x() for widget in widgets if widget.x() > bar.width() // 3]
        room = min(permanent, default=bar.width() - 12) - 2 - 6
        need = bar.fontMetrics().horizontalAdvance(message)
        if need > room:
            problems.append(f"status message '{message[:40]}…' runs into the widgets beside it ({need} px in {room})")
        painted = QRect(6, 0, max(0, min(need, room)), bar.height())
        covering = [widget for widget in widgets if widget.geometry().intersects(painted)]
        if covering:
            problems.append(f"status message '{message[:40]}…' lies under {covering[0].objectName()}")
    elif message and (label.text() != message or label.is_elided() and label.toolTip() != message):
        problems.append(f"status message '{message[:40]}…' is cut and its tooltip does not hold it")
    elif message and bar.findChild(QObject, "no_message_painting") is None:
        # QStatusBar still paints the message itself, from its left edge to the first permanent
        # widget (the message line): under any widget shown left of it
        covering = [widget for widget in widgets if widget.x() + widget.width() <= label.x() + 1
                    and widget is not label]
        if covering:
            problems.append(f"status message '{message[:40]}…' is painted under {covering[0].objectName()}")
    for index, first in enumerate(widgets):
        for second in widgets[index + 1:]:
            if first.geometry().intersects(second.geometry()):
                problems.append(f"status bar widgets {first.objectName() or type(first).__name__} and "
                                f"{second.objectName() or type(second).__name__} overlap")
    return problems
