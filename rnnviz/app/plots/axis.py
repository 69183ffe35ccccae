"""An axis whose tick labels are drawn from a cached image when nothing about it changed.

pyqtgraph records an axis (ticks and tick labels) as a QPicture and replays it on every paint.
Replaying lays the label text out again, about 1 ms per axis here; the explorer's window has ~56
axes and repaints every plot after each control change, so axes alone took ~55 ms of the UI
thread per change (measured offscreen, default configuration). This axis keeps its tick labels as
a pixmap for on-screen painting and only re-renders it when pyqtgraph makes a new picture; it also
keeps the picture when a view reports the range the axis already shows (pyqtgraph throws it away
on every report, and about half of them repeat the range). Measured: the window's repaint after a
change 100 -> 55-60 ms.

The lines (axis line, ticks and the grid, which spans the whole view) are drawn on every paint,
on the pixels pyqtgraph's replay gives them (:meth:`CachedAxisItem._paint_lines`). Kept in the
pixmap as well, each gridded axis held an image of its whole view, made anew at every new size:
showing the gates plot alone made 26 of them, ~150 ms of the UI thread in one gap.

Painting for export (``widget`` is None: the PNG/SVG exporters, ``QGraphicsScene.render``) and
painting under a scaling transform draw lines and text as vectors, as pyqtgraph does, so exports
stay vector and sharp.
"""

from __future__ import annotations

import logging
import math

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPicture, QPixmap, QTransform

log = logging.getLogger(__name__)
_TRANSLATE_ONLY = QTransform.TransformationType.TxTranslate.value
_PAD = 2  # pixels around the tick labels' rects kept in the pixmap


class CachedAxisItem(pg.AxisItem):
    """``pg.AxisItem`` whose tick labels are painted from a pixmap on screen (see the module docstring)."""

    _pixmap: QPixmap | None = None
    _pixmap_key: tuple | None = None
    _pixmap_picture: QPicture | None = None
    _pixmap_origin: QPointF | None = None
    _parts_picture: QPicture | None = None  # the picture (tick labels) the parts below were recorded with
    _text_rect = None  # QRect of the tick labels in item coordinates, None without labels
    _line_specs: list = []  # (pen, p1, p2) of the axis line and the ticks (grid lines), in order
    _line_ops: list = []
    _line_ops_key: tuple | None = None
    _line_ops_picture: QPicture | None = None
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
    #: The tick labels are not drawn, and the axis keeps the room they take (see hide_values).
    values_hidden = False

    def hide_values(self, hidden: bool) -> None:
        """Draw no tick labels (an empty plot's values of nothing), keeping their room: switched
        with ``showValues``, the axis changed its width and its plot was laid out again at the
        first and the last moment of an empty state (the Trainer's four plots at each Start and
        first step: the longest gap of a start grew from ~40 to 60–100 ms)."""
        if bool(hidden) != self.values_hidden:
            self.values_hidden = bool(hidden)
            self.picture = None
            self.update()

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
        if self._uncached:
            super().paint(p, opt, widget)
            return
        try:
            if widget is None or p.transform().type().value > _TRANSLATE_ONLY:
                self._paint_vectors(p)  # export or zoomed
            else:
                self._paint_cached(p, widget)
        except Exception:  # noqa: BLE001 - an exception escaping paint() takes the process down
            log.exception("cached axis painting failed; this axis is replayed from now on")
            self._uncached = True
            self.picture = None  # pyqtgraph records its own
            super().paint(p, opt, widget)

    def _paint_vectors(self, p: QPainter, text: bool = True) -> None:
        """The axis as ``pg.AxisItem.drawPicture`` draws it: lines, then the tick labels as text
        (exports stay vector and sharp)."""
        if self.picture is None or self._parts_picture is not self.picture:
            self._record_parts()
        p.save()
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            for pen, p1, p2 in self._line_specs:
                p.setPen(pen)
                p.drawLine(p1, p2)
        finally:
            p.restore()
        if text:
            self.picture.play(p)

    def _paint_cached(self, p: QPainter, widget) -> None:
        if self.picture is None or self._parts_picture is not self.picture:
            self._record_parts()
        ratio = widget.devicePixelRatioF()
        self._paint_lines(p, ratio)
        if self._text_rect is None:
            return
        rect = self._text_rect
        # The item may sit at a fractional device position: the text is drawn into the pixmap with
        # that fraction, and the pixmap at a whole device pixel, so the glyphs land on the same
        # pixels as when the picture is replayed directly.
        transform = p.transform()
        x, y = rect.x() + transform.dx(), rect.y() + transform.dy()
        fx, fy = round(x - math.floor(x), 3), round(y - math.floor(y), 3)
        # The picture itself is kept and compared by identity (an id() could be reused by the
        # next picture once this one is freed, and a stale image would be drawn).
        key = (rect.x(), rect.y(), rect.width(), rect.height(), ratio, fx, fy)
        if self._pixmap is None or key != self._pixmap_key or self._pixmap_picture is not self.picture:
            pixmap = QPixmap(max(1, math.ceil((rect.width() + 1) * ratio)),
                             max(1, math.ceil((rect.height() + 1) * ratio)))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            try:
                painter.translate(fx - rect.x(), fy - rect.y())
                self.picture.play(painter)
            finally:
                painter.end()
            self._pixmap, self._pixmap_key, self._pixmap_picture = pixmap, key, self.picture
            self._pixmap_origin = QPointF(rect.x() - fx, rect.y() - fy)
        p.drawPixmap(self._pixmap_origin, self._pixmap)

    def _paint_lines(self, p: QPainter, ratio: float) -> None:
        """The axis line, ticks and grid lines, each on the pixels ``QPainter.drawLine`` gives it.

        The reference is the recorded picture, replayed. The grid lines are translucent, and Qt's
        raster engine blends a translucent 1-pixel line pixel by pixel: 113 grid lines of a plot
        shown alone took 12-18 ms per paint, against ~0.5 ms for the same pixels filled as
        rectangles (horizontal lines, one ``drawRects`` per run of one colour: ``fillRect`` costs
        ~30 us a call) or drawn as images (vertical lines: a row of pixels stretched over the rows). An aliased
        cosmetic line from (x, y1) to (x, y2) covers the device pixels floor(x), floor(y1) ..
        floor(y2), both ends included (tests/app/test_axis_cache.py checks the pixels)."""
        transform = p.transform()
        if ratio != 1.0 or p.opacity() != 1.0:
            self._paint_vectors(p, text=False)
            return
        key = (transform.dx(), transform.dy())
        if self._line_ops_key != key or self._line_ops_picture is not self.picture:
            self._line_ops = _line_ops(self._line_specs, key)
            self._line_ops_key, self._line_ops_picture = key, self.picture
        p.save()
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            p.resetTransform()
            p.setPen(Qt.PenStyle.NoPen)
            for kind, a, b, c in self._line_ops:
                if kind == "rects":
                    p.setBrush(a)
                    p.drawRects(b)
                elif kind == "image":
                    p.drawImage(a, b)
                else:  # a line the shortcut does not cover: drawn in item coordinates
                    p.setTransform(transform)
                    p.setPen(a)
                    p.drawLine(b, c)
                    p.setPen(Qt.PenStyle.NoPen)
                    p.resetTransform()
        finally:
            p.restore()

    def _record_parts(self) -> None:
        """The axis's two parts, drawn as ``pg.AxisItem.drawPicture`` draws them (the same render
        hints, pens, font and clip): its lines (axis line, ticks, grid lines: ``_line_specs``), and its
        tick labels recorded as ``self.picture`` with the rect they cover (``_text_rect``). pyqtgraph
        drops ``self.picture`` whenever the axis must be drawn again."""
        text = QPicture()
        specs, text_rect = None, None
        painter = QPainter(text)
        try:
            if self.style["tickFont"] is not None:
                painter.setFont(self.style["tickFont"])
            specs = self.generateDrawSpecs(painter)
            if specs is not None and specs[2] and not self.values_hidden:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
                painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
                painter.setPen(self.textPen())
                bounding = QRectF(self.boundingRect().toAlignedRect())
                painter.setClipRect(bounding)
                covered = QRectF()
                for rect, flags, label in specs[2]:
                    painter.drawText(rect, int(flags), label)
                    covered |= rect
                # glyphs may reach a little past their layout rect (antialiasing, overhang)
                covered = covered.adjusted(-_PAD, -_PAD, _PAD, _PAD) & bounding
                if not covered.isEmpty():
                    text_rect = covered.toAlignedRect()
        finally:
            painter.end()
        self._line_specs = [] if specs is None else [specs[0], *specs[1]]
        self.picture, self._parts_picture, self._text_rect = text, text, text_rect


