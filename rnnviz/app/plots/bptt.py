"""Plot 4 — backprop through time: ‖∂L/∂h_t‖ per step and the itemized matrix ‖∂L_τ/∂h_t‖."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QColor, QFontMetricsF

from rnnviz.app.plots.base import PALETTE, Heatmap, PlotPanel, prepared_heatmap, safe_log10, space_value_ticks
from rnnviz.app.plots.boundary import EncoderBoundary


class BpttPanel(PlotPanel):
    name = "bptt"
    title = QT_TRANSLATE_NOOP("Names", "Backprop through time")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.norm_plot = self.add_plot(0, 0, self.tr("‖∂L/∂hₜ‖ per step"), (self.tr("step t"), None),
                                       (self.tr("log₁₀ norm"), None), hover=self._hover_norm,
                                       short_y=self.tr("log₁₀"), steady_y=True, left_axis_chars=6.2, whole_x=True,
                                       short_title=self.tr("‖∂L/∂hₜ‖ per step"))
        # short at 1280×720: at least two value labels, not pyqtgraph's "0" alone
        self.norm_plot.vb.sigResized.connect(lambda *_args: space_value_ticks(self.norm_plot, most=6))
        self.norm_plot.vb.sigYRangeChanged.connect(lambda *_args: space_value_ticks(self.norm_plot, most=6))
        self.legend = self.add_legend_row(1, 0)
        self.window = pg.LinearRegionItem(movable=False, brush=QColor(230, 159, 0, 60),
                                          pen=pg.mkPen(QColor(230, 159, 0), width=1))
        self.window.setZValue(-10)
        self.norm_plot.addItem(self.window)
        self.window.hide()
        self.norm_curve = self.pen(self.norm_plot.plot(connect="finite"), PALETTE[0])
        # A bare scatter item: a PlotDataItem around it costs ~3x as much per update.
        self.loss_markers = self.marker(pg.ScatterPlotItem(symbol="o", brush=pg.mkBrush(PALETTE[1]),
                                                           pen=None))
        self.norm_plot.addItem(self.loss_markers)
        # under the curve: with the loss on every one of 120 steps the dots, 2-3 pixels apart, hid
        # the curve they mark; below it they frame it, and stand out wherever they are sparse
        self.loss_markers.setZValue(-1)
        self.legend.addItem(self.norm_curve, self.tr("‖∂L/∂hₜ‖"))
        self.legend.addItem(self.loss_markers, self.tr("loss steps"))
        # LegendItem cannot draw a sample of a LinearRegionItem; a data-less thick line stands in.
        self.window_sample = pg.PlotDataItem(pen=pg.mkPen(QColor(230, 159, 0, 120), width=10))
        self.legend.addItem(self.window_sample, self.tr("truncation window"))
        self.item_plot = self.add_plot(2, 0, self.tr("Itemized ‖∂L<sub>τ</sub>/∂hₜ‖"),
                                       (self.tr("state step t"), None), (self.tr("loss step τ"), None), hover=self._hover_item,
                                       short_y="τ", whole_x=True, whole_y=True)
        self.item_plot.vb.sigResized.connect(self._tick_loss_rows)
        self.item_plot.getAxis("left").labels_inside = True   # the lowest loss step's label too
        # steady colour levels: levels that followed the data moved with 4 in 10 steps of ρ, and each
        # move laid the colour bar's axis out again (its labels, and its width for the SI prefix)
        self.itemized = self.register_heatmap(Heatmap(self.item_plot, "viridis", "log₁₀ ‖∂L<sub>τ</sub>/∂hₜ‖",
                                                           short_label="log₁₀", steady=True))
        # all gradients exactly 0 (all weights zero): nothing on a log scale, and the plots say why
        self.norm_note = self.empty_note(self.norm_plot, bare_axes=("left",))   # (no log norm to label)
        self.item_note = self.empty_note(self.item_plot)
        self.graphics.ci.layout.setRowStretchFactor(0, 2)
        self.graphics.ci.layout.setRowStretchFactor(2, 3)
        self.log_norms = np.zeros(0)
        self.log_itemized = np.zeros((0, 0))
        self.boundary = EncoderBoundary(self)

    def show_fast(self, fast) -> None:
        self.fast = fast
        norms = np.asarray(fast.grad_norm_per_step, dtype=np.float64)
        steps = np.arange(1, norms.size + 1, dtype=np.float64)
        self.log_norms = safe_log10(norms)
        self.norm_curve.setData(steps, self.log_norms)
        loss_steps = np.asarray(fast.loss_steps, dtype=np.int64)
        at_loss = self.log_norms[loss_steps - 1]
        # A zero norm has no place on the log axis: no marker (all weights zero: none at all, where
        # markers at NaN made pyqtgraph warn "All-NaN slice encountered" on each of its bounds).
        shown = np.isfinite(at_loss)
        self.loss_markers.setData(loss_steps[shown].astype(np.float64), at_loss[shown])
        window = self.truncation_window(fast)
        if window is None:
            self.window.hide()
            self.set_title(self.norm_plot, self.tr("‖∂L/∂hₜ‖ per step (full BPTT)"))
        else:
            self.window.setRegion(window)
            self.window.show()
            self.set_title(self.norm_plot, self.tr("‖∂L/∂hₜ‖ per step (truncated at k = {0})").format(fast.truncate))
        images = getattr(fast, "images", None)  # prepared by the explorer's worker, if it ran this
        if images is not None:
            self.log_itemized, rows = images.log_itemized, images.itemized_rows
        else:
            self.log_itemized = safe_log10(fast.itemized)
            rows = np.flatnonzero(np.isfinite(self.log_itemized).any(axis=1))
        # [τ-1, t-1]: rows = loss step τ, columns = state step t.
        self.itemized.set_data(self.log_itemized, x0=1.0, y0=1.0, prepared=prepared_heatmap(fast, "itemized"))
        self._fit_loss_rows(rows)
        zero = self.tr("All gradients are exactly 0: nothing to show on a log scale")
        self.norm_note.set_text("" if np.isfinite(self.log_norms).any() else zero)
        self.item_note.set_text("" if rows.size else zero)
        self.boundary.show([self.norm_plot, self.item_plot], fast, label_plot=self.norm_plot)

    def restyle(self, force: bool = False) -> None:
        super().restyle(force)
        self.boundary.restyle()

    def _fit_loss_rows(self, rows: np.ndarray) -> None:
        """Show the loss steps that hold data (``rows``: their row indices), not all T rows: with the
        loss on the last step only, its one row would be a line one pixel high at the top of an empty plot."""
        axis = self.item_plot.getAxis("left")
        self._loss_rows = rows
        if rows.size == 0:
            axis._value_ticks = None
            axis.setTicks(None)
            self.item_plot.enableAutoRange(axis="y")
            return
        self.item_plot.setYRange(rows[0] + 0.5, rows[-1] + 1.5, padding=0)
        self._tick_loss_rows()

    def _tick_loss_rows(self, *_args) -> None:
        """A few rows: a tick per loss step (the default ticks would fall between steps), or per
        second, third … step where the plot is too short for one each (eight decoder steps of an
        encoder-decoder in a 60-pixel plot ran into each other). Many rows: whole steps as far
        apart as their labels need (pyqtgraph's "20 40 60 80 100" overlapped in a plot 60 px high)."""
        rows = getattr(self, "_loss_rows", None)
        if rows is None or rows.size == 0:
            return
        axis = self.item_plot.getAxis("left")
        span = rows[-1] - rows[0] + 1
        if span > 8:
            space_value_ticks(self.item_plot, most=6)   # tall: pyqtgraph's finer levels
            return
        axis._value_ticks = None   # fixed ticks below: space_value_ticks sets its own again when asked
        axis.setTickSpacing()
        font = axis.style.get("tickFont")
        text_height = QFontMetricsF(font if font is not None else axis.font()).height()
        height = self.item_plot.vb.height()
        every = 1 if height <= 0 else max(1, math.ceil(span * text_height / height))
        ticks = [[(float(r + 1), str(r + 1)) for r in rows[::every]]]
        if ticks != axis._tickLevels:
            axis.setTicks(ticks)

    @staticmethod
    def truncation_window(fast) -> tuple[float, float] | None:
        """Steps reached from the last loss step τ: [τ - k, τ] (None for full BPTT)."""
        if fast.truncate is None or len(fast.loss_steps) == 0:
            return None
        last = float(np.max(fast.loss_steps))
        return max(0.0, last - fast.truncate), last

    def _hover_norm(self, x: float, y: float) -> str:
        step = int(round(x))
        if not 1 <= step <= self.log_norms.size:
            return ""
        return f"t = {step}: ‖∂L/∂hₜ‖ = {float(self.fast.grad_norm_per_step[step - 1]):.3e}"

    def _hover_item(self, x: float, y: float) -> str:
        value = self.itemized.value_at(x, y)
        if value is None:
            return ""
        return f"τ = {int(round(y))}, t = {int(round(x))}: log₁₀‖∂L_τ/∂hₜ‖ = {value:.3g}"

    def csv_tables(self):
        if self.fast is None:
            return {}
        norms = np.asarray(self.fast.grad_norm_per_step, dtype=np.float64)
        steps = np.arange(1, norms.size + 1)
        carries_loss = np.isin(steps, np.asarray(self.fast.loss_steps)).astype(np.float64)
        itemized = np.asarray(self.fast.itemized, dtype=np.float64)
        tau, t = np.nonzero(itemized)
        return {
            "bptt": (["t", "grad_norm", "carries_loss"], np.column_stack([steps, norms, carries_loss])),
            "bptt_itemized": (["tau", "t", "norm"], np.column_stack([tau + 1, t + 1, itemized[tau, t]])),
        }
