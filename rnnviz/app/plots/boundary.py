"""The encoder–decoder boundary: a dashed vertical line between step N and step N + 1 on time axes."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QFont

BOUNDARY_COLOUR = QColor(80, 80, 80)
#: Where on the line its label sits (0 = bottom of the view, 1 = top): low, where the gradient that
#: has just crossed from the decoder is large and the curve runs high; as high at the top where the
#: labelled plot's curves pass there (a long encoder's gradient has decayed: its curve runs low,
#: and the label's background hid steps 2-15 of it at T = 30).
LABEL_POSITION = 0.08


def boundary_step(fast) -> float | None:
    """x of the boundary (N + 0.5, steps drawn at integer x), or None when the placement is another."""
    config = fast.config
    if config.loss_placement != "encoder-decoder":
        return None
    return config.encoder_length + 0.5


class EncoderBoundary:
    """One dashed line per plot of ``panel`` at :func:`boundary_step`, hidden for other placements;
    the line on ``label_plot`` says which side is which. Lines are added with ``ignoreBounds`` (they
    never set a view range) and take the panel's pens, so presentation mode thickens them."""

    def __init__(self, panel, label_position: float = LABEL_POSITION):
        self._panel = panel
        self._lines: dict = {}   # plot -> its line
        self._seq_len = 1
        self._label_position = label_position
        self._span: tuple[float, float] | None = None   # steps in view, where a plot shows only some

    def set_span(self, span: tuple[float, float] | None) -> None:
        """The x range the labelled plot shows (None: the whole sequence): the label goes on the side
        of the line that has room in view."""
        self._span = span
        self.restyle()

    def show(self, plots, fast, label_plot=None) -> None:
        x = boundary_step(fast)
        self._seq_len = fast.config.seq_len
        wanted = [plot for plot in plots if plot is not None]
        for plot in list(self._lines):
            if plot not in wanted:   # a rebuilt panel dropped the plot, and the line with it
                self._panel.forget([self._lines.pop(plot)])
        for plot in wanted:
            line = self._lines.get(plot)
            if line is None or line.scene() is not plot.scene():
                line = self._make_line(labelled=plot is label_plot)
                plot.addItem(line, ignoreBounds=True)
                self._lines[plot] = line
            if x is None:
                line.hide()
                continue
            line.setValue(x)
            line.show()
        self.restyle()

    def drop(self, plots) -> None:
        """Take the lines off ``plots`` (a panel keeps those plots aside, to show them again later)."""
        for plot in plots:
            line = self._lines.pop(plot, None)
            if line is not None:
                plot.removeItem(line)
                self._panel.forget([line])

    def restyle(self) -> None:
        """The labels' text in the panel's current font size (after presentation mode changed), where
        the labelled plot's curves leave room for it: low on the line, else high, else halfway; both
        names, else the one on the side with room. Where every place lies on a curve, the one that
        covers least of it."""
        for plot, line in self._lines.items():
            if line.label is None or not line.isVisible():
                continue
            low, high = self._span or (0.5, self._seq_len + 0.5)
            fraction = (line.value() - low) / max(1e-9, high - low)
            places = [(side, position, anchor_y) for side in self._sides(fraction)
                      for position, anchor_y in ((self._label_position, 1.0), (1.0 - self._label_position, 0.0),
                                                 (0.35, 0.5), (0.65, 0.5))]
            best = None
            for place in places:
                self._place_label(line, self._panel.style["font_pt"], *place)
                covered = curves_under(plot, line.label)
                if best is None or covered < best[0]:
                    best = (covered, place)
                if covered == 0:
                    break
            if best[1] != place:
                self._place_label(line, self._panel.style["font_pt"], *best[1])
            self._watch(plot)

    @staticmethod
    def _sides(fraction: float) -> tuple[str, ...]:
        """Which names the label can show, best first (``fraction``: where the line lies across the
        plot's width): both around the line where there is room on both sides, else the one with room."""
        if fraction < 0.2:
            return ("decoder",)
        if fraction > 0.8:
            return ("encoder",)
        return ("both", "encoder", "decoder")

    def _watch(self, plot) -> None:
        """Place the label again when the labelled plot's view is resized or its range changes (the
        label's size in data units changes with them)."""
        if getattr(plot, "_boundary_watched", False):
            return
        plot._boundary_watched = True
        plot.vb.sigResized.connect(lambda *_args: self.restyle())
        plot.vb.sigRangeChanged.connect(lambda *_args: self.restyle())

    @property
    def lines(self) -> list:
        return list(self._lines.values())

    def shown_label(self):
        """The label of the line that has one, where it is shown (None: no label in view)."""
        for line in self._lines.values():
            if line.label is not None and line.isVisible() and line.label.toPlainText():
                return line.label
        return None

    def label_height(self) -> float:
        """Pixels the shown label takes up from the edge it sits at (0: no label shown)."""
        label = self.shown_label()
        if label is None:
            return 0.0
        return float(label.textItem.boundingRect().height())

    def _make_line(self, labelled: bool) -> pg.InfiniteLine:
        options = {"position": self._label_position, "color": BOUNDARY_COLOUR, "fill": pg.mkBrush(255, 255, 255, 210)}
        line = pg.InfiniteLine(angle=90, movable=False, label="" if labelled else None, labelOpts=options)
        self._panel.pen(line, BOUNDARY_COLOUR.name(), "dash", 0.6)
        line.setZValue(5)
        if not labelled:
            line.label = None
        return line

    @staticmethod
    def _place_label(line: pg.InfiniteLine, font_pt: float, side: str, position: float, anchor_y: float) -> None:
        """The names of ``side`` ("both", "encoder": left of the line, "decoder": right of it) at
        ``position`` on the line (the text's bottom there: ``anchor_y`` 1, its middle 0.5, its top 0)."""
        translate = QCoreApplication.translate
        text, anchor_x = {"both": (translate("EncoderBoundary", "← encoder   decoder →"), 0.5),
                          "encoder": (translate("EncoderBoundary", "← encoder"), 1.0),
                          "decoder": (translate("EncoderBoundary", "decoder →"), 0.0)}[side]
        label = line.label
        if label.toPlainText() != text:
            label.setText(text)
        label.anchors = [(anchor_x, anchor_y), (anchor_x, anchor_y)]
        label.orthoPos = position
        points = max(7.0, font_pt * 0.9)
        if label.textItem.font().pointSizeF() != points:
            font = QFont()
            font.setPointSizeF(points)
            label.setFont(font)
        line.boundingRect()   # the line's ends in the view now (a new line has none yet): the label's place
        label.updatePosition()
        label.updateTransform()   # in pixels, not data units, before it was ever painted (it is measured)