def _line_ops(specs: list, offset: tuple[float, float]) -> list[tuple]:
    """How :meth:`CachedAxisItem._paint_lines` draws the lines ``specs`` at the device offset
    ``offset``, in their order: ("rects", QColor, [QRect, ...], None) for a run of horizontal lines
    of one colour, ("image", QRect, QImage, None) for a run of vertical lines of one colour and
    length (:func:`_columns_image`), ("line", pen, p1, p2) for any other line or pen."""
    dx, dy = offset
    ops: list[tuple] = []
    for pen, p1, p2 in specs:
        plain = (pen.style() == Qt.PenStyle.SolidLine and pen.brush().style() == Qt.BrushStyle.SolidPattern
                 and pen.isCosmetic() and pen.widthF() <= 1.0 and pen.capStyle() == Qt.PenCapStyle.SquareCap)
        if not plain or (p1.x() != p2.x() and p1.y() != p2.y()):
            ops.append(("line", pen, p1, p2))
            continue
        x1, x2 = sorted((math.floor(p1.x() + dx), math.floor(p2.x() + dx)))
        y1, y2 = sorted((math.floor(p1.y() + dy), math.floor(p2.y() + dy)))
        color = pen.color()
        if y1 == y2:
            rect = QRect(x1, y1, x2 - x1 + 1, 1)
            if ops and ops[-1][0] == "rects" and ops[-1][1] == color:
                ops[-1][2].append(rect)
            else:
                ops.append(("rects", color, [rect], None))
            continue
        if ops and ops[-1][0] == "columns" and ops[-1][1] == (color.rgba(), y1, y2):
            ops[-1][2].append(x1)
        else:
            ops.append(("columns", (color.rgba(), y1, y2), [x1], color))
    return [_columns_image(op) if op[0] == "columns" else op for op in ops]


def _columns_image(op: tuple) -> tuple:
    """A run of vertical lines of one colour from row y1 to y2 as ("image", QRect, QImage, None):
    one row of pixels, transparent but in the lines' columns, stretched over the rows (one
    ``drawImage`` for the run; one per line cost ~8 us a call, ~540 calls per change)."""
    (_, y1, y2), columns, color = op[1], op[2], op[3]
    left, right = min(columns), max(columns)
    row = QImage(right - left + 1, 1, QImage.Format.Format_ARGB32_Premultiplied)
    row.fill(Qt.GlobalColor.transparent)
    painter = QPainter(row)
    try:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRects([QRect(x - left, 0, 1, 1) for x in columns])
    finally:
        painter.end()
    return ("image", QRect(left, y1, right - left + 1, y2 - y1 + 1), row, None)
    return ops


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
