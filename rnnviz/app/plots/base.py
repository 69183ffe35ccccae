"""Shared machinery of the explorer's plot panels: styling, hover read-out, heatmaps, CSV tables.

A panel is a QWidget holding one ``pg.GraphicsLayoutWidget`` (everything exported to PNG/SVG) and
a one-line read-out label under it. Panels listen to AppState through ``show_fast`` / ``show_map``
(called by the main window) and never compute anything themselves beyond cheap reshaping.
"""

from __future__ import annotations

import functools
import math
import re
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QGuiApplication, QImage, QPainter, QPen, QTextDocument, QTextOption
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout,
                               QWidget)

from rnnviz.app.i18n import names
from rnnviz.app.plots.axis import CachedAxisItem, CachedColorBarItem, cached_axes
from rnnviz.app.plots.steady import SteadyViewBox, nice_above, steady_range
from rnnviz.app.texts import text_path

#: Colour-blind safe palette (Okabe-Ito) used by every panel, in order.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")

#: Units of the axis labels (shown in the interface language with every label, see PlotPanel.add_plot).
UNIT_NAMES = (QT_TRANSLATE_NOOP("Names", "step"), QT_TRANSLATE_NOOP("Names", "steps"),
              QT_TRANSLATE_NOOP("Names", "unit"), QT_TRANSLATE_NOOP("Names", "units"),
              QT_TRANSLATE_NOOP("Names", "index"))
NORMAL_STYLE = {"line_width": 2.0, "font_pt": 9, "title_pt": 11, "marker_px": 6}
PRESENTATION_STYLE = {"line_width": 5.0, "font_pt": 16, "title_pt": 20, "marker_px": 12}
#: Presentation mode where the full lecture style leaves no room for the data (the Trainer's four
#: plots at 1280×720, ~400×220 px each): larger than the normal style, smaller than the lecture one.
COMPACT_PRESENTATION_STYLE = {"line_width": 3.5, "font_pt": 12, "title_pt": 14, "marker_px": 9}
#: The least size of each plot for COMPACT_PRESENTATION_STYLE (width, height).
COMPACT_PRESENTATION_MIN_SIZE = (300, 200)
#: A panel smaller than this keeps the normal style in presentation mode: lecture fonts in a sixth
#: of a 1280×720 screen (all plots at once) leave no room for the data or the labels' text.
PRESENTATION_MIN_SIZE = (380, 300)
#: The least size of a panel's plot widget (width, height); taller where its layout needs it.
GRAPHICS_MIN_SIZE = (260, 200)
#: An aspect-locked plot's view at most this much wider than high (room for its data's padding).
SQUARE_VIEW_SLACK = 1.15
#: ... in a column at most this share of its row (the rest for its neighbour and its title).
SQUARE_COLUMN_SHARE = 0.5


def configure_pyqtgraph() -> None:
    """Light background (readable on projectors and in print), antialiased lines, row-major images."""
    pg.setConfigOptions(background="w", foreground="k", antialias=True, imageAxisOrder="row-major")


def finite_or_nan(values) -> np.ndarray:
    """float64 copy with +-inf replaced by NaN (pyqtgraph skips NaN; inf would break autoscale)."""
    array = np.array(values, dtype=np.float64, copy=True)
    array[~np.isfinite(array)] = np.nan
    return array


def safe_log10(values) -> np.ndarray:
    """log10 of non-negative values; zeros become NaN instead of -inf (and no warning)."""
    array = np.asarray(values, dtype=np.float64)
    out = np.full(array.shape, np.nan)
    positive = array > 0
    out[positive] = np.log10(array[positive])
    return out


def finite_range(values, symmetric: bool = False, default=(0.0, 1.0), min_half_range: float = 1e-12
                 ) -> tuple[float, float]:
    """(low, high) over finite entries; ``default`` when there are none; never an empty interval.

    ``symmetric``: (-b, b) with b = max(|low|, |high|, min_half_range).
    """
    array = np.asarray(values, dtype=np.float64)
    finite = array[np.isfinite(array)]
    if finite.size == 0:
        return default
    low, high = float(finite.min()), float(finite.max())
    if symmetric:
        bound = max(abs(low), abs(high))
        if bound == 0.0:   # all exactly 0: a scale of -1 … 1 (±1e-12 showed a bar with one label)
            return -1.0, 1.0
        bound = max(bound, min_half_range)
        return -bound, bound
    if high - low < 1e-12:
        return low - 0.5, high + 0.5
    return low, high


def _relaxed_update_min(label, height: int) -> None:
    """LabelItem.updateMin without a minimum width (see PlotPanel._set_plot_title)."""
    width = label.itemRect().width()
    label.setMinimumWidth(0)
    label.setMinimumHeight(height)
    label._sizeHint = {
        Qt.SizeHint.MinimumSize: (0, height),
        Qt.SizeHint.PreferredSize: (width, height),
        Qt.SizeHint.MaximumSize: (-1, -1),
        Qt.SizeHint.MinimumDescent: (0, 0),
    }
    label.updateGeometry()


class HeldLayoutWidget(pg.GraphicsLayoutWidget):
    """A plot panel's graphics widget that, while its repaint is held (app/repaint.py), lays its plots
    out at their new size only when it is let go (``lay_out_held``): six panels shown at once by
    leaving presentation mode were laid out ~4 times each in one turn (24 layouts, ~70 ms), and the
    six resized when the unrolled network joins the grid again were laid out in the turn of the
    change (42 ms of the UI thread's 85 in that gap, back from 8 layers to 1).

    Updates can also be off for a hold that is not ours: a QTabWidget turns its pages' updates off
    while it switches them, and the page shown is laid out then. Such a resize is laid out at the
    widget's first paint (:meth:`paintEvent`): the Experiments tab shown after a sweep had run
    kept its plot laid out at 640×480 in a 614×592 widget, the colour bar cut at the right edge."""

    resize_held = False
    letting_go = False   # from lay_out_held to the next turn: resizes of its own settling go through

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if not self.updatesEnabled() and self.isVisible() and not self.letting_go:
            self.resize_held = True
            return
        self.resize_held = False
        super().resizeEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if self.resize_held:   # let go by a hold of someone else's, without lay_out_held
            self.lay_out_held()
        super().paintEvent(event)

    def lay_out_held(self) -> None:
        """Right before the held repaint is let go (its updates still off): the layout at the size
        it has now. Resizes that follow from it (a plot widget's minimum height, set from its
        layout) are laid out at once until the next turn: held, they would wait for a release that
        has passed."""
        self.letting_go = True
        again = self.resize_held
        if self.resize_held:
            self.resize_held = False
            super().resizeEvent(None)
        # once more next turn, once the layout has settled (a legend below a plot decides its
        # columns from the plot's height: the first pass left it a few pixels below the panel)
        QTimer.singleShot(0, self, lambda: self._lay_out_again(again))

    def _lay_out_again(self, again: bool) -> None:
        self.letting_go = False
        if again and self.updatesEnabled() and not self.resize_held:
            pg.GraphicsLayoutWidget.resizeEvent(self, None)


def settle_views(graphics: pg.GraphicsView) -> None:
    """Auto-range the views of a visible graphics widget now, not at the start of its next paint.

    pyqtgraph defers auto-ranging to the start of the next paint; the range it then sets
    invalidates axes and items while they are being painted, so a widget with new data was
    painted twice (measured on the explorer's five panels: 57 ms of painting per change;
    settled first, 38 ms).
    """
    if not graphics.isVisible():
        return
    # Layouts first (a legend or a title that changed size moves the plot area): a view
    # auto-ranged before its plot area moves auto-ranges again during the paint, which paints twice.
    # A new range can in turn post a layout (an axis whose labels changed width), which moves the
    # plot area again: after a switch of cell the decay and spectrum panels were painted 2-3 times
    # with one pass, the hidden-state panel twice. SETTLE_PASSES passes reach the fixed point
    # (two left the spectrum off it); a pass with nothing pending costs 4-10 µs.
    for _ in range(SETTLE_PASSES):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
        graphics.scene().prepareForPaint()


#: Passes of layout and auto-range in :func:`settle_views`.
SETTLE_PASSES = 3


def paint_scene_updates_now(graphics: pg.GraphicsView) -> None:
    """Hand the updates that the items of ``graphics``'s scene queued to its view now (the scene's
    posted calls, as Qt's processing of its dirty items), where Qt paints them at once.

    For a plot just shown alone (focus), laid out and settled: the window's repaint was asked for at
    the first panel it hid, before the items queued theirs, so the repaint painted the plot whole and
    the queued updates then painted it whole again (focus on the gates plot at 1600×1000: 46 + 22 ms
    of painting; once, ~40 ms). Not for panels whose repaints are held (app/repaint.py): this paints."""
    if graphics.isVisible():
        QCoreApplication.sendPostedEvents(graphics.scene(), QEvent.Type.MetaCall.value)


def wrapped_height(label: QLabel) -> int:
    """Height a word-wrapped plain-text label needs for its lines at its present width (QLabel's
    own heightForWidth wraps at a narrower width than it draws: a line too many)."""
    room = label.contentsRect().width() - 2 * label.margin() - max(0, label.indent())
    flags = int(Qt.TextFlag.TextWordWrap.value) | int(label.alignment().value)
    lines = label.fontMetrics().boundingRect(QRect(0, 0, max(1, room), 1 << 20), flags, label.text())
    margins = label.contentsMargins()
    return lines.height() + margins.top() + margins.bottom() + 2 * label.margin()


def combo_text_room(combo) -> int:
    """Width, in pixels, that a combo box's field gives its current text (without the arrow)."""
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                         QStyle.SubControl.SC_ComboBoxEditField, combo)
    return field.width()