#: Points each curve is sampled at across a label's width (its line between its points included).
_SAMPLES = 32


def curves_under(plot: pg.PlotItem, label) -> int:
    """How much of ``plot``'s visible curves lies under ``label`` (a text item in its view): of each
    curve's line sampled at :data:`_SAMPLES` points across the label's width (scatters: their
    points), those inside the label's rectangle. Worked out in data coordinates."""
    text = label.textItem
    scene = text.mapRectToScene(text.boundingRect())   # with its margins: its background covers them
    if scene.isEmpty() or plot.vb.width() <= 0:
        return 0
    box = plot.vb.mapSceneToView(scene).boundingRect()
    x0, x1, y0, y1 = box.left(), box.right(), box.top(), box.bottom()
    covered = 0
    for item in plot.listDataItems():
        if not item.isVisible():
            continue
        x, y = item.getData()
        if x is None or len(x) == 0:
            continue
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        keep = np.isfinite(x) & np.isfinite(y)
        x, y = x[keep], y[keep]
        if isinstance(item, pg.PlotDataItem) and item.opts.get("pen") is not None and x.size > 1:
            # a line: sampled across the label (x ascending: steps); nothing where it does not reach
            across = np.linspace(x0, x1, _SAMPLES)
            across = across[(across >= x[0]) & (across <= x[-1])]
            x, y = across, np.interp(across, x, y)
        covered += int(np.count_nonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)))
    return covered
