"""An axis that is drawn from a cached image when nothing about it changed.

pyqtgraph records an axis (ticks and tick labels) as a QPicture and replays it on every paint.
Replaying lays the label text out again, about 1 ms per axis here; the explorer's window has ~56
axes and repaints every plot after each control change, so axes alone took ~55 ms of the UI
thread per change (measured offscreen, default configuration). This axis keeps the replayed
picture as a pixmap for on-screen painting and only re-renders it when pyqtgraph makes a new
picture; it also keeps the picture when a view reports the range the axis already shows (pyqtgraph
throws it away on every report, and about half of them repeat the range). Measured: the window's
repaint after a change 100 -> 55-60 ms.

Painting for export (``widget`` is None: the PNG/SVG exporters, ``QGraphicsScene.render``) and
painting under a scaling transform replay the picture as pyqtgraph does, so exports stay vector
and sharp.
"""

from __future__ import annotations

import logging
import math

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainter, QPicture, QPixmap, QTransform

log = logging.getLogger(__name__)
_TRANSLATE_ONLY = QTransform.TransformationType.TxTranslate.value
_PAD = 2  # pixels around the bounding rect kept in the pixmap


class CachedAxisItem(pg.AxisItem):
    """``pg.AxisItem`` painted from a pixmap of its picture on screen (see the module docstring)."""

    _pixmap: QPixmap | None = None
    _pixmap_key: tuple | None = None
    _pixmap_picture: QPicture | None = None
    _pixmap_origin: QPointF | None = None
    _range_key: tuple | None = None
    _uncached = False
    #: Keep the tick labels of a vertical axis within its own height: the end labels of a colour
    #: bar (its lowest and highest level) then never reach the bar above or below it, and a heatmap
    #: row's first and last unit are labelled however close to its edges they lie.
    labels_inside = False
    #: An axis of whole quantities (time steps, distances, unit and singular-value indices): no
    #: tick falls between two of them, however short the range (T = 3 ticked 0.5, 1.5, 2.5).
    whole_numbers = False

    _text_margin = 0.0   # while the specs are generated: room past the ends for labels moved inside

    def boundingRect(self):  # noqa: N802 (Qt naming)
        rect = super().boundingRect()
        if self._text_margin:
            rect = rect.adjusted(0.0, -self._text_margin, 0.0, self._text_margin)
        return rect

    def generateDrawSpecs(self, p):  # noqa: N802 (pyqtgraph naming)
        if not self.labels_inside or self.orientation not in ("left", "right"):
            return super().generateDrawSpecs(p)
        # pyqtgraph leaves out a label that reaches past the axis's ends (with grid lines it gives
        # them no margin at all: a heatmap row's first and last unit went unlabelled); those labels
        # are moved inside below, so they are kept here
        self._text_margin = float(p.fontMetrics().height())
        try:
            specs = super().generateDrawSpecs(p)
        finally:
            self._text_margin = 0.0
        if specs is None:
            return specs
        axis_spec, tick_specs, text_specs = specs
        top, bottom = 0.0, float(self.size().height())
        kept, moved = [], []
        for rect, flags, text in text_specs:
            shift = max(0.0, top - rect.top()) - max(0.0, rect.bottom() - bottom)
            if shift and rect.height() <= bottom - top:
                moved.append((rect.translated(0.0, shift), flags, text))
            else:
                kept.append((rect, flags, text))
        # a label moved inside that lands on a neighbour's is left out ("100" on "80")
        for spec in moved:
            if not any(spec[0].intersects(other[0]) for other in kept):
                kept.append(spec)
        return axis_spec, tick_specs, kept

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph naming)
        # A tick at zero reached by adding steps (-0.1 + 2 × 0.05) can be -0.0 or ±3e-17: pyqtgraph
        # printed "-0" or "2.77556e-17"; and a step of 2.5 × 10ᵉ needs one more decimal than 10ᵉ
        # (0.25 was printed "0.2")
        if not self.logMode and spacing > 0:
            values = [0.0 if abs(value) < 1e-9 * spacing else value for value in values]
            if round(spacing * scale / 10.0 ** math.floor(math.log10(spacing * scale)), 6) == 2.5:
                spacing = spacing / 10.0
        return super().tickStrings(values, scale, spacing)

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802 (pyqtgraph naming)
        levels = super().tickSpacing(minVal, maxVal, size)
        if not self.whole_numbers or self._tickSpacing is not None:
            return levels
        # pyqtgraph's spacings are 1, 2 or 5 times a power of ten: those of at least 1 are whole
        whole = [(spacing, offset) for spacing, offset in levels if spacing >= 1.0 - 1e-9]
        return whole or [(1.0, 0.0)]

    def setRange(self, mn: float, mx: float) -> None:  # noqa: N802 (Qt naming)
        # The picture depends on the range and, through the grid lines, on where the linked view
        # lies; when neither changed there is nothing to redraw.
        key = (mn, mx, self._view_geometry())
        if self.picture is not None and key == self._range_key:
            return
        super().setRange(mn, mx)
        self._range_key = key

    def _view_geometry(self) -> tuple | None:
        if getattr(self, "_linkedView", None) is None:  # also while pyqtgraph's __init__ runs
            return None
        view = self.linkedView()
        if view is None:
            return None
        rect = view.mapRectToItem(self, view.boundingRect())
        return (rect.x(), rect.y(), rect.width(), rect.height())

    def setTicks(self, ticks) -> None:  # noqa: N802 (Qt naming)
        # (None: pyqtgraph's own ticks again; asked for on every recomputation by plots that
        # choose between fixed and automatic ticks)
        if self.picture is not None and ticks == self._tickLevels:
            return
        super().setTicks(ticks)

    def paint(self, p: QPainter, opt, widget) -> None:
        if widget is None or p.transform().type().value > _TRANSLATE_ONLY or self._uncached:
            super().paint(p, opt, widget)  # export or zoomed: vector replay
            return
        try:
            self._paint_cached(p, widget)
        except Exception:  # noqa: BLE001 - an exception escaping paint() takes the process down
            log.exception("cached axis painting failed; this axis is replayed from now on")
            self._uncached = True
            super().paint(p, opt, widget)

    def _paint_cached(self, p: QPainter, widget) -> None:
        if self.picture is None:
            self.picture = self._record()
        rect = self.boundingRect().toAlignedRect()
        ratio = widget.devicePixelRatioF()
        # The item may sit at a fractional device position: the picture is drawn into the pixmap
        # with that fraction, and the pixmap at a whole device pixel, so lines land on the same
        # pixels as when the picture is replayed directly.
        transform = p.transform()
        x, y = rect.x() + transform.dx(), rect.y() + transform.dy()
        fx, fy = round(x - math.floor(x), 3), round(y - math.floor(y), 3)
        # The picture itself is kept and compared by identity (an id() could be reused by the
        # next picture once this one is freed, and a stale image would be drawn).
        key = (rect.x(), rect.y(), rect.width(), rect.height(), ratio, fx, fy)
        if self._pixmap is None or key != self._pixmap_key or self._pixmap_picture is not self.picture:
            # a margin: the axis line of a frame axis lies on the edge of the bounding rect
            pad = _PAD
            pixmap = QPixmap(max(1, math.ceil((rect.width() + 2 * pad + 1) * ratio)),
                             max(1, math.ceil((rect.height() + 2 * pad + 1) * ratio)))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            try:
                painter.translate(fx + pad - rect.x(), fy + pad - rect.y())
                self.picture.play(painter)
            finally:
                painter.end()
            self._pixmap, self._pixmap_key, self._pixmap_picture = pixmap, key, self.picture
            self._pixmap_origin = QPointF(rect.x() - fx - pad, rect.y() - fy - pad)
        p.drawPixmap(self._pixmap_origin, self._pixmap)

    def _record(self) -> QPicture:
        """The axis drawn into a QPicture, as ``pg.AxisItem.paint`` does before replaying it."""
        picture = QPicture()
        painter = QPainter(picture)
        try:
            if self.style["tickFont"]:
                painter.setFont(self.style["tickFont"])
            specs = self.generateDrawSpecs(painter)
            if specs is not None:
                self.drawPicture(painter, *specs)
        finally:
            painter.end()
        return picture


def cached_axes(sides: tuple[str, ...] = ("left", "bottom")) -> dict[str, CachedAxisItem]:
    """``axisItems`` for a new PlotItem: cached axes for ``sides`` (PlotItem shows exactly the
    sides it is given, plus left and bottom).  Axes that pyqtgraph already made cannot adopt the
    class: changing the class of a Qt wrapper object crashes when it is freed."""
    return {side: CachedAxisItem(side) for side in sides}


class _CachedAxesPlotItem(pg.PlotItem):
    """A PlotItem that makes its axes :class:`CachedAxisItem` unless given others."""

    def __init__(self, *args, **kwargs):
        if kwargs.get("axisItems") is None:
            kwargs["axisItems"] = cached_axes(("left", "bottom", "top", "right"))
        super().__init__(*args, **kwargs)


class CachedColorBarItem(pg.ColorBarItem, _CachedAxesPlotItem):
    """``pg.ColorBarItem`` with cached axes: its ``super().__init__()`` reaches
    :class:`_CachedAxesPlotItem` before ``pg.PlotItem`` (method resolution order), so the axes it
    then styles as frame and value axes are :class:`CachedAxisItem`."""
