"""Plot 2 — gradient-flow map: log10 ‖∂s_{t0+k}/∂s_{t0}‖ for every anchor t0 and distance k."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel

from rnnviz.app.plots.base import Heatmap, PlotPanel
from rnnviz.app.rich_text import RichComboBox


class FlowMapPanel(PlotPanel):
    """Heatmap x = anchor t0, y = distance k; a click on a cell asks for that anchor."""

    name = "map"
    title = QT_TRANSLATE_NOOP("Names", "Gradient-flow map")
    anchor_clicked = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = self.add_plot(0, 0, self.tr("Gradient-flow map"), (self.tr("anchor t₀"), "step"),
                                  (self.tr("distance k"), "steps"), hover=self._hover_text,
                                  whole_x=True, whole_y=True)
        # Diverging map centred on log10 = 0 (norm 1): blue vanishes, red explodes.
        self.heatmap = self.register_heatmap(Heatmap(self.plot, "CET-D1", "log₁₀ ‖∏J‖", symmetric=True,
                                                      min_half_range=1.0, steady=True))
        self.anchor_line = pg.InfiniteLine(angle=90, movable=False)
        self.pen(self.anchor_line, "#000000", "dash", 0.6)
        self.plot.addItem(self.anchor_line)
        self.quantity = RichComboBox()
        self.quantity.setObjectName("map_quantity")
        self.quantity.add_rich_item(self.tr("spectral norm ‖·‖₂"), self.tr("spectral norm ‖·‖<sub>2</sub>"),
                                    "log10_spectral")
        self.quantity.add_rich_item(self.tr("Frobenius norm"), self.tr("Frobenius norm ‖·‖<sub>F</sub>"),
                                    "log10_frobenius")
        self.quantity.setToolTip(self.tr("Which matrix norm of the Jacobian product the map shows"))
        self.quantity.currentIndexChanged.connect(lambda _index: self._redraw())
        row = QHBoxLayout()
        row.addWidget(self.chrome(QLabel(self.tr("Norm:"))))
        row.addWidget(self.chrome(self.quantity))
        row.addStretch(1)
        self.layout().insertLayout(0, row)
        self.map_result = None
        self._fitted_distances = 0   # the largest k the view was last fitted to
        self.graphics.setToolTip(self.tr("Click a cell: its anchor becomes t₀.") + " " + self.graphics.toolTip())
        self.graphics.scene().sigMouseClicked.connect(self._on_click)

    def show_fast(self, fast) -> None:
        self.fast = fast
        self.map_result = None
        self._fitted_distances = self.computed_distances()   # fit_ranges below fits the view to these
        self.heatmap.clear(awaiting=True)
        self.anchor_line.setValue(fast.config.anchor)
        seq_len = fast.config.seq_len
        self.plot.setLimits(xMin=-1, xMax=seq_len + 1, yMin=0, yMax=seq_len + 1)
        self.fit_ranges()  # a user's zoom or pan is kept until Fit (Ctrl+0)
        self.plot.short_title = None
        self.set_title(self.plot, self.tr("Gradient-flow map (computing …)"))

    def computed_steps(self) -> tuple[int, int]:
        """(first, count): the steps the map covers, all T unless the budgets for the Jacobians cut
        them (:attr:`FastResult.jacobian_steps`)."""
        seq_len = self.fast.config.seq_len
        steps = getattr(self.fast, "jacobian_steps", None)
        first, count = steps if steps is not None and steps[1] > 0 else (0, seq_len)
        return first, min(count, seq_len - first)

    def computed_distances(self) -> int:
        """The largest distance k the map holds: every one of its steps, unless the memory budget
        limited the map to k ≤ ``MapResult.max_k`` (:func:`rnnviz.core.budget.admit`)."""
        _first, count = self.computed_steps()
        max_k = getattr(self.map_result, "max_k", 0)
        return min(count, max_k) if max_k else count

    def fit_ranges(self) -> None:
        """Every anchor t₀ = 0…T−1 and distance k = 1…T (the map's whole triangle), or the steps and
        distances it covers where a budget cut them (else they took a corner or a strip of the view:
        k ≤ 10 of T = 2000 was a line along the bottom)."""
        if self.fast is None:
            return
        first, count = self.computed_steps()
        self.set_view_range(self.plot, x_range=(first - 0.5, first + count - 0.5),
                            y_range=(0.5, self.computed_distances() + 0.5), padding=0.02)

    def _budget_note(self) -> str:
        """" (steps 0–17 of 100: time budget)" where the map covers only some steps, " (k ≤ 10:
        memory budget)" where it covers only some distances, else ""."""
        first, count = self.computed_steps()
        seq_len = self.fast.config.seq_len
        if count < seq_len:
            return self.tr(" (steps {0}–{1} of {2}: time budget)").format(first, first + count - 1, seq_len)
        if self.computed_distances() < count:
            return self.tr(" (k ≤ {0}: memory budget)").format(self.computed_distances())
        return ""

    def show_map(self, map_result) -> None:
        self.map_result = map_result
        self._redraw()

    def _redraw(self) -> None:
        if self.map_result is None:
            return
        quantity = self.quantity.currentData()
        values = getattr(self.map_result, quantity)
        if values is None:  # left out: it would not fit the memory budget (see compute.SkippedMap)
            self.heatmap.clear()
            self.set_title(self.plot, self.tr("Gradient-flow map (not computed: over the memory budget)"))
            return
        # Stored [t0, k-1]; drawn with rows = k-1 (y = k) and columns = t0 (x = t0). The explorer's
        # worker prepares the drawn image (block means, levels) beside each snapshot.
        prepared = getattr(self.map_result, "images", {}).get(quantity)
        self.heatmap.set_data(np.asarray(values).T, x0=0.0, y0=1.0, prepared=prepared,
                              partial=not self.map_result.complete)
        distances = self.computed_distances()
        if distances != self._fitted_distances:   # the first snapshot of a map the memory budget cut
            self._fitted_distances = distances
            self.fit_ranges()
        state = self._budget_note() if self.map_result.complete else f" ({self.map_result.fraction:.0%})"
        first, count = self.computed_steps()
        if not (state and self.map_result.complete):
            self.plot.short_title = None
        elif distances < count:
            self.plot.short_title = self.tr("Map, k ≤ {0} (memory budget)").format(distances)
        else:
            self.plot.short_title = self.tr("Map, steps {0}–{1} (time budget)").format(first, first + count - 1)
        self.set_title(self.plot, self.tr("Gradient-flow map{0}").format(state))

    def _hover_text(self, x: float, y: float) -> str:
        value = self.heatmap.value_at(x, y)
        if value is None:
            return ""
        t0, k = int(round(x)), int(round(y))
        return f"t₀ = {t0}, k = {k}: log₁₀‖∂s({t0 + k})/∂s({t0})‖ = {value:.3g}"

    def _on_click(self, event) -> None:
        if self.fast is None or event.button() != Qt.MouseButton.LeftButton:
            return
        position = event.scenePos()
        if not self.plot.vb.sceneBoundingRect().contains(position):
            return
        point = self.plot.vb.mapSceneToView(position)
        anchor = int(round(point.x()))
        if 0 <= anchor <= self.fast.config.seq_len - 1:
            self.anchor_clicked.emit(anchor)

    def csv_tables(self):
        if self.map_result is None or self.map_result.log10_spectral is None:
            return {}
        spectral = np.asarray(self.map_result.log10_spectral, dtype=np.float64)
        frobenius = np.asarray(self.map_result.log10_frobenius, dtype=np.float64)
        t0, k_index = np.nonzero(np.isfinite(spectral) | np.isfinite(frobenius))
        rows = np.column_stack([t0, k_index + 1, spectral[t0, k_index], frobenius[t0, k_index]])
        return {"map": (["t0", "k", "log10_spectral", "log10_frobenius"], rows)}