class ReadoutLabel(QLabel):
    """The hover read-out: one line that never asks for more width than its panel gives it.

    A text too long for the line is elided (the whole text is in the tooltip); ``text()`` is the
    whole text. Its height follows the font, so a read-out appearing never moves the plots.
    """

    IDLE_TIP = QT_TRANSLATE_NOOP("Names", "Value under the mouse pointer")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(0)
        self._show()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt naming)
        self._full = (text or "").strip()
        self._show()

    def text(self) -> str:
        return self._full

    def shown_text(self) -> str:
        """What the line shows (the whole text, or its elided start)."""
        return super().text().strip()

    def is_elided(self) -> bool:
        return self.shown_text() != self._full

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self._show()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._show()

    def _show(self) -> None:
        width = max(0, self.contentsRect().width() - 2)
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width) if self._full else ""
        # A space keeps the line's height when there is nothing to show.
        super().setText(shown or " ")
        self.setToolTip(self._full if shown != self._full else names(self.IDLE_TIP))


def sample_pen(pen: QPen, length: float) -> QPen:
    """``pen`` for a legend's line sample ``length`` pixels long: a dashed or dotted pen's pattern
    shrunk until two of its periods fit the sample (Qt measures a pattern in pen widths: at the
    lecture width of 5 px a dash is 20 px, and a 20 px sample of a dashed line was solid), and flat
    ends, so a wide pen stays within the sample instead of running into its text; a dashed or dotted
    pen at most a quarter of the sample wide."""
    pen = QPen(pen)
    pattern = pen.dashPattern() if pen.style() != Qt.PenStyle.SolidLine else []
    dotted = bool(pattern) and min(pattern) < 1e-2   # round caps draw a dotted pen's dots
    if not dotted:
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    if not pattern:
        return pen
    # at most a quarter of the sample wide: two dots of a thick dotted line in a 12 px sample
    pen.setWidthF(min(pen.widthF(), length / 4))
    width = max(1.0, pen.widthF())
    period = sum(pattern) * width
    if period > length / 2:
        # gaps never narrower than half a pen width (dots: two, their round caps take one)
        least_gap = 2.0 if dotted else 0.5
        scale = max(length / 2 / period, least_gap / max(pattern[1::2]))
        pen.setDashPattern([value * scale if value > 1e-2 else value for value in pattern])
    return pen


class LineSample(pg.ItemSample):
    """A legend's line sample: :attr:`LENGTH` pixels long, drawn with :func:`sample_pen` (its dashes
    or dots show at every line width); an item with symbols, fills or bars is drawn as pyqtgraph
    draws it."""

    LENGTH = 20

    def __init__(self, item):
        super().__init__(item)
        self.setFixedWidth(self.LENGTH)

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt naming)
        return QRectF(0, 0, self.LENGTH, 20)

    def paint(self, painter, *args) -> None:
        opts = self.item.opts
        plain_line = (isinstance(self.item, pg.PlotDataItem) and self.item.isVisible() and opts.get("symbol") is None
                      and opts.get("fillLevel") is None and opts.get("pen") is not None)
        if not plain_line:
            super().paint(painter, *args)
            return
        if opts.get("antialias"):
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = sample_pen(pg.mkPen(opts["pen"]), self.LENGTH)
        # a round cap reaches half a width before the line's start: the first dot whole
        start = pen.widthF() / 2 if pen.capStyle() == Qt.PenCapStyle.RoundCap else 0.0
        painter.setPen(pen)
        painter.drawLine(QPointF(start, 11), QPointF(self.LENGTH, 11))


class ShortSample(LineSample):
    """A legend's line sample 12 px long instead of 20 (a compact legend: one row where six entries
    share a narrow panel)."""

    LENGTH = 12


