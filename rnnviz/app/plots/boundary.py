"""The encoder–decoder boundary: a dashed vertical line between step N and step N + 1 on time axes."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QFont

BOUNDARY_COLOUR = QColor(80, 80, 80)
#: Where on the line its label sits (0 = bottom of the view, 1 = top): low, where the gradient that
#: has just crossed from the decoder is large and the curve runs high.
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
        """The labels' text in the panel's current font size (after presentation mode changed)."""
        for line in self._lines.values():
            if line.label is not None and line.isVisible():
                low, high = self._span or (0.5, self._seq_len + 0.5)
                self._place_label(line, (line.value() - low) / max(1e-9, high - low),
                                  self._panel.style["font_pt"])

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
    def _place_label(line: pg.InfiniteLine, fraction: float, font_pt: float) -> None:
        """Both names around the line when there is room on both sides, else the one with room
        (``fraction``: where the line lies across the plot's width)."""
        translate = QCoreApplication.translate
        if fraction < 0.2:
            text, anchor = translate("EncoderBoundary", "decoder →"), (0.0, 1.0)
        elif fraction > 0.8:
            text, anchor = translate("EncoderBoundary", "← encoder"), (1.0, 1.0)
        else:
            text, anchor = translate("EncoderBoundary", "← encoder   decoder →"), (0.5, 1.0)
        line.label.setText(text)
        line.label.anchors = [anchor, anchor]
        font = QFont()
        font.setPointSizeF(max(7.0, font_pt * 0.9))
        line.label.setFont(font)
        line.label.updatePosition()