class FlowLegend(pg.LegendItem):
    """A legend in a layout cell of its own, beside the plot area, so that it never covers data.

    Its entries flow into as many columns as its width holds (one column in a narrow panel, one
    row in a wide one), and its rows are laid out afresh whenever entries or the font size change:
    pyqtgraph's LegendItem keeps the row heights of the largest font it ever showed, so after
    presentation mode its rows stayed spread out.
    """

    SPACING = 12       # between entries
    SAMPLE_GAP = 4     # between an entry's line sample and its text
    #: A legend below its plot takes at most this share of the height the plot area and the legend
    #: share; where its entries need more, they take their short forms (:attr:`short_names`).
    MAX_SHARE = 0.25

    def __init__(self, points: int, compact: bool = False):
        """``compact``: short line samples and less space between entries (lines, no symbols)."""
        if compact:
            self.SPACING = 8
        super().__init__(offset=None, labelTextSize=f"{points}pt", horSpacing=self.SPACING, verSpacing=0,
                         colCount=1, sampleType=ShortSample if compact else LineSample)
        #: entry text -> its short form (symbols only), shown where the whole texts would eat the plot
        self.short_names: dict[str, str] = {}
        self.shortened = False
        self._widths: dict[tuple[str, str], float] = {}
        #: the last answer of _fitting_columns: ((width, short, entry widths), columns)
        self._fitted: tuple[tuple, int] | None = None
        self._batched = False   # entries being added in a batch (see batch): laid out once at its end
        #: Height of the plot area above a legend below its plot (None: a legend in a row of its own).
        #: Kept as it changes, not asked for while laying out: Qt lays the legend out while its plot
        #: is destroyed, and reaching into the plot then crashed the process.
        self.plot_area_height: float | None = None
        # Any width: the entries flow into the columns that fit (its layout alone would pin it to
        # the width of the columns it has).
        self.setMinimumWidth(0)
        self.setMaximumWidth(1e6)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._relayout()

    def follow_plot_area(self, view_box: pg.ViewBox) -> None:
        """Keep :attr:`plot_area_height` as ``view_box`` (the plot area above) is resized."""
        view_box.sigResized.connect(self._note_plot_area)
        self._note_plot_area(view_box)

    def _note_plot_area(self, view_box) -> None:
        height = float(view_box.height())
        changed = height != self.plot_area_height
        self.plot_area_height = height
        if changed:
            # whether the whole texts are too tall depends on this height: a layout that sized the
            # legend before the plot area (1280x720 -> 1600x1000) left them 68 % as high as the plot
            self._fit()

    def addItem(self, item, name) -> None:  # noqa: N802 (pyqtgraph naming)
        """An entry; a name defined with QT_TRANSLATE_NOOP("Names", ...) is shown translated."""
        super().addItem(item, names(name))
        label = self.items[-1][1]
        label.whole_text = label.text
        if self.shortened:
            label.setText(self._entry_text(label, True), size=self.opts["labelTextSize"])

    def set_points(self, points: int) -> None:
        self.opts["labelTextSize"] = f"{points}pt"
        for _sample, label in self.items:
            label.setText(label.text, size=f"{points}pt")
        self._relayout(self._fitting_columns(self.geometry().width(), self.shortened))

    def _entry_text(self, label, short: bool) -> str:
        whole = getattr(label, "whole_text", label.text)
        return self.short_names.get(whole, whole) if short else whole

    def _label_width(self, label, short: bool) -> float:
        """Width of an entry's text in its long or short form (as its label lays it out)."""
        if short == self.shortened:
            return label.itemRect().width()  # the form shown: as laid out
        text = self._entry_text(label, short)
        key = (text, self.opts["labelTextSize"])
        if key not in self._widths:
            self._widths[key] = text_width(text, float(self.opts["labelTextSize"].removesuffix("pt"))) + 2
        return self._widths[key]

    def _entry_widths(self, short: bool) -> list[tuple[float, float]]:
        """(sample, label) width of every entry, in order, with its long or short text."""
        return [(sample.boundingRect().width(), self._label_width(label, short)) for sample, label in self.items]

    def _column_widths(self, column: int, columns: int, short: bool | None = None,
                       widths: list[tuple[float, float]] | None = None) -> tuple[float, float]:
        """(sample, label) width of ``column`` when the entries flow into ``columns`` columns
        (``widths``: the entries' widths, :meth:`_entry_widths`, when measured already)."""
        short = self.shortened if short is None else short
        entries = (self._entry_widths(short) if widths is None else widths)[column::columns]
        return (max((sample for sample, _label in entries), default=0.0),
                max((label for _sample, label in entries), default=0.0))

    def needed_width(self, columns: int, short: bool | None = None,
                     widths: list[tuple[float, float]] | None = None) -> float:
        """Width the entries take in ``columns`` columns (margins and spacing included)."""
        short = self.shortened if short is None else short
        widths = self._entry_widths(short) if widths is None else widths
        return 8 + sum(sum(self._column_widths(column, columns, short, widths)) + self.SAMPLE_GAP + self.SPACING
                       for column in range(columns))

    def _fitting_columns(self, width: float, short: bool | None = None) -> int:
        """Most columns that fit in ``width``. The entries are measured once for all the column
        counts tried (measured again for each, 32 entries took 2.6 ms per call, and every layout
        pass calls it: issue 12, the 8-layer step), and the answer is kept for the same width and
        entry widths (a layout sets the legend's geometry several times)."""
        if not self.items or width <= 0:
            return max(1, self.columnCount)
        short = self.shortened if short is None else short
        widths = self._entry_widths(short)
        key = (width, short, widths)
        if self._fitted is not None and self._fitted[0] == key:
            return self._fitted[1]
        columns = next((columns for columns in range(len(self.items), 1, -1)
                        if self.needed_width(columns, short, widths) <= width), 1)
        self._fitted = (key, columns)
        return columns

    def _too_tall(self, columns: int) -> bool:
        """Whether ``columns`` columns make the legend higher than :data:`MAX_SHARE` of the height
        it shares with its plot's area (a legend below a plot; others are never too tall)."""
        if self.plot_area_height is None or not self.items:
            return False
        room = self.plot_area_height + self.geometry().height()
        row = max(max(label.itemRect().height(), sample.boundingRect().height()) for sample, label in self.items)
        rows = -(-len(self.items) // columns)
        return room > 0 and rows * row + 2 > self.MAX_SHARE * room

    def setGeometry(self, *args) -> None:  # noqa: N802 (Qt naming)
        super().setGeometry(*args)
        self._fit()

    def _fit(self) -> None:
        """Columns (and whole or short texts) for the legend's width and its plot area's height."""
        try:
            width = self.geometry().width()
            short = False
            columns = self._fitting_columns(width, short)
            if self.short_names and self._too_tall(columns):
                short = True
                columns = self._fitting_columns(width, short)
        except RuntimeError:
            # Qt resizes the legend while its plot is destroyed, after its entries went: an error
            # escaping this override then would take the process down.
            return
        if short != self.shortened:
            self._shorten(short)
            self._relayout(columns)
        elif columns != self.columnCount:
            self._relayout(columns)

    def _shorten(self, short: bool) -> None:
        """Show the entries' short forms (or their whole texts again)."""
        self.shortened = short
        for _sample, label in self.items:
            whole = getattr(label, "whole_text", label.text)
            label.whole_text = whole
            label.setText(self._entry_text(label, short), size=self.opts["labelTextSize"])
            label.item.document().setDocumentMargin(1)
            label.updateMin()

    def setColumnCount(self, columnCount: int) -> None:  # noqa: N802,N803 (pyqtgraph naming)
        self._relayout(columnCount)

    @contextmanager
    def batch(self):
        """Add (or clear) entries inside ``with legend.batch():``; they are laid out once, at its end.
        Each entry laid out the entries again and tried every column count (quadratic in the entries
        each time): the 32 entries of 8 bidirectional layers' spectra took 60-80 ms of the UI thread."""
        self._batched = True
        try:
            yield self
        finally:
            self._batched = False
            self.updateSize()

    def updateSize(self) -> None:  # noqa: N802 (pyqtgraph calls it after adding or removing entries)
        if self._batched:
            return
        for _sample, label in self.items:
            label.item.document().setDocumentMargin(1)  # rows as high as the text, not 8 px more
            label.updateMin()
        self._relayout(self._fitting_columns(self.geometry().width()))

    def _relayout(self, columns: int | None = None) -> None:
        if columns is not None:
            self.columnCount = max(1, int(columns))
        layout = self.layout
        for index in range(layout.count() - 1, -1, -1):
            layout.removeAt(index)
        layout.setHorizontalSpacing(self.SAMPLE_GAP)
        layout.setVerticalSpacing(0)
        layout.setContentsMargins(4, 1, 4, 1)
        # Columns and rows no entry uses any more keep no width, height or spacing of their own.
        for column in range(layout.columnCount()):
            layout.setColumnMaximumWidth(column, 1e6)
            layout.setColumnSpacing(column, self.SAMPLE_GAP)
        for row in range(layout.rowCount()):
            layout.setRowSpacing(row, 0)
        for index, (sample, label) in enumerate(self.items):
            row, column = divmod(index, self.columnCount)
            layout.addItem(sample, row, 2 * column, alignment=Qt.AlignmentFlag.AlignVCenter)
            layout.addItem(label, row, 2 * column + 1)
        # Columns as wide as their widest entry: spare width stays at the right end.
        widths = self._entry_widths(self.shortened)
        for column in range(self.columnCount):
            sample_width, label_width = self._column_widths(column, self.columnCount, widths=widths)
            layout.setColumnMaximumWidth(2 * column, sample_width)
            layout.setColumnMaximumWidth(2 * column + 1, label_width)
            layout.setColumnSpacing(2 * column + 1, self.SPACING)
        self.rowCount = max(1, -(-len(self.items) // self.columnCount))
        layout.invalidate()
        self.updateGeometry()


def legend_below(plot: pg.PlotItem, points: int) -> FlowLegend:
    """Give ``plot`` a :class:`FlowLegend` under its bottom axis, as wide as its plot area.

    It becomes ``plot.legend``, so curves made with ``name=`` join it as with ``addLegend``."""
    legend = FlowLegend(points)
    legend.setParentItem(plot)  # the plot owns it, as it owns its axes
    plot.layout.addItem(legend, 4, 1)
    legend.follow_plot_area(plot.vb)
    plot.legend = legend
    return legend


#: Colour indices of a heatmap image: 0..COLOURS-1 are the colour map, TRANSPARENT marks NaN/inf.
COLOURS = 255
TRANSPARENT = 255
#: Images are drawn at most this many pixels per side unless the screen has more (see image_side).
MIN_IMAGE_SIDE = 512


def image_side() -> int:
    """Largest image side worth drawing: half the screen's longer side in device pixels (a plot
    never takes more), at least MIN_IMAGE_SIDE."""
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen() if QGuiApplication.instance() is not None else None
    if screen is None:
        return 2 * MIN_IMAGE_SIDE
    size = screen.size()
    return max(MIN_IMAGE_SIDE, int(max(size.width(), size.height()) * screen.devicePixelRatio()) // 2)


def finite_bounds(values: np.ndarray) -> tuple[float, float] | None:
    """(min, max) over the finite entries, or None when there are none (no copy of ``values``)."""
    finite = np.isfinite(values)
    if not finite.any():
        return None
    return (float(np.min(values, where=finite, initial=np.inf)),
            float(np.max(values, where=finite, initial=-np.inf)))


@dataclass(frozen=True)
class HeatmapImage:
    """What a heatmap draws: ``image`` (r, c) block means of the values (NaN where a block holds no
    finite value), each pixel covering ``factors`` = (rows, cols) cells; ``bounds``: finite (min,
    max) of the full values (None: none finite)."""

    image: np.ndarray
    factors: tuple[int, int]
    bounds: tuple[float, float] | None


def downsample_image(values, max_side: int) -> HeatmapImage:
    """Block means of the finite entries so that neither side exceeds ``max_side`` pixels.

    Plain NumPy (the explorer's worker thread prepares the map's images with it). Values: (rows,
    cols) float; ±inf count as missing, as NaN does.
    """
    values = np.asarray(values, dtype=np.float64)
    bounds = finite_bounds(values) if values.size else None
    rows, cols = values.shape
    fr, fc = max(1, -(-rows // max_side)), max(1, -(-cols // max_side))
    if fr == 1 and fc == 1:
        return HeatmapImage(values, (1, 1), bounds)
    out_r, out_c = -(-rows // fr), -(-cols // fc)
    finite = np.zeros((out_r * fr, out_c * fc), dtype=bool)
    finite[:rows, :cols] = np.isfinite(values)
    filled = np.zeros(finite.shape)
    np.copyto(filled[:rows, :cols], values, where=finite[:rows, :cols])
    sums = filled.reshape(out_r, fr, out_c, fc).sum(axis=(1, 3))
    counts = finite.reshape(out_r, fr, out_c, fc).sum(axis=(1, 3))
    image = np.full((out_r, out_c), np.nan)
    np.divide(sums, counts, out=image, where=counts > 0)
    return HeatmapImage(image, (fr, fc), bounds)


def colour_indices(image: np.ndarray, low: float, high: float) -> np.ndarray:
    """uint8 indices into a COLOURS-entry colour table for levels (low, high); TRANSPARENT for NaN/inf."""
    scale = COLOURS / (high - low) if high > low else 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = (image - low) * scale
        np.clip(scaled, 0, COLOURS - 1, out=scaled)
    scaled[~np.isfinite(image)] = TRANSPARENT
    return scaled.astype(np.uint8)


#: Mantissas of the colour levels' steps (see nice_levels).
_NICE_MANTISSAS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def _nice_above(value: float) -> float:
    """The smallest m·10^e >= value with m in _NICE_MANTISSAS (value > 0)."""
    return nice_above(value, _NICE_MANTISSAS)


def nice_levels(low: float, high: float) -> tuple[float, float]:
    """Colour levels that cover (low, high), rounded outwards to a coarse grid: a symmetric pair
    (-b, b) to b = m·10^e, others to multiples of a twentieth of the range's nice size.

    Levels that follow the data exactly change with every recomputation, and each change makes
    the colour bar's axis lay out its labels again (3-8 ms each; the explorer has six colour bars,
    the map's changing with every progressive snapshot). Rounded, they mostly stay put.
    """
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return low, high
    if low == -high:
        bound = _nice_above(high)
        return -bound, bound
    step = _nice_above(high - low) / 20.0
    return math.floor(low / step) * step, math.ceil(high / step) * step


class IndexedImageItem(pg.ImageItem):
    """``pg.ImageItem`` for 8-bit colour indices (2-D uint8) and a colour table of at most 256 RGBA
    entries, set once (``setLookupTable``): the table is made into Qt's colour table once, not on
    every new image. pyqtgraph's ``render`` (the reference, still used for any other image) builds
    it again for each one (256 ``qRgba`` calls, ~0.15-0.3 ms; the explorer draws seven heatmaps per
    change of ρ) and gives the same QImage (Indexed8, the table's colours)."""

    _colour_table: list[int] | None = None
    #: without an image: whether one is on its way (:meth:`Heatmap.clear`), else it shows no value
    awaiting = True

    def setLookupTable(self, lut, update: bool = True) -> None:  # noqa: N802 (pyqtgraph naming)
        self._colour_table = None
        if isinstance(lut, np.ndarray) and lut.dtype == np.uint8 and lut.ndim == 2 and lut.shape[1] == 4 \
                and lut.shape[0] <= 256:
            red, green, blue, alpha = (lut[:, channel].astype(np.uint32) for channel in range(4))
            self._colour_table = ((alpha << 24) | (red << 16) | (green << 8) | blue).tolist()  # qRgba
        super().setLookupTable(lut, update)

    def render(self) -> None:
        image = self.image
        if (self._colour_table is None or image is None or image.dtype != np.uint8 or image.ndim != 2
                or image.size == 0 or self.levels is not None or self.autoDownsample
                or self.axisOrder != "row-major"):
            super().render()
            return
        qimage = pg.functions.ndarray_to_qimage(np.ascontiguousarray(image), QImage.Format.Format_Indexed8)
        qimage.setColorTable(self._colour_table)
        self._processingBuffer = self._displayBuffer = None
        self.qimage = qimage
        self._renderRequired = False
        self._unrenderable = False


class Heatmap:
    """An ImageItem placed in data coordinates, with an optional colour bar and hover look-up.

    ``set_data(values, x0, y0)`` shows ``values: (rows, cols)`` with cell (r, c) centred on
    (x0 + c, y0 + r); NaN cells are transparent (the view's grey background shows through).

    The image is drawn as 8-bit colour indices with a colour table (Qt's indexed format: no
    per-pixel conversion when painting) and at most ``image_side()`` pixels per side (block means
    beyond that): the (t, k) map at T = 2000 took 220 ms per redraw as a float image with NaNs,
    1 ms as indices. ``values`` keeps the full data for the hover read-out and exports.
    """

    def __init__(self, plot: pg.PlotItem, colormap: str, label: str | None, levels=None, symmetric=False,
                 few_ticks: bool = False, min_half_range: float = 1e-12, short_label: str | None = None,
                 steady: bool = False):
        """``steady``: colour levels for data that arrive in parts (the progressive map): while the
        data are partial the levels only widen, and the levels shown before are kept while the
        complete data fill most of them (:func:`rnnviz.app.plots.steady.steady_range`), so the
        colours mean the same from the first part to the last and the colour bar is not laid out
        again for each part."""
        self.plot = plot
        self.steady = steady
        self.label, self.short_label = label, short_label
        self.min_half_range = min_half_range
        self.few_ticks = few_ticks
        self.image = IndexedImageItem(axisOrder="row-major")
        plot.addItem(self.image)
        plot.getViewBox().setBackgroundColor(QColor("#d9d9d9"))
        self.fixed_levels = levels
        self.symmetric = symmetric
        table = np.zeros((TRANSPARENT + 1, 4), dtype=np.uint8)  # the last entry stays transparent
        table[:COLOURS] = pg.colormap.get(colormap).getLookupTable(nPts=COLOURS, alpha=True)
        self.image.setLookupTable(table)
        # The colour bar shows the colour map and the levels; it would set both on the images it
        # controls, so it controls a stand-in that is never drawn.
        self._bar_image = pg.ImageItem(axisOrder="row-major")
        self.colorbar = CachedColorBarItem(values=levels or (0.0, 1.0), colorMap=pg.colormap.get(colormap),
                                        label=label, interactive=False, width=14)
        self.colorbar.setImageItem(self._bar_image, insert_in=plot)
        self.colorbar.axis.labels_inside = True  # stacked bars (the gates' rows): end labels never touch
        self._tick_pt = NORMAL_STYLE["font_pt"]
        self._shown_label: tuple | None = None
        self.colorbar.geometryChanged.connect(self._fit_to_height)
        self.values: np.ndarray | None = None
        self.levels: tuple[float, float] | None = None
        self.shown: HeatmapImage | None = None
        self.x0 = 0.0
        self.y0 = 0.0
        #: says what a heatmap drawn in one colour shows (PlotPanel.register_heatmap gives it one)
        self.note: EmptyNote | None = None
        self._scale_shown = True

    def set_data(self, values: np.ndarray, x0: float = 0.0, y0: float = 0.0,
                 prepared: HeatmapImage | None = None, partial: bool = False) -> None:
        """Show ``values``; ``prepared``: its :func:`downsample_image` made elsewhere (off the UI
        thread); ``partial``: more of the data is still to come (see ``steady``)."""
        values = np.asarray(values, dtype=np.float64)
        self.values, self.x0, self.y0 = values, float(x0), float(y0)
        rows, cols = values.shape
        if rows == 0 or cols == 0:
            self.clear()
            return
        shown = prepared if prepared is not None else downsample_image(values, image_side())
        self.shown = shown
        levels = self.fixed_levels or self._levels(shown.bounds)
        if self.steady and not self.fixed_levels and self.levels is not None:
            if partial:
                levels = (min(levels[0], self.levels[0]), max(levels[1], self.levels[1]))
            else:
                levels = steady_range(self.levels, levels)
        self.levels = levels
        self.image.setImage(colour_indices(shown.image, *levels), autoLevels=False, levels=None)
        fr, fc = shown.factors
        height, width = shown.image.shape
        self.image.setRect(QRectF(x0 - 0.5, y0 - 0.5, width * fc, height * fr))
        self.colorbar.setLevels(values=levels)
        if self.few_ticks:
            self._fit_ticks()
        self.image.awaiting = False
        if shown.bounds is not None:
            self._show_scale(True)
        elif not partial:   # (the progressive map's first parts may hold no value yet)
            self._show_scale(False)
        self._note_one_colour()

    def _show_scale(self, shown: bool) -> None:
        """The colour bar only beside values it colours: with none (all weights zero, every
        gradient exactly 0, which has no place on a log scale) it showed the stand-in levels 0 … 1,
        a scale of nothing, beside the plot's note that says why it is empty."""
        if shown != self._scale_shown:
            self._scale_shown = shown
            self.colorbar.setVisible(shown)

    def _note_one_colour(self) -> None:
        """A heatmap whose every cell has one colour says what value that is: all weights zero made
        every hₜ exactly 0, a pale square barely apart from the grey of "no value", without a word
        (the values' finite bounds, found off the UI thread, tell it: no pass over the cells here)."""
        if self.note is None:
            return
        bounds = None if self.shown is None or self.levels is None else self.shown.bounds
        text = ""
        # (data spanning more than a colour's step have two colours at least: no look-up then)
        if bounds is not None and bounds[1] - bounds[0] <= (self.levels[1] - self.levels[0]) / COLOURS:
            low, high = bounds
            ends = colour_indices(np.array([low, high], dtype=np.float64), *self.levels)
            if ends[0] == ends[1]:
                value = f"{low:.3g}" if f"{low:.3g}" == f"{high:.3g}" else f"{low:.3g} … {high:.3g}"
                text = QCoreApplication.translate("Heatmap", "Every cell is {0}").format(value)
        if text != self.note.text():   # as it is (hidden, mostly): not laid out again at each change
            self.note.set_text(text)

    def set_scale(self, levels: tuple[float, float] | None, colormap: pg.ColorMap | None = None) -> None:
        """Show only the colour bar, at ``levels`` (and ``colormap``): the scale of items that colour
        themselves (the image stays empty). ``levels`` None: those items hold no value to colour,
        and no scale is shown (see :meth:`_show_scale`)."""
        self._show_scale(levels is not None)
        if levels is None:
            return
        if colormap is not None and colormap is not self.colorbar.colorMap():
            self.colorbar.setColorMap(colormap)
        self.levels = (float(levels[0]), float(levels[1]))
        self.colorbar.setLevels(values=self.levels)
        if self.few_ticks:
            self._fit_ticks()

    def set_label(self, label: str, short_label: str | None = None) -> None:
        """A new colour-bar label (laid out again only when it changed)."""
        if (label, short_label) != (self.label, self.short_label):
            self.label, self.short_label = label, short_label
            self._shown_label = None
            self._fit_label()

    def _fit_to_height(self) -> None:
        self._fit_ticks()
        self._fit_label()

    def _fit_label(self) -> None:
        """The colour bar's label in the bar's height: smaller, or its short form, where it is short."""
        if not self.label:
            return
        # A vertical pg.ColorBarItem puts its values on the right axis and its label on the left one.
        label_axis = self.colorbar.getAxis("left")
        height = label_axis.height()
        candidates = [self.label] + ([self.short_label] if self.short_label else [])
        choice = fitting_text(candidates, self._tick_pt, height if height > 0 else 1e9)
        if choice != self._shown_label:
            self._shown_label = choice
            text, points = choice
            label_axis.setLabel(text, **{"font-size": f"{points}pt"})

    def _fit_ticks(self) -> None:
        """Low, middle and high level on the colour bar; only as many as its height holds apart.
        A bar too short for its two end values at the plot's font shows them smaller (down to
        MIN_TEXT_PT): a scale is never without numbers."""
        if not self.few_ticks:
            return
        low, high = self.levels or self.fixed_levels or (0.0, 1.0)
        height = self.colorbar.axis.height()
        # The labels lie within the bar's height (CachedAxisItem.labels_inside): each needs about a
        # line (a line's leading may overlap the next; the digits do not).
        if height >= 3.0 * line_height(self._tick_pt):
            points, values = self._tick_pt, (low, (low + high) / 2, high)
        else:
            points = next((pt for pt in range(self._tick_pt, MIN_TEXT_PT - 1, -1)
                           if height >= 1.8 * line_height(pt)), MIN_TEXT_PT)
            values = (low, high)
        axis = self.colorbar.axis
        font = axis.style.get("tickFont")
        if font is None or font.pointSize() != points:
            font = QFont()
            font.setPointSize(points)
            axis.setStyle(tickFont=font)
        ticks = [list(zip(values, distinct_labels(values)))]
        if ticks != axis._tickLevels:
            axis.setTicks(ticks)

    def _levels(self, bounds) -> tuple[float, float]:
        if bounds is None:
            return (0.0, 1.0)
        low, high = finite_range(np.asarray(bounds), symmetric=self.symmetric, min_half_range=self.min_half_range)
        return nice_levels(low, high)

    def clear(self, awaiting: bool = False) -> None:
        """Show no data, and no scale: the colour bar kept the levels of the data gone ("not
        computed: over the memory budget" beside a scale of the map before). ``awaiting``: new data
        are on their way (the map being computed): the scale stays, at levels the new data keep
        while they fill them (``steady``), not hidden and shown again at every change."""
        self.values = None
        self.shown = None
        self.image.clear()
        self.image.awaiting = awaiting
        if not awaiting:
            self._show_scale(False)
        self._note_one_colour()

    def set_font(self, points: int) -> None:
        self._tick_pt = points
        font = QFont()
        font.setPointSize(points)
        axis = self.colorbar.axis
        axis.setStyle(tickFont=font)
        axis.setTextPen(pg.mkPen("k"))
        axis.setWidth(int(points * 4.5))
        self._shown_label = None
        self._fit_to_height()

    def value_at(self, x: float, y: float) -> float | None:
        """The shown value at data point (x, y), or None outside the image."""
        if self.values is None:
            return None
        col = int(np.floor(x - self.x0 + 0.5))
        row = int(np.floor(y - self.y0 + 0.5))
        rows, cols = self.values.shape
        if 0 <= row < rows and 0 <= col < cols:
            return float(self.values[row, col])
        return None


def distinct_labels(values, digits: int = 2, most: int = 6) -> list[str]:
    """Labels of ``values`` at the fewest significant digits, from ``digits`` up to ``most``, that
    tell them apart: at two digits a sweep whose every cell is 12 (levels 11.5 … 12.5) labelled its
    colour bar "12", "12", "12", and reaches of 120 … 124 read "1.2e+02" three times."""
    texts = [f"{value:.{digits}g}" for value in values]
    while len(set(texts)) < len(texts) and digits < most:
        digits += 1
        texts = [f"{value:.{digits}g}" for value in values]
    return texts


class EmptyNote:
    """A sentence in the middle of a plot area that says why the plot shows nothing ("All gradients
    are exactly 0": with all weights zero the BPTT plots were empty without a word). It lies on the
    view box itself, not in data coordinates: no range holds or moves it, and it wraps to the
    plot area's width."""

    def __init__(self, plot: pg.PlotItem, points: int = NORMAL_STYLE["font_pt"], backed: bool = False,
                 bare_axes: tuple[str, ...] = ()):
        """``backed``: on a pale background (a note over coloured cells: dark grey on the viridis
        teal of 0.5 was hard to read, and grid lines ran through it). ``bare_axes``: the axes
        ("left", "bottom") that show no values while the note is shown: the values of what the
        plot would show, had it data (its y axis read 0.25 … 0.75 under "All gradients are exactly 0")."""
        self.plot = plot
        self.bare_axes = bare_axes
        self.item = pg.TextItem("", color=QColor(60, 60, 60), anchor=(0.5, 0.5),
                                fill=pg.mkBrush(255, 255, 255, 215) if backed else None)
        self.item.setParentItem(plot.vb)
        self.item.setZValue(100)
        self.item.hide()
        self.set_font(points)
        plot.vb.sigResized.connect(self._place)

    def set_text(self, text: str) -> None:
        """Show ``text`` (empty: hide the note)."""
        if text != self.item.toPlainText():
            self.item.setText(text)
        self.item.setVisible(bool(text))
        for side in self.bare_axes:
            axis = self.plot.getAxis(side)
            if isinstance(axis, CachedAxisItem):
                axis.hide_values(bool(text))   # (its room kept: no layout at each empty state)
            elif axis.style.get("showValues", True) == bool(text):
                axis.setStyle(showValues=not text)
        self._place()

    def text(self) -> str:
        return self.item.toPlainText() if self.item.isVisible() else ""

    def set_font(self, points: int) -> None:
        font = QFont()
        font.setPointSize(points)
        self.item.setFont(font)
        self._place()

    def _place(self, *_args) -> None:
        view = self.plot.vb
        room = max(40.0, 0.9 * view.width())
        if self.item.fill.style() != Qt.BrushStyle.NoBrush:   # its background no wider than its text
            self.item.setTextWidth(-1)
            room = min(room, self.item.textItem.document().idealWidth() + 1.0)
        self.item.setTextWidth(room)
        self.item.textItem.document().setDefaultTextOption(QTextOption(Qt.AlignmentFlag.AlignCenter))
        self.item.setPos(view.width() / 2.0, view.height() / 2.0)


def line_height(points: int) -> float:
    """Height in pixels of a line of text at ``points``."""
    font = QFont()
    font.setPointSize(points)
    return QFontMetricsF(font).height()


def prepared_heatmap(fast, name: str) -> HeatmapImage | None:
    """The image of heatmap ``name`` the explorer's worker prepared beside ``fast`` (None: none)."""
    images = getattr(fast, "images", None)
    return None if images is None else images.heatmaps.get(name)


def reroute_export(scene: pg.GraphicsScene, export) -> None:
    """Make the Export… entry of ``scene``'s right-click menu call ``export()`` rather than open
    pyqtgraph's export dialog (whose item list and option values pyqtgraph does not translate)."""
    action = scene.contextMenu[0]
    action.triggered.disconnect()
    action.triggered.connect(export)


#: The share of a tick label's laid-out height (pyqtgraph's: 0.8 of a line) its digits take: labels
#: closer than this, centre to centre, run into each other.
LABEL_INK_SHARE = 0.85


def _nice_steps(low: float, high: float, whole: bool = False) -> list[float]:
    """Nice steps (1, 2, 2.5 or 5 × 10ᵉ) around the span of [low, high], largest first; ``whole``:
    only whole steps (an axis of time steps or loss steps: no 2.5, nothing below 1)."""
    exponent = math.floor(math.log10(high - low))
    steps = (mantissa * 10.0 ** power for power in range(exponent - 2, exponent + 2)
             for mantissa in (1.0, 2.0, 2.5, 5.0))
    return sorted((step for step in steps if not whole or (step >= 1.0 and float(step).is_integer())),
                  reverse=True)


def _multiples(step: float, low: float, high: float) -> list[float]:
    first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
    return [index * step for index in range(first, last + 1)]


def tick_spacing(low: float, high: float, fitting: int, margin: float = 0.0, least: float = 0.0,
                 whole: bool = False) -> float:
    """The largest nice step (1, 2, 2.5 or 5 × 10ᵉ) with at least two and at most ``fitting``
    multiples in [low + margin, high - margin] (one, where only one fits); ``margin``: how far
    inside the ends a labelled tick must lie (half a label's height: pyqtgraph leaves out a label
    that reaches past the axis, and in a row 33 px high the "1" at its top went, leaving "0" alone);
    ``least``: the smallest step whose labels do not overlap (a label's height in data units: three
    labels 18 px apart in a 77 px plot ran into each other); ``whole``: whole steps only."""
    for wanted in (min(2, fitting), 1):
        for step in _nice_steps(low, high, whole):
            if step < least * (1.0 - 1e-9) or step > high - low:
                continue
            if wanted <= len(_multiples(step, low + margin, high - margin)) <= fitting:
                return step
    return nice_above(high - low)


def space_value_ticks(plot: pg.PlotItem, most: int | None = None) -> None:
    """``plot``'s value (left) ticks as far apart as their labels need, at least two where two fit
    and each at least half a label inside the axis's ends (see :func:`tick_spacing`); where no
    regular step has two labels that fit, the outermost two of the largest step with two (±0.05 of
    a range from -0.12 to 0.14 in 39 px). ``most``: only where fewer than this many labels fit (else
    pyqtgraph's own ticks, with their finer levels). pyqtgraph chose one label for short plots: "0"
    alone under gate means of 0.5 to 0.9, and under ‖∂L/∂hₜ‖ between 10^-0.1 and 10^0.1 at 1280×720."""
    axis = plot.getAxis("left")
    low, high = plot.vb.viewRange()[1]
    height = plot.vb.height()
    if height <= 0 or not high > low:
        return
    font = axis.style.get("tickFont")
    # pyqtgraph measures a label at 0.8 of its font's height and draws a level whose labels fill
    # at most 80 % of the axis (its textFillLimits): labels a line apart fit
    text_height = QFontMetricsF(font if font is not None else axis.font()).height()
    fitting = max(1, int(height // text_height))
    # pyqtgraph lays a label out 0.8 of a line high and leaves out one that reaches past the axis
    # (an axis with labels_inside moves it in instead)
    margin = 0.0 if getattr(axis, "labels_inside", False) else 0.5 * 0.8 * text_height / height * (high - low)
    # labels this far apart (centre to centre) never touch: pyqtgraph lays a label out 0.8 of a
    # line high, and its digits take LABEL_INK_SHARE of that
    least = LABEL_INK_SHARE * 0.8 * text_height
    whole = getattr(axis, "whole_numbers", False)
    choice = None   # pyqtgraph's ticks
    if most is None or fitting < most:
        spacing = tick_spacing(low, high, fitting, margin, least=least / height * (high - low), whole=whole)
        choice = ("spacing", spacing)
        if fitting >= 2 and len(_multiples(spacing, low + margin, high - margin)) < 2:
            for step in _nice_steps(low, high, whole):
                shown = _multiples(step, low + margin, high - margin)
                if len(shown) >= 2:
                    if (shown[-1] - shown[0]) / (high - low) * height >= least:
                        choice = ("ticks", (shown[0], shown[-1]), step)
                    break
    if getattr(axis, "_value_ticks", None) == choice:
        return
    axis._value_ticks = choice
    if choice is None:
        axis.setTicks(None)
        axis.setTickSpacing()
    elif choice[0] == "spacing":
        axis.setTicks(None)
        axis.setTickSpacing(choice[1], choice[1])
    else:
        axis.setTickSpacing()
        axis.setTicks([[(value, axis.tickStrings([value], 1.0, choice[2])[0]) for value in choice[1]]])


class PlotPanel(QWidget):
    """Base class of the six explorer plots.

    Subclasses set ``name`` (used by `rnnviz screenshot --plot` and export file names) and
    ``title``, build their plot items in ``__init__`` and implement ``show_fast`` / ``csv_tables``.
    """

    name = "plot"
    title = QT_TRANSLATE_NOOP("Names", "Plot")
    #: The least height of the plot widget (taller where its layout needs it).
    min_graphics_height = GRAPHICS_MIN_SIZE[1]
    #: True: ``show_fast`` reads only what the forward pass gives (a ForwardResult's fields), so the
    #: window draws this plot from the forward part of a result, before the gradients are computed.
    forward_only = False
    #: Emitted with the panel's name on a double click: the window shows this plot alone (or all again).
    focus_requested = Signal(str)
    #: Emitted with the panel's name by its "?" button: the window opens the plot's explanation.
    explain_requested = Signal(str)
    #: Emitted with the panel by the right-click menu's Export…: the window's export dialog (PNG,
    #: SVG or CSV, in the interface language, remembering the folder) instead of pyqtgraph's.
    export_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"plot_{self.name}")
        self.title = names(type(self).title)  # the class's title in the interface language
        self.graphics = HeldLayoutWidget()
        self.graphics.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.graphics.setMinimumSize(GRAPHICS_MIN_SIZE[0], self.min_graphics_height)
        # Never shorter than its plots' layout needs: a layout taller than its widget is laid out
        # past the widget's bottom edge, and its last row (a legend) is cut in half there.
        self.graphics.ci.geometryChanged.connect(self._hold_layout_height)
        # Tight margins and row spacing: in a sixth of a 1280×720 screen every row of pixels counts.
        self.graphics.ci.setContentsMargins(3, 3, 3, 3)
        self.graphics.ci.layout.setSpacing(3)
        self.graphics.setToolTip(self.tr("Double-click: show this plot alone / all plots again. "
                                 "Right-click: pyqtgraph menu (view, export). Mouse wheel: zoom."))
        self.readout = ReadoutLabel()
        self.readout.setObjectName(f"readout_{self.name}")
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fit_button = QToolButton()
        self.fit_button.setObjectName(f"fit_{self.name}")
        self.fit_button.setText(self.tr("Fit"))
        self.fit_button.setAutoRaise(True)
        self.fit_button.setToolTip(self.tr("Fit the view to the plotted data again (Ctrl+0). A zoom or pan with the "
                                   "mouse is kept through every change until then."))
        self.fit_button.setEnabled(False)
        self.fit_button.clicked.connect(self.fit_view)
        self.help_button = QToolButton()
        self.help_button.setObjectName(f"explain_{self.name}")
        self.help_button.setText("?")
        self.help_button.setAutoRaise(True)
        self.help_button.setToolTip(QCoreApplication.translate(
            "PlotPanel", "What this plot shows and how to read it (Shift+F1, then click a plot: the same)"))
        self.help_button.clicked.connect(lambda: self.explain_requested.emit(self.name))
        self.help_button.setVisible(text_path("explanations", self.name) is not None)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(1)
        layout.addWidget(self.graphics, 1)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.readout, 1)
        bottom.addWidget(self.fit_button)
        bottom.addWidget(self.help_button)
        layout.addLayout(bottom)
        self._zoomed: list[pg.PlotItem] = []  # plots the user zoomed or panned since the last fit
        self._chrome: list[QWidget] = [self.readout, self.fit_button, self.help_button]
        self.style = dict(NORMAL_STYLE)
        self.presentation = False
        self._restyle_when_shown = False   # presentation mode changed while hidden (set_presentation)
        self._labelled: list[tuple[pg.PlotItem, str, tuple[str, str | None], tuple[str, str | None]]] = []
        self._pens: list[tuple[object, str, str, float]] = []
        self._markers: list[tuple[object, float]] = []  # scatter items whose size follows the style
        self._external_legends: list[pg.LegendItem] = []
        self._heatmaps: list[Heatmap] = []
        self._empty_notes: list[EmptyNote] = []
        reroute_export(self.graphics.scene(), lambda: self.export_requested.emit(self))
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.graphics.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self._hover: list[tuple[pg.PlotItem, callable]] = []
        self.fast = None

    def _hold_layout_height(self) -> None:
        """The plot widget's minimum height: its layout's minimum (rows of heatmaps, a summary, a
        legend), else min_graphics_height. The rows around the panel then give it that height."""
        graphics = self.graphics
        need = graphics.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize).height() + 2 * graphics.frameWidth()
        height = max(self.min_graphics_height, math.ceil(need))
        if height != graphics.minimumHeight():
            graphics.setMinimumHeight(height)

    # -- building blocks ----------------------------------------------------------------------
    def add_plot(self, row: int, col: int, title: str, x_label: tuple[str, str | None],
                 y_label: tuple[str, str | None], hover=None, legend: bool = False, left_axis_chars: float = 5.5,
                 hide_x_values: bool = False, short_y: str | None = None, short_title: str | None = None,
                 steady_y: bool = False, steady_x: bool = False, whole_x: bool = False,
                 whole_y: bool = False, **kwargs) -> pg.PlotItem:
        """Add a PlotItem with title and axis labels (text, units); ``hover(x, y) -> str`` feeds the read-out.

        ``left_axis_chars``: width of the left axis in units of the font size (room for tick labels).
        ``short_y``, ``short_title``: the y label and the title where the plot is too short or too
        narrow for the whole ones (see :meth:`fit_text`). ``steady_y``: the automatic y range stays
        put while the data move a little (:mod:`rnnviz.app.plots.steady`): for curves whose values
        change with every recomputation; ``steady_x``: the automatic x range too (a value axis,
        not time). ``whole_x``, ``whole_y``: the axis counts whole things (steps, units, indices),
        so its ticks are whole numbers.
        """
        # Titles, labels and units defined as names (QT_TRANSLATE_NOOP) are shown translated here;
        # text the caller translated already passes unchanged.
        title, short_y, short_title = names(title), short_y and names(short_y), short_title and names(short_title)
        x_label, y_label = (tuple(part and names(part) for part in label) for label in (x_label, y_label))
        kwargs.setdefault("axisItems", cached_axes())
        if steady_y or steady_x:
            kwargs.setdefault("viewBox", SteadyViewBox(steady_x=steady_x))
        plot = self.graphics.addPlot(row=row, col=col, **kwargs)
        plot.showGrid(x=True, y=True, alpha=0.25)
        for side, whole in (("bottom", whole_x), ("left", whole_y)):
            plot.getAxis(side).whole_numbers = whole
        plot.left_axis_chars = left_axis_chars
        plot.hide_x_values = hide_x_values
        plot.short_y = short_y
        plot.short_title = short_title
        plot.shown_text = {}
        if legend:
            legend_below(plot, self.legend_pt())
        plot.vb.sigRangeChangedManually.connect(lambda *_args, plot=plot: self._zoomed_by_user(plot))
        plot.vb.sigResized.connect(lambda _vb, plot=plot: self.fit_text(plot))
        self._labelled.append((plot, title, x_label, y_label))
        self._apply_labels(plot, title, x_label, y_label)
        if hover is not None:
            self._hover.append((plot, hover))
        return plot

    def set_title(self, plot: pg.PlotItem, title: str) -> None:
        """Change a plot's title (kept across presentation-mode restyling).

        An unchanged title is left alone: laying out its rich text costs ~0.3 ms, and the
        cheap plots set their titles on every recomputation."""
        title = names(title)
        for index, (item, old, x_label, y_label) in enumerate(self._labelled):
            if item is plot:
                if old == title:
                    return
                self._labelled[index] = (item, title, x_label, y_label)
        if getattr(plot, "shown_text", None) is None:
            self._set_plot_title(plot, title)
            return
        plot.shown_text.pop("title", None)
        self.fit_text(plot)

    def keep_square(self, plot: pg.PlotItem, column: int, neighbour: pg.PlotItem | None = None) -> None:
        """Lock ``plot``'s aspect (the eigenvalues' unit circle stays round) and keep its column no
        wider than its axes and a square view need: the rest of the row goes to its neighbours.
        Else a row far wider than high (all plots in presentation mode, the Compare tab at 1280×720)
        left the circle a third of the plot's width, between wide empty margins. ``neighbour``:
        the plot beside it in its row, whose title keeps nearly its size too."""
        plot.setAspectLocked(True)
        plot.vb.sigResized.connect(lambda: self._fit_square_column(plot, column, neighbour))
        # ... and when the row is resized: the column's width is fixed, so its view box keeps its
        # width when the panel narrows (back to all plots from the plot alone) and pushed its
        # neighbour past the panel's edge
        self.graphics.ci.geometryChanged.connect(lambda: self._fit_square_column(plot, column, neighbour))

    def _title_px(self, plot: pg.PlotItem) -> float:
        """Pixels ``plot``'s (short) title takes at 90 % of its size."""
        entry = next((entry for entry in self._labelled if entry[0] is plot), None)
        title = getattr(plot, "short_title", None) or (entry[1] if entry is not None else "")
        return text_width(title, math.ceil(self.style["title_pt"] * 0.9), bold=True) + 4 if title else 0.0

    def _fit_square_column(self, plot: pg.PlotItem, column: int, neighbour: pg.PlotItem | None = None) -> None:
        chrome = plot.geometry().width() - plot.vb.width()   # axes and margins
        # ... and never narrower than its (short) title at nearly its size: the title is not shrunk;
        # at most SQUARE_COLUMN_SHARE of the row, and never so wide that the neighbour's title
        # shrinks (a share of a narrow row left by the column stretch shrank "Eigenvalues" to 7 pt
        # beside an 11 pt "Singular values" at 1280×720, and a tall row left it a narrow column)
        row = self.graphics.ci.width()
        widest = SQUARE_COLUMN_SHARE * row
        if neighbour is not None:
            spacing = 3 * self.graphics.ci.layout.horizontalSpacing() + 6   # spacing and margins
            widest = min(widest, row - spacing - (neighbour.geometry().width() - neighbour.vb.width())
                         - self._title_px(neighbour))
        square = chrome + SQUARE_VIEW_SLACK * plot.vb.height()
        width = round(max(chrome + self._title_px(plot), min(square, widest)))
        layout = self.graphics.ci.layout
        if abs(layout.columnMaximumWidth(column) - width) > 2 or abs(layout.columnMinimumWidth(column) - width) > 2:
            layout.setColumnMinimumWidth(column, width)
            layout.setColumnMaximumWidth(column, width)

    def add_legend_row(self, row: int, col: int = 0, compact: bool = False, **kwargs) -> FlowLegend:
        """A legend in its own layout cell (below a plot), so it never covers data (``compact``:
        see :class:`FlowLegend`)."""
        legend = FlowLegend(self.legend_pt(), compact)
        self.graphics.addItem(legend, row=row, col=col, **kwargs)
        self._external_legends.append(legend)
        return legend

    # -- view ranges: fitted to the data until the user zooms, and again on "Fit" ---------------------
    def _zoomed_by_user(self, plot: pg.PlotItem) -> None:
        if plot not in self._zoomed:
            self._zoomed.append(plot)
        self.fit_button.setEnabled(True)

    def user_zoomed(self, plot: pg.PlotItem) -> bool:
        """Whether the user zoomed or panned ``plot`` since the last fit (its range is then kept)."""
        return plot in self._zoomed

    def user_views(self) -> dict[int, list]:
        """The ranges the user zoomed or panned to: ``{place: [x_range, y_range]}``, a plot's place
        being the order of :meth:`add_plot` (a language switch carries them to the rebuilt panel)."""
        return {place: plot.vb.viewRange() for place, (plot, *_rest) in enumerate(self._labelled) if plot in self._zoomed}

    def set_user_views(self, views: dict[int, list]) -> None:
        """Show :meth:`user_views` of a panel built the same way, kept as the user's zoom (until Fit)."""
        plots = [plot for plot, *_rest in self._labelled]
        for place, (x_range, y_range) in views.items():
            if place < len(plots):
                plots[place].setRange(xRange=x_range, yRange=y_range, padding=0)
                self._zoomed_by_user(plots[place])

    def set_view_range(self, plot: pg.PlotItem, x_range=None, y_range=None, padding: float = 0.0) -> None:
        """A panel's own range for ``plot`` (instead of pyqtgraph's auto-range), unless the user zoomed it."""
        if self.user_zoomed(plot):
            return
        if x_range is not None:
            plot.setXRange(*x_range, padding=padding)
        if y_range is not None:
            plot.setYRange(*y_range, padding=padding)

    def fit_view(self) -> None:
        """Forget the user's zoom: every plot shows its data again (auto-range, or the panel's ranges)."""
        self._zoomed.clear()
        self.fit_button.setEnabled(False)
        for plot, *_ in self._labelled:
            plot.enableAutoRange()
        self.fit_ranges()

    def fit_ranges(self) -> None:
        """Set the ranges a panel chooses itself (through :meth:`set_view_range`); auto-range otherwise."""

    def clear_readout(self) -> None:
        """Empty the read-out (its values belong to the configuration that was hovered)."""
        self.readout.setText("")

    def pen(self, item, color: str, style: str = "solid", scale: float = 1.0):
        """Give ``item`` (PlotDataItem/InfiniteLine) a pen that follows presentation mode."""
        self._pens.append((item, color, style, scale))
        item.setPen(self._make_pen(color, style, scale))
        return item

    def marker(self, item: pg.ScatterPlotItem, scale: float = 1.0) -> pg.ScatterPlotItem:
        """Give a scatter item a marker size that follows presentation mode."""
        self._markers.append((item, scale))
        item.setSize(self.style["marker_px"] * scale)
        return item

    def forget(self, items) -> None:
        """Stop restyling ``items`` (pens and markers of items removed from their plot)."""
        gone = {id(item) for item in items}
        self._pens = [entry for entry in self._pens if id(entry[0]) not in gone]
        self._markers = [entry for entry in self._markers if id(entry[0]) not in gone]

    def _make_pen(self, color: str, style: str, scale: float):
        return styled_pen(color, self.style["line_width"] * scale, style)

    def _set_plot_title(self, plot, title: str) -> None:
        set_plot_title(plot, title, self.style["title_pt"])

    def _apply_labels(self, plot, title, x_label, y_label) -> None:
        font_pt = self.style["font_pt"]
        self._set_plot_title(plot, title)
        label_style = {"font-size": f"{font_pt}pt"}
        # Units go into the text: pyqtgraph's own unit handling rescales ticks with SI prefixes
        # ("50000 mstep"), which is wrong for step counts.
        for side, (text, units) in (("bottom", x_label), ("left", y_label)):
            if text:
                plot.setLabel(side, axis_label_text(text, units), siPrefixEnableRanges=(), **label_style)
            else:
                plot.getAxis(side).showLabel(False)
        tick_font = QFont()
        tick_font.setPointSize(font_pt)
        for axis_name in ("bottom", "left"):
            axis = plot.getAxis(axis_name)
            axis.setStyle(tickFont=tick_font)
            axis.setTextPen(pg.mkPen("k"))
            # pyqtgraph 0.14 rescales a unit-less axis spanning (0, 1] by 1000 ("x0.001") even with
            # auto SI prefixes disabled; an empty set of enabling ranges switches it off for good.
            axis.enableAutoSIPrefix(False)
            axis.setSIPrefixEnableRanges(())
            axis.updateAutoSIPrefix()
        # Keep large-font tick labels from being clipped.
        plot.getAxis("left").setWidth(int(font_pt * getattr(plot, "left_axis_chars", 5.5)))
        plot.getAxis("bottom").setHeight(int(font_pt * (3.6 if x_label[0] else 2.2)))
        if getattr(plot, "hide_x_values", False):
            plot.getAxis("bottom").setStyle(showValues=False)
            plot.getAxis("bottom").setHeight(4)
        if plot.legend is not None:
            resize_legend(plot.legend, self.legend_pt())
        plot.shown_text = {}
        self.fit_text(plot)

    def fit_text(self, plot: pg.PlotItem) -> None:
        """Title and axis labels in the room the plot has: at their size if they fit, else smaller
        (down to :data:`MIN_TEXT_PT`), else the short y label; never wider than the plot.

        Runs whenever the plot area changes size; text is only set again when the choice changed."""
        entry = next((entry for entry in self._labelled if entry[0] is plot), None)
        shown = getattr(plot, "shown_text", None)
        if entry is None or shown is None:
            return
        _plot, title, x_label, y_label = entry
        laid_out = plot.vb.width() > 0 and plot.vb.height() > 0  # else: full size until it is
        width = plot.vb.width() if laid_out else 1e9
        height = plot.vb.height() if laid_out else 1e9
        if title:
            short = getattr(plot, "short_title", None)
            text, points = fitting_text([title] + ([short] if short else []), self.style["title_pt"], width, bold=True)
            if shown.get("title") != (text, points):
                shown["title"] = (text, points)
                set_plot_title(plot, text, points)
        elif shown.get("title") != ("", 0):
            shown["title"] = ("", 0)
            set_plot_title(plot, "", self.style["title_pt"])
        for side, label, room in (("bottom", x_label, width), ("left", y_label, height)):
            if not label[0]:
                continue
            full = axis_label_text(*label)
            short = getattr(plot, "short_y", None) if side == "left" else None
            text, points = fitting_text([full] + ([short] if short else []), self.style["font_pt"], room)
            if shown.get(side) != (text, points):
                shown[side] = (text, points)
                plot.setLabel(side, text, siPrefixEnableRanges=(), **{"font-size": f"{points}pt"})

    def set_presentation(self, on: bool) -> None:
        """Large fonts and thick lines for lectures (where the panel is large enough for them). A
        hidden panel takes its style when it is shown: presentation mode shows one plot, and
        restyling all of them at once held the UI thread (with their paints) 160-270 ms. So does a
        panel on a tab not shown (the Compare and Experiments plots, the explorer's from another
        tab): restyled in the turn of the change, the Compare plots alone took ~4 ms of a turn of
        ~100 ms (presentation on, 1600×1000), and nobody saw them."""
        self.presentation = bool(on)
        if self.isHidden() or (QWidget.window(self).isVisible() and not self.isVisible()):   # (BpttPanel.window: its band)
            self._restyle_when_shown = True
            return
        self.restyle(force=True)

    def presentation_fits(self) -> bool:
        """Whether the panel is large enough for the presentation style (a hidden panel is assumed
        to be: presentation mode shows one plot at a time, and its resize re-decides)."""
        if self.isHidden():
            return True
        width, height = PRESENTATION_MIN_SIZE
        return self.width() >= width and self.height() >= height

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        if self.presentation:
            self.restyle()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().hideEvent(event)
        if self.presentation:
            self.restyle()  # hidden: ready to be shown alone, in the lecture style

    def showEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        if self._restyle_when_shown:
            if self.updatesEnabled():
                self.apply_pending_style()
            # else: its repaint is held (app/repaint.py), and it takes its style when let go, one
            # panel per turn (showing six plots at once restyled all six in one turn, ~50 ms)
        elif self.presentation:
            self.restyle()

    def apply_pending_style(self) -> None:
        """Before a held repaint is let go: the layout at the panel's present size (HeldLayoutWidget),
        and the style set while the panel was hidden, now that it is shown (see set_presentation)."""
        if self._restyle_when_shown and not self.isHidden():
            self._restyle_when_shown = False
            self.restyle(force=True)
        self.graphics.lay_out_held()   # after the style: the sizes of its text are final

    def apply_style_set_while_not_shown(self) -> None:
        """In the showEvent of the tab that holds the panel: the style presentation mode set while
        the tab was not shown (see set_presentation), before the tab's first paint (the tab switch
        holds the tab's updates until it is done). Nothing when no style waits."""
        if self._restyle_when_shown:
            self.apply_pending_style()

    def restyle(self, force: bool = False) -> None:
        """Apply the style presentation mode and the panel's size call for (``force``: even if unchanged)."""
        style = PRESENTATION_STYLE if self.presentation and self.presentation_fits() else NORMAL_STYLE
        if style == self.style and not force:
            return
        self.style = dict(style)
        for plot, title, x_label, y_label in self._labelled:
            self._apply_labels(plot, title, x_label, y_label)
        for item, color, style, scale in self._pens:
            item.setPen(self._make_pen(color, style, scale))
        for item, scale in self._markers:
            item.setSize(self.style["marker_px"] * scale)
        for plot, *_ in self._labelled:
            restyle_symbols(plot.listDataItems(), self.style)
        for legend in self._external_legends:
            resize_legend(legend, self.legend_pt())
        for heatmap in self._heatmaps:
            heatmap.set_font(self.style["font_pt"])
        for note in self._empty_notes:
            note.set_font(self.style["font_pt"])
        for widget in self._chrome:
            font = widget.font()
            font.setPointSize(self.style["font_pt"])
            widget.setFont(font)

    def chrome(self, widget: QWidget) -> QWidget:
        """Let a widget around the plots (read-out, buttons, a norm chooser) take the plots' text size:
        the window's lecture font would otherwise fill a small panel with it."""
        self._chrome.append(widget)
        font = widget.font()
        font.setPointSize(self.style["font_pt"])
        widget.setFont(font)
        return widget

    def legend_pt(self) -> int:
        return legend_pt(self.style)

    def empty_note(self, plot: pg.PlotItem, backed: bool = False, bare_axes: tuple[str, ...] = ()) -> EmptyNote:
        """A note for ``plot`` that says why it is empty, in the panel's text size (see :class:`EmptyNote`)."""
        note = EmptyNote(plot, self.style["font_pt"], backed, bare_axes)
        self._empty_notes.append(note)
        return note

    def register_heatmap(self, heatmap: "Heatmap") -> "Heatmap":
        """Let the heatmap's colour bar follow presentation mode, and give it a note for the value
        of a heatmap drawn in one colour."""
        self._heatmaps.append(heatmap)
        if heatmap.note is None:
            heatmap.note = self.empty_note(heatmap.plot, backed=True)
        heatmap.set_font(self.style["font_pt"])
        return heatmap

    def _on_mouse_clicked(self, event) -> None:
        if event.double() and event.button() == Qt.MouseButton.LeftButton:
            self.focus_requested.emit(self.name)

    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        for plot, hover in self._hover:
            if plot.sceneBoundingRect().contains(scene_pos) and plot.vb.sceneBoundingRect().contains(scene_pos):
                point = plot.vb.mapSceneToView(scene_pos)
                text = hover(point.x(), point.y())
                self.readout.setText(text or " ")
                return

    # -- interface used by the main window ------------------------------------------------------
    def show_fast(self, fast) -> None:
        """Show the cheap results of one configuration (FastResult)."""
        raise NotImplementedError

    def adopt_fast(self, fast) -> None:
        """Hold the FastResult whose forward part this (``forward_only``) panel shows already: the
        same arrays, so nothing is drawn again; read-outs and exports read the whole result."""
        self.fast = fast

    def show_map(self, map_result) -> None:
        """Show a (partial) (t, k) map; only the map panel cares."""

    @staticmethod
    def build_waits() -> bool:
        """Whether work the panel does over turns of the event loop (:attr:`building`) waits for
        now; the window makes it wait while other panels' repaints follow one another."""
        return False

    @property
    def building(self) -> bool:
        """Whether the panel is still building its rows over turns of the event loop (the gates
        panel after a first switch to a cell); its data are shown once it is done."""
        return False

    def settle(self) -> None:
        """Bring view ranges and axes up to date with new data now, before the repaint."""
        settle_views(self.graphics)

    def export_item(self):
        """The graphics item exported to PNG/SVG (the whole layout of this panel)."""
        return self.graphics.ci

    def csv_notes(self) -> list[str]:
        """Extra comment lines for the CSV header (e.g. what an index column refers to)."""
        return []

    def csv_tables(self) -> dict[str, tuple[list[str], np.ndarray]]:
        """Data of this plot as tables ``name -> (column names, rows (n, columns))``."""
        raise NotImplementedError


#: A dotted line's pattern in pen widths: a mark of (almost) no length, drawn with round caps as a
#: dot one pen width across, every 2.5 widths. Qt's DotLine is a square mark one width long
#: with flat caps; pyqtgraph's default square caps make it two widths long, and at the lecture line
#: width that reads as the dashes of the line next to it.
DOT_PATTERN = (1e-3, 2.5)


def axis_label_text(text: str, units: str | None) -> str:
    """An axis label with its units, ``"distance k (steps)"``: one translated template, so the Chinese
    label reads "距离 k（步）" in full-width brackets, not the English "(…)" pasted round Chinese words."""
    if not units:
        return text
    return QCoreApplication.translate("PlotPanel", "{0} ({1})", "an axis label: quantity (units)").format(text, units)


def styled_pen(color: str, width: float, style: str = "solid"):
    """A pen of ``width`` pixels: solid, dashed, or dotted (round dots at every width, see DOT_PATTERN)."""
    if style == "dot":
        pen = pg.mkPen(color=color, width=width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setDashPattern(list(DOT_PATTERN))
        return pen
    qt_style = {"solid": Qt.PenStyle.SolidLine, "dash": Qt.PenStyle.DashLine}[style]
    return pg.mkPen(color=color, width=width, style=qt_style)


#: The smallest size text is shrunk to before a short form is taken (see PlotPanel.fit_text).
MIN_TEXT_PT = 7


def text_width(html: str, points: float, bold: bool = False) -> float:
    """Width in pixels of rich text ``html`` at ``points`` (as a plot's title or axis label lays it out).

    Remembered per text, size and application font: titles are fitted again on every change that
    sets them (the map's "computing …" and its final title, twice per change of ρ: ~0.7 ms of the
    UI thread each time, before the plots paint), and laying the text out gives the same width."""
    return _text_width(html, float(points), bool(bold), QGuiApplication.font().key())


@functools.lru_cache(maxsize=4096)
def _text_width(html: str, points: float, bold: bool, _application_font: str) -> float:
    document = QTextDocument()
    font = QFont()
    font.setPointSizeF(points)
    font.setBold(bold)
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    document.setHtml(html)
    return float(document.idealWidth())


def fitting_text(candidates: list[str], points: float, room: float, bold: bool = False) -> tuple[str, float]:
    """The first of ``candidates`` (longest first) that fits ``room`` pixels at ``points``, or shrunk
    to no less than 90 % of it; then the last one shrunk as far as MIN_TEXT_PT."""
    room = room - 4  # the text item's own margins
    floor = max(MIN_TEXT_PT, math.ceil(points * 0.9))
    for text in candidates:
        for size in range(int(points), floor - 1, -1):
            if text_width(text, size, bold) <= room:
                return text, float(size)
    text = candidates[-1]
    for size in range(floor - 1, MIN_TEXT_PT - 1, -1):
        if text_width(text, size, bold) <= room:
            return text, float(size)
    return text, float(MIN_TEXT_PT)


def legend_pt(style: dict) -> int:
    """Legends a little smaller than axis text, so they cover less of the data."""
    return max(8, int(round(style["font_pt"] * 0.85)))


def resize_legend(legend: pg.LegendItem, points: int) -> None:
    if isinstance(legend, FlowLegend):
        legend.set_points(points)
        return
    legend.setLabelTextSize(f"{points}pt")
    for _sample, label in legend.items:
        label.setText(label.text, size=f"{points}pt")


def set_plot_title(plot: pg.PlotItem, title: str, title_pt: float, bold: bool = True) -> None:
    """Set a plot's title at ``title_pt``; a title too long for the plot is cut, never widening it."""
    if not title:
        plot.setTitle(None)
        return
    plot.setTitle(title, size=f"{title_pt}pt", bold=bold)
    # pyqtgraph makes the title's text width the plot's minimum width (LabelItem.updateMin, run on
    # every resize), which pushes the layout wider than the widget and clips the right-hand plots.
    # Let a long title be cut instead.
    label = plot.titleLabel
    height = int(title_pt * 2.3)
    label.setMaximumHeight(height)
    label.updateMin = lambda label=label, height=height: _relaxed_update_min(label, height)
    label.updateMin()


def restyle_plot(plot: pg.PlotItem, style: dict, pens: list[tuple[object, float]] | None = None) -> None:
    """Apply NORMAL_STYLE or PRESENTATION_STYLE to a plain PlotItem (title, axes, legend, pens).

    ``pens``: (PlotDataItem, width at the normal style) pairs; their pens follow the style's line width
    and their symbols (if any) its marker size.
    """
    set_plot_title(plot, plot.titleLabel.text, style["title_pt"], bold=False)
    tick_font = QFont()
    tick_font.setPointSize(style["font_pt"])
    for side in ("bottom", "left"):
        axis = plot.getAxis(side)
        axis.setStyle(tickFont=tick_font)
        if axis.labelText:
            axis.setLabel(axis.labelText, units=axis.labelUnits or None, **{"font-size": f"{style['font_pt']}pt"})
    plot.getAxis("left").setWidth(int(style["font_pt"] * 4.5))
    if plot.legend is not None:
        resize_legend(plot.legend, legend_pt(style))
    scale = style["line_width"] / NORMAL_STYLE["line_width"]
    for item, width in pens or ():
        pen = pg.mkPen(item.opts["pen"])
        pen.setWidthF(width * scale)
        item.setPen(pen)
    restyle_symbols([item for item, _ in pens or ()], style)


def symbol_px(style: dict, normal_px: float = NORMAL_STYLE["marker_px"]) -> float:
    """The size of a symbol that is ``normal_px`` in the normal style, in ``style``."""
    return normal_px * style["marker_px"] / NORMAL_STYLE["marker_px"]


def restyle_symbols(items, style: dict) -> None:
    """Give the symbols of PlotDataItems their size in ``style`` (the normal-style size they were
    made with is kept on the item the first time)."""
    for item in items:
        if not isinstance(item, pg.PlotDataItem) or item.opts.get("symbol") is None:
            continue  # bare scatter items follow the style through PlotPanel.marker
        normal = item.__dict__.get("_rnnviz_symbol_px")
        if normal is None:
            normal = item.__dict__["_rnnviz_symbol_px"] = float(item.opts["symbolSize"])
        item.setSymbolSize(symbol_px(style, normal))


_DIGITS = re.compile(r"\d")


class SteadyLabel(QLabel):
    """A label whose size changes only when a text needs more room than it has.

    A label's new text asks its window to lay itself out again (for the status bar's compute time:
    the status bar, the main window, its docks and splitters, ~1 ms each time, two or three times
    per control change; for the spectrum's table of ρ and σ in its scroll area, ~2.8 ms per change),
    in the middle of the plots' repaint. A widget of fixed size does not ask
    (QWidget::updateGeometry), so this label keeps a fixed size: as large as the largest text shown
    so far in its present font (never smaller than its text: nothing is cut); a change of font, or
    :meth:`refit` (new rows), sizes it anew."""

    def __init__(self, *args, **kwargs):
        self._shapes: set[str] = set()   # texts measured in the present font, their digits as 0
        super().__init__(*args, **kwargs)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt naming)
        super().setText(text)
        self._fit()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.refit()

    def refit(self) -> None:
        """The size of the present text alone (it may shrink)."""
        self.setMinimumSize(0, 0)
        self.setMaximumSize(16777215, 16777215)
        # a rich-text table stays as wide as the widest text it was laid out for until its text is
        # set anew (the spectrum's numbers in one column after two kept the two columns' width)
        text = self.text()
        QLabel.setText(self, "")
        QLabel.setText(self, text)
        self._fit(shrink=True)

    def _fit(self, shrink: bool = False) -> None:
        # A text of a shape measured already (the same but for its digits, which are all one width
        # in the interface's fonts) fits the size it got then: a rich-text table's size hint costs
        # ~4 ms to lay out, for the spectrum's numbers on every change of ρ.
        shape = _DIGITS.sub("0", self.text())
        if shrink:
            self._shapes = set()
        elif shape in self._shapes:
            return
        self._shapes.add(shape)
        hint = QLabel.sizeHint(self)
        width = hint.width() if shrink else max(hint.width(), self.minimumWidth())
        height = hint.height() if shrink else max(hint.height(), self.minimumHeight())
        if (width, height) != (self.minimumWidth(), self.minimumHeight()) or \
                (width, height) != (self.maximumWidth(), self.maximumHeight()):
            self.setFixedSize(width, height)
